"""How a passage is quoted: with the list its lead-in announces (and, when numbered, how many
items it has), after the sentence it points back to, a table row with the cell asked first,
and as a citation."""

from __future__ import annotations

import re

from ..documents.parse import split_sentences
from ..documents.tables import parse_cell
from ..index.records import StoredChunk
from ..index.retrieval import Retriever, Unit
from ..language.terms import Term, contains, normalize
from ..models import Citation
from ..tuning import LIST_ITEMS, ROW_NAME_CHARS


def list_after(retriever: Retriever, unit: Unit, limit: int = LIST_ITEMS) -> list[str]:
    """The list a lead-in sentence announces ("体现在四个方面：" and the lines after it)."""
    if not unit.text.rstrip().endswith(("：", ":")) or unit.pair:
        return []
    lines = unit.chunk.body.split("\n")
    at = next((i for i, line in enumerate(lines) if line.rstrip().endswith(unit.text.rstrip())), None)
    if at is None:
        return []
    items = lines[at + 1:at + 1 + limit]
    if len(items) < limit:  # the list may go on in the next chunk of the same section
        chunks = retriever.chunks  # in report order, file by file
        pos = retriever.position[unit.chunk.id]
        nxt = chunks[pos + 1] if pos + 1 < len(chunks) else None
        if nxt and nxt.source == unit.chunk.source and nxt.section == unit.chunk.section \
                and nxt.kind == "text":
            items += nxt.body.split("\n")[:limit - len(items)]
    return [i for i in items if i.strip()]


# the marks of an enumerated list, each in its own numbering: ①②…, 1. 2., （1）（2）, 一、二、
_ITEM_MARKS = ("①②③④⑤⑥⑦⑧⑨⑩", "一二三四五六七八九十")
_ITEM_NUMBER_RE = re.compile(r"^\s*[（(]?(\d{1,2})[)）.、．]")


def _item_number(line: str) -> int | None:
    m = _ITEM_NUMBER_RE.match(line)
    if m:
        return int(m.group(1))
    head = line.strip()[:2]
    for marks in _ITEM_MARKS:
        if head[:1] in marks and (marks is _ITEM_MARKS[0] or head[1:2] in "、．."):
            return marks.index(head[0]) + 1
    return None


def enumerated_count(items: list[str]) -> int:
    """How many items an announced list has when they are numbered 1, 2, 3 … from the first
    (① … ⑥ → 6); 0 when they are not numbered, so a count is never guessed from loose lines."""
    n = 0
    for item in items:
        if _item_number(item) != n + 1:
            break
        n += 1
    return n if n >= 2 else 0


# a sentence that opens by pointing back ("这两个因子…", "二者…", "上述…") needs the one before it
_POINTS_BACK_RE = re.compile(r"^(?:这|那)(?:两|二|三|几|些)|"
                             r"^(?:二者|两者|三者|上述|前述|以上|该(?:因子|模型|方法|公司))")


def with_antecedent(unit: Unit) -> str:
    """The unit's text, after the sentence before it when it opens by pointing back to it."""
    text = unit.text
    if not _POINTS_BACK_RE.match(text):
        return text
    for line in unit.chunk.body.split("\n"):
        sents = split_sentences(line)
        first = unit.parts[0] if unit.parts else text
        if first in sents:
            i = sents.index(first)
            return (sents[i - 1] + text) if i > 0 else text
    return text


def citation(n: int, chunk: StoredChunk, quote: str) -> Citation:
    return Citation(n=n, source=chunk.source, section=chunk.section, page=chunk.page,
                    quote=quote, kind=chunk.kind, table=chunk.table, row=chunk.row,
                    row_no=chunk.row_no)


def row_text(unit: Unit, weighted: list[tuple[Term, float]]) -> str:
    """A table row with the cell the question asks about first."""
    cells = [(h, v) for h, v in unit.chunk.cells if v]
    if not cells:
        return unit.text
    best, best_score = None, 0.0
    for i, (header, value) in enumerate(cells):
        h = normalize(header)
        v = normalize(value)
        score = sum(w for t, w in weighted
                    if any(contains(f, h) and not contains(f, v) for f in t.forms))
        if score > best_score:
            best, best_score = i, score
    if best is None:
        return unit.text
    header, value = cells[best]
    # the fact first, then only the cells that support it: those holding the question's words
    # (接入…文心一言) and those saying whose fact it is (code, name); the row's other figures
    # are in its citation, not in the answer
    row = normalize(unit.chunk.row)
    # years asked as a span ("2014到2018E这几年") ask every year between
    years = [int(t.text) for t, _ in weighted if t.role == "period" and re.fullmatch(r"(?:19|20)\d{2}", t.text)]
    span = range(min(years), max(years) + 1) if len(years) >= 2 else range(0)

    def supports(h: str, v: str) -> bool:
        nv, nh = normalize(v), normalize(h)
        if any(contains(f, nv) or contains(f, nh) for t, _ in weighted for f in t.forms):
            return True  # a cell the question names, by its value or its column (日频 of 日频策略)
        if any(int(y) in span for y in re.findall(r"(?:19|20)\d{2}", h)):
            return True
        return parse_cell(v, h).kind in ("code", "text") and len(v) <= ROW_NAME_CHARS and not contains(row, nv)

    shown = [j for j, (h, v) in enumerate(cells) if j != best and supports(h, v)]
    # whose fact it is, first ("PE(X) 2018E：17.8"), unless a cell shown already says it
    names = [n for n in unit.chunk.row.split(" · ") if n]
    name = names[-1] if names else ""
    said = any(contains(normalize(name), normalize(cells[j][1])) for j in [best, *shown]) if name else True
    rest = "；".join(f"{cells[j][0]}：{cells[j][1]}" for j in shown)
    fact = f"{header}：{value}" if said else f"{name} {header}：{value}"
    return f"{fact}（{rest}）" if rest else fact
