"""Naming the report an answer comes from, when the corpus holds more than one: a single
report is named after the answer; rows and sentences from several are grouped under theirs."""

from __future__ import annotations

import re
from dataclasses import replace

from ..models import Answer

_MARKER_RE = re.compile(r"\[(\d+)\]")


def report_label(source: str, titles: dict[str, str]) -> str:
    title = titles.get(source, "")
    return f"《{title}》（{source}）" if title and title != source else source


def name_reports(answer: Answer, titles: dict[str, str]) -> Answer:
    """``answer`` with its report(s) named and its citations carrying their report's title."""
    if not answer.citations:
        return answer
    citations = [replace(c, title=titles.get(c.source, "")) for c in answer.citations]
    source_of = {c.n: c.source for c in citations}
    sources = list(dict.fromkeys(c.source for c in citations))
    if len(sources) == 1:
        text = f"{answer.text}\n（出自{report_label(sources[0], titles)}）"
        return replace(answer, text=text, citations=citations)
    head: list[str] = []
    groups: dict[str, list[str]] = {}
    tail: list[str] = []
    for line in answer.text.split("\n"):
        marks = [int(n) for n in _MARKER_RE.findall(line) if int(n) in source_of]
        if marks:
            groups.setdefault(source_of[marks[0]], []).append(line)
        elif groups:
            tail.append(line)
        else:
            head.append(line)
    lines = list(head)
    for source, group in groups.items():
        lines.append(f"{report_label(source, titles)}：")
        lines.extend(group)
    lines.extend(tail)
    return replace(answer, text="\n".join(lines), citations=citations)
