"""Dense 金工 tables as brokers set them, built in the run (reportlab): figures in 5 pt beside
6 pt labels, header labels set so tight that Chinese runs into Latin (多空年化rankIC), group
labels centred over their columns, a three-line table with a group line over its headings, a
caption at one page's foot whose table opens the next page, and a heat table whose coloured
cells pdfplumber reads as a grid of their own."""

from __future__ import annotations

import pytest

from reportbot.documents.loaders import load_pages
from reportbot.documents.parse import parse_pages
from reportbot.documents.pdf import read_pdf

ROWS = [("银行", ["0.031", "0.42", "5%"], ["0.052", "0.88", "9%"]),
        ("煤炭", ["0.044", "0.54", "7%"], ["0.049", "0.67", "8%"]),
        ("钢铁", ["0.063", "0.85", "8%"], ["0.055", "0.86", "10%"]),
        ("传媒", ["0.073", "1.14", "10%"], ["0.066", "1.08", "11%"])]
HEADS = ["rankIC", "ICIR", "多空年化"]
# columns of the two groups: 多空年化 (20 pt wide at 5 pt) ends 2 pt before the next rankIC
GROUP_A, GROUP_B = [120, 150, 175], [197, 227, 252]
PORTFOLIOS = [("整体建模", "15.1%", "-4.0%"), ("高标准行业建模", "14.9%", "-3.7%"),
              ("低标准行业建模", "14.5%", "-4.2%")]
SCREENED = [("机械", "12.8%", "-7.2%", "12.6%", "-7.7%"), ("建材", "8.4%", "-6.5%", "9.1%", "-6.6%"),
            ("医药", "5.7%", "-7.4%", "5.4%", "-7.5%")]
TRACKING = "qRsNmMqOsOtRmRsRoOsNtObRc"
HEAT = [("耐用品", "0.9%", ["1.8%", "2.5%", "3.9%"]), ("木制品", "0.0%", ["-2.3%", "-3.2%", "-3.0%"]),
        ("机械", "0.2%", ["2.9%", "4.3%", "4.7%"]), ("打印", "-0.1%", ["-3.9%", "-2.8%", "-3.3%"])]


def _pdf(path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    c.setFont(font, 10)
    c.drawString(60, h - 60, "1.6 技术类因子")
    c.drawString(60, h - 80, "我们测试了技术类因子在各个行业内的表现，结果见图1。")
    c.drawString(60, h - 100, "图1：技术类因子在各行业内的表现")
    y = h - 120
    c.setFont(font, 5)  # the groups' labels, centred over their columns
    c.drawCentredString((GROUP_A[0] + GROUP_A[-1] + 20) / 2, y, "Alpha原始值")
    c.drawCentredString((GROUP_B[0] + GROUP_B[-1] + 20) / 2, y, "Alpha市值中性化")
    y -= 7
    c.drawString(60, y, "行业")
    for x, head in zip(GROUP_A + GROUP_B, HEADS + HEADS):
        c.drawString(x, y, head)
    for label, a, b in ROWS:
        y -= 8
        c.setFont(font, 6)
        c.drawString(60, y, label)
        c.setFont(font, 5)
        for x, value in zip(GROUP_A + GROUP_B, a + b):
            c.drawString(x, y, value)
    c.setFont(font, 9)
    c.drawString(60, y - 14, "数据来源：测试证券研究所")
    c.setFont("Helvetica", 3)  # a tracking string: too small to be meant for reading
    c.drawString(300, 40, TRACKING)
    # a three-line table with a line of group labels over its headings
    c.setFont(font, 10)
    c.drawString(60, 470, "图2：两种筛选标准下的行业内增强表现")
    cols = [62, 160, 230, 300, 370]
    c.setLineWidth(1.2)
    c.line(60, 462, 440, 462)
    c.setFont(font, 9)
    c.drawCentredString((cols[1] + cols[2] + 40) / 2, 450, "筛选标准1")
    c.drawCentredString((cols[3] + cols[4] + 40) / 2, 450, "筛选标准2")
    for x, head in zip(cols, ["行业", "对冲年化", "最大回撤", "对冲年化", "最大回撤"]):
        c.drawString(x, 438, head)
    c.setLineWidth(0.5)
    c.line(60, 433, 440, 433)
    yy = 421
    for row in SCREENED:
        for x, v in zip(cols, row):
            c.drawString(x, yy, v)
        yy -= 13
    c.setLineWidth(1.2)
    c.line(60, yy + 6, 440, yy + 6)
    c.setFont(font, 10)
    c.drawString(60, 120, "细分行业建模与整体建模的差异见下图。")
    c.drawString(60, 90, "图3：全市场增强组合对比")  # the foot of the page: its table is on the next
    c.showPage()
    c.setFont(font, 9)
    yy = h - 60
    for x, head in zip([60, 180, 260], ["组合", "对冲年化", "最大回撤"]):
        c.drawString(x, yy, head)
    for row in PORTFOLIOS:
        yy -= 14
        for x, v in zip([60, 180, 260], row):
            c.drawString(x, yy, v)
    c.setFont(font, 10)
    c.drawString(60, yy - 30, "从结果来看，细分行业建模后组合与整体建模组合表现基本相当。")
    # a heat table: the months' cells filled with colour (pdfplumber finds a grid in the fills)
    c.drawString(60, 570, "图4：3月制造业生产结构")
    c.setFont(font, 8)
    c.drawCentredString(176, 553, "最新月")  # a group of one column, and one of three
    c.drawCentredString(304, 553, "同比")
    for x, head in zip([60, 160, 220, 280, 340], ["行业", "同比拉动", "2026/3", "2026/2", "2026/1"]):
        c.drawString(x, 540, head)
    yy = 524
    for label, pull, months in HEAT:
        c.drawString(60, yy, label)
        c.drawString(160, yy, pull)
        for i, value in enumerate(months):
            c.setFillColorRGB(0.95, 0.6 + 0.1 * i, 0.5)
            c.rect(214 + 60 * i, yy - 4, 58, 14, stroke=1, fill=1)
            c.setFillColorRGB(0, 0, 0)
            c.drawString(220 + 60 * i, yy, value)
        yy -= 14
    c.save()


@pytest.fixture(scope="module")
def dense_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("small_print") / "行业内选股.pdf"
    _pdf(path)
    return path


@pytest.fixture(scope="module")
def chunks(dense_pdf):
    return parse_pages(load_pages(dense_pdf), dense_pdf.name)


def test_figures_in_small_print_are_read_where_they_form_a_table(dense_pdf):
    text = "\n".join(t for _, t in read_pdf(dense_pdf.read_bytes()).pages)
    for label, a, b in ROWS:
        assert "\t".join([label, *a, *b]) in text, label
    assert TRACKING[:10] not in text  # small print that is no table stays hidden


def test_labels_centred_over_groups_of_columns_are_their_header_paths(chunks):
    row = next(c for c in chunks if c.kind == "row" and c.row.startswith("煤炭") and "rankIC" in c.body)
    # rankIC of the second group is set 2 pt after 多空年化 of the first: each is its own column
    assert "Alpha原始值 多空年化：7%" in row.body and "Alpha市值中性化 rankIC：0.049" in row.body
    assert "Alpha原始值 rankIC：0.044" in row.body and "Alpha市值中性化 多空年化：8%" in row.body


def test_a_group_line_over_a_three_line_tables_headings_is_not_cut_into_them(chunks):
    row = next(c for c in chunks if c.kind == "row" and c.row.startswith("建材"))
    assert "筛选标准1 对冲年化：8.4%" in row.body and "筛选标准2 最大回撤：-6.6%" in row.body
    assert not any("标准1对冲" in c.body or "筛选标对" in c.body for c in chunks)


def test_a_caption_at_a_pages_foot_names_the_table_opening_the_next(chunks):
    rows = [c for c in chunks if c.kind == "row" and c.row.startswith("整体建模")]
    assert rows and rows[0].page == 2
    assert "全市场增强组合对比" in rows[0].table
    assert not any(c.kind == "text" and "全市场增强组合对比" in c.body for c in chunks)


def test_a_heat_tables_coloured_cells_are_read_with_their_labels_and_header(dense_pdf):
    pages = read_pdf(dense_pdf.read_bytes()).pages
    text = pages[1][1]
    assert "行业\t同比拉动\t2026/3\t2026/2\t2026/1" in text
    for label, pull, months in HEAT:
        assert "\t".join([label, pull, *months]) in text, label


def test_groups_of_unequal_width_head_their_own_columns(chunks):
    row = next(c for c in chunks if c.kind == "row" and c.row.startswith("木制品"))
    assert "最新月 同比拉动：0.0%" in row.body and "同比 2026/3：-2.3%" in row.body, row.body
    assert "同比 2026/1：-3.0%" in row.body
