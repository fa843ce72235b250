"""Whether the grid of a ruled table fits the text printed in it.

pdfplumber reads a table's cells from its rules. A Word table drawn as one box, or with rules
that stand off its columns, gives cells that hold several columns' figures on one line
("2013年 -3.71% -13.28%") or cut a figure in two ("1" | "1.15%"): its text is then read again
from where the words stand (threeline.rows_in_frame).
"""

from __future__ import annotations

from ..tuning import WORD_GAP
from .layout import is_number, physical_lines


def fits(table, chars: list[dict], height: float) -> bool:
    """False when, on some line inside the table, one cell holds two figures standing apart
    or a word runs over the edge between two cells of its row — read both with each piece of
    text in the first row around it and in the tightest one. Each alone misreads a kind of
    grid: a header cell spanning two rows makes its row cover the row below (the first row is
    then wrong), a band drawn behind several rows is a row of its own to pdfplumber (the
    tightest is then wrong); a grid misread both ways does not fit."""
    x0, top, x1, bottom = table.bbox
    inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    if not inside:
        return True
    leaves = set(_leaves([c for c in table.cells if c]))
    rows = [(r.bbox, sorted(c for c in r.cells if c in leaves)) for r in table.rows]
    lines = physical_lines(inside, height)
    return not (_misfit(lines, inside, rows, tightest=False) and _misfit(lines, inside, rows, tightest=True))


def _misfit(lines, inside: list[dict], rows: list, tightest: bool) -> bool:
    for line in lines:
        figures: dict[tuple, int] = {}
        for s in (p for seg in line.segments for p in (seg.parts or [seg])):
            mid_x, mid_y = (s.x0 + s.x1) / 2, (s.top + s.bottom) / 2
            around = [(bbox[3] - bbox[1], cells) for bbox, cells in rows if bbox[1] <= mid_y <= bbox[3]]
            if not around:
                continue
            cells = (min(around, key=lambda a: a[0]) if tightest else around[0])[1]
            half = s.size / 2
            if any(s.x0 + half < c[2] < s.x1 - half and _runs_over(inside, s, c[2]) for c in cells[:-1]):
                return True  # a word over a cell's edge
            if is_number(s.text):
                cell = next((c for c in cells if c[0] <= mid_x <= c[2]), None)
                if cell is not None:
                    figures[cell] = figures.get(cell, 0) + 1
                    if figures[cell] >= 2:
                        return True  # two figures apart in one cell: columns the rules missed
    return False


def _runs_over(chars: list[dict], piece, edge: float) -> bool:
    """Whether the piece's characters run on over ``edge`` without a gap (a line's segment may
    join the texts of narrow cells that a padding apart stand in their own cells)."""
    mine = [c for c in chars if piece.x0 - 0.5 <= c["x0"] and c["x1"] <= piece.x1 + 0.5
            and piece.top - 1 <= (c["top"] + c["bottom"]) / 2 <= piece.bottom + 1 and not c["text"].isspace()]
    left = [c["x1"] for c in mine if (c["x0"] + c["x1"]) / 2 < edge]
    right = [c["x0"] for c in mine if (c["x0"] + c["x1"]) / 2 >= edge]
    return bool(left and right) and min(right) - max(left) < WORD_GAP * piece.size


def _leaves(cells: list[tuple]) -> list[tuple]:
    """The cells holding no other cell: a rectangle drawn behind a block of cells (a shaded
    band, a frame) is no cell of its own."""
    def holds(a, b) -> bool:
        return a != b and a[0] <= b[0] + 0.5 and a[1] <= b[1] + 0.5 and a[2] >= b[2] - 0.5 and a[3] >= b[3] - 0.5
    return [a for a in cells if not any(holds(a, b) for b in cells)]


def first_rule(table) -> float | None:
    """Where the first rule across the table below its top is drawn (under its header), if any."""
    x0, top, x1, bottom = table.bbox
    inner = sorted({c[3] for c in table.cells if c and top + 1 < c[3] < bottom - 1})
    return inner[0] if inner else None
