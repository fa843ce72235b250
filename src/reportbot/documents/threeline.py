"""Tables ruled only across: three-line tables (a rule above, one under the header, one below,
no verticals), as brokers print them, and any table whose rows stand between rules of one width.

pdfplumber finds a table by the crossings of its rules, so a table without vertical rules has
none. Here the rules alone frame it: horizontal rules of the same extent stacked on a page bound
a table; the band between the first two is its header when the band is a line or three (or the
line just over the first rule, for a table ruled under its header and below); a rule between
row groups goes on with the table. Columns are the white gaps through the rows, parted again
where a border drawn a cell at a time (Chromium, Word) has its joints and no word crosses, or,
where the header stands in more columns than the rows (OCR boxes a year and the text beside it
as one run), where the header's cells start. Rows start after a gap wider than the lines' own
spacing where the table pads its rows, else at a line that fills a cell whose text above did
not run to its column's edge, and always at a figure under a figure. Chart ticks framed by
rules and frames around other tables are no tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from statistics import median

from ..tuning import PADDED_SHARE, RULE_ALIGN, RULE_MIN_WIDTH, RULE_THICKNESS
from .headers import group_row, headings
from .layout import Row, figure_label, is_number, join_text, overlap, physical_lines
from .tables import parse_cell


@dataclass
class Rule:
    x0: float
    x1: float
    top: float
    joints: list[float] = field(default_factory=list)  # where the segments it was drawn in meet


def rules(page) -> list[Rule]:
    """The page's horizontal rules: thin filled rectangles and horizontal lines, the segments
    that touch end to end at one height joined into one rule that remembers where they met."""
    pieces = []
    for r in page.rects:
        if r["height"] <= RULE_THICKNESS and r["width"] >= 2:
            pieces.append((r["top"], r["x0"], r["x1"]))
    for ln in page.lines:
        if abs(ln["top"] - ln["bottom"]) <= RULE_THICKNESS:
            pieces.append((ln["top"], ln["x0"], ln["x1"]))
    pieces.sort(key=lambda p: (round(p[0]), p[1]))
    out: list[Rule] = []
    for top, x0, x1 in pieces:
        last = out[-1] if out else None
        if last and abs(last.top - top) <= 1 and x0 <= last.x1 + RULE_ALIGN and x1 > last.x1:
            if x0 >= last.x1 - RULE_ALIGN:
                last.joints.append((last.x1 + x0) / 2)
            last.x1 = x1
        elif not (last and abs(last.top - top) <= 1 and x1 <= last.x1 + RULE_ALIGN and x0 >= last.x0 - RULE_ALIGN):
            out.append(Rule(x0, x1, top))
    return [r for r in out if r.x1 - r.x0 >= RULE_MIN_WIDTH]


def _stacks(found: list[Rule]) -> list[list[Rule]]:
    """Rules of the same extent, top to bottom: the rules of one table (or of several tables
    as wide as one another, told apart by what stands between them)."""
    stacks: list[list[Rule]] = []
    for r in sorted(found, key=lambda r: r.top):
        for s in stacks:
            if abs(s[0].x0 - r.x0) <= RULE_ALIGN and abs(s[0].x1 - r.x1) <= RULE_ALIGN:
                s.append(r)
                break
        else:
            stacks.append([r])
    return stacks


def _lines_in(chars: list[dict], x0: float, x1: float, top: float, bottom: float, height: float) -> list[Row]:
    """The lines of the characters inside a box (a table in one column of two reads apart
    from the other column's text on the same baselines)."""
    inside = [c for c in chars if x0 - RULE_ALIGN <= (c["x0"] + c["x1"]) / 2 <= x1 + RULE_ALIGN
              and top - 1 <= (c["top"] + c["bottom"]) / 2 <= bottom + 1]
    return physical_lines(inside, height) if inside else []


def _prose(band: list[Row], rule_set: list[Rule], width: float) -> bool:
    """Text between two tables of one width, no table: lines of one run across most of it, or
    runs that cross where the rules' cells meet (two columns of paragraphs between rules)."""
    if not band:
        return False
    joints = [j for r in rule_set for j in r.joints]
    segs = [p for r in band for p in _pieces(r)]
    crossing = sum(1 for s in segs if any(s.x0 + s.size < j < s.x1 - s.size for j in joints))
    long = sum(1 for r in band if len(r.segments) == 1 and r.segments[0].x1 - r.segments[0].x0 > 0.8 * width)
    return long >= 0.5 * len(band) or crossing >= 0.3 * len(segs)


def _pieces(row: Row) -> list:
    return [p for s in row.segments for p in (s.parts or [s])]


def _figures(band: list[Row]) -> bool:
    """Most of the band's lines hold a figure: table rows, not a caption or a new header."""
    return bool(band) and sum(any(is_number(p.text) for p in _pieces(r)) for r in band) >= 0.5 * len(band)


def _gaps(pieces: list) -> list[list[float]]:
    cols: list[list[float]] = []
    for a, b in sorted((p.x0, p.x1) for p in pieces):
        if cols and a <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    return cols


def _columns(rule_set: list[Rule], body: list[Row], header: list[Row], x0: float, x1: float) -> list[list[float]]:
    """Column extents: the white gaps through every row, parted again where the rules'
    segments meet and no word crosses (a border drawn a cell at a time shows where a cell
    that runs up to the next one ends). Where the header stands apart in more columns than
    the rows do (OCR reads a year and the text beside it as one box), each column runs from
    where its header starts to where the next one starts."""
    pieces = [p for r in body for p in _pieces(r)]
    cols = _gaps(pieces)
    heads = _gaps([p for r in header for p in _pieces(r)])
    if len(heads) > len(cols) and len(heads) >= 2:
        starts = [h[0] for h in heads]
        size = median(p.size for r in header for p in _pieces(r))
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
        if 0 < cut < len(s.text) and _word_char(s.text[cut - 1]) and _word_char(s.text[cut]):
            # Latin letters are not as wide as one another: cut at the space nearest, if any
            spaces = [k for k in range(cut - 3, cut + 4) if 0 < k < len(s.text) and s.text[k] == " "]
            if not spaces:
                continue
            cut = min(spaces, key=lambda k: abs(k - cut))
        if start < cut < len(s.text):
            out.append(replace(s, text=s.text[start:cut].strip(), x0=at, x1=s.x0 + cut * step, parts=[]))
            start, at = cut, s.x0 + cut * step
    out.append(replace(s, text=s.text[start:].strip(), x0=at, parts=[]))
    return [p for p in out if p.text]


def _word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _cells(row: Row, cols: list[list[float]]) -> list[tuple[str, float]]:
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


def _grid(lines: list[Row], cols: list[list[float]]) -> list[list[str]]:
    """Physical lines → table rows. A number under a filled cell starts a row. Where the table
    pads its rows (a gap between most rows wider than the lines' own spacing), that gap starts
    one; else a line starts one unless every cell it fills goes on from a cell above that ran
    to its column's edge."""
    lines = _punctuation_folded(lines)
    if not lines:
        return []
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:])]
    tight = min(pitches) if pitches else 0.0
    size = median(s.size for r in lines for s in r.segments)
    gaps = [p - tight > 0.15 * size for p in pitches]
    spaced = sum(gaps) >= 2 and sum(gaps) >= PADDED_SHARE * len(gaps)
    rows: list[list[str]] = []
    prev = None
    for i, line in enumerate(lines):
        cells = _cells(line, cols)
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


def _header(lines: list[Row], cols: list[list[float]], more_below: bool = False) -> list[list[str]]:
    """A header band's lines as header rows, each column's words joined (提出 / 时间 → 提出时间).
    A line above others of labels centred over groups of columns is a row of its own
    (``headers.group_row``) — never cut by column into the labels below it. ``more_below``: the
    headings under the last line are read with the body (below a frame's first rule)."""
    groups: list[list[str]] = []
    out = [""] * len(cols)
    for k, line in enumerate(lines):
        row = group_row(_pieces(line), cols) if k < len(lines) - 1 or more_below else None
        if row is not None:
            groups.append(row)
            continue
        for j, (text, _) in enumerate(_cells(line, cols)):
            if text:
                out[j] = join_text(out[j], text) if out[j] else text
    return [*groups, out] if any(out) or not groups else groups


def _header_above(chars: list[dict], x0: float, x1: float, top: float, height: float) -> Row | None:
    """The line just over a table's first rule when it reads as column headings: within a
    line's height of the rule, in two or more short runs (a caption is one)."""
    lines = _lines_in(chars, x0, x1, max(0.0, top - 30), top, height)
    if not lines:
        return None
    line = lines[-1]
    size = max(s.size for s in line.segments)
    pieces = _pieces(line)
    if top - line.bottom > 1.5 * size or len(pieces) < 2 or any(len(p.text) > 24 for p in pieces):
        return None
    return line


def _run_below(chars: list[dict], x0: float, x1: float, top: float, stop: float) -> list[Row]:
    """The lines under a header whose table breaks to the next column or page before its last
    rule: within its width, each close under the one before, above ``stop`` (the next rule
    across it, or the page's foot)."""
    run: list[Row] = []
    for r in _lines_in(chars, x0, x1, top, stop, stop):
        if run and r.top - run[-1].bottom > 1.5 * max(s.size for s in r.segments):
            break
        run.append(r)
    return run


def rows_in_frame(chars: list[dict], bbox: tuple[float, float, float, float], height: float,
                  head_rule: float | None = None) -> tuple[tuple[float, float, float, float], list[list[str]]] | None:
    """The bbox and rows of a table inside a frame whose drawn cells do not fit its text (a Word
    table ruled as one box, or with its rules off the columns): the header is the lines before
    the first figure (up to three, joined by column) and above the first rule across the frame
    (``head_rule``: below it a row's label may wrap onto a line of its own); the columns are the
    white gaps through the lines. A caption or source line at the frame's top or foot is left
    out of the bbox, for the text around the table. None when the frame holds no two columns."""
    x0, top, x1, bottom = bbox
    lines = _lines_in(chars, x0, x1, top, bottom, height)
    while lines and figure_label(_row_text(lines[0])):
        top = lines.pop(0).bottom
    while lines and figure_label(_row_text(lines[-1])):
        bottom = lines.pop().top
    head: list[Row] = []
    while lines and len(head) < 3 and not any(is_number(p.text) for p in _pieces(lines[0])):
        if head and head_rule is not None and lines[0].top > head_rule:
            break
        head.append(lines.pop(0))
    if not lines:
        return None
    cols = _columns([], lines, head, x0, x1)
    if len(cols) < 2:
        return None
    rows = _centred_labels(_grid(lines, cols), _label_blocks(lines, cols[0]))
    if head:
        headings_below = headings(rows[0]) if rows else False
        rows[0:0] = _header(head, cols, more_below=headings_below)
    keep = [j for j in range(len(cols)) if any(r[j] for r in rows)]
    if len(keep) < 2:
        return None
    return (x0, top, x1, bottom), [[r[j] for j in keep] for r in rows]


def _label_blocks(lines: list[Row], first: list[float]) -> list[list[str]]:
    """Row-group labels printed centred over their rows on lines of their own (沪深 / 300 beside
    two factors' rows): runs of two or more lines with text in the first column and no figure
    elsewhere, each run's first-column texts."""
    blocks, run = [], []
    for line in lines + [None]:
        label = other = None
        if line is not None:
            pieces = _pieces(line)
            label = "".join(p.text for p in pieces if first[0] <= (p.x0 + p.x1) / 2 <= first[1])
            other = any(is_number(p.text) for p in pieces if not first[0] <= (p.x0 + p.x1) / 2 <= first[1])
        if label and not other:
            run.append(label)
            continue
        if len(run) >= 2:
            blocks.append(run)
        run = []
    return blocks


def _centred_labels(rows: list[list[str]], blocks: list[list[str]]) -> list[list[str]]:
    """A group label the grid cut between the rows it spans ("沪深" | "300") names each of them
    whole ("沪深300")."""
    at = 0
    for block in blocks:
        spans = []
        for part in block:
            k = next((i for i in range(at, len(rows)) if rows[i][0].endswith(part) or rows[i][0] == part), None)
            if k is None:
                break
            spans.append(k)
            at = k
        if len(spans) == len(block) and len(set(spans)) >= 2:
            whole = "".join(block)
            for k in sorted(set(spans)):
                rows[k][0] = whole
            at = max(spans) + 1
    return rows


def _row_text(row: Row) -> str:
    return "".join(p.text for p in _pieces(row))


def tables(page, chars: list[dict]) -> list[tuple[tuple[float, float, float, float], list[list[str]]]]:
    """(bbox, rows) of each table framed by rules alone on a page with a text layer."""
    return tables_from(rules(page), chars, float(page.height))


def tables_from(found: list[Rule], chars: list[dict], height: float):
    """(bbox, rows) of each table the rules ``found`` frame, header row first: the characters
    of a text layer, or those OCR read on a scan (whose rules the image shows)."""
    out = []
    for stack in _stacks(found):
        if len(stack) < 2:
            continue
        x0, x1 = stack[0].x0, stack[0].x1
        bands = [(a, b, _lines_in(chars, x0, x1, a.top, b.top, height)) for a, b in zip(stack, stack[1:])]
        i = 0
        while i < len(bands):
            a, b, band = bands[i]
            if not band or _prose(band, [a, b], x1 - x0):
                i += 1
                continue
            nxt = bands[i + 1] if i + 1 < len(bands) else None
            if len(band) <= 3 and nxt is None:  # a header with no rule below its rows: the table
                stop = min((r.top for r in found if r.top > b.top + 1 and r.x0 < x1 and r.x1 > x0),
                           default=height * 0.92)  # goes on over a break
                nxt = (b, b, _run_below(chars, x0, x1, b.top, stop))
            if len(band) <= 3 and nxt and nxt[2] and not _prose(nxt[2], [nxt[0], nxt[1]], x1 - x0):
                header_lines, body, last, used = band, nxt[2], nxt[1], [a, b, nxt[1]]
                i += 2
                # a rule between row groups (IC信息 / 多空对冲绩效) goes on with the same table;
                # a band under it that starts with a header line is a table of its own
                while i < len(bands) and bands[i][0] is last and _figures(bands[i][2]) \
                        and _figures(bands[i][2][:1]) \
                        and not _prose(bands[i][2], [bands[i][0], bands[i][1]], x1 - x0):
                    body, last = body + bands[i][2], bands[i][1]
                    used.append(last)
                    i += 1
            else:
                header_lines, body, last, used = [], band, b, [a, b]
                i += 1
                head = _header_above(chars, x0, x1, a.top, height)
                if head is not None:  # a table ruled under its header and below, not above it
                    header_lines = [head]
            top = min(a.top, header_lines[0].top) if header_lines else a.top
            cols = _columns(used, body, header_lines, x0, x1)
            if len(cols) < 2:
                continue
            rows = _grid(body, cols)
            if header_lines:
                headings_below = headings(rows[0]) if rows else False
                heads = _header(header_lines, cols, more_below=headings_below)
                if sum(1 for c in heads[-1] if c) < 2:  # a caption between two tables, not a header
                    continue
                rows[0:0] = heads
            if sum(sum(1 for c in r if c) for r in rows) < 2 * len(rows):
                continue  # rows of one cell each: text between rules, no table
            keep = [j for j in range(len(cols)) if any(r[j] for r in rows)]  # joints of blank cells
            rows = [[r[j] for j in keep] for r in rows]
            if len(rows) >= 3 and len(keep) >= 2 and not _chart(rows):
                out.append(((x0, top, x1, max(last.top, body[-1].bottom)), rows))
    # rules framing a panel of tables (a page's box, a figure's frame) hold the tables, not one
    return [t for t in out if not any(u is not t and _inside(u[0], t[0]) for u in out)]


def _chart(rows: list[list[str]]) -> bool:
    """A chart between rules: axis ticks read as cells of several numbers each ("12 10 8 6"),
    or columns of evenly stepped numbers and nothing else (5.0, 4.5, 4.0 …)."""
    cells = [c for r in rows for c in r if c]
    ticks = sum(1 for c in cells if sum(is_number(w) for w in c.split()) >= 2)
    if ticks > 0.2 * len(cells):
        return True
    columns = [[parse_cell(r[j]).number for r in rows[1:] if r[j] and is_number(r[j])] for j in range(len(rows[0]))]
    numeric = [c for c in columns if len(c) >= 3]
    return bool(numeric) and all(_stepped(c) for c in numeric)


def _stepped(values: list[float | None]) -> bool:
    vals = [v for v in values if v is not None]
    steps = {round(b - a, 6) for a, b in zip(vals, vals[1:])}
    return len(vals) >= 3 and len(steps) == 1


def _inside(inner, outer) -> bool:
    """Most of ``inner`` lies within ``outer`` (a frame drawn a little inside the page's
    tables still holds them)."""
    w = min(inner[2], outer[2]) - max(inner[0], outer[0])
    h = min(inner[3], outer[3]) - max(inner[1], outer[1])
    area = (inner[2] - inner[0]) * (inner[3] - inner[1])
    return w > 0 and h > 0 and area > 0 and w * h >= 0.8 * area \
        and (outer[2] - outer[0]) * (outer[3] - outer[1]) > area
