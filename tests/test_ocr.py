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


def test_a_timeline_cell_a_character_apart_is_cut_but_never_inside_a_figure():
    from reportbot.documents.ocr import _placed
    from reportbot.tuning import OCR_SCALE

    s = OCR_SCALE
    # "4.11阿里巴巴": a time and a company one character apart in a narrow table; the figure's
    # own boxes stand apart too (4. | 11), and stay one piece
    text = "4.11阿里巴巴"
    spans = [(0, 5 * s), (5 * s, 7 * s), (19 * s, 24 * s), (24 * s, 29 * s),
             (42 * s, 52 * s), (52 * s, 62 * s), (62 * s, 72 * s), (72 * s, 82 * s)]
    placed = _placed(text, 0, 82, [_boxes(spans), list(text), [1.0] * len(text)])
    starts = [round(x0) for _, x0, _ in placed]
    assert starts[4] == 42  # 阿 starts where its box does: the gap before it is a cell's edge
    widths = {round(x1 - x0, 3) for _, x0, x1 in placed[:4]}
    assert len(widths) == 1 and round(placed[3][2]) == 29  # 4.11 set evenly, one piece


def test_a_scanned_timeline_keeps_its_columns_where_a_few_rows_run_together():
    from reportbot.documents.columns import band_columns, band_rows
    from reportbot.documents.layout import physical_lines

    def line(top, *cells):  # (text, x0, x1) boxes of one OCR'd line, each set evenly
        chars = []
        for text, x0, x1 in cells:
            step = (x1 - x0) / len(text)
            chars += [{"text": ch, "x0": x0 + step * k, "x1": x0 + step * (k + 1), "top": top, "bottom": top + 7,
                       "size": 7.0, "upright": True, "fontname": "ocr"} for k, ch in enumerate(text)]
        return chars
    # the scanned two-column print's timeline, as RapidOCR boxed it: time | company one
    # character apart, and two rows whose time and company came back as one box
    rows = [("4.8", "华为", "盘古大模型"), ("4.10", "商汤科技", "日日新大模型"), ("4.11", "阿里巴巴", "通义千问"),
            ("5.6", "科大讯飞", "讯飞预训练大模型"), ("5.23", "微软", "新Windows"), ("6月", "苹果", "MR设备"),
            ("4.17", "昆仑万维", "天工大模型"), ("9月", "字节跳动", "语言和图像的大模型")]
    chars = []
    for k, (time, company, model) in enumerate(rows):
        top = 100 + 13 * k + (1.5 if k % 2 else 0)  # OCR'd tops wander
        company_end, model_box = 23 + 7.5 * len(company), (model, 100, 100 + 7.5 * len(model))
        if time in ("4.11", "6月"):
            chars += line(top, (time + company, 0, company_end), model_box)
        else:
            chars += line(top, (time, 0, 3.5 * len(time)), (company, 23, company_end), model_box)
    body = physical_lines(chars, 842)
    assert len(band_columns([], body, [], 0, 200)) == 2  # a text layer's rule: gutters through every row
    cols = band_columns([], body, [], 0, 200, read=True)
    assert len(cols) == 3
    assert [r[:2] for r in band_rows(body, cols, read=True)] == [list(r[:2]) for r in rows]
