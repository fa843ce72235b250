"""Layout-aware reading of PDF reports.

pdfplumber (on pdfminer.six) gives each character's place on the page and finds tables by
their ruling lines, with merged cells as gaps. From that this module rebuilds what the text
of a report looks like, so the parser treats a PDF like a text file:

- ruled tables → tab-separated rows; multi-line cells joined; cells merged down or across left
  blank (the parser fills them down and reads two-level headers as header paths); a table
  continued on the next page under a repeated header becomes one table; its caption ("图表2：…")
  is the line above it, without the "图表2：" label;
- running headers and footers (the same line, page numbers aside, at the top or bottom of most
  pages) and bare page numbers are dropped;
- lines wrapped at the right margin are joined into their paragraph, across a page break too;
- short lines in a larger font become headings (their bullet glyphs are often lost);
- a page whose text is mostly unreadable glyphs, or that has no text at all, is reported.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ..language.terms import has_cjk
from ..tuning import CONTENTS_MIN_ENTRIES, CONTENTS_SHARE, FRAMED_HEAD_ROWS, FULL_LINE_SLACK, PARAGRAPH_INDENT
from . import headings, layout, ocr, reading

# A line in the top or bottom MARGIN share of the page that recurs (digits aside) on at least
# REPEAT_SHARE of the pages is a running header/footer (seen: 6–8% margins in Chromium and
# Word prints; 0.5 keeps a header that skips the cover and the last pages).
MARGIN = 0.1
REPEAT_SHARE = 0.5
STAMP_CHARS = 12  # a line this long on most pages of a report of 3+ pages is a stamp, not text
TITLE_SIZE_SHARE = 0.8  # cover lines this near the largest size are the title (a second line set
# a size or two smaller joins it: 16 under 18 pt; a series line at 14 under 20 pt does not)
GARBLED_SHARE = 0.3  # a page with more unreadable glyphs than this is reported, not indexed
_WRITTEN_DATE_RE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_SENTENCE_END = "。！？!?；;：:"
_MARKS = "➤▶►■◆●◼▪•-‒–—"
_DASH_BULLET_RE = re.compile(r"^[‒–—]\s+")  # bullets printed as dashes read as "- "
WRAP_SLACK = 5  # a line ending within this many characters of the right edge may wrap


@dataclass
class PdfText:
    pages: list[tuple[int, str]] = field(default_factory=list)  # (page number, text)
    warnings: list[str] = field(default_factory=list)  # "page 3: …"


def _unreadable(text: str) -> float:
    """Share of glyphs with no readable character: private-use code points, replacement
    characters, controls, and glyphs pdfminer could not map at all ("(cid:123)")."""
    text = re.sub(r"\(cid:\d+\)", "\ufffd", text)
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    bad = sum(1 for c in chars if c == "\ufffd" or unicodedata.category(c) in ("Co", "Cn", "Cc"))
    return bad / len(chars)


def _blocks_text(blocks: list) -> str:
    """All the text a page's blocks hold, lines and table cells (to see if there is any)."""
    return " ".join(b.text for b in blocks if isinstance(b, layout.Line)) + \
        " ".join(c for b in blocks if isinstance(b, layout.Table) for r in b.rows for c in r)


def _needs_ocr(blocks: list, page) -> bool:
    """A page that prints text its text layer does not give: none at all over an image (a
    scan, perhaps under a running header and page number in the margins), or mostly
    unreadable glyphs (a font without a usable ToUnicode map)."""
    height = float(page.height)
    body = [b for b in blocks if not isinstance(b, layout.Line)
            or not (b.bottom < height * MARGIN or b.top > height * (1 - MARGIN))]
    text = _blocks_text(blocks)
    if text.strip() and _unreadable(text) > GARBLED_SHARE:
        return True
    return not _blocks_text(body).strip() and bool(page.images)


_ENTRY_RE = re.compile(r"^(?:图表?|表|图片|Figure|Table|Exhibit)\s*\d+", re.I)
# dots before a page number ("..15", ".1.7"), or a lone page number
_LEADER_RE = re.compile(r"^(?:[\s.·…➤]*[.·…➤][\s.·…➤\d]*|\d{1,3})$")


def _contents_page(blocks: list) -> bool:
    """A table of contents or list of figures: its lines are entries (图表30：…) and the
    leaders and page numbers beside them (OCR reads "...15" apart from its entry)."""
    lines = [b.text.strip() for b in blocks if isinstance(b, layout.Line) and b.text.strip()]
    entries = sum(bool(_ENTRY_RE.match(t)) for t in lines)
    leaders = sum(bool(_LEADER_RE.match(t)) for t in lines)
    return entries >= CONTENTS_MIN_ENTRIES and entries + leaders >= CONTENTS_SHARE * len(lines)


def _stamp_key(text: str) -> str:
    """A stamp is the same words on every page, a page number at its end aside (digits inside
    the text are its content: table lines and statements differ by them)."""
    return re.sub(r"\s*\d+\s*$", "#", text)


def _running_lines(all_blocks: list[list], heights: list[float]) -> tuple[set[str], set[str]]:
    """Texts (digits masked) that recur in the page margins (running headers and footers),
    and long ones that recur anywhere on most pages (distribution stamps, disclaimers)."""
    seen: Counter = Counter()
    anywhere: Counter = Counter()
    for blocks, height in zip(all_blocks, heights):
        keys = {re.sub(r"\d+", "#", b.text) for b in blocks if isinstance(b, layout.Line)
                and (b.top < height * MARGIN or b.bottom > height * (1 - MARGIN))}
        seen.update(keys)
        anywhere.update({_stamp_key(b.text) for b in blocks
                         if isinstance(b, layout.Line) and len(b.text) >= STAMP_CHARS})
    need = max(2, REPEAT_SHARE * len(all_blocks))
    stamps = {k for k, n in anywhere.items() if n >= need and len(all_blocks) >= 3}
    return {k for k, n in seen.items() if n >= need}, stamps


def read_pdf(data: bytes, check: Callable[[int], None] | None = None) -> PdfText:
    """The text of each page of a PDF, laid out as the parser reads a text report.
    ``check(page)`` runs before each page (the file's time and memory budget)."""
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    out = PdfText()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = list(pdf.pages)
        all_blocks, heights, bodies, images = [], [], [], []
        read_by_ocr: set[int] = set()
        for number, page in enumerate(pages, 1):
            if check:
                check(number)
            blocks, body = reading.page_blocks(page, cover=number == 1)
            if _needs_ocr(blocks, page) and ocr.available():
                blocks, body = reading.page_blocks(page, ocr.read_page(data, number - 1), cover=number == 1)
                read_by_ocr.add(number)
            contents = _contents_page(blocks)
            if contents:
                blocks = []  # a list of figures repeats the captions, without their figures
            all_blocks.append(blocks)
            heights.append(float(page.height))
            bodies.append(body)
            # a page to report as unread: an image with no text layer (a running header aside),
            # not a list of contents nor a page whose text was all dropped (dotted leaders)
            height = float(page.height)
            scanned = bool(page.images) and not any(
                not c["text"].isspace() and height * MARGIN < c["top"] < height * (1 - MARGIN) for c in page.chars)
            images.append(scanned and not contents)
            if contents:
                read_by_ocr.discard(number)
    running, stamps = _running_lines(all_blocks, heights)
    body_size = Counter(round(b, 1) for b in bodies if b).most_common(1)
    body_size = body_size[0][0] if body_size else 0.0
    kept_pages: list[tuple[int, list]] = []
    for number, (blocks, height, has_images) in enumerate(zip(all_blocks, heights, images), 1):
        kept = []
        for b in blocks:
            if isinstance(b, layout.Line):
                in_margin = b.top < height * MARGIN or b.bottom > height * (1 - MARGIN)
                key = re.sub(r"\d+", "#", b.text)
                if (in_margin and (key in running or b.text.isdigit())) or _stamp_key(b.text) in stamps:
                    # the report's date at every page's top is its date: kept on the cover
                    if not (number == 1 and _WRITTEN_DATE_RE.match(b.text)):
                        continue
            kept.append(b)
        text = _blocks_text(kept)
        if not text.strip():
            if number in read_by_ocr:
                out.warnings.append(f"page {number}: no text layer, and OCR found no text on it; not indexed")
            elif has_images:
                out.warnings.append(f"page {number}: no text layer (a scanned image?); OCR it to index this page")
            continue
        if number in read_by_ocr:
            out.warnings.append(f"page {number}: no usable text layer; read by OCR (check its figures)")
        share = _unreadable(text)
        if share > GARBLED_SHARE:
            out.warnings.append(f"page {number}: text extracts as garbage ({share:.0%} unreadable glyphs); "
                                "not indexed")
            continue
        kept_pages.append((number, kept))
    _merge_continued_tables(kept_pages)
    right = _text_right_edge(kept_pages)
    outline = headings.Outline()
    for number, blocks in kept_pages:
        out.pages.append((number, _render(blocks, body_size, right, number == 1, outline)))
    _join_across_pages(out.pages, kept_pages, right)
    # the cover as printed: its title may also be the running header that the stamp rule drops
    if out.pages and out.pages[0][0] == 1 and (title := cover_title(all_blocks[0], heights[0])):
        out.pages[0] = (1, f"# {title}\n{out.pages[0][1]}")  # the parser's document title
    return out


# What a cover prints large beside its title: the report's kind ("公司快报", "量化专题报告"),
# the research department (金融工程, 宏观, 固定收益 …) or the broker's name, not its title
_KIND_RE = re.compile(r"^(?:.{0,6}(?:报告|研究|点评|快报|简报|周报|月报|专题|深度|策略|评论)"
                      r"|(?:金融工程|宏观经济|宏观|策略|固定收益|固收|债券|海外|量化|行业|公司)(?:研究|报告)?"
                      r"|.{2,6}(?:证券|研究所|研究院)(?:股份有限公司|有限责任公司)?)$")  # the broker's name


def cover_title(blocks: list, height: float) -> str:
    """The report's title: the largest line of Chinese text in the cover's upper half, with the
    lines that go on from it above and below (as large or nearly, aligned with it, a line's
    height apart: a title set on two lines and its subtitle), not the report kind nor a date.
    A sidebar item or the broker's name of the same size stands apart and stays out."""
    lines = sorted((b for b in blocks if isinstance(b, layout.Line) and b.top < height / 2
                    and sum(has_cjk(ch) for ch in b.text) >= 4 and len(b.text) <= 60
                    and not _KIND_RE.match(b.text) and not re.match(r"^\d{4}\s*[年/-]", b.text)),
                   key=lambda b: b.top)
    if not lines:
        return ""
    top = max(lines, key=lambda b: b.size)
    title = [top]

    def goes_on(a, b) -> bool:  # b directly below a, aligned with it, about as large
        return b.size >= TITLE_SIZE_SHARE * top.size and 0 <= b.top - a.bottom <= 1.5 * a.size \
            and (abs(b.x0 - a.x0) <= 3 * a.size or layout.overlap(b, (a.x0, a.x1)) > 0)

    at = lines.index(top)
    for b in reversed(lines[:at]):
        if not goes_on(b, title[0]):
            break
        title.insert(0, b)
    for b in lines[at + 1:]:
        if not goes_on(title[-1], b):
            break
        title.append(b)
    return "".join(b.text for b in title)[:120]


def _merge_continued_tables(pages: list[tuple[int, list]]) -> None:
    """A table that ends one page (or column) and starts the next, with the same columns, is one
    table; a repeated header row on the second part is dropped, and a row broken by the break
    (its first line left empty a column every other row fills) is joined to the row above."""
    for (_, prev), (_, cur) in zip(pages, pages[1:]):
        if prev and cur and isinstance(prev[-1], layout.Table) and isinstance(cur[0], layout.Table) \
                and _continues(prev[-1], cur[0]):
            cur.pop(0)
    for _, blocks in pages:  # parts of one table in two columns of a page, one after the other
        i = 1
        while i < len(blocks):
            a, b = blocks[i - 1], blocks[i]
            if isinstance(a, layout.Table) and isinstance(b, layout.Table) and a.rows and b.rows \
                    and (a.rows[0] == b.rows[0] or _rows_under(a, b)) and _continues(a, b):
                blocks.pop(i)
            else:
                i += 1


def _rows_under(a: layout.Table, b: layout.Table) -> bool:
    """``b`` is more rows of ``a``: ``a`` is a header and a row or so (what a frame held), ``b`` is
    headed by no header of its own (its first row holds figures), as wide, and right under it
    (within two of a's rows). A table of many rows is whole: the rows under it are another's (a
    scan's next table whose header OCR missed)."""
    if len(a.rows) > FRAMED_HEAD_ROWS or not b.rows[0] \
            or not any(layout.is_number(c) for c in b.rows[0][1:] if c):
        return False
    pitch = (a.bottom - a.top) / max(len(a.rows), 1)
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    # (b's box may start inside a's: the lines a frame held are out of b, its top is not)
    return a.top <= b.top and b.bottom > a.bottom and b.top - a.bottom <= 2 * pitch \
        and width >= 0.8 * max(a.x1 - a.x0, b.x1 - b.x0)


def _continues(a: layout.Table, b: layout.Table) -> bool:
    """Append ``b`` to ``a`` when it has a's columns; say whether it did."""
    if not a.rows or not b.rows or len(a.rows[0]) != len(b.rows[0]):
        return False
    repeated = 0  # header rows printed again at the top of the page (one or two levels)
    while repeated < min(len(a.rows), len(b.rows)) and b.rows[repeated] == a.rows[repeated]:
        repeated += 1
    rest = b.rows[repeated:]
    body = a.rows[repeated or 1:] + rest[1:]
    if rest and len(a.rows) > max(repeated, 1) and len(body) >= 2 and any(
            not rest[0][j] and all(r[j] for r in body) for j in range(len(rest[0]))):
        a.rows[-1] = [layout.join_text(x, y) if x and y else x or y for x, y in zip(a.rows[-1], rest[0])]
        rest = rest[1:]
    a.rows.extend(rest)
    return True


def _text_right_edge(pages: list[tuple[int, list]]) -> float:
    """Where full lines of body text end (most lines that wrap reach it)."""
    edges = Counter(round(b.x1) for _, blocks in pages for b in blocks if isinstance(b, layout.Line))
    if not edges:
        return 0.0
    # the right edge is the largest x1 shared by several lines, not a stray wide line; with
    # no such edge (a few short lines) nothing is taken to wrap
    common = [x for x, n in edges.items() if n >= 3]
    return float(max(common)) if common else 0.0


def _wraps(line: layout.Line, right: float) -> bool:
    """The line runs to the right edge of its region (else the page's text) without ending a
    sentence: it goes on below."""
    right = line.right or right
    return right > 0 and line.x1 >= right - WRAP_SLACK * max(line.size, 8) \
        and line.text[-1] not in _SENTENCE_END


def _indents(blocks: list) -> bool:
    """Whether the page sets its paragraphs' first lines in: some line starts about two
    characters right of where most lines of its size and column start."""
    lines = [b for b in blocks if isinstance(b, layout.Line)]
    starts = Counter((b.right, round(b.size), round(b.x0)) for b in lines)
    low, high = PARAGRAPH_INDENT
    return any(n >= 3 and any(r == right and sz == size and low * size <= x - x0 <= high * size
                              for (r, sz, x) in starts)
               for (right, size, x0), n in starts.items())


def _full_line_edges(blocks: list) -> dict[tuple[float, int], float]:
    """Where most lines of each column and size end on the page: a full line's end."""
    ends: dict[tuple[float, int], Counter] = {}
    for b in blocks:
        if isinstance(b, layout.Line):
            ends.setdefault((b.right, round(b.size)), Counter())[round(b.x1)] += 1
    return {k: float(c.most_common(1)[0][0]) for k, c in ends.items() if c.most_common(1)[0][1] >= 3}


def _sentence_goes_on(prev: layout.Line, line: layout.Line, edges: dict[tuple[float, int], float]) -> bool:
    """On a page that indents first lines: ``prev`` fills its line to where the page's lines of
    its column end — a sentence ending there or not: the document's widest line may stand
    further right, so that ``_wraps`` misses it — and ``line`` is not indented: the paragraph
    goes on."""
    edge = edges.get((prev.right, round(prev.size)), 0.0)
    return edge > 0 and prev.x1 >= edge - FULL_LINE_SLACK * max(prev.size, 1) \
        and line.x0 <= prev.x0 + 0.5 * max(line.size, 1)


def _render(blocks: list, body_size: float, right: float, first_page: bool,
            outline: headings.Outline | None = None) -> str:
    outline = outline or headings.Outline()
    edges = _full_line_edges(blocks) if _indents(blocks) else {}
    out: list[str] = []
    prev: layout.Line | None = None
    last_heading: layout.Line | None = None
    for b in blocks:
        if isinstance(b, layout.Table):
            if prev is not None and out and layout.CAPTION_LABEL_RE.match(out[-1]):
                out[-1] = layout.CAPTION_LABEL_RE.sub("", out[-1])
            out.extend("\t".join(row) for row in b.rows)
            out.append("")
            prev = last_heading = None
            continue
        text = b.text
        if last_heading is not None and out and headings.goes_on(last_heading, b) and _wraps(last_heading, right):
            out[-1] = layout.join_text(out[-1], text)  # a long heading wrapped onto a second line
            last_heading = b
            continue
        heading = not first_page and headings.is_heading(b, body_size, outline) \
            and text[-1] not in _SENTENCE_END and text[0] not in _MARKS
        if heading:
            out.append(f"➤ {text}")
            outline.saw(text)
            prev, last_heading = None, b
            continue
        last_heading = None
        gap_ok = prev is not None and b.top - prev.bottom <= 0.8 * max(prev.size, 1)
        same_column = prev is not None and prev.right == b.right and abs(b.x0 - prev.x0) <= 3 * max(b.size, 1)
        goes_on = _wraps(prev, right) or _sentence_goes_on(prev, b, edges) if prev else False
        if prev is not None and gap_ok and same_column and goes_on and text[0] not in _MARKS:
            out[-1] = layout.join_text(out[-1], text)
        else:
            out.append(text)
        prev = b
    return "\n".join(out)


def _join_across_pages(rendered: list[tuple[int, str]], pages: list[tuple[int, list]], right: float) -> None:
    """A paragraph cut by a page break goes on at the top of the next page: join it there."""
    for i in range(len(rendered) - 1):
        blocks = pages[i][1]
        nxt = pages[i + 1][1]
        if not blocks or not nxt or not isinstance(blocks[-1], layout.Line) or not isinstance(nxt[0], layout.Line):
            continue
        if not _wraps(blocks[-1], right) or nxt[0].text[0] in _MARKS:
            continue
        number, text = rendered[i]
        nnum, ntext = rendered[i + 1]
        if ntext.startswith("➤ "):
            continue  # the next page opens with a heading: nothing goes on
        first, _, rest = ntext.partition("\n")
        rendered[i] = (number, layout.join_text(text, first))
        rendered[i + 1] = (nnum, rest)
