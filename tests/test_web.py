"""The web chat: a real Gradio server on 127.0.0.1, driven by gradio_client and by a real
headless Chromium (Debian's /usr/bin/chromium through Playwright)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import free_port

QUESTION = "哪些公司接入了文心一言？"


@pytest.fixture(scope="module")
def server(bot):
    from reportbot.app.web import serve

    port = free_port()
    app = serve(bot, host="127.0.0.1", port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def test_named_api_endpoint_returns_the_answer_object(client):
    data = client.predict(QUESTION, None, api_name="/ask")
    assert data["found"] is True and "巨人网络" in data["text"]
    cite = data["citations"][0]
    assert cite["n"] == 1 and cite["kind"] == "row" and "文心一言" in cite["quote"]


def test_api_follow_up_with_history(client):
    first = client.predict("芒果超媒2023年的预测PE是多少？", None, api_name="/ask")
    follow = client.predict("2022年呢？", [["芒果超媒2023年的预测PE是多少？", first["text"]]],
                            api_name="/ask")
    assert follow["found"] and "40.31" in follow["text"]


def test_api_rejects_bad_input_with_a_message(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="empty"):
        client.predict("   ", None, api_name="/ask")
    with pytest.raises(AppError, match="1000"):
        client.predict("问" * 1200, None, api_name="/ask")


def test_concurrent_users_are_all_answered(client):
    questions = [QUESTION, "报告提示了哪些风险？", "DeepMusic是哪一年成立的？",
                 "谷歌PaLM模型的参数量是多少？", "扩散模型是哪一年提出的？", "华为在哪一天发布了盘古大模型？"]
    jobs = [client.submit(q, None, api_name="/ask") for q in questions]
    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(lambda j: j.result(timeout=300), jobs))
    assert [r["question"] for r in results] == questions
    assert all(r["found"] for r in results)


def test_browser_user_asks_and_sees_the_cited_row(browser, server, bot, tmp_path):
    expected = bot.ask(QUESTION).citations[0]
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(server)
    # the start screen offers the example question
    page.get_by_text(QUESTION).first.wait_for(timeout=30000)
    box = page.locator("#question textarea")
    box.fill(QUESTION)
    box.press("Enter")
    chat = page.locator("#chat")
    bubble = chat.locator(".message.bot").last
    bubble.get_by_text("巨人网络").first.wait_for(timeout=60000)
    # the footnote names the table row the answer came from
    chat.get_by_text(f"第{expected.row_no}行").first.wait_for(timeout=30000)
    assert expected.table in chat.inner_text()
    # the sources panel quotes the row itself
    page.get_by_text("来源原文").click()
    sources = page.locator("#sources")
    sources.get_by_text("文心一言").first.wait_for(timeout=10000)
    assert expected.row in sources.inner_text()
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    page.close()


def test_browser_follow_up_is_read_in_context(browser, server):
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(server)
    box = page.locator("#question textarea")
    box.wait_for(timeout=30000)
    chat = page.locator("#chat")
    box.fill("芒果超媒2023年的预测PE是多少？")
    box.press("Enter")
    chat.get_by_text("31.02").first.wait_for(timeout=60000)
    page.wait_for_function("document.querySelector('#question textarea').value === ''")
    box.fill("2022年呢？")
    box.press("Enter")
    bots = chat.locator(".message.bot")
    bots.nth(1).get_by_text("[1]").first.wait_for(timeout=60000)  # the second answer is done
    # the follow-up is answered for the same company, with the 2022 figure first
    first_line = bots.nth(1).inner_text().split("\n")[0]
    assert first_line.startswith("芒果超媒") and first_line.split("（")[0].endswith("PE 2022E(预测)：40.31")
    page.close()


def test_browser_empty_question_gets_a_message_not_a_crash(browser, server):
    page = browser.new_page()
    page.goto(server)
    box = page.locator("#question textarea")
    box.wait_for(timeout=30000)
    page.locator("#send").click()
    page.get_by_text("请输入问题").first.wait_for(timeout=15000)
    assert "Traceback" not in page.content()
    page.close()


def test_auth_protects_the_chat(bot):
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    from reportbot.app.web import serve

    port = free_port()
    app = serve(bot, host="127.0.0.1", port=port, auth=("analyst", "s3cret"), block=False)
    url = f"http://127.0.0.1:{port}/"
    try:
        with pytest.raises(AuthenticationError):
            Client(url, verbose=False)
        with pytest.raises(ValueError, match="Could not login"):
            Client(url, auth=("analyst", "wrong"), verbose=False)
        client = Client(url, auth=("analyst", "s3cret"), verbose=False)
        assert client.predict(QUESTION, None, api_name="/ask")["found"] is True
    finally:
        app.close()
