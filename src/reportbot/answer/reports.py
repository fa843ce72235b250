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


def _same_groups_merged(groups: dict[str, list[str]]) -> list[tuple[list[str], list[str]]]:
    """Reports that say the same lines (a broker's standard risk list in each of its notes)
    are named together over one copy of them, each line citing every report's passage."""
    merged: dict[tuple[str, ...], tuple[list[str], list[list[str]]]] = {}
    for source, group in groups.items():
        key = tuple(_MARKER_RE.sub("", line).strip() for line in group)
        sources, marks = merged.setdefault(key, ([], [[] for _ in group]))
        sources.append(source)
        for i, line in enumerate(group):
            marks[i].extend(_MARKER_RE.findall(line))
    out = []
    for key, (sources, marks) in merged.items():
        lines = [f"{text} " + "".join(f"[{n}]" for n in dict.fromkeys(m)) for text, m in zip(key, marks)]
        out.append((sources, lines))
    return out


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
    for sources_of_group, group in _same_groups_merged(groups):
        lines.append("、".join(report_label(source, titles) for source in sources_of_group) + "：")
        lines.extend(group)
    lines.extend(tail)
    return replace(answer, text="\n".join(lines), citations=citations)
