"""A word that names another of the same kind: 周频 beside 日频, 二季度 beside 一季度, 毛利率
beside 净利率 — the same ending after another first character, standing as a word of its own
(bounded by brackets, punctuation, digits or Latin letters, as a table caption's qualifier
is: "择时策略（周频）业绩统计"). A passage whose caption says it is about another of the
kind the question asks does not answer it, even if it lacks the asked word only."""

from __future__ import annotations

import re

from .terms import has_cjk


def contrasting_word(term: str, text: str) -> str:
    """The word of ``text`` that is another of ``term``'s kind, or ""."""
    if not 2 <= len(term) <= 3 or not all(has_cjk(c) for c in term):
        return ""
    tail = term[1:]
    for m in re.finditer(re.escape(tail), text):
        i = m.start() - 1
        if i < 0 or not has_cjk(text[i]) or text[i] == term[0]:
            continue
        before = text[i - 1] if i >= 1 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if (not before or not has_cjk(before)) and (not after or not has_cjk(after)):
            return text[i] + tail
    return ""
