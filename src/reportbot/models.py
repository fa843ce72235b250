"""The objects the Python API returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Hit:
    """One retrieved chunk of a report."""

    text: str  # the chunk's content (a paragraph group, a table row, or a whole table)
    source: str  # file name within the corpus
    section: str  # section path, "第一部分 AIGC › 大模型时间表"
    page: int | None  # PDF page (1-based); None for text files
    kind: str  # "text" | "row" | "table"
    score: float  # fused retrieval score (higher is better)
    table: str = ""  # table caption for rows and tables
    row: str = ""  # row label for table rows
    row_no: int = 0
    id: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Citation:
    """A numbered source of an answer: answer text refers to it as [n]."""

    n: int
    source: str
    section: str
    page: int | None
    quote: str  # the exact text from the report that supports the answer
    kind: str = "text"
    table: str = ""
    row: str = ""
    row_no: int = 0
    title: str = ""  # the report's title, when the corpus holds several reports

    @property
    def location(self) -> str:
        parts = [self.source, self.section]
        if self.kind == "row":
            parts.append(f"表「{self.table}」第{self.row_no}行（{self.row}）")
        elif self.table:
            parts.append(f"表「{self.table}」")
        if self.page:
            parts.append(f"第{self.page}页")
        return " › ".join(parts)

    def to_dict(self) -> dict:
        return {**asdict(self), "location": self.location}


@dataclass
class Answer:
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    question: str = ""  # the question as understood (follow-ups include the earlier turn)
    # how it was answered: a table operation (lookup, list, compare, max, min, filter, count,
    # sum, avg), "about" (the report's cover or outline), "quote" (passages); "" when refused
    kind: str = ""

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "found": self.found,
            "kind": self.kind,
            "question": self.question,
            "citations": [c.to_dict() for c in self.citations],
        }

    def footnotes(self) -> str:
        return "\n".join(f"[{c.n}] {c.location}" for c in self.citations)


@dataclass
class Report:
    """A file of the corpus and where it stands: what the library list shows."""

    source: str  # file name within the corpus
    title: str = ""
    broker: str = ""
    date: str = ""  # from the cover: 2016-04-20
    kind: str = ""  # 公司快报, 金融工程 …
    rating: str = ""  # 买入-A(维持)
    target_price: str = ""
    analysts: list[str] = field(default_factory=list)
    pages: int = 0  # PDF pages that gave text (0 for text files)
    chunks: int = 0
    tables: int = 0
    # indexed | queued | indexing | removing | failed | needs_ocr | not_indexed
    state: str = "indexed"
    error: str = ""  # why it failed, in the reader's words
    progress: str = ""  # "files done/files" while its ingest runs

    def to_dict(self) -> dict:
        return asdict(self)
