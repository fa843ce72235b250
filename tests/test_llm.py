"""The OpenAI-compatible chat model path, against a local stand-in server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reportbot import ReportBot, Settings


class FakeOpenAI(BaseHTTPRequestHandler):
    requests: list = []
    reply = ""

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append(body)
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i in range(0, len(FakeOpenAI.reply), 4):
                chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0,
                         "model": body["model"],
                         "choices": [{"index": 0, "finish_reason": None,
                                      "delta": {"content": FakeOpenAI.reply[i:i + 4]}}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True
            return
        payload = {
            "id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": FakeOpenAI.reply}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def llm_bot(bot):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = Settings(corpus_dir=bot.settings.corpus_dir, index_dir=bot.settings.index_dir,
                        llm_base_url=f"http://127.0.0.1:{server.server_port}/v1",
                        llm_api_key="test", llm_model="stand-in-model")
    yield ReportBot(settings)
    server.shutdown()


def test_chat_model_gets_numbered_sources_and_its_citations_are_kept(llm_bot):
    FakeOpenAI.requests.clear()
    FakeOpenAI.reply = "巨人网络接入了文心一言 [1]。"
    answer = llm_bot.ask("哪些公司接入了文心一言？")
    sent = FakeOpenAI.requests[-1]
    assert sent["model"] == "stand-in-model"
    prompt = sent["messages"][-1]["content"]
    assert "[1]" in prompt and "文心一言" in prompt and "巨人网络" in prompt
    assert answer.found and answer.text == FakeOpenAI.reply
    assert len(answer.citations) == 1 and answer.citations[0].n == 1


def test_chat_model_saying_not_found(llm_bot):
    FakeOpenAI.reply = "NOT_FOUND"
    answer = llm_bot.ask("字节跳动大模型的参数量是多少？")
    assert not answer.found and answer.citations == [] and "没有" in answer.text


def test_chat_model_answer_streams(llm_bot):
    FakeOpenAI.reply = "PaLM的参数量是5400亿 [1]，属于谷歌 [2]。"
    parts = list(llm_bot.stream("谷歌PaLM模型的参数量是多少？"))
    texts, final = parts[:-1], parts[-1]
    assert len(texts) > 2 and texts[-1] == FakeOpenAI.reply
    assert final.found and [c.n for c in final.citations] == [1, 2]
