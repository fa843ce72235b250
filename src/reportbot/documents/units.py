"""Answer units: the smallest pieces an answer can quote — a sentence, a sentence with the one
before it, or a table row. The index embeds them (for semantic matching) and the answerer
scores them."""

from __future__ import annotations

from dataclasses import dataclass

from ..language.terms import normalize
from .parse import Chunk, split_sentences


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
    norm: str = ""
    body_norm: str = ""
    ctx_norm: str = ""

    def __post_init__(self) -> None:
        # a row's own text includes its table's caption: the caption names what the row is
        own = f"{self.chunk.table}\n{self.text}" if self.chunk.kind == "row" else self.text
        self.body_norm = normalize(own)
        self.ctx_norm = normalize(self.context) + (f"\n{normalize(self.about)}" if self.about else "")
        self.norm = self.ctx_norm + "\n" + self.body_norm


def units_of(chunk: Chunk, about: str = "") -> list[Unit]:
    """Rows; sentences, and each sentence with the one before it (a date or subject
    often sits in the previous sentence of the same paragraph). ``about`` is what the whole
    report is about (its title, its broker): every unit of it covers those words, so that
    "先导智能的净利润" finds the net-profit row of the note on 先导智能."""
    context = chunk.section + (f" 表：{chunk.table}" if chunk.table else "")
    if chunk.kind == "row":
        return [Unit(chunk, chunk.body, context, 0, first=True, parts=(chunk.body,), about=about)]
    if chunk.kind == "table":
        return []
    out: list[Unit] = []
    for line in chunk.body.split("\n"):
        sents = split_sentences(line)
        for i, sent in enumerate(sents):
            out.append(Unit(chunk, sent, context, len(out), first=i == 0, parts=(sent,), about=about))
            if i:
                out.append(Unit(chunk, sents[i - 1] + sent, context, len(out), pair=True,
                                parts=(sents[i - 1], sent), about=about))
    return out


def unit_id(chunk_id: str, unit: Unit) -> str:
    return f"{chunk_id}#{unit.pos}"


def embed_text(unit: Unit) -> str:
    """What is embedded for a unit: its section/table context, then its text."""
    return f"{unit.context}\n{unit.text}"

