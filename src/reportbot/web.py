"""Gradio web chat over a ReportBot: streamed answers, [n] footnotes, a sources panel."""

from __future__ import annotations

import html
import os
import time

import gradio as gr

from .bot import InputError, ReportBot, check_question
from .config import ConfigError
from .models import Answer

FAILED_LOGIN_DELAY_S = 1.0  # each wrong password waits this long: guessing gets slow

EXAMPLES = [
    "哪些公司接入了文心一言？",
    "谷歌PaLM模型的参数量是多少？",
    "报告提示了哪些风险？",
    "芒果超媒2023年的预测PE是多少？",
]

INTRO = (
    "### reportbot · 研报问答\n"
    "就《积极拥抱AIGC技术变革，关注应用落地》（南京证券，AIGC 行业报告）提问。"
    "每个回答都标注来源 [n]：章节、表格行或页码；报告中没有的内容会直接说明。"
)


def footnotes(answer: Answer) -> str:
    if not answer.citations:
        return ""
    return "\n\n" + "\n".join(f"<sup>[{c.n}]</sup> {html.escape(c.location)}  " for c in answer.citations)


def sources_markdown(answer: Answer | None) -> str:
    if answer is None:
        return "*提问后，这里显示回答引用的原文。*"
    if not answer.citations:
        return "*这个回答没有引用报告原文：报告中没有找到相关内容。*"
    parts = []
    for c in answer.citations:
        quote = "\n".join(f"> {html.escape(line)}" for line in c.quote.split("\n"))
        parts.append(f"**[{c.n}] {html.escape(c.location)}**\n\n{quote}")
    return "\n\n".join(parts)


def parse_auth(value: str) -> tuple[str, str]:
    """USER:PASSWORD, both non-empty, or a clear error at start (not a server nobody can use)."""
    user, sep, password = (value or "").partition(":")
    if not sep or not user or not password:
        raise ConfigError("--auth / REPORTBOT_AUTH takes USER:PASSWORD, both non-empty")
    return user, password


def _slow_auth(user: str, password: str):
    import hmac

    def check(u: str, p: str) -> bool:
        ok = hmac.compare_digest(u.encode(), user.encode()) & hmac.compare_digest(p.encode(), password.encode())
        if not ok:
            time.sleep(FAILED_LOGIN_DELAY_S)
        return ok

    return check


def build_app(bot: ReportBot) -> gr.Blocks:
    def respond(message: str, history: list):
        history = list(history or [])
        try:
            question = check_question(message)
        except InputError as exc:
            gr.Warning(str(exc))
            yield history, message, gr.update()
            return
        prior = list(history)
        history = history + [{"role": "user", "content": question},
                             {"role": "assistant", "content": "…"}]
        yield history, "", gr.update()
        answer = None
        try:
            for part in bot.stream(question, prior):
                if isinstance(part, Answer):
                    answer = part
                else:
                    history[-1] = {"role": "assistant", "content": part}
                    yield history, "", gr.update()
        except Exception as exc:  # e.g. the chat model is unreachable: say so, keep the question
            gr.Warning(f"出错了，请稍后再试：{type(exc).__name__}: {exc}")
            yield prior, question, gr.update()
            return
        history[-1] = {"role": "assistant", "content": answer.text + footnotes(answer)}
        yield history, "", sources_markdown(answer)

    def ask(question: str, history: list | None = None) -> dict:
        """Answer a question about the report. `history` is the chat so far as
        [[question, answer], ...] or [{"role", "content"}, ...]. Returns the Answer as a dict:
        text, found, question, citations [{n, source, section, page, quote, kind, table, row,
        row_no, location}]."""
        try:
            return bot.ask(question, history or None).to_dict()
        except (InputError, ValueError) as exc:
            raise gr.Error(str(exc)) from exc

    with gr.Blocks(title="reportbot · 研报问答") as app:
        gr.Markdown(INTRO)
        chatbot = gr.Chatbot(
            label="对话", height=460, elem_id="chat",
            placeholder="试试下面的示例问题，或输入你自己的问题。",
        )
        with gr.Row():
            box = gr.Textbox(
                placeholder="输入问题，例如：哪些公司接入了文心一言？", show_label=False,
                scale=8, elem_id="question", max_lines=4,
            )
            send = gr.Button("提问", variant="primary", scale=1, elem_id="send")
        gr.Examples(EXAMPLES, inputs=box, label="示例问题")
        with gr.Accordion("来源原文 / Sources", open=False, elem_id="sources-panel"):
            sources = gr.Markdown(sources_markdown(None), elem_id="sources")
        clear = gr.Button("清空对话", size="sm")

        outputs = [chatbot, box, sources]
        box.submit(respond, [box, chatbot], outputs, api_visibility="private")
        send.click(respond, [box, chatbot], outputs, api_visibility="private")
        clear.click(lambda: ([], "", sources_markdown(None)), None, outputs,
                    api_visibility="private")
        gr.api(ask, api_name="ask")
    return app


def serve(bot: ReportBot, host: str | None = None, port: int | None = None,
          auth: tuple[str, str] | None = None, block: bool = True):
    host = host or os.environ.get("REPORTBOT_HOST") or "127.0.0.1"
    port = port or int(os.environ.get("REPORTBOT_PORT") or 7860)
    if auth is None and os.environ.get("REPORTBOT_AUTH"):  # empty means no login
        auth = parse_auth(os.environ["REPORTBOT_AUTH"])
    app = build_app(bot)
    # a queue with no size limit: concurrent users wait their turn, none is turned away
    app.queue(default_concurrency_limit=2, max_size=None)
    app.launch(server_name=host, server_port=port, auth=_slow_auth(*auth) if auth else None,
               prevent_thread_lock=not block,
               show_error=True, footer_links=["api"], ssr_mode=False)
    return app
