"""The columns and rows of lines that stand between rules (a three-line table's body, a framed
table pdfplumber draws off its text): columns are the white gaps through the rows — through
all but a few on a scan, where OCR boxes two cells a narrow gap apart as one —, parted where a
border drawn a cell at a time has its joints; a run over a column's edge is cut there (never
inside a figure); rows start after a padded gap, at a line that fills a cell whose text above
did not run to its column's edge, and at a figure under a figure."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from statistics import median

from ..tuning import OCR_MERGED_MIN_ROWS, OCR_MERGED_ROWS, OCR_PITCH_JITTER, PADDED_SHARE
from .layout import Row, is_number, join_text, overlap


@dataclass
class Rule:
    x0: float
    x1: float
    top: float
    joints: list[float] = field(default_factory=list)  # where the segments it was drawn in meet


def row_pieces(row: Row) -> list:
    return [p for s in row.segments for p in (s.parts or [s])]


def _gaps(pieces: list) -> list[list[float]]:
    cols: list[list[float]] = []
    for a, b in sorted((p.x0, p.x1) for p in pieces):
        if cols and a <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    return cols


def _mostly_white(body: list[Row]) -> list[list[float]]:
    """Column extents from the white gaps through all but a few rows (OCR_MERGED_ROWS of
    them): OCR reads a cell and the one beside it as one box where their gap is narrow (6月苹果
    in a timeline), and such a row must not close the gutter the other rows show."""
    spans = [[(p.x0, p.x1) for p in row_pieces(r)] for r in body]
    edges = sorted({round(x, 1) for row in spans for span in row for x in span})
    allowed = int(OCR_MERGED_ROWS * len(body))
    cols: list[list[float]] = []
    for a, b in zip(edges, edges[1:]):
        mid = (a + b) / 2
        inked = sum(any(x0 <= mid <= x1 for x0, x1 in row) for row in spans) > allowed
        if inked and cols and cols[-1][1] >= a:
            cols[-1][1] = b
        elif inked:
            cols.append([a, b])
    return cols


def band_columns(rule_set: list[Rule], body: list[Row], header: list[Row], x0: float, x1: float,
             read: bool = False) -> list[list[float]]:
    """Column extents: the white gaps through every row (``read``: OCR'd, through all but a
    few), parted again where the rules' segments meet and no word crosses (a border drawn a
    cell at a time shows where a cell that runs up to the next one ends). Where the header
    stands apart in more columns than the rows do (OCR reads a year and the text beside it as
    one box), each column runs from where its header starts to where the next one starts."""
    pieces = [p for r in body for p in row_pieces(r)]
    cols = _gaps(pieces)
    if read and len(body) >= OCR_MERGED_MIN_ROWS:
        cols = max(cols, _mostly_white(body), key=len)
    heads = _gaps([p for r in header for p in row_pieces(r)])
    if len(heads) > len(cols) and len(heads) >= 2:
        starts = [h[0] for h in heads]
        size = median(p.size for r in header for p in row_pieces(r))
        edges = [min(x0, starts[0]), *(a - size / 2 for a in starts[1:]), x1]
        return [[a, b] for a, b in zip(edges, edges[1:])]
    for j in sorted({round(j, 1) for r in rule_set for j in r.joints if x0 < j < x1}):
        if any(p.x0 + p.size / 2 < j < p.x1 - p.size / 2 for p in pieces):
            continue
        for k, (a, b) in enumerate(cols):
            if a < j < b:
                cols[k:k + 1] = [[a, j], [j, b]]
                break
    return cols


def _split(s, cols: list[list[float]]) -> list:
    """A run of text over a column's edge, cut there by the width its characters take (OCR
    boxes its characters evenly; a text layer's CJK glyphs are as wide as one another). A
    figure is never cut (it stands in the column it overlaps most), nor a run that reaches over
    an edge by less than half a character (the header's start is only near its column's)."""
    inside = [c for c in cols if s.x0 + s.size / 2 < c[0] < s.x1 - s.size / 2]
    if not inside or not s.text or is_number(s.text):
        return [s]
    out, start, at = [], 0, s.x0
    step = (s.x1 - s.x0) / len(s.text)
    for c in inside:
        cut = round((c[0] - s.x0) / step)
        if 0 < cut < len(s.text) and _figure_char(s.text[cut - 1]) and _figure_char(s.text[cut]):
            # a figure the even spacing cuts (4.|11阿里巴巴) stays whole, in the column it starts in
            while cut < len(s.text) and _figure_char(s.text[cut]):
                cut += 1
        elif 0 < cut < len(s.text) and _word_char(s.text[cut - 1]) and _word_char(s.text[cut]):
            # Latin letters are not as wide as one another: cut at the space nearest, or where
            # Chinese meets Latin (5月|Google), if any
            spaces = [k for k in range(cut - 3, cut + 4) if 0 < k < len(s.text)
                      and (s.text[k] == " " or _cjk(s.text[k]) != _cjk(s.text[k - 1]))]
            if not spaces:
                continue
            cut = min(spaces, key=lambda k: abs(k - cut))
        if start < cut < len(s.text):
            out.append(replace(s, text=s.text[start:cut].strip(), x0=at, x1=s.x0 + cut * step, parts=[]))
            start, at = cut, s.x0 + cut * step
    out.append(replace(s, text=s.text[start:].strip(), x0=at, parts=[]))
    return [p for p in out if p.text]


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _figure_char(ch: str) -> bool:
    return ch.isdigit() or ch in ".,%"


def _word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def row_cells(row: Row, cols: list[list[float]]) -> list[tuple[str, float]]:
    """A line's text in each column, and where in the column it ends."""
    cells = [("", 0.0)] * len(cols)
    pieces = []
    for s in row.segments:
        for p in (s.parts if s.parts and sum(1 for c in cols if overlap(s, c) > 0) > 1 else [s]):
            pieces.extend(_split(p, cols))
    for s in pieces:
        best = max(range(len(cols)), key=lambda j: overlap(s, cols[j]))
        text, end = cells[best]
        cells[best] = (join_text(text, s.text) if text else s.text, max(end, s.x1))
    return cells


def _wraps(cell: tuple[str, float], col: list[float], size: float) -> bool:
    """Words that run to their column's right edge go on below; a number never does."""
    return bool(cell[0]) and not is_number(cell[0]) and cell[1] >= col[1] - 2.5 * size


def band_rows(lines: list[Row], cols: list[list[float]], read: bool = False) -> list[list[str]]:
    """Physical lines → table rows. A number under a filled cell starts a row. Where the table
    pads its rows (a gap between most rows wider than the lines' own spacing), that gap starts
    one; else a line starts one unless every cell it fills goes on from a cell above that ran
    to its column's edge. ``read``: OCR'd lines, whose tops wander by a point or two."""
    lines = _punctuation_folded(lines)
    if not lines:
        return []
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:])]
    tight = min(pitches) if pitches else 0.0
    size = median(s.size for r in lines for s in r.segments)
    gaps = [p - tight > (OCR_PITCH_JITTER if read else 0.15) * size for p in pitches]
    spaced = sum(gaps) >= 2 and sum(gaps) >= PADDED_SHARE * len(gaps)
    rows: list[list[str]] = []
    prev = None
    for i, line in enumerate(lines):
        cells = row_cells(line, cols)
        if prev is None:
            starts = True
        else:
            clash = any(is_number(c[0]) and p[0] for c, p in zip(cells, prev))
            wrapped = {j for j, c in enumerate(prev) if _wraps(c, cols[j], size)}
            filled = {j for j, c in enumerate(cells) if c[0]}
            starts = clash or (gaps[i - 1] if spaced else not filled <= wrapped)
        if starts:
            rows.append([c[0] for c in cells])
        else:
            rows[-1] = [join_text(a, c[0]) if a and c[0] else a or c[0] for a, c in zip(rows[-1], cells)]
        prev = cells
    return rows


def _punctuation_folded(lines: list[Row]) -> list[Row]:
    """A line of nothing but punctuation (a comma a printer hung below its line's baseline)
    belongs to the line above it; on its own it would break the rows' spacing."""
    out: list[Row] = []
    for line in lines:
        if out and not any(ch.isalnum() for s in line.segments for ch in s.text):
            out[-1] = Row(sorted(out[-1].segments + line.segments, key=lambda s: s.x0))
        else:
            out.append(line)
    return out
