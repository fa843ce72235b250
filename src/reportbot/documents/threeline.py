"""Tables ruled only across: three-line tables (a rule above, one under the header, one below,
no verticals), as brokers print them, and any table whose rows stand between rules of one width.

pdfplumber finds a table by the crossings of its rules, so a table without vertical rules has
none. Here the rules alone frame it: horizontal rules of the same extent stacked on a page bound
a table; the band between the first two is its header when the band is a line or three (or the
line just over the first rule, for a table ruled under its header and below); a rule between
row groups goes on with the table, and a source line or a caption ends it. Its columns and
rows are read as columns.py says. Chart ticks framed by rules and frames around other tables
are no tables.
"""

from __future__ import annotations

from ..tuning import RULE_ALIGN, RULE_MIN_WIDTH, RULE_THICKNESS
from .charts import chart_grid
from .columns import Rule, band_columns, band_rows, row_cells, row_pieces
from .headers import group_row, headings
from .layout import CAPTION_LABEL_RE, SOURCE_NOTE_RE, Row, figure_label, is_number, join_text, physical_lines


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
    segs = [p for r in band for p in row_pieces(r)]
    crossing = sum(1 for s in segs if any(s.x0 + s.size < j < s.x1 - s.size for j in joints))
    long = sum(1 for r in band if len(r.segments) == 1 and r.segments[0].x1 - r.segments[0].x0 > 0.8 * width)
    return long >= 0.5 * len(band) or crossing >= 0.3 * len(segs)


def _figures(band: list[Row]) -> bool:
    """Most of the band's lines hold a figure: table rows, not a caption or a new header."""
    return bool(band) and sum(any(is_number(p.text) for p in row_pieces(r)) for r in band) >= 0.5 * len(band)


def _header(lines: list[Row], cols: list[list[float]], more_below: bool = False) -> list[list[str]]:
    """A header band's lines as header rows, each column's words joined (提出 / 时间 → 提出时间).
    A line above others of labels centred over groups of columns is a row of its own
    (``headers.group_row``) — never cut by column into the labels below it. ``more_below``: the
    headings under the last line are read with the body (below a frame's first rule)."""
    groups: list[list[str]] = []
    out = [""] * len(cols)
    for k, line in enumerate(lines):
        row = group_row(row_pieces(line), cols) if k < len(lines) - 1 or more_below else None
        if row is not None:
            groups.append(row)
            continue
        for j, (text, _) in enumerate(row_cells(line, cols)):
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
    pieces = row_pieces(line)
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
    while lines and len(head) < 3 and not any(is_number(p.text) for p in row_pieces(lines[0])):
        if head and head_rule is not None and lines[0].top > head_rule:
            break
        head.append(lines.pop(0))
    if not lines:
        return None
    cols = band_columns([], lines, head, x0, x1)
    if len(cols) < 2:
        return None
    rows = _centred_labels(band_rows(lines, cols), _label_blocks(lines, cols[0]))
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
            pieces = row_pieces(line)
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


def _until_note(a: Rule, b: Rule, band: list[Row]) -> tuple[Rule, Rule, list[Row]]:
    """The band between rules ``a`` and ``b`` up to a source line, or a caption after its first
    line: the table above ends there (资料来源 under 表18, then prose, charts and 表19's caption
    before the next rule of the same width are no rows of it). Cut, the band ends at the note."""
    for k, row in enumerate(band):
        text = _row_text(row)
        if SOURCE_NOTE_RE.match(text) or (k and CAPTION_LABEL_RE.match(text)):
            return a, Rule(a.x0, a.x1, row.top - 0.5), band[:k]
    return a, b, band


def _row_text(row: Row) -> str:
    return "".join(p.text for p in row_pieces(row))


def tables(page, chars: list[dict]) -> list[tuple[tuple[float, float, float, float], list[list[str]]]]:
    """(bbox, rows) of each table framed by rules alone on a page with a text layer."""
    return tables_from(rules(page), chars, float(page.height))


def tables_from(found: list[Rule], chars: list[dict], height: float, read: bool = False):
    """(bbox, rows) of each table the rules ``found`` frame, header row first: the characters
    of a text layer, or those OCR read on a scan (``read``; its rules the image shows)."""
    out = []
    for stack in _stacks(found):
        if len(stack) < 2:
            continue
        x0, x1 = stack[0].x0, stack[0].x1
        bands = [_until_note(a, b, _lines_in(chars, x0, x1, a.top, b.top, height)) for a, b in zip(stack, stack[1:])]
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
            cols = band_columns(used, body, header_lines, x0, x1, read)
            if len(cols) < 2:
                continue
            rows = band_rows(body, cols, read)
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
            if len(rows) >= 3 and len(keep) >= 2 and not chart_grid(rows):
                out.append(((x0, top, x1, max(last.top, body[-1].bottom)), rows))
    # rules framing a panel of tables (a page's box, a figure's frame) hold the tables, not one
    return [t for t in out if not any(u is not t and _inside(u[0], t[0]) for u in out)]


def _inside(inner, outer) -> bool:
    """Most of ``inner`` lies within ``outer`` (a frame drawn a little inside the page's
    tables still holds them)."""
    w = min(inner[2], outer[2]) - max(inner[0], outer[0])
    h = min(inner[3], outer[3]) - max(inner[1], outer[1])
    area = (inner[2] - inner[0]) * (inner[3] - inner[1])
    return w > 0 and h > 0 and area > 0 and w * h >= 0.8 * area \
        and (outer[2] - outer[0]) * (outer[3] - outer[1]) > area
