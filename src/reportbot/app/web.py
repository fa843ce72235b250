"""The web chat over a ReportBot: streamed answers with [n] footnotes and their sources under
each answer, the library panel, and the REST API served beside it on one port."""

from __future__ import annotations

import asyncio
import html
import os
import sys
import threading
import time

import gradio as gr

from ..bot import InputError, ReportBot, check_question
from ..config import parse_auth, parse_port
from ..models import Answer
from .assets import CITE_LINKS_JS, PAGE_CSS
from .library import Library
from .messages import user_message
from .panel import library_panel
from .sources import PAGE_CACHE, footnotes, sources_html, sources_markdown
from .warm import announce, withdraw

FAILED_LOGIN_DELAY_S = 1.0  # each wrong password waits this long: guessing gets slow
INGEST_WAIT_S = 3600  # a question asked while serve's first ingest runs waits at most this

EXAMPLES = [
    "哪些公司接入了文心一言？",
    "谷歌PaLM模型的参数量是多少？",
    "报告提示了哪些风险？",
    "芒果超媒2023年的预测PE是多少？",
]

INTRO = "### reportbot · 研报问答\n{scope}每个回答都标注来源 [n]：章节、表格行或页码；报告中没有的内容会直接说明。"
ALL_REPORTS = "全部报告"
CLOSEST_PASSAGES = 3  # shown under a refusal, so the user can see what the report does say


def intro(reports: dict[str, str]) -> str:
    if len(reports) == 1:
        return INTRO.format(scope=f"就《{next(iter(reports.values()))}》提问。")
    if reports:
        return INTRO.format(scope=f"就语料库中的 {len(reports)} 篇报告提问（可在下方选择报告）。")
    return INTRO.format(scope="")


class IngestStatus:
    """An ingest running beside the server (serve on a corpus not yet indexed): its progress
    for the page, and whether questions can be answered yet."""

    def __init__(self):
        self.progress = None
        self.error = ""
        self.summary = ""
        self.finished = threading.Event()

    @property
    def done(self) -> bool:
        return self.finished.is_set()

    def wait(self) -> None:
        """Until the ingest is over: a question asked meanwhile is answered after it."""
        self.finished.wait(INGEST_WAIT_S)

    def __call__(self, progress) -> None:
        self.progress = progress

    def run(self, bot: ReportBot, also=None) -> None:
        def both(p):
            self(p)
            if also:
                also(p)

        try:
            self.summary = bot.ingest(progress=both).summary()
            print(self.summary, file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - shown on the page, the server stays up
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.finished.set()

    def markdown(self) -> str:
        if self.error:
            return f"**建立索引失败**：{html.escape(self.error)}"
        if self.done:
            return ""
        p = self.progress
        if p is None:
            return "正在建立索引…"
        if p.stage == "view":
            return f"正在建立索引：{p.files} 个文件已读完，正在准备检索…"
        return (f"正在建立索引：{p.files_done}/{p.files} 个文件，{p.chunks} 个片段"
                + (f"（{html.escape(p.source)}）" if p.source else "") + "。完成后即可提问。")


def slow_auth(user: str, password: str):
    """Gradio's login check. A wrong password waits FAILED_LOGIN_DELAY_S before it is
    refused, so guessing is slow — awaited, never slept: Gradio runs the check on its event
    loop, and a blocking sleep there stalls every user (a flood of wrong logins would take the
    server down)."""
    import hmac

    async def check(u: str, p: str) -> bool:
        ok = hmac.compare_digest(str(u).encode(), user.encode()) & \
            hmac.compare_digest(str(p).encode(), password.encode())
        if not ok:
            await asyncio.sleep(FAILED_LOGIN_DELAY_S)
        return ok

    return check


def _reports(bot: ReportBot) -> dict[str, str]:
    try:
        return bot.reports()
    except RuntimeError:  # no index yet: an ingest is building it
        return {}


def _choices(reports: dict[str, str]) -> list[tuple[str, str]]:
    return [(f"{title}（{source}）" if title != source else source, source)
            for source, title in reports.items()]


def _closest(bot: ReportBot, question: str, picked) -> list:
    try:
        return bot.retrieve(question, k=CLOSEST_PASSAGES, sources=picked or None)
    except Exception:  # noqa: BLE001 - the passages only help; the answer stands without them
        return []


def build_app(bot: ReportBot, status: IngestStatus | None = None,
              library: Library | None = None) -> gr.Blocks:
    def respond(message: str, history: list, picked: list | None = None):
        history = list(history or [])
        try:
            question = check_question(message)
        except InputError as exc:
            gr.Warning(str(exc))
            yield history, message, gr.update()
            return
        known = _reports(bot)
        gone = [p for p in picked or [] if p not in known]
        if gone:  # removed since the page was loaded: answer from the others and say so
            gr.Info(f"已不在报告库中，已忽略：{'、'.join(gone)}")
            picked = [p for p in picked if p in known]
        prior = list(history)
        history = history + [{"role": "user", "content": question},
                             {"role": "assistant", "content": "…"}]
        if status is not None and not status.done:
            history[-1] = {"role": "assistant", "content": "（正在建立索引，完成后回答…）"}
            yield history, "", gr.update()
            status.wait()
        yield history, "", gr.update()
        answer = None
        try:
            for part in bot.stream(question, prior, sources=picked or None):
                if isinstance(part, Answer):
                    answer = part
                else:
                    history[-1] = {"role": "assistant", "content": part}
                    yield history, "", gr.update()
        except Exception as exc:  # e.g. the chat model is unreachable: say so, keep the question
            gr.Warning(user_message(exc))
            yield prior, question, gr.update()
            return
        turn = sum(1 for m in history if m.get("role") == "user")
        history[-1] = {"role": "assistant", "content": answer.text + footnotes(answer)}
        closest = [] if answer.citations else _closest(bot, question, picked)
        if answer.citations or closest:
            title = (f"来源 {len(answer.citations)} 条 / Sources" if answer.citations
                     else "最接近的段落 / Closest passages")
            history.append({"role": "assistant", "content": sources_html(bot, answer, turn, closest),
                            "metadata": {"title": title}})
        yield history, "", sources_markdown(answer)

    def ask(question: str, history: list | None = None, sources: list | None = None) -> dict:
        """Answer a question about the reports. `history` is the chat so far as
        [[question, answer], ...] or [{"role", "content"}, ...]; `sources` the reports to
        answer from (file names or titles; default all). Returns the Answer as a dict:
        text, found, question, citations [{n, source, section, page, quote, kind, table, row,
        row_no, title, location}]."""
        if status is not None:
            status.wait()  # the first ingest of `serve`: answered once it is done
        try:
            return bot.ask(question, history or None, sources=sources or None).to_dict()
        except (InputError, ValueError) as exc:
            raise gr.Error(str(exc)) from exc
        except RuntimeError as exc:
            raise gr.Error(user_message(exc)) from exc

    reports = _reports(bot)
    with gr.Blocks(title="reportbot · 研报问答") as app:
        header = gr.Markdown(intro(reports), elem_id="header")
        progress = gr.Markdown(status.markdown() if status else "", elem_id="ingest-status",
                               visible=status is not None)
        # a value no longer among the choices (a report deleted since it was picked) reaches
        # respond(), which drops it with a note, instead of Gradio refusing the question
        picker = gr.Dropdown(_choices(reports), value=[], multiselect=True, label="报告 / Reports",
                             info=f"不选即{ALL_REPORTS}", elem_id="reports",
                             visible=len(reports) > 1, allow_custom_value=True)
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
        if library is not None:
            panel = library_panel(bot, library)

        outputs = [chatbot, box, sources]
        box.submit(respond, [box, chatbot, picker], outputs, api_visibility="private")
        send.click(respond, [box, chatbot, picker], outputs, api_visibility="private")
        if status is not None:
            timer = gr.Timer(1.0)

            def tick():
                if not status.done:
                    return gr.update(value=status.markdown()), gr.update(), gr.update(), gr.update()
                found = _reports(bot)
                return (gr.update(value=status.markdown(), visible=bool(status.error)),
                        gr.update(value=intro(found)),
                        gr.update(choices=_choices(found), visible=len(found) > 1),
                        gr.Timer(active=False))

            timer.tick(tick, None, [progress, header, picker, timer], api_visibility="private")
        if library is not None:
            panel.keep_current(header, picker, lambda found: (intro(found), _choices(found)))
        clear.click(lambda: ([], "", sources_markdown(None)), None, outputs,
                    api_visibility="private")
        gr.api(ask, api_name="ask")
    return app


class Server:
    """A running server (uvicorn in a thread): the page at /, the REST API beside it."""

    def __init__(self, server, thread: threading.Thread, url: str, library: Library):
        self.server, self.thread, self.url, self.library = server, thread, url, library

    def close(self) -> None:
        withdraw(self.library.bot.settings.index_dir)
        self.server.should_exit = True
        self.thread.join(timeout=30)


def api_keys_from_env() -> tuple[str, ...]:
    return tuple(k.strip() for k in (os.environ.get("REPORTBOT_API_KEYS") or "").split(",") if k.strip())


def serve(bot: ReportBot, host: str | None = None, port: int | None = None,
          auth: tuple[str, str] | None = None, block: bool = True,
          status: IngestStatus | None = None, api_keys: tuple[str, ...] | None = None,
          watch: bool = False) -> Server:
    """Serve the web chat, its library panel and the REST API on one port. ``api_keys``
    (default: REPORTBOT_API_KEYS) guard the API; with a login and no keys it is closed."""
    import uvicorn

    from .rest import build_api

    host = host or os.environ.get("REPORTBOT_HOST") or "127.0.0.1"
    port = port or parse_port(os.environ.get("REPORTBOT_PORT") or 7860)
    if auth is None and os.environ.get("REPORTBOT_AUTH"):  # empty means no login
        auth = parse_auth(os.environ["REPORTBOT_AUTH"])
    keys = api_keys_from_env() if api_keys is None else tuple(api_keys)
    library = Library(bot, watch=watch)
    blocks = build_app(bot, status, library)
    # a queue with no size limit: concurrent users wait their turn, none is turned away
    blocks.queue(default_concurrency_limit=2, max_size=None)
    app = build_api(bot, library, keys, page_login=auth is not None)
    PAGE_CACHE.mkdir(parents=True, exist_ok=True)
    app = gr.mount_gradio_app(app, blocks, path="/", auth=slow_auth(*auth) if auth else None,
                              show_error=True, footer_links=["api"], ssr_mode=False,
                              allowed_paths=[str(PAGE_CACHE)], head=CITE_LINKS_JS, css=PAGE_CSS,
                              max_file_size=f"{bot.settings.max_file_mb:g}mb")
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True, name="web")
    thread.start()
    while not server.started:
        if not thread.is_alive():  # uvicorn logged why (the port is taken, mostly)
            raise OSError(f"the server could not listen on {host}:{port}")
        time.sleep(0.05)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(f"reportbot: the web chat is at {url} (REST API: {url}v1 and {url}api, docs: {url}docs)",
          file=sys.stderr)
    announce(bot.settings.index_dir, url)  # `reportbot ask` on this index asks this server
    running = Server(server, thread, url, library)
    if block:
        try:
            while thread.is_alive():
                thread.join(0.5)
        except KeyboardInterrupt:
            running.close()
    return running
