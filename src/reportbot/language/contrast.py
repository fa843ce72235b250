"""A word that names another of the same kind: 周频 beside 日频, 二季度 beside 一季度, 毛利率
beside 净利率 — the same ending after another first character, standing as a word of its own
(bounded by brackets, punctuation, digits or Latin letters, as a table caption's qualifier
is: "择时策略（周频）业绩统计"). A passage whose caption says it is about another of the
kind the question asks does not answer it, even if it lacks the asked word only."""

from __future__ import annotations

import re

from ..tuning import MIN_MODIFIED_CHARS
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


def modified_otherwise(word: str, rest: str, text: str) -> bool:
    """Whether ``text`` speaks of ``rest`` (政策净支持率, 个月目标价) only under other modifiers
    than ``word`` (移民政策净支持率 when 医疗 is asked; 6个月目标价 when 12 is asked): it gives
    others of the kind, not the one asked. ``rest`` is what follows ``word`` in the question."""
    rest = rest.replace("的", "")
    found = ""
    for n in range(len(rest), MIN_MODIFIED_CHARS - 1, -1):  # the longest part of it the text has
        if rest[:n] in text:
            found = rest[:n]
            break
    if not found or word + found in text or word + "的" + found in text:
        return False
    for m in re.finditer(re.escape(found), text):
        before = text[m.start() - 1] if m.start() else ""
        if before and (has_cjk(before) or before.isdigit()) and before != word[-1]:
            return True
    return False
