"""Tables ruled only across, printed in the run: Chromium's two-column print (borders drawn a
cell at a time, padded rows, a table broken from one column into the next mid-row, a table
across both columns between two bands of text) and reportlab's rules drawn in one stroke over
unpadded rows with cells that wrap; a chart framed by rules stays out of the tables."""

from __future__ import annotations

import pdfplumber
import pytest
from pdfs import chromium_pdf

from reportbot.documents import layout, reading, threeline
from reportbot.documents.parse import parse_pages
from reportbot.documents.pdf import read_pdf

CSS = """
body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 10pt; line-height: 1.5; margin: 0; }
.cols { column-count: 2; column-gap: 8mm; }
p { margin: 0 0 4pt; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 4pt 0;
        border-top: 1.5px solid #000; border-bottom: 1.5px solid #000; }
table.wide { column-span: all; }
thead th { border-bottom: 0.75px solid #000; text-align: left; }
td, th { padding: 1.5pt 3pt; vertical-align: top; }
"""
PARA = "储能行业景气度持续上行，上游原材料价格回落带动系统成本下降，招标规模创新高。"
PRODUCTS = [("液流电池", "2019",
             "以液态电解质储存能量，循环寿命长、安全性高，适合长时储能场景，但能量密度较低、初始投资较高"),
            ("钠离子电池", "2021", "以钠离子在正负极间往返实现充放电，资源丰富、低温性能好，产业化仍处早期"),
            ("压缩空气储能", "2022", "利用电网低谷电力压缩空气储存于洞穴或储罐，高峰时释放发电，规模大、寿命长"),
            ("飞轮储能", "2020", "以高速旋转的飞轮储存动能，响应快、功率密度高，适合调频等短时高频场景"),
            ("重力储能", "2023", "提升重物储存势能、下放时发电，选址灵活，效率与成本仍待验证")]
STOCKS = [("300750.SZ", "宁德时代", "8,921", "307.29", "441.21", "29.03"),
          ("300274.SZ", "阳光电源", "1,263", "35.93", "94.40", "13.38"),
          ("688063.SH", "派能科技", "220", "12.73", "5.16", "42.64")]


def _html() -> str:
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in PRODUCTS)
    stocks = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in STOCKS)
    first = "".join(f"<p>{PARA}第{i}段。</p>" for i in range(1, 7))
    after = "".join(f"<p>{PARA}表后第{i}段。</p>" for i in range(1, 9))
    return (f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body><div class='cols'>"
            f"{first}<p>新型储能技术路线</p><table><thead><tr><th>技术路线</th><th>示范年份</th>"
            f"<th>特点</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<p>重点公司估值</p><table class='wide'><thead><tr><th>证券代码</th><th>公司</th><th>总市值(亿元)</th>"
            f"<th>2022A归母净利润(亿元)</th><th>2023E归母净利润(亿元)</th><th>2023E PE</th></tr></thead>"
            f"<tbody>{stocks}</tbody></table>{after}</div></body></html>")


@pytest.fixture(scope="module")
def two_column(browser, tmp_path_factory):
    return chromium_pdf(browser, _html(), tmp_path_factory.mktemp("threeline") / "储能周报.pdf")


def _tables(pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        return [(n, b) for n, page in enumerate(pdf.pages, 1)
                for b in reading.page_blocks(page)[0] if isinstance(b, layout.Table)]


def test_three_line_tables_have_no_cells_for_pdfplumber_but_rules(two_column):
    with pdfplumber.open(two_column) as pdf:
        page = pdf.pages[0]
        assert not any(len(t.extract()) >= 3 for t in page.find_tables())  # the trait: no grid
        assert len(threeline.rules(page)) >= 4  # top, under the header, bottom; per table


def test_a_wide_three_line_table_is_read_cell_by_cell(two_column):
    tables = [t for _, t in _tables(two_column) if t.rows and t.rows[0][0] == "证券代码"]
    assert len(tables) == 1
    rows = tables[0].rows
    assert rows[0] == ["证券代码", "公司", "总市值(亿元)", "2022A归母净利润(亿元)", "2023E归母净利润(亿元)", "2023E PE"]
    assert [r[1] for r in rows[1:]] == [s[1] for s in STOCKS]
    assert rows[1] == list(STOCKS[0])


def test_wrapped_cells_stay_in_their_row_and_a_table_broken_across_columns_is_one(two_column):
    tables = [t for _, t in _tables(two_column) if t.rows and t.rows[0][0] == "技术路线"]
    text = read_pdf(two_column.read_bytes()).pages
    assert tables, "the product table was not found"
    rows = [r for t in tables for r in t.rows[1:]]
    names = [r[0] for r in rows]
    assert names == [p[0] for p in PRODUCTS]  # no row lost nor split by the wraps or the break
    for (name, year, desc), row in zip(PRODUCTS, rows):
        assert row[1] == year and row[2].replace(" ", "") == desc.replace(" ", "")
    joined = "\n".join(t for _, t in text)
    assert joined.count("技术路线\t示范年份\t特点") == 1  # one table, its header once


def test_text_below_a_table_across_the_columns_comes_after_it(two_column):
    (_, text), *_ = read_pdf(two_column.read_bytes()).pages
    at_table = text.index("300750.SZ")
    assert text.index("第6段") < at_table < text.index("表后第1段")
    # the band under the table reads its left column, then its right
    assert text.index("表后第1段") < text.index("表后第8段")


def test_the_chunks_carry_rows_with_headers(two_column):
    from reportbot.documents.loaders import load_pages

    chunks = parse_pages(load_pages(two_column), two_column.name)
    row = next(c for c in chunks if c.kind == "row" and "阳光电源" in c.body)
    assert "总市值(亿元)：1,263" in row.body and "2023E PE：13.38" in row.body


def _reportlab_page(path, chart: bool) -> None:
    """Rules drawn in one stroke each, rows not padded, a label that wraps in its cell."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    c.setFont("STSong-Light", 10)
    c.drawString(50, h - 60, "图表3：盈利预测与估值")
    left, right, y = 50, 400, h - 70
    c.setLineWidth(1.2)
    c.line(left, y, right, y)
    cols = [52, 180, 250, 320]
    c.setFont("STSong-Light", 9)
    for x, head in zip(cols, ["指标", "2023A", "2024E", "2025E"]):
        c.drawString(x, y - 12, head)
    c.setLineWidth(0.5)
    c.line(left, y - 16, right, y - 16)
    lines = [("营业收入(百万元)", ["1,200.5", "1,530.2", "1,902.8"]),
             ("同比增长(%)", ["12.1%", "27.5%", "24.3%"]),
             ("归属母公司股东的净", ["150.3", "201.6", "260.9"]),
             ("利润(百万元)", None),
             ("同比增长(%)", ["8.0%", "34.1%", "29.4%"])]
    yy = y - 28
    for label, values in lines:
        c.drawString(cols[0], yy, label)
        for x, v in zip(cols[1:], values or []):
            c.drawString(x, yy, v)
        yy -= 11  # one line's pitch: no padding between rows
    c.setLineWidth(1.2)
    c.line(left, yy + 4, right, yy + 4)
    if chart:  # a chart framed by two rules: its ticks line up like columns
        top = yy - 40
        c.line(left, top, right, top)
        for i, tick in enumerate(["40%", "30%", "20%", "10%", "0%"]):
            c.drawString(52, top - 14 - i * 16, tick)
            c.drawString(360, top - 14 - i * 16, f"{8 - 2 * i}.0")
        c.line(left, top - 100, right, top - 100)
    c.save()


def test_single_stroke_rules_unpadded_rows_and_a_wrapped_label(tmp_path):
    pdf_path = tmp_path / "note.pdf"
    _reportlab_page(pdf_path, chart=True)
    tables = _tables(pdf_path)
    assert len(tables) == 1  # the chart between rules is no table
    rows = tables[0][1].rows
    assert rows[0] == ["指标", "2023A", "2024E", "2025E"]
    assert [r[0] for r in rows[1:]] == ["营业收入(百万元)", "同比增长(%)", "归属母公司股东的净利润(百万元)",
                                        "同比增长(%)"]
    assert rows[3][1:] == ["150.3", "201.6", "260.9"]


def test_a_growth_row_is_named_by_the_row_above_it(tmp_path):
    from reportbot.documents.loaders import load_pages

    pdf_path = tmp_path / "note.pdf"
    _reportlab_page(pdf_path, chart=False)
    chunks = parse_pages(load_pages(pdf_path), pdf_path.name)
    rows = [c for c in chunks if c.kind == "row"]
    growth = [c.row for c in rows if "同比增长" in c.row]
    assert growth == ["营业收入(百万元) 同比增长(%)", "归属母公司股东的净利润(百万元) 同比增长(%)"]


def _stacked_html() -> str:
    """Two three-line tables of one width, one above the other, with a source line, prose and
    a chart's labels between them (nothing ruled there, so the two tables' rules are one stack)."""
    css = CSS.replace(".cols { column-count: 2; column-gap: 8mm; }", "")
    first = [("年化收益率", "14.83%", "5.51%", "10.29%"), ("最大回撤", "68.91%", "66.83%", "63.03%"),
             ("周均换手率", "11%", "--", "--")]
    second = [("年化收益率", "16.63%", "10.89%", "13.00%"), ("最大回撤", "69.55%", "74.51%", "70.35%"),
              ("胜率", "51.58%", "--", "--")]

    def ruled(rows) -> str:
        body = "".join(f"<tr><td>{n}</td><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for n, a, b, c in rows)
        return ("<table><thead><tr><th>业绩指标</th><th>多头</th><th>空头</th><th>基准</th></tr></thead>"
                f"<tbody>{body}</tbody></table>")
    # two charts side by side: their axis ticks, short pieces far apart on each line
    gap = "&emsp;" * 12
    chart = "".join(f"<p>{v}{gap}{v / 10:.1f}{gap}{v}{gap}{v / 10:.1f}</p>" for v in (30, 25, 20, 15, 10, 5, 0))
    return (f"<html><head><meta charset='utf-8'><style>{css}</style></head><body>"
            f"<p>表18：选股策略业绩统计：创业板指</p>{ruled(first)}<p>资料来源：Wind，测试证券</p>"
            f"<p>{PARA}多头策略年化收益超16%，换手率相对较低。</p>"
            f"<p>图39 选股策略：中证红利（多头）{gap}图40 选股策略：中证红利（多空）</p>"
            f"<p>相对净值&emsp;多头&emsp;基准{gap}相对净值&emsp;多头&emsp;空头</p>{chart}"
            f"<p>资料来源：Wind，测试证券</p><p>表19：选股策略业绩统计：中证红利</p>{ruled(second)}"
            "</body></html>")


def test_a_source_line_ends_the_table_above_it(browser, tmp_path):
    # between two tables of one width: the source line, the prose and the chart under it are
    # no rows of either, and 周均换手率 stays the first table's last row
    path = chromium_pdf(browser, _stacked_html(), tmp_path / "选股.pdf")
    tables = [t for _, t in _tables(path)]
    assert not [t.rows for t in tables if any("资料来源" in c or "策略" in c for r in t.rows for c in r)]
    measured = [t for t in tables if t.rows[0][0] == "业绩指标"]
    assert [t.rows[-1][0] for t in measured] == ["周均换手率", "胜率"]
    assert all(len(t.rows) == 4 for t in measured)
    text = read_pdf(path.read_bytes()).pages[0][1]
    assert "多头策略年化收益超16%" in text
    assert "表19：选股策略业绩统计：中证红利" in text or "选股策略业绩统计：中证红利" in text
