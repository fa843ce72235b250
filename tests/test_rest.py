"""The REST API on the web chat's server, driven by the official openai client and by plain
HTTP: a real server (uvicorn, Gradio beside it) over a real index of its own corpus copy."""

import shutil
import time

import pytest
import requests
from conftest import REPORT, free_port

KEY = "test-key-1"
QUESTION = "芒果超媒2023年的预测PE是多少？"
NEW_FACT = "星河证券在2023年5月发布了名为“银河灯塔”的投研大模型。"
NEW_QUESTION = "星河证券发布的投研大模型叫什么？"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from reportbot import ReportBot, Settings
    from reportbot.app.web import serve

    corpus = tmp_path_factory.mktemp("rest-corpus")
    shutil.copy(REPORT, corpus / REPORT.name)
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("rest-index"),
                             llm_model=None, max_file_mb=1))
    bot.ingest()
    server = serve(bot, host="127.0.0.1", port=free_port(), block=False, api_keys=(KEY,))
    yield server, corpus
    server.close()


@pytest.fixture(scope="module")
def url(served):
    return served[0].url


def _auth() -> dict:
    return {"Authorization": f"Bearer {KEY}"}


def _client(url, key=KEY):
    from openai import OpenAI

    return OpenAI(base_url=url + "v1", api_key=key, max_retries=0)


def test_openai_client_gets_an_answer_with_citations(url):
    done = _client(url).chat.completions.create(
        model="reportbot", messages=[{"role": "user", "content": QUESTION}])
    content = done.choices[0].message.content
    extension = done.model_extra["reportbot"]
    assert extension["found"] is True and "31.02" in content.split("\n")[0]
    cite = extension["citations"][0]
    assert cite["kind"] == "row" and "芒果超媒" in cite["row"] and "31.02" in cite["quote"]
    assert {"source", "title", "section", "page", "table", "row", "quote"} <= set(cite)
    assert f"[^{cite['n']}]: {cite['location']}" in content  # Markdown footnotes under the text


def test_openai_client_streams_the_same_answer_and_its_citations(url):
    client = _client(url)
    whole = client.chat.completions.create(model="reportbot",
                                           messages=[{"role": "user", "content": QUESTION}])
    text, extension, finished = "", None, None
    for chunk in client.chat.completions.create(
            model="reportbot", messages=[{"role": "user", "content": QUESTION}], stream=True):
        delta = chunk.choices[0].delta
        text += delta.content or ""
        finished = chunk.choices[0].finish_reason or finished
        extension = (chunk.model_extra or {}).get("reportbot") or extension
    assert text == whole.choices[0].message.content and finished == "stop"
    assert extension == whole.model_extra["reportbot"]


def test_chat_history_in_messages_makes_a_follow_up(url):
    client = _client(url)
    first = client.chat.completions.create(model="reportbot",
                                           messages=[{"role": "user", "content": QUESTION}])
    follow = client.chat.completions.create(model="reportbot", messages=[
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": [{"type": "text", "text": "2022年呢？"}]},
    ])
    assert "40.31" in follow.choices[0].message.content
    assert client.models.list().data[0].id == "reportbot"


def test_wrong_or_missing_key_is_refused_with_401(url):
    from openai import AuthenticationError

    with pytest.raises(AuthenticationError) as caught:
        _client(url, key="wrong").chat.completions.create(
            model="reportbot", messages=[{"role": "user", "content": QUESTION}])
    assert "--api-key" in str(caught.value)
    for method, path in (("get", "v1/models"), ("post", "api/ask"), ("get", "api/reports"),
                         ("get", "api/tables"), ("delete", f"api/reports/{REPORT.name}")):
        r = getattr(requests, method)(url + path, json={"question": QUESTION}, timeout=30)
        assert r.status_code == 401 and "Bearer" in r.json()["error"]["message"], (path, r.text)
    assert requests.get(url + "api/reports", headers=_auth(), timeout=30).status_code == 200


def test_docs_list_every_route_and_need_no_cdn(url):
    page = requests.get(url + "docs", timeout=30)
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text and "cdn" not in page.text
    script = page.text.split("swagger-ui-bundle.js")[0].rsplit("'", 1)[-1].rsplit('"', 1)[-1]
    assert requests.get(url.rstrip("/") + script + "swagger-ui-bundle.js", timeout=30).status_code == 200
    paths = requests.get(url + "openapi.json", timeout=30).json()["paths"]
    documented = {(p, m.upper()) for p, ops in paths.items() for m in ops}
    assert documented == {
        ("/v1/models", "GET"), ("/v1/chat/completions", "POST"), ("/api/ask", "POST"),
        ("/api/reports", "GET"), ("/api/reports", "POST"), ("/api/reports/{source}", "DELETE"),
        ("/api/reports/{source}/reindex", "POST"), ("/api/tables", "GET"), ("/api/page", "GET"),
    }


def test_plain_json_routes(url):
    r = requests.post(url + "api/ask", json={"question": QUESTION}, headers=_auth(), timeout=60)
    assert r.status_code == 200 and r.json()["found"] and r.json()["citations"][0]["kind"] == "row"
    r = requests.post(url + "api/ask", json={"question": "  "}, headers=_auth(), timeout=60)
    assert r.status_code == 400 and "empty" in r.json()["error"]["message"]
    r = requests.post(url + "api/ask", json={"q": QUESTION}, headers=_auth(), timeout=60)
    assert r.status_code == 400 and "question" in r.json()["error"]["message"]
    reports = requests.get(url + "api/reports", headers=_auth(), timeout=30).json()
    assert [(r["source"], r["state"]) for r in reports] == [(REPORT.name, "indexed")]
    assert reports[0]["chunks"] > 0 and reports[0]["tables"] > 0 and reports[0]["broker"] == "南京证券"
    tables = requests.get(url + "api/tables", params={"source": REPORT.name}, headers=_auth(), timeout=30).json()
    assert len(tables) == reports[0]["tables"]
    assert all(len(row) == len(t["columns"]) for t in tables for row in t["rows"])
    r = requests.get(url + "api/page", params={"source": REPORT.name, "page": 1}, headers=_auth(), timeout=30)
    assert r.status_code == 404 and "not a readable PDF" in r.json()["error"]["message"]


def _state(url, source):
    return {r["source"]: r for r in requests.get(url + "api/reports", headers=_auth(), timeout=30).json()}.get(source)


def _until(check, timeout=300):
    deadline = time.monotonic() + timeout
    while not (got := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.5)
    return got


def test_upload_answer_delete_over_http(url, served):
    corpus = served[1]
    bad = requests.post(url + "api/reports", headers=_auth(), timeout=30,
                        files=[("files", ("tool.exe", b"MZ\x90\x00", "application/octet-stream"))])
    assert bad.status_code == 400 and ".exe" in bad.json()["error"]["message"]
    big = requests.post(url + "api/reports", headers=_auth(), timeout=30,
                        files=[("files", ("big.txt", "研报".encode() * 400_000, "text/plain"))])
    assert big.status_code == 400 and "1 MB" in big.json()["error"]["message"]
    assert not (corpus / "big.txt").exists()
    fake = requests.post(url + "api/reports", headers=_auth(), timeout=30,
                         files=[("files", ("fake.pdf", b"hello", "application/pdf"))])
    assert fake.status_code == 400 and "PDF" in fake.json()["error"]["message"]
    up = requests.post(url + "api/reports", headers=_auth(), timeout=30,
                       files=[("files", ("../../快讯 news.txt", f"# 快讯\n\n{NEW_FACT}\n".encode(), "text/plain"))])
    assert up.status_code == 202 and up.json()["accepted"] == ["快讯 news.txt"]
    assert (corpus / "快讯 news.txt").is_file()  # the path in the name is not followed
    again = requests.post(url + "api/reports", headers=_auth(), timeout=30,
                          files=[("files", ("快讯 news.txt", b"# other\n\ntext\n", "text/plain"))])
    assert again.status_code == 400 and "exists" in again.json()["error"]["message"]
    _until(lambda: (_state(url, "快讯 news.txt") or {}).get("state") == "indexed")
    answer = requests.post(url + "api/ask", json={"question": NEW_QUESTION}, headers=_auth(), timeout=60).json()
    assert answer["found"] and "银河灯塔" in answer["text"]
    assert answer["citations"][0]["source"] == "快讯 news.txt"

    gone = requests.delete(url + "api/reports/快讯 news.txt", headers=_auth(), timeout=30)
    assert gone.status_code == 202
    _until(lambda: _state(url, "快讯 news.txt") is None)
    assert not requests.post(url + "api/ask", json={"question": NEW_QUESTION}, headers=_auth(),
                             timeout=60).json()["found"]
    assert list((corpus / ".deleted").glob("*快讯 news.txt"))  # kept aside, not destroyed
    missing = requests.delete(url + "api/reports/nothing.pdf", headers=_auth(), timeout=30)
    assert missing.status_code == 404 and "nothing.pdf" in missing.json()["error"]["message"]


def test_with_a_page_login_and_no_keys_the_api_is_closed(bot):
    from reportbot.app.web import serve

    server = serve(bot, host="127.0.0.1", port=free_port(), auth=("analyst", "s3cret"), block=False,
                   api_keys=())
    try:
        r = requests.post(server.url + "v1/chat/completions", timeout=30,
                          json={"model": "reportbot", "messages": [{"role": "user", "content": QUESTION}]})
        assert r.status_code == 401 and "--api-key" in r.json()["error"]["message"]
    finally:
        server.close()
