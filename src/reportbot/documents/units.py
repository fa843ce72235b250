"""Answer units: the smallest pieces an answer can quote — a sentence, a sentence with the one
before it, or a table row. The index embeds them (for semantic matching) and the answerer
scores them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..language.terms import normalize
from ..tuning import LIST_LEAD_CHARS
from .parse import Chunk, split_sentences
from .tables import SECURITY_CODE


@dataclass
class Unit:
    """The smallest piece an answer can quote: a sentence of text, or one table row."""

    chunk: Chunk  # a StoredChunk once indexed
    text: str
    context: str  # section path and table caption
    pos: int  # position within its chunk
    pair: bool = False  # two sentences
    first: bool = False  # first sentence of its paragraph
    parts: tuple[str, ...] = ()  # the sentences it is made of
    about: str = ""  # what the whole report is about (title, broker): covered by every unit
    lead: str = ""  # the line announcing the list this unit is an item of ("…评级标准：")
    norm: str = ""
    body_norm: str = ""
    ctx_norm: str = ""

    def __post_init__(self) -> None:
        # a row's own text includes its table's caption: the caption names what the row is
        own = f"{self.chunk.table}\n{self.text}" if self.chunk.kind == "row" else self.text
        self.body_norm = normalize(own)
        self.ctx_norm = normalize(self.context) + "".join(
            f"\n{normalize(extra)}" for extra in (self.lead, self.about) if extra)
        self.norm = self.ctx_norm + "\n" + self.body_norm


# a company named with its code in a title: 先导智能（300450.SZ）
_COMPANY_WITH_CODE_RE = re.compile(rf"[\u4e00-\u9fffA-Za-z]{{2,12}}\s*[（(]\s*{SECURITY_CODE}\s*[)）]", re.I)


def rows_about(about: str) -> str:
    """What a company note's table rows are about: the company its title names with a code and
    the broker — not every name of the title (JOT of "先导智能（300450.SZ）收购JOT公司100%股权": the
    forecast table is 先导's). Another report's title stands whole."""
    m = _COMPANY_WITH_CODE_RE.search(about)
    if not m:
        return about
    last = about.rsplit(" ", 1)[-1] if " " in about.strip() else ""
    broker = last if re.search(r"证券|研究所?|研究院|期货|securities", last, re.I) else ""
    return f"{m.group(0)} {broker}".strip()


def units_of(chunk: Chunk, about: str = "", lead: str = "") -> list[Unit]:
    """Rows; sentences, and each sentence with the one before it (a date or subject
    often sits in the previous sentence of the same paragraph). ``about`` is what the whole
    report is about (its title, its broker): every unit of it covers those words, so that
    "先导智能的净利润" finds the net-profit row of the note on 先导智能. ``lead``: the line that
    announced a list at the end of the chunk before, when this chunk goes on with its items."""
    context = chunk.section + (f" 表：{chunk.table}" if chunk.table else "")
    if chunk.kind == "row":
        return [Unit(chunk, chunk.body, context, 0, first=True, parts=(chunk.body,), about=rows_about(about))]
    if chunk.kind == "table":
        return []
    out: list[Unit] = []
    for line in chunk.body.split("\n"):
        lead = lead if lead and is_list_item(line) else ""
        sents = split_sentences(line)
        for i, sent in enumerate(sents):
            out.append(Unit(chunk, sent, context, len(out), first=i == 0, parts=(sent,), about=about,
                            lead=lead))
            if i:
                out.append(Unit(chunk, sents[i - 1] + sent, context, len(out), pair=True,
                                parts=(sents[i - 1], sent), about=about, lead=lead))
        if announces_list(line):
            lead = line.strip()
    return out


# an item of a list: numbered (①, 1., （1）, 一、), bulleted, a short label before a colon
# ("推 荐：预计6个月内…"), or a clause ended by a semicolon
_LIST_ITEM_RE = re.compile(r"^\s*(?:[①-⑳•·▪●◆■➤\-–—*]|[（(]?\d{1,2}[)）.、．]|[一二三四五六七八九十]{1,2}[、．]|"
                           r"[^，,。：:]{1,8}[：:])|[；;]\s*$")


def announces_list(line: str) -> bool:
    """"南京证券行业投资评级标准：", "体现在四个方面：": a line that ends by announcing what follows."""
    line = line.strip()
    return line.endswith(("：", ":")) and len(line) <= LIST_LEAD_CHARS


def is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM_RE.search(line))


def unit_id(chunk_id: str, unit: Unit) -> str:
    return f"{chunk_id}#{unit.pos}"


def embed_text(unit: Unit) -> str:
    """What is embedded for a unit: its section/table context, then its text."""
    return f"{unit.context}\n{unit.text}"

