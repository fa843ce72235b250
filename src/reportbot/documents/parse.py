"""Turn report text into section- and table-aware chunks.

The parser reads lines and keeps a section path (part › heading). Runs of tab-separated
(or Markdown pipe) lines are tables: each data row becomes a ``row`` chunk that carries the
table caption and its headers, blank leading cells are filled down from the row above, and
two-level headers ("归母净利润" over "2021A 2022E 2023E") are flattened. Every table is also
kept whole as a ``table`` chunk, for list questions. Everything else becomes ``text`` chunks
of a few paragraphs within one section.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..language.terms import has_cjk
from .layout import CAPTION_LABEL_RE, SOURCE_NOTE_RE
from .loaders import Page
from .tables import parse_cell

# 16: a row-group label centred over its rows on lines of its own names each of them
# 15: a ruled grid that does not fit its text (one box, rules off the columns) read by its
# text's columns; charts framed by rules are no table
# 12: tables ruled only across (three-line tables), pages cut into bands by tables across
# their columns, a row label repeated under other rows named with the row above it
# 11: glyphs upright up to a matrix's rounding noise, white text on fills drawn as paths
# (tables that were dropped whole come back);
# 10: headings by outline numbering and wrapped onto two lines, centred group headers, a row
# labels' header on the lower line, contents pages left out; 9: pages without a usable text
# layer read by OCR; 8: PDF pages read by region, unruled tables, cover title; 7: instruction
# lines quarantined
PARSER_VERSION = 16
SEP = " › "
MAX_TEXT_CHARS = 320
FRONT_MATTER = "报告首页"

_PART_RE = re.compile(r"^第([一二三四五六七八九十百\d]+)部分\s*(.*)$")
_MARK_RE = re.compile(r"^[➤▶►■◆●◼▪]\s*(.+)$")
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_BULLET_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)、]|[①-⑳])\s*")
_NOISE_RE = re.compile(r"^(?:\d{1,2}|PART\s*\d+|Contents|目录)$", re.I)
_PIPE_SEP_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_YEAR_COL_RE = re.compile(r"^((?:19|20)\d{2})([AEF])$")
_YEAR_NOTE = {"A": "实际", "E": "预测", "F": "预测"}
_VALUE_RE = re.compile(r"^[-+−]?[\d,]*\.\d+%?$|^[-+−]?[\d,]+%$|^[-+−]?\d{1,3}(?:,\d{3})+$")
_SENT_END = "。！？!?；;"
# where a table's figures come from, said on the line under it, as brokers do under every chart
NOTE_REACH = 3  # blank lines between a table and its note
NOTE_CHARS = 120  # a note is one line; longer is a paragraph that happens to start so


def clean(text: str) -> str:
    """Display form of a line: no Markdown bold markers, single spaces."""
    text = text.replace("**", "").replace("\u3000", " ")
    return re.sub(r"[ \t]+", " ", text).strip()


@dataclass
class Chunk:
    kind: str  # "text" | "row" | "table"
    body: str  # the content itself (what gets quoted)
    section: str  # section path, parts joined by " › "
    page: int | None = None
    table: str = ""  # table caption, for rows and tables
    table_id: str = ""  # shared by a table and its rows
    row: str = ""  # row label, e.g. "谷歌 · PaLM"
    row_no: int = 0  # 1-based data row number in its table
    cells: list[tuple[str, str]] = field(default_factory=list)  # (header, value) for rows
    order: int = 0
    table_data: dict | None = None  # for whole tables: {"headers": [path…], "rows": [[cell…]…]}

    @property
    def text(self) -> str:
        """Contextual text used for embedding and keyword search."""
        head = self.section
        if self.table:
            head += f"\n表：{self.table}"
        return f"{head}\n{self.body}"

    def location(self) -> str:
        """Human-readable place in the report, for citations."""
        parts = [self.section]
        if self.kind == "row":
            parts.append(f"表「{self.table}」第{self.row_no}行（{self.row}）")
        elif self.kind == "table":
            parts.append(f"表「{self.table}」")
        if self.page:
            parts.append(f"第{self.page}页")
        return "，".join(parts)


def _split_cells(line: str) -> list[str] | None:
    """Cells of a table line, or None if the line is not a table line."""
    if "\t" in line:
        return [clean(c) for c in line.rstrip("\n").split("\t")]
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return [clean(c) for c in stripped.strip("|").split("|")]
    return None


def _is_caption(line: str) -> bool:
    line = clean(line)
    return (
        0 < len(line) <= 40
        and not _BULLET_RE.match(line)
        and not _MARK_RE.match(line)
        and line[-1] not in _SENT_END + "，,：:"
    )


def header_paths(top: list[str], sub: list[str]) -> list[tuple[str, ...]]:
    """Merge a spanning header row with the row below it into a path per column:
    "PE" over "2023E" → ("PE", "2023E(预测)"). A spanning label sits at the first column of
    its span (Word, ruled tables) or in its middle (centred over a three-line table's
    group); when the first column under it has no label of its own above, labels are
    centred and each column belongs to the nearest."""
    width = max(len(top), len(sub))
    top = top + [""] * (width - len(top))
    sub = sub + [""] * (width - len(sub))
    stub = 1 if sub[0] and not top[0] else 0  # the row label's own header on the lower line
    first = next((i for i in range(stub, width) if sub[i]), stub)
    spans = [i for i in range(stub, width) if top[i] and sub[i]]  # over the columns they group
    centred = bool(spans) and not top[first]
    out: list[tuple[str, ...]] = []
    current = ""
    for i, (t, s) in enumerate(zip(top, sub)):
        if centred and i >= stub:
            current = top[min(spans, key=lambda j: (abs(j - i), j))]
        else:
            current = t or current
        if i < stub:
            current = ""
        if s:
            m = _YEAR_COL_RE.match(s)
            s_label = f"{s}({_YEAR_NOTE[m.group(2)]})" if m else s
            out.append((current, s_label) if current and current != s else (s_label,))
        else:
            out.append((t or current,) if centred else (t,))
            current = current if centred else t
    return out


def _qualified_repeats(body: list[list[str]], stub_header: str = "") -> list[list[str]]:
    """A row label said more than once in a table, each time under another row (同比增长(%)
    under 营业收入, under 净利润 …), is that row's: named with the label above it. A value
    said twice (two events in 5月 under 时间, two rows of one year) is no such label."""
    counts = Counter(r[0] for r in body if r and r[0])
    out, above = [], ""
    for r in body:
        label = r[0] if r else ""
        if (label and counts[label] > 1 and above and counts[above] == 1
                and parse_cell(label, stub_header).kind == "text"):
            r = [f"{above} {label}", *r[1:]]
        elif label:
            above = label
        out.append(r)
    return out


def _is_subheader(top: list[str], nxt: list[str]) -> bool:
    """True when ``nxt`` is the second line of a two-level header under ``top``: it fills
    in cells a spanning header left empty, and holds no numbers. Its first cell is empty,
    or holds the row labels' own header ("行业") where the line above has none."""
    if not nxt or not any(nxt) or (nxt[0] and (not top or top[0])):
        return False
    width = max(len(top), len(nxt))
    top = top + [""] * (width - len(top))
    nxt = nxt + [""] * (width - len(nxt))
    spanned = any(not t and s for t, s in zip(top[1:], nxt[1:]))
    numeric = sum(bool(re.fullmatch(r"-?[\d.,%]+", s)) for s in nxt if s)
    return spanned and numeric == 0


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.part = ""
        self.heading = ""
        self.chunks: list[Chunk] = []
        self.paras: list[tuple[str, int | None]] = []
        self.tables = 0
        self.carried = ""  # a caption at the foot of the page before, for a table at this one's top

    @property
    def section(self) -> str:
        parts = [p for p in (self.part, self.heading) if p]
        return SEP.join(parts) if parts else FRONT_MATTER

    def add(self, chunk: Chunk) -> None:
        chunk.order = len(self.chunks)
        self.chunks.append(chunk)

    def flush_text(self) -> None:
        buf: list[str] = []
        page = None

        def emit() -> None:
            if buf:
                self.add(Chunk("text", "\n".join(buf), self.section, page))
                buf.clear()

        for para, pg in self.paras:
            pieces = _split_long(para, MAX_TEXT_CHARS)
            for piece in pieces:
                if buf and (sum(map(len, buf)) + len(piece) > MAX_TEXT_CHARS or pg != page):
                    emit()
                page = pg
                buf.append(piece)
        emit()
        self.paras = []

    def set_section(self, part: str | None = None, heading: str | None = None) -> None:
        self.flush_text()
        if part is not None:
            self.part = part
            self.heading = ""
        if heading is not None:
            self.heading = heading

    def table(self, rows: list[list[str]], caption: str, page: int | None, note: str = "") -> None:
        rows = [r for r in rows if any(r)]
        if len(rows) < 2:
            for r in rows:
                self.paras.append((" ".join(c for c in r if c), page))
            return
        self.flush_text()
        body = rows[1:]
        paths = [(h,) for h in rows[0]]
        if _is_subheader(rows[0], body[0]):
            paths = header_paths(rows[0], body[0])
            body = body[1:]
        width = max(len(paths), *(len(r) for r in body)) if body else len(paths)
        paths = paths + [("",)] * (width - len(paths))
        paths = [p if any(p) else (f"列{i + 1}",) for i, p in enumerate(paths)]
        header = [" ".join(p for p in path if p) for path in paths]
        self.tables += 1
        table_id = f"t{self.tables}"
        caption = caption or self.heading or self.part or "表格"
        body = _qualified_repeats(body, header[0] if header else "")
        previous: list[str] = []
        lines = ["\t".join(header)]
        kept: list[list[str]] = []
        row_no = 0
        for raw in body:
            raw = raw + [""] * (width - len(raw))
            # fill down blank leading cells (e.g. the company of a model listed under it)
            filled = list(raw)
            for i, value in enumerate(raw):
                if value:
                    break
                if i < len(previous) and i < width - 1:
                    filled[i] = previous[i]
            previous = filled
            cells = [(h, v) for h, v in zip(header, filled) if v]
            if not cells:
                continue
            row_no += 1
            kept.append(filled)
            # a row is named by its first cells ("谷歌 · PaLM"), not by a value beside them
            names = [cells[0][1]] + [v for _, v in cells[1:2] if not _VALUE_RE.match(v)]
            label = " · ".join(names)
            body_text = "；".join(f"{h}：{v}" for h, v in cells)
            lines.append("\t".join(filled))
            self.add(Chunk("row", body_text, self.section, page, caption, table_id, label,
                           row_no, cells))
        if row_no:
            typed = {"headers": [list(p) for p in paths], "rows": kept, "note": note}
            self.add(Chunk("table", "\n".join(lines + ([note] if note else [])), self.section, page,
                           caption, table_id, table_data=typed))

    def feed(self, pages: list[Page]) -> list[Chunk]:
        texts = []
        for page in pages:
            lines = page.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            texts.append(_spaced_tables(lines) if page.number is not None else lines)
        for k, (page, lines) in enumerate(zip(pages, texts)):
            self._feed_page(lines, page.number)
            self.carried = ""
            # a caption at a page's foot whose table stands at the top of the next page (图27 on
            # page 21, its rows on 22) is that table's, not a line of text
            if self.paras and k + 1 < len(texts) and CAPTION_LABEL_RE.match(self.paras[-1][0]) \
                    and _opens_with_table(texts[k + 1]):
                self.carried = CAPTION_LABEL_RE.sub("", clean(self.paras.pop()[0])).strip()
            self.flush_text()
        return self.chunks

    def _feed_page(self, lines: list[str], page: int | None) -> None:
        i = 0
        n = len(lines)
        while i < n:
            line = lines[i]
            cells = _split_cells(line)
            if cells is not None and (len(cells) >= 2):
                start = i
                rows = []
                while i < n and (c := _split_cells(lines[i])) is not None:
                    if not _PIPE_SEP_RE.match(lines[i].strip()):
                        rows.append(c)
                    i += 1
                caption = ""
                # a short line just above the table (blank lines allowed) is its caption
                j = start - 1
                while j >= 0 and not lines[j].strip():
                    j -= 1
                if j >= 0 and _is_caption(lines[j]) and j >= start - 4:
                    caption = clean(lines[j])
                    if self.paras and self.paras[-1][0] == caption:
                        self.paras.pop()
                elif j < 0:
                    caption = self.carried
                self.carried = ""
                self.table(rows, caption, page, _source_note(lines, i))
                continue
            text = clean(line)
            i += 1
            if not text:
                continue
            if _NOISE_RE.match(text):
                continue
            if m := _MD_HEADING_RE.match(text):
                level = len(m.group(1))
                if level == 1 and not self.part and not self.chunks and not self.paras:
                    self.paras.append((m.group(2), page))  # document title
                elif level <= 2:
                    self.set_section(part=m.group(2))
                else:
                    self.set_section(heading=m.group(2))
                continue
            if m := _PART_RE.match(text):
                title = m.group(2).strip()
                if not title:
                    # the part's title is on the next non-empty line ("第二部分" / "AI+游戏")
                    k = i
                    while k < n and not lines[k].strip():
                        k += 1
                    if k < n and _is_caption(lines[k]) and _split_cells(lines[k]) is None:
                        title = clean(lines[k])
                        i = k + 1
                self.set_section(part=f"第{m.group(1)}部分 {title}".strip())
                continue
            if (m := _MARK_RE.match(text)) and len(m.group(1)) <= 30:
                self.set_section(heading=m.group(1).strip())
                continue
            if _is_caption(text) and self._next_is_bullet(lines, i):
                # an unmarked heading right before a bulleted list, at a section start
                self.set_section(heading=text)
                continue
            text = _BULLET_RE.sub("", text, count=1) if text.startswith(("-", "*", "•")) else text
            text = _MARK_RE.sub(r"\1", text)
            self.paras.append((text, page))

    @staticmethod
    def _next_is_bullet(lines: list[str], i: int) -> bool:
        while i < len(lines) and not lines[i].strip():
            i += 1
        return i < len(lines) and lines[i].lstrip().startswith(("- ", "* ", "• "))


def _opens_with_table(lines: list[str]) -> bool:
    first = next((line for line in lines if line.strip()), "")
    cells = _split_cells(first)
    return cells is not None and len(cells) >= 2


def _source_note(lines: list[str], end: int) -> str:
    """The line just under a table (blank lines allowed) that says where its figures come
    from — 资料来源：…, 数据来源：…, Source: … — or ""."""
    k = end
    while k < len(lines) and k < end + NOTE_REACH and not lines[k].strip():
        k += 1
    line = clean(lines[k]) if k < len(lines) else ""
    return line if SOURCE_NOTE_RE.match(line) and len(line) <= NOTE_CHARS else ""


def _spaced_tables(lines: list[str], min_rows: int = 3, min_cells: int = 3) -> list[str]:
    """PDF text loses the tabs of a table: a run of lines that split on spaces into the
    same number of cells (at least three lines of three cells, some Chinese) is taken to be
    a table and its cells are joined by tabs again."""
    out = list(lines)
    counts = [len(line.split()) if "\t" not in line and has_cjk(line) else 0 for line in lines]
    i = 0
    while i < len(lines):
        n = counts[i]
        j = i
        while j < len(lines) and n >= min_cells and counts[j] == n:
            j += 1
        if j - i >= min_rows:
            for k in range(i, j):
                out[k] = "\t".join(lines[k].split())
            i = j
        else:
            i += 1
    return out


def _split_long(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    out, cur = [], ""
    for sent in split_sentences(text):
        if cur and len(cur) + len(sent) > limit:
            out.append(cur)
            cur = ""
        cur += sent
    if cur:
        out.append(cur)
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, each keeping its end mark."""
    parts = re.split(r"(?<=[。！？!?；;])\s*|\n+", text)
    return [p.strip() for p in parts if p and p.strip()]


def parse_pages(pages: list[Page], source: str) -> list[Chunk]:
    """Chunks of one document, in reading order."""
    return _Parser(source).feed(pages)
