"""A page's lines and tables in reading order: ruled tables (pdfplumber), tables ruled only
across (threeline.py), and the text around them in its columns (layout.py, unruled.py). A
grid of figures only whose lines go on outside it (a heat table's coloured cells) is no table
of its own; small print is read only where it forms a data table.

A table as wide as the page's columns together cuts the page into bands read top to bottom,
each band's columns left to right (two columns of text, a table across both, two columns
again: the second band's left column comes after the table, not before it).
"""

from __future__ import annotations

import re
from collections import Counter

from ..tuning import (
    CAPTION_GAP,
    LAYOUT_CELL_CHARS,
    LAYOUT_MIN_FONT,
    SMALL_PRINT_FLOOR,
    SPANNING_SHARE,
)
from . import glyphs, gridfit, layout, ocr, regions, threeline, unruled
from .charfold import normalize_text

CHART_LABEL_PARTS = 3  # a chart's tick line holds one to three numbers (two axes, a legend value)


def _cell(text: str | None) -> str:
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n")]
    out = ""
    for p in parts:
        out = layout.join_text(out, p)
    return out.replace("\t", " ")


def _data_table(rows: list[list[str]]) -> bool:
    """A ruled grid holds data when it has rows and columns and most of its cells are filled;
    a page-design grid is sparse (a Word cover laid out in a table: 5–25% filled in the shared
    real PDFs) or frames whole paragraphs or whole unruled tables in its cells (over
    LAYOUT_CELL_CHARS each). A description column of a sentence a cell is data."""
    cells = [c for r in rows for c in r if c]
    if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2 or not cells:
        return False
    firsts = [next((c for c in r if c), "") for r in rows]
    if sum(layout.figure_label(c) for c in firsts) >= 0.5 * len(rows):
        return False  # charts' captions and source lines between the rules that frame them
    slots = sum(len(r) for r in rows)
    return sum(len(c) > LAYOUT_CELL_CHARS for c in cells) <= 0.2 * len(cells) and len(cells) >= 0.5 * slots


def _banner(rows: list, i: int) -> bool:
    """One character alone on its line, stacked with others at the same place: a vertical
    banner (宏/观/研/究), read as noise."""
    segs = rows[i].segments
    if len(segs) != 1 or len(segs[0].text) != 1:
        return False
    mid = (segs[0].x0 + segs[0].x1) / 2
    return any(r is not rows[i] and any(len(s.text) == 1 and abs((s.x0 + s.x1) / 2 - mid) < s.size
                                        for s in r.segments) for r in rows[max(0, i - 2):i + 3])


def page_blocks(page, read: ocr.OcrPage | None = None, cover: bool = False) -> tuple[list, float]:
    """Lines and tables of a page in reading order (layout.py); and the body font size.
    ``read``: what OCR read on a page whose text layer is missing or garbage; ``cover``: the
    report's first page."""
    height = float(page.height)
    if read is None:
        kept = []
        # one pass over the page's glyphs: those of reading size, and the small print under it
        seen = glyphs.visible_chars(page, min_size=SMALL_PRINT_FLOOR)
        visible = [c for c in seen if c.get("size", 0) >= LAYOUT_MIN_FONT]
        visible += _small_print_tables(page, visible, [c for c in seen if c.get("size", 0) < LAYOUT_MIN_FONT])
        for t in page.find_tables():
            bbox, rows = t.bbox, [[_cell(normalize_text(c or "")) for c in row] for row in t.extract()]
            if not gridfit.fits(t, visible, height):  # cells the rules draw off the text's columns
                bbox, rows = threeline.rows_in_frame(visible, t.bbox, height, gridfit.first_rule(t)) or (bbox, rows)
            if _data_table(rows):
                kept.append((bbox, rows))
        kept = [(bbox, rows) for bbox, rows in kept if not _fill_fragment(bbox, rows, visible, kept)]
        chars = glyphs.outside(visible, [bbox for bbox, _ in kept])
        # tables ruled only across (three-line tables), which pdfplumber finds no cells in
        across = threeline.tables(page, chars)
    else:  # OCR took the ruled tables' characters out already
        kept = [(bbox, rows) for bbox, rows in read.tables if _data_table(rows)]
        chars = read.chars
        across = threeline.tables_from([threeline.Rule(x0, x1, y) for x0, x1, y in read.rules], chars, height,
                                        read=True)
    across = [(bbox, rows) for bbox, rows in across if _data_table(rows)]
    chars = glyphs.outside(chars, [bbox for bbox, _ in across])
    kept.extend(across)
    sizes = Counter(round(c.get("size", 0), 1) for c in chars if not c["text"].isspace())
    rows = layout.physical_lines(chars, height)
    rows = [r for i, r in enumerate(rows) if not _banner(rows, i)]
    tables = [layout.Table(top, bottom, cells, x0, x1) for (x0, top, x1, bottom), cells in kept]
    out: list = []
    for band, inner, spanning in _bands(rows, tables):
        blocks: list = []
        for region, right in regions.regions(band, float(page.width)):
            blocks.extend(unruled.blocks(region, right))
        for table in inner:
            _place(blocks, table)
        out.extend(blocks)
        if spanning is not None:
            out.append(spanning)
    # a cover's date in figures (2023.2.15 beside the title; its related reports' dates too) is
    # no chart's tick: a cover's chart (股价走势) marks months, not days
    out = [b for b in out if not isinstance(b, layout.Line) or not _chart_label(b.text)
           or (cover and _FIGURE_DATE_RE.match(b.text))]
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    return out, body


def _fill_fragment(bbox, rows: list[list[str]], visible: list[dict], kept: list) -> bool:
    """A grid of figures only, whose lines go on outside it (the labels at their left): cells a
    heat table fills with colour, which pdfplumber reads as a ruled table of their own. The
    figures are read with their lines, as one table with its labels and headers."""
    cells = [c for r in rows for c in r if c]
    if not cells or not all(layout.is_number(c) for c in cells):
        return False
    x0, top, x1, bottom = bbox
    others = [b for b, _ in kept if b != bbox]
    beside = {round((c["top"] + c["bottom"]) / 2) for c in glyphs.outside(visible, others)
              if top <= (c["top"] + c["bottom"]) / 2 <= bottom and not x0 <= (c["x0"] + c["x1"]) / 2 <= x1
              and not c["text"].isspace()}
    lines = {round((c["top"] + c["bottom"]) / 2) for c in glyphs.inside(visible, [bbox])}
    return bool(lines) and len(beside & lines) >= 0.5 * len(lines)


def _small_print_tables(page, visible: list[dict], small: list[dict]) -> list[dict]:
    """Those of the ``small`` characters (below the hidden-text size) that form a data table (a
    whole table set in 5 pt, or its figures beside labels in a larger font): read where they
    are, among the text the page shows. Elsewhere small print stays hidden (tracking strings,
    chart ticks)."""
    if not small:
        return []
    width, height = float(page.width), float(page.height)
    boxes = []
    # the labels beside the small figures count in finding the table, not in keeping it
    rows = layout.physical_lines(small + visible, height)
    for region, right in regions.regions(rows, width):
        for block in unruled.blocks(region, right):
            if isinstance(block, layout.Table) and _data_table(block.rows):
                boxes.append((block.x0, block.top, block.x1, block.bottom))
    # a heading wider than its column of figures (多空年化 over 8%) reaches past the table's box
    # found from the figures: the whole of each line segment the box holds part of is kept
    reach = [(s.x0, s.top, s.x1, s.bottom) for r in rows for s in r.segments
             if any(s.x0 < x1 and s.x1 > x0 and top <= (s.top + s.bottom) / 2 <= bottom
                    for x0, top, x1, bottom in boxes)]
    return glyphs.inside(small, boxes + reach)


_FIGURE_DATE_RE = re.compile(r"^\s*(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}\s*$")


def _chart_label(text: str) -> bool:
    """A short line of nothing but numbers, dates or percentages outside a table: a chart's
    axis ticks or value labels (a longer one is a table row whose table was not found: kept)."""
    parts = text.split()
    return 0 < len(parts) <= CHART_LABEL_PARTS and not any(ch in text for ch in "年月日") \
        and all(layout.is_number(p) for p in parts)


def _bands(rows: list[layout.Row], tables: list[layout.Table]):
    """(rows, tables among them, the table under them): the page cut by tables as wide as its
    text, top to bottom; the last band has no table under it (None)."""
    spans = [*((s.x0, s.x1) for r in rows for s in r.segments), *((t.x0, t.x1) for t in tables)]
    if not spans:
        return [([], [], None)]
    left, right = min(a for a, _ in spans), max(b for _, b in spans)
    wide = sorted((t for t in tables if t.x1 - t.x0 >= SPANNING_SHARE * (right - left)), key=lambda t: t.top)
    out, start = [], float("-inf")
    for t in [*wide, None]:
        end = t.top if t is not None else float("inf")
        out.append(([r for r in rows if start <= r.top < end],
                    [x for x in tables if not any(x is w for w in wide) and start <= x.top < end], t))
        start = t.bottom if t is not None else end
    return out


def _place(blocks: list, table: layout.Table) -> None:
    """A table among its band's blocks: after the block just above it in its own column when
    that is close (its caption), else before the first block below it there (a table in the
    right column of two comes after the left column's text, however high it stands; a sidebar
    beside it stays apart)."""
    x0, x1, top = table.x0, table.x1, table.top
    column = [i for i, b in enumerate(blocks) if b.x0 < x1 and b.x1 > x0]
    above = [i for i in column if blocks[i].top < top]
    below = [i for i in column if blocks[i].top >= top]
    near = max(above, key=lambda i: (blocks[i].top, i)) if above else None
    if near is not None and top - blocks[near].bottom <= CAPTION_GAP * max(getattr(blocks[near], "size", 0.0), 1.0):
        blocks.insert(near + 1, table)
    elif below:
        blocks.insert(below[0], table)
    elif near is not None:
        blocks.insert(near + 1, table)
    else:
        blocks.insert(next((i for i, b in enumerate(blocks) if b.top >= top), len(blocks)), table)

