"""Tables printed without rulings — three-line tables, whitespace-aligned columns, financial
summaries with years as columns, two tables side by side — found among a region's lines.

A run of lines whose segments (layout.py) hold numbers is a table; its columns are where the
segments of its most common width line up; a label column after a column of numbers starts a
second table beside the first. Chart axis ticks line up too, and are told apart: two columns
of numbers, a sparse grid, or digits stacked one per line.
"""

from __future__ import annotations

from functools import reduce

from ..tuning import LAYOUT_APART, LAYOUT_TABLE_MIN_ROWS
from .charts import chart_grid
from .headers import group_row, headings
from .layout import TOC_RE, Line, Row, Segment, Table, finest, is_number, join_text, overlap


def _tabular(row: Row) -> bool:
    segs = row.segments
    return len(segs) >= 2 and any(s.numeric for s in segs[1:]) \
        and not any(len(s.text) > 40 for s in segs)


def _header_like(row: Row) -> bool:
    """Short labels apart on a line: a header row. Labels set tight (5 pt headers) join into one
    segment; the pieces it was joined from count."""
    pieces = [p for s in row.segments for p in (s.parts or [s])]
    return len(pieces) >= 2 and all(len(p.text) <= 24 for p in pieces)


def blocks(rows: list[Row], right: float) -> list:
    """A region's rows as Lines and Tables, top to bottom."""
    out: list = []
    i = 0
    n = len(rows)
    done = 0  # rows before this belong to a table already
    emitted: list[int] = []  # the row each Line in ``out`` came from (-1 for tables)
    while i < n:
        if _tabular(rows[i]):
            j = i
            while j < n and (_tabular(rows[j]) or _group_label(rows, j)):
                j += 1
            start = i
            while start > done and i - start < 3 and _header_like(rows[start - 1]) \
                    and rows[start].top - rows[start - 1].bottom < 2.5 * rows[start].segments[0].size:
                start -= 1
            tables = _tables(rows[start:j], header_rows=i - start)
            if tables:
                while emitted and emitted[-1] >= start:  # the header rows are the table's
                    emitted.pop()
                    out.pop()
                out.extend(tables)
                emitted.extend([-1] * len(tables))
                i = done = j
                continue
        for segs in _apart(rows[i].segments):
            text = reduce(join_text, (s.text for s in segs), "")
            if not TOC_RE.search(text):
                out.append(Line(text, min(s.top for s in segs), max(s.bottom for s in segs), segs[0].x0,
                                segs[-1].x1, max(s.size for s in segs), all(s.bold for s in segs), right))
                emitted.append(i)
        i += 1
    return out


def _apart(segments: list[Segment]) -> list[list[Segment]]:
    """A line's segments grouped where they stand far apart (a date at the left margin, the
    report kind at the right): separate items, not one sentence."""
    groups = [[segments[0]]]
    for s in segments[1:]:
        prev = groups[-1][-1]
        if s.x0 - prev.x1 > LAYOUT_APART * max(s.size, prev.size):
            groups.append([s])
        else:
            groups[-1].append(s)
    return groups


def _labels(row: Row) -> bool:
    """A line of a few short labels and no number."""
    return len(row.segments) <= 3 and all(len(s.text) <= 12 and not s.numeric for s in row.segments)


def _group_label(rows: list[Row], j: int) -> bool:
    """Short labels on a line of their own between table rows: a row group (年增长率,
    盈利能力), or a row header stacked over two lines (沪深 / 300, 传统反转因子 / Ret20)."""
    if not (0 < j < len(rows) - 1 and _labels(rows[j]) and _tabular(rows[j - 1])):
        return False
    return _tabular(rows[j + 1]) or (j + 2 < len(rows) and _labels(rows[j + 1]) and _tabular(rows[j + 2]))


def _tables(rows: list[Row], header_rows: int) -> list[Table]:
    """Cells of a run of aligned rows, cut where a label column starts a table beside it."""
    body = [r for r in rows[header_rows:] if len(r.segments) >= 2]
    # one data row is a table when a header of three or more cells stands over it
    min_rows = 1 if header_rows and len(rows[header_rows - 1].segments) >= 3 else LAYOUT_TABLE_MIN_ROWS
    if len(body) < min_rows:
        return []
    counts = [len(r.segments) for r in body]
    k = max(set(counts), key=lambda c: (counts.count(c), c))
    anchors = [r for r in body if len(r.segments) == k]
    cols = [[min(r.segments[j].x0 for r in anchors), max(r.segments[j].x1 for r in anchors)] for j in range(k)]
    for r in rows:  # a segment beside every column (a sidebar item next to the table) is a column of its own
        for s in r.segments:
            between = any(a[1] < s.x0 and s.x1 < b[0] for a, b in zip(cols, cols[1:]))
            if all(overlap(s, c) <= 0 for c in cols) and \
                    (s.x0 > cols[-1][1] or s.x1 < cols[0][0] or between):
                cols.append([s.x0, s.x1])
                cols.sort()
    k = len(cols)
    grid = [_assign(r, cols) for r in rows]
    # labels over groups of columns (Reversal原始值 | …市值中性化), over a header row — the last
    # header row too when the run's first row heads columns with periods (2026/3), which read
    # as figures
    over = header_rows if header_rows < len(grid) and headings(grid[header_rows]) else header_rows - 1
    for h in range(over):
        if (row := group_row(rows[h].segments, cols)) is not None:
            grid[h] = row
    # a column of labels after a column of numbers starts a second table beside the first
    cuts = [0]
    for j in range(1, k):
        cells = [g[j] for g in grid[header_rows:] if g[j]]
        prev = [g[j - 1] for g in grid[header_rows:] if g[j - 1]]
        if cells and sum(not is_number(c) for c in cells) >= 0.6 * len(cells) \
                and prev and sum(is_number(c) for c in prev) >= 0.6 * len(prev):
            cuts.append(j)
    cuts.append(k)
    out: list = []
    rest: list[Line] = []  # parts of the run that are no table, read as lines after it
    for a, b in zip(cuts, cuts[1:]):
        part = [g[a:b] for g in grid]
        part = [p for p in part if any(p)]
        data = [p for p in part[header_rows:] if sum(1 for c in p if c) >= 2]
        numbers = sum(is_number(c) for p in data for c in p[1:] if c)
        cells = sum(1 for p in data for c in p[1:] if c)
        filled = [c for p in data for c in p if c]
        # a chart's axis ticks and value labels line up too: two columns of numbers, a sparse
        # grid, or digits stacked one per line
        ticks = (b - a == 2 and all(is_number(p[0]) for p in data if p[0])) \
            or len(filled) < 0.5 * (b - a) * len(data) \
            or sum(len(c) == 1 for c in filled) > 0.5 * len(filled) or chart_grid(part[header_rows:])
        table = b - a >= 2 and len(data) >= min_rows and cells and numbers >= 0.5 * cells \
            and not ticks
        if table:
            while part and part[0][0] and not any(part[0][1:]) and len(part) > len(data):
                out.append(Line(part.pop(0)[0], rows[0].top, rows[0].top, cols[a][0], cols[a][1],
                                rows[0].segments[0].size))  # a title alone above the columns
            out.append(Table(rows[0].top, rows[-1].bottom, part, cols[a][0], cols[b - 1][1]))
        else:
            rest.extend(Line(" ".join(c for c in p if c), rows[0].top, rows[-1].bottom, cols[a][0],
                             cols[b - 1][1], rows[0].segments[0].size) for p in part)
    return out + rest if out else []


def _assign(row: Row, cols: list[list[float]]) -> list[str]:
    """A row's segments placed in the columns they overlap most (nearest when none)."""
    cells = [""] * len(cols)
    segments = []
    for s in row.segments:  # words joined across two columns' cells are split again
        spanned = sum(1 for c in cols if overlap(s, c) > 0)
        segments.extend(finest(s) if spanned > 1 else [s])
    for s in segments:
        overlaps = [overlap(s, c) for c in cols]
        best = max(range(len(cols)), key=lambda j: overlaps[j])
        if overlaps[best] <= 0:
            mid = (s.x0 + s.x1) / 2
            best = min(range(len(cols)), key=lambda j: abs((cols[j][0] + cols[j][1]) / 2 - mid))
        cells[best] = f"{cells[best]} {s.text}".strip() if cells[best] else s.text
    return cells
