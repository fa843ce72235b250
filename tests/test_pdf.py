"""PDF reports, built in the test run by two renderers, read as well as the text."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import DEV_SET, REPORT, pdf_from_objects
from pdfs import chromium_pdf, reportlab_report

from reportbot import ReportBot, Settings
from reportbot.app.evaluate import evaluate, load_items
from reportbot.documents.loaders import load_pages
from reportbot.documents.parse import parse_pages

HEADER = "南京证券 行业深度报告 测试页眉"
FOOTER = "请务必阅读正文之后的免责声明部分"
LONG = ("游戏行业在人工智能技术的推动下迎来新一轮增长，多家公司已经在研发、运营和营销环节引入生成式模型，"
        "用于自动生成剧情、角色对话、美术素材和广告文案，从而缩短开发周期并降低成本，")


def _html() -> str:
    valuation_rows = "".join(
        f"<tr><td>30{i:04d}.SZ</td><td>公司{i:02d}</td><td>{100 + i}</td>"
        f"<td>{'-' if i % 7 == 3 else ''}{i}.{i:02d}</td><td>{i + 1}.50</td><td>{20 + i}.10</td></tr>"
        for i in range(1, 41))
    return f"""<html><head><meta charset="utf-8"><style>
      body {{ font-family: 'Noto Sans CJK SC', sans-serif; font-size: 12px; }}
      p {{ width: 150mm; }}
      table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #000; padding: 2px 4px; }}
      thead {{ display: table-header-group; }}
    </style></head><body>
    <h2>➤ 游戏行业概况</h2>
    <p>{LONG * 3}移动游戏实际销售收入在总收入中占比达到72.61%。</p>
    <p>图表1：国外主要的预训练模型</p>
    <table><thead><tr><th>企业</th><th>预训练模型</th><th>参数量</th></tr></thead>
    <tbody><tr><td rowspan="2">谷歌</td><td>PaLM</td><td>5400亿</td></tr>
    <tr><td>LaMDA</td><td></td></tr>
    <tr><td>微软</td><td>Florence</td><td>6.4亿</td></tr></tbody></table>
    <p>图表2：估值表</p>
    <table><thead>
      <tr><th rowspan="2">证券代码</th><th rowspan="2">公司</th><th rowspan="2">总市值</th>
          <th colspan="3">归母净利润（亿元）</th></tr>
      <tr><th>2021A</th><th>2022E</th><th>2023E</th></tr></thead>
    <tbody>{valuation_rows}</tbody></table>
    <p>以上数据来自公司公告。</p>
    </body></html>"""


@pytest.fixture(scope="module")
def chromium_chunks(browser, tmp_path_factory):
    path = chromium_pdf(browser, _html(), tmp_path_factory.mktemp("pdf") / "features.pdf",
                        header=HEADER, footer=FOOTER)
    pages = load_pages(path)
    assert len(pages) >= 2  # the valuation table runs onto a second page
    return pages, parse_pages(pages, path.name)


def test_ruled_table_with_merged_cells_and_two_level_header(chromium_chunks):
    _, chunks = chromium_chunks
    rows = [c for c in chunks if c.kind == "row" and c.table == "国外主要的预训练模型"]
    assert [dict(c.cells).get("预训练模型") for c in rows] == ["PaLM", "LaMDA", "Florence"]
    assert dict(rows[1].cells)["企业"] == "谷歌"  # the merged cell is filled down
    assert "参数量" not in dict(rows[1].cells)  # a blank cell stays blank
    table = next(c for c in chunks if c.kind == "table" and c.table == "估值表")
    assert ["归母净利润（亿元）", "2022E(预测)"] in table.table_data["headers"]
    assert ["证券代码"] in table.table_data["headers"]


def test_table_continued_on_the_next_page_is_one_table_with_signs(chromium_chunks):
    pages, chunks = chromium_chunks
    tables = [c for c in chunks if c.kind == "table" and c.table == "估值表"]
    assert len(tables) == 1
    rows = tables[0].table_data["rows"]
    assert len(rows) == 40 and not any(r[0] == "证券代码" for r in rows)  # no repeated header
    by_name = {r[1]: r for r in rows}
    assert by_name["公司03"][3] == "-3.03" and by_name["公司10"][3] == "-10.10"  # signs kept
    assert by_name["公司04"][3] == "4.04"
    assert all(c.page == tables[0].page for c in chunks if c.kind == "row" and c.table == "估值表")


def test_wrapped_paragraph_is_joined_and_running_lines_are_gone(chromium_chunks):
    pages, chunks = chromium_chunks
    text = "\n".join(c.body for c in chunks)
    sentence = next(c.body for c in chunks if "72.61%" in c.body)
    assert "移动游戏实际销售收入在总收入中占比达到72.61%" in sentence.replace("\n", "")
    assert "\n" not in sentence.split("移动游戏")[0][-20:]  # the wrapped lines are one paragraph
    assert HEADER not in text and FOOTER not in text
    assert not re.search(r"^\d+$", text, re.M)  # no bare page numbers


def test_report_rendered_by_reportlab_answers_like_the_text(tmp_path_factory):
    if not DEV_SET.exists():
        pytest.skip(f"{DEV_SET} not present")
    corpus = tmp_path_factory.mktemp("rl_corpus")
    reportlab_report(REPORT, corpus / "report.pdf")
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("rl_index"),
                             llm_model=None))
    report = bot.ingest()
    assert not report.errors
    rows = evaluate(bot, load_items(DEV_SET)).rows
    assert sum(r["correct"] for r in rows) / len(rows) >= 0.9
    _assert_named_questions(bot)


def _assert_named_questions(bot):
    """The questions that failed on PDFs before: the right cell, a row citation with its page."""
    for question, cell in (("谷歌PaLM模型的参数量是多少？", "5400亿"),
                           ("芒果超媒2023年的预测PE是多少？", "31.02"),
                           ("哪些公司接入了文心一言？", "巨人网络")):
        answer = bot.ask(question)
        assert answer.found and cell in answer.text.split("\n")[0], question
        cite = answer.citations[0]
        assert cite.kind == "row" and cite.page and f"第{cite.page}页" in cite.location
    loss = bot.ask("蓝色光标2022年的预测归母净利润是多少？")
    assert "-11.83" in loss.text  # a loss stays a loss


def test_printed_report_from_shared(tmp_path_factory):
    printed = DEV_SET.parent.parent / "pdf" / "njzq_aigc_2023_print.pdf"
    if not printed.exists() or not DEV_SET.exists():
        pytest.skip("the printed report or the dev set is not present")
    corpus = tmp_path_factory.mktemp("print_corpus")
    shutil.copy(printed, corpus / printed.name)
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("print_index"),
                             llm_model=None))
    bot.ingest()
    rows = evaluate(bot, load_items(DEV_SET)).rows
    assert sum(r["correct"] for r in rows) / len(rows) >= 0.9
    _assert_named_questions(bot)


def _unmapped_font_page(text: str) -> bytes:
    """A one-page PDF whose font maps its glyphs to private-use code points (its ToUnicode
    map points into U+E000…), as subset fonts of some PDF producers do: extraction yields
    no readable characters."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
            b"/CMapName /Garbled def 1 begincodespacerange <00> <FF> endcodespacerange "
            b"1 beginbfrange <20> <7E> <E000> endbfrange endcmap "
            b"CMapName currentdict /CMap defineresource pop end end")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
    ]
    ops = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects.append(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>")
    objects.append(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    return pdf_from_objects(objects)


def test_garbled_and_scanned_pages_are_read_by_ocr_or_reported(tmp_path):
    from PIL import Image
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 100), "white").save(image)
    good = tmp_path / "good.pdf"
    c = canvas.Canvas(str(good), pagesize=A4)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 700, "第一页是正常的文字：营销板块总市值最大的是蓝色光标。")
    c.showPage()
    c.drawImage(str(image), 72, 500, 200, 100)  # a page that is only a picture
    c.showPage()
    c.save()
    garbled = tmp_path / "garbled.pdf"
    garbled.write_bytes(_unmapped_font_page("Quarterly revenue grew strongly in the period"))
    writer = PdfWriter()
    reader, bad = PdfReader(good), PdfReader(garbled)
    writer.add_page(reader.pages[0])
    writer.add_page(bad.pages[0])
    writer.add_page(reader.pages[1])
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with open(corpus / "mixed.pdf", "wb") as fh:
        writer.write(fh)
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm_model=None))
    report = bot.ingest()
    assert report.added == ["mixed.pdf"] and not report.errors
    reasons = {r.split(":")[0]: r for _, r in report.warnings}
    # the page whose font maps to no characters is read by OCR from how it prints
    assert "read by OCR" in reasons["page 2"]
    assert any("Quarterly revenue" in c.body for c in bot.index.all_chunks() if c.page == 2)
    assert "OCR found no text" in reasons["page 3"]  # a picture without text
    assert {c.page for c in bot.index.all_chunks()} == {1, 2}
