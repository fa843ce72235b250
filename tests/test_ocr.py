"""A scanned report (no text layer) read by OCR: a note printed by Chromium in the run, each
page rasterised at 150 dpi (pypdfium2) and bound into an image-only PDF (img2pdf), as a
scanner would; then ingested and asked about, through the same layout as any other page."""

import io

import pytest
from pdfs import chromium_pdf

NOTE = """<html><body style="font-family:'Noto Sans CJK SC'; font-size:15px">
<h1>白鹭证券 储能行业周报</h1>
<p>本周储能电池价格继续下行，白鹭证券研究所预计2024年国内储能新增装机达到85GWh。</p>
<p>报告认为，青岩能源的液冷储能系统“青岩一号”能量密度为每立方米260千瓦时，领先行业。</p>
<h2>重点公司盈利预测</h2>
<table style="border-collapse:collapse; font-size:15px" cellpadding="6">
<tr><td>公司</td><td>2023A</td><td>2024E</td><td>2025E</td></tr>
<tr><td>青岩能源</td><td>1.25</td><td>1.68</td><td>2.14</td></tr>
<tr><td>松塔电力</td><td>0.82</td><td>0.97</td><td>1.31</td></tr>
<tr><td>蓝湾科技</td><td>2.40</td><td>2.95</td><td>3.52</td></tr>
</table>
</body></html>"""


def _scan(pdf_path, out_path, dpi=150):
    import img2pdf
    import pypdfium2 as pdfium

    pages = []
    pdf = pdfium.PdfDocument(str(pdf_path))
    for page in pdf:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        pages.append(buf.getvalue())
    pdf.close()
    out_path.write_bytes(img2pdf.convert(pages))
    return out_path


@pytest.fixture(scope="module")
def scanned(browser, tmp_path_factory):
    from reportbot import ReportBot, Settings

    work = tmp_path_factory.mktemp("scan")
    (work / "corpus").mkdir()
    printed = chromium_pdf(browser, NOTE, work / "printed.pdf")
    scan = _scan(printed, work / "corpus" / "白鹭证券_储能周报_扫描件.pdf")
    bot = ReportBot(Settings(corpus_dir=work / "corpus", index_dir=work / "index", llm_model=None))
    return bot, bot.ingest(), scan


def test_the_scan_has_no_text_layer_and_is_read_by_ocr(scanned):
    import pdfplumber

    bot, report, scan = scanned
    with pdfplumber.open(scan) as pdf:
        assert not any(p.chars for p in pdf.pages)  # nothing to read but the image
    assert report.added == [scan.name] and not report.errors
    assert any("read by OCR" in why for _, why in report.warnings)
    (listed,) = bot.library()
    assert listed.state == "indexed" and listed.broker == "白鹭证券" and listed.pages == 1


def test_a_scanned_fact_and_table_cell_are_answered_with_their_page(scanned):
    bot = scanned[0]
    answer = bot.ask("青岩一号的能量密度是多少？")
    assert answer.found and "260" in answer.text and answer.citations[0].page == 1
    answer = bot.ask("松塔电力2024E的盈利预测是多少？")
    assert answer.found and "0.97" in answer.text.split("\n")[0]
    assert not bot.ask("黑石电力2024E的盈利预测是多少？").found


def _boxes(spans):
    return [[[x0, 0], [x1, 0], [x1, 20], [x0, 20]] for x0, x1 in spans]


def test_a_line_run_across_a_gutter_is_cut_there_and_nowhere_else():
    from reportbot.documents.ocr import _placed
    from reportbot.tuning import OCR_SCALE

    s = OCR_SCALE
    # 左栏文字 | a 50 px gutter | 右栏: RapidOCR returned one line; its characters' own boxes show the gap
    text = "左栏文字右栏"
    spans = [(0, 10 * s), (10 * s, 20 * s), (20 * s, 30 * s), (30 * s, 40 * s), (90 * s, 100 * s), (100 * s, 110 * s)]
    placed = _placed(text, 0, 110, [_boxes(spans), list(text), [1.0] * len(text)])
    assert [round(x0) for _, x0, _ in placed] == [0, 10, 20, 30, 90, 100]
    # a figure whose digits' boxes stand a little apart (2 1 5.2) stays evenly set, one piece
    text = "215.2亿"
    spans = [(0, 6 * s), (9 * s, 15 * s), (18 * s, 24 * s), (25 * s, 27 * s), (28 * s, 34 * s), (36 * s, 46 * s)]
    placed = _placed(text, 0, 46, [_boxes(spans), list(text), [1.0] * len(text)])
    widths = {round(x1 - x0, 3) for _, x0, x1 in placed}
    assert len(widths) == 1 and placed[0][1] == 0 and round(placed[-1][2]) == 46
