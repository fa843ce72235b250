"""Ruled tables whose rules do not fit their text, drawn in the run with reportlab: a table
framed as one box with a rule under each row but no rule between its columns (pdfplumber's
grid gives one cell a line, holding every column's figure), a table whose column rules stand
off its columns (a rule through a figure), a source line drawn inside the frame (it stays
text, for the table's note), and a chart framed by rules with its caption and source line,
which is no data table at all."""

from __future__ import annotations

import pdfplumber
import pytest

from reportbot.documents import gridfit, layout, reading

HEADER = ["年份", "沪深300", "中证500", "超额收益"]
ROWS = [["2019年", "36.07%", "26.38%", "9.69%"],
        ["2020年", "27.21%", "20.87%", "6.34%"],
        ["2021年", "-5.20%", "15.58%", "-20.78%"],
        ["2022年", "-21.63%", "-20.31%", "-1.32%"]]
COLUMN_X = [60, 160, 260, 360]  # where each column's text starts (points)


def _draw(path, column_rules: list[float], caption_box: bool = False, source_inside: bool = False):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 10)
    c.drawString(50, 780, "指数增强组合历年表现如下，超额收益在多数年份为正，2021年回撤较大。")
    top, step = 750, 20
    lines = [HEADER, *ROWS]
    bottom = top - step * (len(lines) + source_inside)
    c.setLineWidth(0.6)
    c.rect(50, bottom, 420, top - bottom)
    for k in range(1, len(lines)):
        c.line(50, top - k * step, 470, top - k * step)
    for x in column_rules:
        c.line(x, bottom, x, top)
    for k, cells in enumerate(lines):
        for x, text in zip(COLUMN_X, cells):
            c.drawString(x, top - k * step - 14, text)
    if source_inside:  # the source line drawn inside the table's frame, in its last band
        c.drawString(60, bottom + 6, "资料来源：Wind，示例证券研究所")
    if caption_box:  # a chart in a box: its caption, tick labels, its source line
        c.rect(50, 380, 420, 200)
        c.line(260, 380, 260, 580)  # two charts side by side
        c.line(50, 555, 470, 555)
        c.line(50, 405, 470, 405)
        c.drawString(60, 562, "图表5：组合净值走势")
        c.drawString(270, 562, "图表6：组合超额收益")
        for k, tick in enumerate(("1.6", "1.2", "0.8")):
            c.drawString(60, 530 - 40 * k, tick)
            c.drawString(270, 530 - 40 * k, tick)
        c.drawString(60, 388, "资料来源：Wind，测算")
        c.drawString(270, 388, "资料来源：Wind，测算")
    c.showPage()
    c.save()
    return path


def _tables(path) -> list[layout.Table]:
    with pdfplumber.open(path) as pdf:
        return [b for b in reading.page_blocks(pdf.pages[0])[0] if isinstance(b, layout.Table)]


def _tables_holding(path, figure: str) -> list[layout.Table]:
    return [t for t in _tables(path) if any(figure in c for r in t.rows for c in r)]


@pytest.fixture(scope="module")
def one_box(tmp_path_factory):
    return _draw(tmp_path_factory.mktemp("gridfit") / "box.pdf", column_rules=[])


@pytest.fixture(scope="module")
def source_inside(tmp_path_factory):
    return _draw(tmp_path_factory.mktemp("gridfit") / "source.pdf", column_rules=[], source_inside=True)


@pytest.fixture(scope="module")
def rules_off(tmp_path_factory):
    # the second column rule runs through the 中证500 figures, not in the white gap before them
    return _draw(tmp_path_factory.mktemp("gridfit") / "off.pdf", column_rules=[150, 275, 350])


@pytest.fixture(scope="module")
def with_chart(tmp_path_factory):
    return _draw(tmp_path_factory.mktemp("gridfit") / "chart.pdf", column_rules=[150, 250, 350],
                 caption_box=True)


def test_a_grid_holding_several_figures_a_cell_does_not_fit(one_box):
    with pdfplumber.open(one_box) as pdf:
        page = pdf.pages[0]
        grid = next(t for t in page.find_tables() if "36.07%" in " ".join(c or "" for r in t.extract() for c in r))
        assert max(len(r) for r in grid.extract()) == 1  # the trait: one cell a line
        assert not gridfit.fits(grid, page.chars, float(page.height))


def test_a_table_in_one_box_is_read_by_its_columns(one_box):
    tables = _tables_holding(one_box, "36.07%")
    assert len(tables) == 1
    assert tables[0].rows == [HEADER, *ROWS]


def test_column_rules_through_the_figures_are_not_the_columns(rules_off):
    with pdfplumber.open(rules_off) as pdf:
        page = pdf.pages[0]
        grid = next(t for t in page.find_tables() if len(t.extract()) == len(ROWS) + 1)
        assert not gridfit.fits(grid, page.chars, float(page.height))
    tables = _tables_holding(rules_off, "36.07%")
    assert len(tables) == 1
    assert tables[0].rows == [HEADER, *ROWS]


def test_a_grid_that_fits_is_kept_as_drawn_and_a_framed_chart_is_no_table(with_chart):
    with pdfplumber.open(with_chart) as pdf:
        page = pdf.pages[0]
        grids = [t for t in page.find_tables() if len(t.extract()) == len(ROWS) + 1]
        assert grids and gridfit.fits(grids[0], page.chars, float(page.height))
    tables = _tables(with_chart)
    assert [t.rows for t in tables] == [[HEADER, *ROWS]]
    assert not any("资料来源" in c or "图表5" in c for t in tables for r in t.rows for c in r)


def test_a_source_line_inside_the_frame_stays_text_beside_the_table(source_inside):
    with pdfplumber.open(source_inside) as pdf:
        blocks = reading.page_blocks(pdf.pages[0])[0]
    tables = [b for b in blocks if isinstance(b, layout.Table)]
    assert [t.rows for t in tables] == [[HEADER, *ROWS]]
    lines = [b.text for b in blocks if isinstance(b, layout.Line)]
    assert any(line.startswith("资料来源") for line in lines)


GROUPED = [("沪深", "300", [("传统因子", "2.83%", "41.33%"), ("新因子", "8.04%", "35.05%")]),
           ("中证", "1000", [("传统因子", "12.82%", "23.39%"), ("新因子", "16.42%", "9.08%")])]


@pytest.fixture(scope="module")
def grouped(tmp_path_factory):
    """A table in one box whose row-group label is printed centred over its two rows, on two
    lines of its own (沪深 / 300), as broker 金工 reports print 样本空间."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    path = tmp_path_factory.mktemp("gridfit") / "grouped.pdf"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 10)
    top, step = 750, 24
    c.rect(50, top - step * 5, 420, step * 5)
    c.line(50, top - step, 470, top - step)
    for x, text in zip((160, 260, 360), ("因子", "年化收益", "最大回撤")):
        c.drawString(x, top - 16, text)
    for g, (first, second, members) in enumerate(GROUPED):
        band = top - step * (1 + 2 * g)  # the group's two rows below this
        c.drawString(60, band - step + 2, first)  # the label's two lines straddle the rows' edge
        c.drawString(60, band - step - 10, second)
        for k, (name, ret, dd) in enumerate(members):
            y = band - step * k - 16
            for x, text in zip((160, 260, 360), (name, ret, dd)):
                c.drawString(x, y, text)
    c.showPage()
    c.save()
    return path


def test_a_group_label_centred_over_its_rows_names_each_of_them(grouped):
    tables = _tables_holding(grouped, "2.83%")
    assert len(tables) == 1
    body = tables[0].rows[1:]
    assert [r[0] for r in body] == ["沪深300", "沪深300", "中证1000", "中证1000"]
    assert [r[1:] for r in body] == [list(m) for _, _, ms in GROUPED for m in ms]
