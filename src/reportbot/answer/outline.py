"""The report's outline: its own table of contents where it prints one, then its parts and
their headings, each cited — the answer to "这份报告讲了什么", "分几个部分"."""

from __future__ import annotations

import re

from ..documents.parse import SEP
from ..index.records import StoredChunk
from ..index.retrieval import Retriever
from ..models import Answer, Citation
from ..tuning import CONTENTS_CHUNKS, CONTENTS_MIN_PARTS
from .passages import citation
from .query import Query

OVERVIEW_RE = re.compile(
    r"报告|讲|内容|概要|摘要|总结|大纲|结构|目录|部分|章节|overview|summary|summari[sz]e|about|outline|"
    r"\breport\b|sections?|chapters?|structure", re.I
)
# words for a report's parts: "这份报告分几个部分" asks for its outline, not for the word 部分
_STRUCTURE_WORDS = frozenset({"部分", "章节", "章", "节", "板块", "结构", "目录", "大纲", "框架", "篇幅",
                              "section", "sections", "chapter", "chapters", "part", "parts",
                              "outline", "structure"})
_ABOUT_REPORT_RE = re.compile(r"报告|研报|这篇|本文|全文|文章|\breport\b", re.I)


def asks_structure(query: Query) -> bool:
    """"这份报告分几个部分": the report's parts are asked, whatever a table's cells say of 部分."""
    return any(t.text in _STRUCTURE_WORDS for t in query.terms) \
        and bool(_ABOUT_REPORT_RE.search(query.question)) \
        and all(t.text in _STRUCTURE_WORDS or t.soft for t in query.terms)


# a contents entry: "01 ● AIGC", "2. AI+游戏 ……… 12", "第三部分 AI+营销"
_CONTENTS_ENTRY_RE = re.compile(r"^\s*(?:part\s*|第)?0?(\d{1,2})(?:部分|章)?\s*[●•·.、．\s]\s*(\S.{0,40}?)"
                                r"(?:\s*[.…·]{2,}\s*\d+)?\s*$", re.I)


def contents_of(body: str) -> list[str]:
    """The report's own table of contents in a chunk: a run of lines numbered 1, 2, 3 …"""
    run: list[str] = []
    for line in body.split("\n"):
        m = _CONTENTS_ENTRY_RE.match(line)
        if m and int(m.group(1)) == len(run) + 1:
            run.append(m.group(2).strip())
        elif len(run) >= CONTENTS_MIN_PARTS:
            break
        else:
            run = [m.group(2).strip()] if m and int(m.group(1)) == 1 else []
    return run if len(run) >= CONTENTS_MIN_PARTS else []


def overview_answer(retriever: Retriever, asked: str) -> Answer:
    """What the report is about: its parts and their headings, each part cited."""
    lines: list[str] = []
    citations: list[Citation] = []
    by_source: dict[str, list[StoredChunk]] = {}
    for c in retriever.chunks:
        by_source.setdefault(c.source, []).append(c)
    for source, chunks in by_source.items():
        parts: dict[str, list[str]] = {}
        first: dict[str, StoredChunk] = {}
        for c in chunks:
            part, _, heading = c.section.partition(SEP)
            first.setdefault(part, c)
            headings = parts.setdefault(part, [])
            if heading and heading not in headings:
                headings.append(heading)
        if len(by_source) > 1:
            lines.append(f"{source}：")
        # the report's own contents first: its parts as the report names them
        for c in chunks[:CONTENTS_CHUNKS]:
            entries = contents_of(c.body)
            if entries:
                n = len(citations) + 1
                citations.append(citation(n, c, "\n".join(entries)))
                lines.append(f"- 目录：{'；'.join(entries)} [{n}]")
                break
        for part, headings in parts.items():
            n = len(citations) + 1
            c = first[part]
            citations.append(citation(n, c, c.body.split("\n")[0]))
            lines.append(f"- {part}" + (f"：{'；'.join(headings)}" if headings else "") + f" [{n}]")
    return Answer("报告的结构（各部分与小节）：\n" + "\n".join(lines), True, citations, asked, kind="about")
