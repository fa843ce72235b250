"""Broker-style pages built in the run (reportlab, placed by coordinates as a Word export
places them): a cover with a sidebar beside the body, tables without rulings, two tables side
by side, chart labels, hidden and template text; read by region, as a person reads them."""

from __future__ import annotations

import pytest

from reportbot import ReportBot, Settings
from reportbot.documents.loaders import load_pages
from reportbot.documents.parse import parse_pages
from reportbot.documents.pdf import read_pdf

BODY = ("事件：公司发布公告称，拟以现金方式收购海外检测设备企业全部股权，交易对价为八千万欧元，"
        "收购完成后公司将进入消费电子自动化检测与组装设备行业，完成全球化布局，静待业绩高增长。"
        "我们预计公司未来三年收入保持较快增长，维持买入评级，六个月目标价为六十元。")
YEARS = ["2021A", "2022A", "2023E", "2024E"]
FINANCE = [("营业收入(百万元)", ["306.5", "536.1", "1,259.9", "2,469.3"]),
           ("同比增长(%)", ["75.4%", "74.9%", "135.0%", "96.0%"]),
           ("净利润(百万元)", ["65.5", "145.6", "297.9", "519.5"]),
           ("每股收益(元)", ["0.16", "0.36", "0.73", "1.27"])]
FOOTER = "测试证券研究所 请务必阅读正文之后的免责条款部分"
RATIOS = [("毛利率", ["43.5%", "43.0%", "45.0%", "42.0%"]),
          ("净利率", ["21.4%", "27.2%", "23.6%", "21.0%"]),
          ("ROE", ["22.8%", "20.0%", "20.8%", "30.0%"])]


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)]


def _broker_pdf(path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    w, h = A4
    c = canvas.Canvas(str(path), pagesize=A4)

    def put(x, y, size, text):
        c.setFont(font, size)
        c.drawString(x, y, text)

    # page 1: title, body on the left, sidebar on the right, a financial table below
    put(40, h - 40, 9, "2024年03月15日")
    put(40, h - 80, 20, "测试科技（688001.SH）")
    put(40, h - 104, 16, "并购海外龙头，全球化布局启动")
    put(430, h - 80, 18, "公司点评")
    c.setFont(font, 9)
    y = h - 140
    for line in _wrap(BODY, 30):  # the body column: 30 characters of 9 pt, x 40–310
        c.drawString(40, y, line)
        y -= 14
    sidebar = [("投资评级", "买入(维持)"), ("6个月目标价", "60元"), ("总股本（百万股）", "408.00"),
               ("流通股本（百万股）", "102.00")]
    y = h - 140
    for label, value in sidebar:  # beside the body, on the same lines
        c.drawString(360, y, label)
        c.drawRightString(555, y, value)
        y -= 14
    put(360, h - 260, 7, "S0910515050002 分析师 张三")
    put(40, h - 300, 10, "图表1：主要财务数据与预测")
    c.setFont(font, 9)
    y = h - 318
    c.drawString(40, y, "会计年度")
    for i, year in enumerate(YEARS):
        c.drawRightString(260 + 70 * i, y, year)
    c.line(40, y - 4, 500, y - 4)  # a three-line table: rules across, none down
    for label, values in FINANCE:
        y -= 15
        c.drawString(40, y, label)
        for i, v in enumerate(values):
            c.drawRightString(260 + 70 * i, y, v)
    c.line(40, y - 4, 500, y - 4)
    y -= 16
    c.drawString(40, y, "资料来源：公司公告，测试证券研究所")
    # a chart's axis labels: numbers alone on their lines
    for i, tick in enumerate(["9", "6", "3", "0"]):
        c.drawString(40, 200 - 18 * i, tick)
        c.drawString(300, 200 - 18 * i, f"{i * 0.5:.1f}")
    # hidden text: a white tracking string, and a template field name
    c.setFillColorRGB(1, 1, 1)
    c.setFont("Helvetica", 3)
    c.drawString(380, 20, "qRsNmMqOsOtRmRsRoOsNtObRcMaQtRpPmOrReRp")
    c.setFillColorRGB(0, 0, 0)
    c.setFont("Helvetica", 9)
    c.drawString(40, 120, "[Table_Summary]")
    put(200, 30, 8, FOOTER)
    c.showPage()
    # page 2: two tables side by side, each under its own title
    c.setFont(font, 9)
    y = h - 60
    c.drawString(40, y, "利润表")
    c.drawString(320, y, "财务指标")
    y -= 15
    c.drawString(40, y, "（百万元）")
    c.drawString(320, y, "（%）")
    for i, year in enumerate(YEARS):
        c.drawRightString(150 + 40 * i, y, year)
        c.drawRightString(420 + 40 * i, y, year)
    for (label, values), (rlabel, rvalues) in zip(FINANCE, RATIOS + [("", [])]):
        y -= 15
        c.drawString(40, y, label)
        for i, v in enumerate(values):
            c.drawRightString(150 + 40 * i, y, v.replace("(百万元)", ""))
        if rlabel:
            c.drawString(320, y, rlabel)
            for i, v in enumerate(rvalues):
                c.drawRightString(420 + 40 * i, y, v)
    put(200, 30, 8, FOOTER)
    c.showPage()
    c.save()


@pytest.fixture(scope="module")
def broker_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "note.pdf"
    _broker_pdf(path)
    return path


def _tab_rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.split("\n") if "\t" in line]


def test_cover_title_body_and_sidebar_read_apart(broker_pdf):
    pages = dict(read_pdf(broker_pdf.read_bytes()).pages)
    first = pages[1]
    assert first.split("\n")[0] == "# 测试科技（688001.SH）并购海外龙头，全球化布局启动"
    # the body reads as one paragraph, no sidebar value inside it
    body = next(line for line in first.split("\n") if line.startswith("事件："))
    assert BODY in body
    assert "408.00" not in body and "投资评级" not in body
    rows = _tab_rows(first)
    assert ["总股本（百万股）", "408.00"] in rows and ["投资评级", "买入(维持)"] in rows


def test_three_line_table_with_years_as_columns(broker_pdf):
    chunks = parse_pages(load_pages(broker_pdf), "note.pdf")
    rows = [c for c in chunks if c.kind == "row" and c.table == "主要财务数据与预测"]
    assert [r.row for r in rows] == [label for label, _ in FINANCE]
    eps = dict(next(r for r in rows if r.row == "每股收益(元)").cells)
    assert eps["2023E"] == "0.73" and eps["2024E"] == "1.27"
    assert all(r.page == 1 for r in rows)


def test_side_by_side_tables_are_two_tables(broker_pdf):
    chunks = parse_pages(load_pages(broker_pdf), "note.pdf")
    tables = [c for c in chunks if c.kind == "table" and c.page == 2]
    assert len(tables) == 2
    left, right = (t.table_data["rows"] for t in tables)
    assert [r[0] for r in right] == [label for label, _ in RATIOS]
    assert right[2] == ["ROE", "22.8%", "20.0%", "20.8%", "30.0%"]
    assert all(len(r) == 5 for r in left + right)  # no cell of one table in the other


def test_hidden_template_and_chart_text_stay_out(broker_pdf):
    text = "\n".join(t for _, t in read_pdf(broker_pdf.read_bytes()).pages)
    assert "qRsNmMqOsOt" not in text  # white 3 pt tracking string
    assert "Table_" not in text  # template field name
    assert "免责条款" not in text  # the line on every page is a running footer
    lines = text.split("\n")
    assert not any(line.strip() in {"9 0.0", "6 0.5", "9", "0.5"} for line in lines)  # axis ticks


def test_note_answers_from_its_tables_and_sidebar(broker_pdf, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.pdf").write_bytes(broker_pdf.read_bytes())
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm_model=None))
    bot.ingest()
    assert bot.reports() == {"note.pdf": "测试科技（688001.SH）并购海外龙头，全球化布局启动"}
    # the company is the report's subject: its name need not stand in the row
    answer = bot.ask("测试科技2023E的每股收益是多少？")
    assert answer.found and "2023E：0.73" in answer.text  # the page-1 and the page-2 table hold the row
    assert answer.citations[0].kind == "row" and {c.page for c in answer.citations} <= {1, 2}
    answer = bot.ask("总股本是多少百万股？")
    assert answer.found and "408.00" in answer.text
