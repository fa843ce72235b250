"""The library panel in a real browser: upload a PDF made in the run (Chromium print), watch it
get indexed, ask what only it says, open its cited page, delete it and see it gone from the
list, the picker and the answers — on a server with a login and on one without."""

import shutil
import time

import pytest
from conftest import REPORT, free_port
from pdfs import chromium_pdf

FACT_HTML = """<html><body style="font-family:'Noto Sans CJK SC'">
<h1>海豚证券 量子计算行业点评</h1>
<p>海豚证券研究所在2024年3月发布了量子计算行业点评。</p>
<p>报告指出，蓝鲸量子公司的超导量子芯片“沧海一号”拥有128个量子比特，计划于2025年量产。</p>
</body></html>"""
QUESTION = "沧海一号有多少个量子比特？"


@pytest.fixture()
def library_server(request, tmp_path):
    from reportbot import ReportBot, Settings
    from reportbot.app.web import serve

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPORT, corpus / REPORT.name)
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm_model=None))
    bot.ingest()
    auth = request.param
    server = serve(bot, host="127.0.0.1", port=free_port(), auth=auth, block=False)
    yield server, auth, corpus
    server.close()


def _highlighted(png: bytes) -> bool:
    """Some pixels of the page carry the highlight's yellow (white under it: ~(255, 244, 178))."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if r > 240 and 225 < g < 252 and 140 < b < 215) > 50


def _choose(page, dropdown: str, name: str) -> None:
    """Pick an option of a Gradio dropdown (its list is rendered inside the component)."""
    page.locator(f"{dropdown} input").click()
    page.locator(f"{dropdown} [role=option]").filter(has_text=name).first.click()
    page.locator(f"{dropdown} input").press("Escape")


def _row(page, source):
    return page.locator(f"#library-table tr[data-source='{source}']")


@pytest.mark.parametrize("library_server", [None, ("analyst", "s3cret")], indirect=True,
                         ids=["open", "login"])
def test_upload_ask_check_delete(library_server, browser, tmp_path):
    server, auth, corpus = library_server
    pdf = chromium_pdf(browser, FACT_HTML, tmp_path / "海豚证券_量子计算.pdf")
    page = browser.new_page()
    try:
        page.goto(server.url)
        if auth:
            page.locator("input[data-testid=textbox]").fill(auth[0])
            page.locator("input[type=password]").fill(auth[1])
            page.locator("button.primary").click()
        page.locator("#library").get_by_text("报告库").first.click()  # open the panel
        page.locator("#upload input[type=file]").set_input_files(str(pdf))
        page.locator("#library-message").get_by_text("已上传").wait_for(timeout=60000)
        row = _row(page, pdf.name)
        row.wait_for(timeout=60000)
        page.wait_for_function(
            f"document.querySelector(\"#library-table tr[data-source='{pdf.name}']\")"
            "?.dataset.state === 'indexed'", timeout=300000)
        assert "海豚证券" in row.inner_text()  # its broker, read from the cover
        assert (corpus / pdf.name).is_file()
        # the header and the picker know the new report without a reload
        page.locator("#header").get_by_text("2 篇报告").wait_for(timeout=30000)
        page.locator("#reports").wait_for(state="visible", timeout=30000)

        page.locator("#question textarea").fill(QUESTION)
        page.locator("#send").click()
        chat = page.locator("#chat")
        chat.locator(".rb-source").first.wait_for(timeout=60000)
        answer = chat.locator(".message.bot").first.inner_text()
        assert "128" in answer
        chat.locator("a.rb-cite").first.click()  # [1] opens its source
        source = chat.locator(".rb-source.rb-flash")
        source.wait_for(timeout=5000)
        assert pdf.name in source.inner_text() and "第1页" in source.inner_text()
        link = source.locator("a.rb-page")
        image = page.request.get(server.url.rstrip("/") + link.get_attribute("href"))
        assert image.status == 200 and image.body()[:8] == b"\x89PNG\r\n\x1a\n"
        assert _highlighted(image.body())  # the cited passage is marked on the page

        # the user picks the new report, then deletes it: the next question says it is gone
        _choose(page, "#reports", pdf.name)

        _choose(page, "#library-pick", pdf.name)
        page.locator("#library-delete").click()
        page.locator("#library-message").get_by_text("已删除").wait_for(timeout=30000)
        deadline = time.monotonic() + 300
        while _row(page, pdf.name).count():
            assert time.monotonic() < deadline, "the deleted report stayed in the list"
            time.sleep(0.5)
        page.wait_for_function("!document.querySelector('#header').innerText.includes('篇报告')",
                               timeout=30000)
        assert not page.locator("#reports").is_visible()  # one report left: no picker
        page.locator("#question textarea").fill(QUESTION)
        page.locator("#send").click()
        page.wait_for_function("(() => { const rows = document.querySelectorAll('#chat .bot-row');"
                               " return rows.length >= 2 && rows[rows.length - 1].innerText.includes('没有'); })()",
                               timeout=60000)
        page.get_by_text("已不在报告库中").first.wait_for(timeout=30000)
        last = chat.locator(".message-row.bot-row").last.inner_text()
        assert "没有" in last and "128" not in last.split("最接近")[0]
        assert not (corpus / pdf.name).exists() and list((corpus / ".deleted").iterdir())
    finally:
        page.close()


def test_an_empty_library_tells_the_user_what_to_do(browser, tmp_path):
    from reportbot import ReportBot, Settings
    from reportbot.app.web import serve

    (tmp_path / "corpus").mkdir()
    bot = ReportBot(Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", llm_model=None))
    server = serve(bot, host="127.0.0.1", port=free_port(), block=False)
    page = browser.new_page()
    try:
        page.goto(server.url)
        page.locator("#question textarea").fill(QUESTION)
        page.locator("#send").click()
        toast = page.get_by_text("报告库里还没有报告").first
        toast.wait_for(timeout=60000)
        shown = page.locator("body").inner_text()
        assert "上传" in toast.inner_text() and "RuntimeError" not in shown and "Traceback" not in shown
        page.locator("#library").get_by_text("报告库").first.click()
        assert "报告库是空的" in page.locator("#library-list").inner_text()
        assert page.locator("#question textarea").input_value() == QUESTION  # the question is kept
    finally:
        page.close()
        server.close()
