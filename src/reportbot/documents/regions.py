"""A page's regions: body columns where long prose segments start, and the sidebar beside them
(rating, trading data, analysts), read after the body it stands beside; a two-column page is
read column by column (layout.py says how lines and segments are made)."""

from __future__ import annotations

from collections import Counter

from ..language.terms import has_cjk
from ..tuning import LAYOUT_BESIDE_ROWS, LAYOUT_PROSE_CHARS, LAYOUT_PROSE_WIDTH
from .layout import Row, Segment, edge, overlap


def _prose(s: Segment, page_width: float) -> bool:
    return len(s.text) >= LAYOUT_PROSE_CHARS and s.x1 - s.x0 >= LAYOUT_PROSE_WIDTH * page_width \
        and has_cjk(s.text) and not s.numeric


def _columns(rows: list[Row], page_width: float) -> list[tuple[float, float, float, float]]:
    """Body columns as (x0, x1, top, bottom): where prose segments start, grouped; columns
    whose spans overlap are one column (an indented first line)."""
    # body text: long segments in the size most of them are set in (a title is long too, and
    # larger; chart labels and table cells, however many, are not long)
    long = [s for r in rows for s in r.segments if _prose(s, page_width)]
    sizes = Counter()
    for s in long:
        sizes[round(s.size)] += len(s.text)
    body = sizes.most_common(1)[0][0] if sizes else 0
    prose = [s for s in long if s.size <= 1.15 * body]
    prose.sort(key=lambda s: s.x0)
    clusters: list[list[Segment]] = []
    for s in prose:
        if clusters and s.x0 - clusters[-1][-1].x0 <= 3 * max(s.size, 6):
            clusters[-1].append(s)
        else:
            clusters.append([s])
    cols = []
    for group in clusters:
        if len(group) < 3:
            continue
        cols.append([min(s.x0 for s in group), _shared_edge([s.x1 for s in group]),
                     min(s.top for s in group), max(s.bottom for s in group)])
    merged: list[list[float]] = []
    for c in sorted(cols):
        if merged and c[0] < merged[-1][1]:
            m = merged[-1]
            merged[-1] = [min(m[0], c[0]), max(m[1], c[1]), min(m[2], c[2]), max(m[3], c[3])]
        else:
            merged.append(c)
    for c in merged:  # a paragraph's short last line still belongs to its column
        for r in sorted(rows, key=lambda r: r.top):
            if c[3] < r.top <= c[3] + 1.8 * r.segments[0].size and any(
                    abs(s.x0 - c[0]) <= 2 * s.size and s.x1 <= c[1] + s.size for s in r.segments):
                c[3] = r.bottom
    return [tuple(c) for c in merged]


def _shared_edge(rights: list[float]) -> float:
    """A column's right edge: the furthest right end that several of its lines share (justified
    lines end together; a short line, a source note set in the column, ends anywhere)."""
    rights = sorted(rights)
    shared = [x for x in rights if sum(abs(x - y) <= 2 for y in rights) >= 2]
    return shared[-1] if shared else rights[-1]


def regions(rows: list[Row], page_width: float) -> list[tuple[list[Row], float]]:
    """The page's rows split into regions in reading order, each with its right edge.
    Within the height of the body columns, a row's segments go to the column they sit in,
    or to the sidebar; a row with a segment across two columns is read whole where it is."""
    cols = _columns(rows, page_width)
    if not cols or _beside(rows, cols, page_width) < LAYOUT_BESIDE_ROWS:
        return [(rows, 0.0)] if rows else []  # one flow: nothing stands beside the body text
    top, bottom = min(c[2] for c in cols), max(c[3] for c in cols)
    out: list[tuple[list[Row], float]] = []
    band: list[list[Row]] = [[] for _ in cols]
    aside: list[Row] = []
    whole: list[Row] = []  # rows read across the page, outside the columns' height

    def flush_whole() -> None:
        if whole:
            out.append((list(whole), 0.0))
            whole.clear()

    def flush() -> None:
        flush_whole()
        for col, parts in zip(cols, band):
            if parts:
                out.append((list(parts), col[1]))
            parts.clear()
        if aside:
            out.append((list(aside), _right(aside)))
            aside.clear()

    for row in rows:
        if row.bottom < top - 2 or row.top > bottom + 2:
            if any(band) or aside:
                flush()
            whole.append(row)
            continue
        flush_whole()
        placed: list[list[Segment]] = [[] for _ in cols]
        side: list[Segment] = []
        spans = False
        for s in row.segments:
            inside = [i for i, c in enumerate(cols) if s.x0 >= c[0] - 2 * s.size and s.x1 <= c[1] + 2 * s.size]
            if inside:
                placed[inside[0]].append(s)
            elif any(overlap(s, c) > 0 for c in cols) and len(cols) > 1:
                spans = True
            elif any(s.x0 < c[0] - 2 * s.size < s.x1 or s.x0 < c[1] + 2 * s.size < s.x1 for c in cols) \
                    and any(overlap(s, c) > 0 for c in cols):
                placed[max(range(len(cols)), key=lambda i: overlap(s, cols[i]))].append(s)
            else:
                side.append(s)
        if spans:
            flush()
            whole.append(row)
            continue
        for i, segs in enumerate(placed):
            if segs:
                band[i].append(Row(segs))
        if side:
            aside.append(Row(side))
    flush()
    return out


def _beside(rows: list[Row], cols, page_width: float) -> int:
    """Lines where body text and something outside its column share the line: a sidebar or a
    second column. A body narrower than the tables and captions around it has none."""
    count = 0
    for row in rows:
        inside = [s for s in row.segments if any(s.x0 >= c[0] - 2 * s.size and s.x1 <= c[1] + 2 * s.size
                                                 for c in cols)]
        if any(_prose(s, page_width) for s in inside) and len(inside) < len(row.segments) or \
                len({i for s in inside for i, c in enumerate(cols) if s.x0 >= c[0] - 2 * s.size}) > 1:
            count += 1
    return count


def _right(rows: list[Row]) -> float:
    return edge([s.x1 for r in rows for s in r.segments])
