"""A question that asks two things at once ("分析师是谁，电话多少？", "华策的PE多少，市值呢"):
when it is not answered whole, each clause is asked in turn, the earlier ones as the chat
before it (so "市值呢" is asked of 华策), and when every clause is answered the answers are
given together, their citations numbered on."""

from __future__ import annotations

import re
from dataclasses import replace

from ..models import Answer

# a clause that asks something: a question word, or a follow-up's 呢/吗
_ASKS_RE = re.compile(r"什么|谁|多少|哪|几|吗|啥|呢|怎么|如何|\b(?:what|who|which|when|how|where)\b", re.I)
_MARKER_RE = re.compile(r"\[(\d+)\]")
# a clause ending in a place word narrows where the next one looks ("这几年里", "among them")
_SCOPE_END_RE = re.compile(r"(?:里|中|内|之中|当中|里面|among (?:them|these)|of (?:them|these))$", re.I)
MAX_CLAUSES = 3  # more asks than this in one message are a list for the user to split


def asked_apart(question: str) -> list[str]:
    """The clauses of ``question`` that each ask something, when there are two or more; else []."""
    parts = [p.strip(" ？?。.!！") for p in re.split(r"[，,；;]|\band\b", question)]
    parts = [p for p in parts if p]
    if not 2 <= len(parts) <= MAX_CLAUSES or not all(_ASKS_RE.search(p) for p in parts):
        return []
    if any(_SCOPE_END_RE.search(p) for p in parts[:-1]):
        return []  # "做电商的几个标的里，…": a clause saying where to look asks nothing
    mark = "?" if question.isascii() else "？"
    return [p + mark for p in parts]


def joined(question: str, answers: list[Answer]) -> Answer | None:
    """One answer of the clauses' answers, in order, their citations renumbered to follow one
    another; None unless every clause is answered (the whole question's refusal stands: half
    an answer would read as the whole)."""
    if not answers or not all(a.found for a in answers):
        return None
    lines, citations = [], []
    for answer in answers:
        offset = len(citations)
        lines.append(_MARKER_RE.sub(lambda m: f"[{int(m.group(1)) + offset}]", answer.text))
        citations += [replace(c, n=c.n + offset) for c in answer.citations]
    kinds = {a.kind for a in answers}
    return Answer("\n".join(lines), True, citations, question,
                  kind=kinds.pop() if len(kinds) == 1 else "quote")
