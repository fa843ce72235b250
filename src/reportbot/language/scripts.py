"""One script for matching: traditional Chinese folded to simplified (OpenCC), so that a
question in 繁體 finds a report in 简体 and the other way round. Quotes keep the report's own
characters; only the matching forms are folded.

- Text on both sides (report and question) is folded character by character (OpenCC ``t2s``):
  the same fold on both keeps them comparable.
- A question written in traditional characters is also read with Taiwan's vocabulary
  (``tw2sp``: 程式碼 → 代码, 軟體 → 软件), since whoever writes 繁體 likely uses it.
"""

from __future__ import annotations

import functools

import opencc

_CJK_START, _CJK_END = 0x3400, 0x9FFF


@functools.lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@functools.lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    """The characters t2s changes: a text without any of them needs no conversion (the common
    case, checked far faster than converting)."""
    chars = [chr(c) for c in range(_CJK_START, _CJK_END + 1)]
    folded = _converter("t2s").convert("\n".join(chars)).split("\n")
    return frozenset(a for a, b in zip(chars, folded) if a != b)


def has_traditional(text: str) -> bool:
    return not _traditional().isdisjoint(text)


def simplified(text: str) -> str:
    """``text`` with traditional characters folded to simplified (t2s)."""
    return _converter("t2s").convert(text) if has_traditional(text) else text


def reading_form(question: str) -> str:
    """How a question is read: in simplified characters and, when it was written in
    traditional ones, with Taiwan's vocabulary turned into the mainland's."""
    return _converter("tw2sp").convert(question) if has_traditional(question) else question
