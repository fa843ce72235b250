"""Names typed by sound or cut short. A pinyin input method offers every character of a
syllable, so a user who means 华策 may send 华测 (both huá cè); and a company is called by
characters of its name in order (蓝标 for 蓝色光标, as the market says). A name the report lacks that sounds, syllable
for syllable, like exactly one name the report has is read as that name — and the answer says
so. The readings come from pypinyin's character table (every reading of a heteronym: 行 is
xing, hang and heng), tones dropped, since input methods are typed without them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from .terms import CJK_RE


@functools.lru_cache(maxsize=8192)
def _readings(char: str) -> frozenset[str]:
    from pypinyin import Style, pinyin  # 0.4 s to load: only when a name is missing

    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


PINYIN_NAME_CHARS = 4  # names spelled in pinyin are short ones (Huace, Jiecheng); longer are translated
MIN_SPLIT_NAME_CHARS = 3  # a misspelt name looked for around a piece of the cut (蓝色光表, not 华测)


def _spellings(name: str) -> set[str]:
    """Every toneless pinyin spelling of ``name`` (each reading of a heteronym)."""
    out = {""}
    for c in name:
        out = {s + r for s in out for r in _readings(c)}
        if len(out) > 16:  # a name of many heteronyms: too ambiguous to spell
            return set()
    return out


def _sounds_alike(typed: str, name: str) -> bool:
    """Same length, every syllable shared, at least one character the same (two names that
    merely sound alike in every character are two names, not a slip of the keyboard)."""
    if len(typed) != len(name) or typed == name:
        return False
    if not any(a == b for a, b in zip(typed, name)):
        return False
    return all(a == b or _readings(a) & _readings(b) for a, b in zip(typed, name))


class Homophones:
    """The report's Chinese names, looked up by how they sound."""

    def __init__(self, names: Iterable[str]):
        by_length: dict[int, set[str]] = {}
        for n in names:
            if len(n) >= 2 and all(CJK_RE.match(c) for c in n):
                by_length.setdefault(len(n), set()).add(n)
        self._by_length = {k: sorted(v) for k, v in by_length.items()}
        self._by_pinyin: dict[str, set[str]] | None = None  # built when an English question needs it

    def name_for_pinyin(self, word: str) -> str | None:
        """The one name spelled ``word`` in toneless pinyin (huace → 华策), or None."""
        if self._by_pinyin is None:
            self._by_pinyin = {}
            for names in self._by_length.values():
                for n in names:
                    if len(n) <= PINYIN_NAME_CHARS:
                        for spelled in _spellings(n):
                            self._by_pinyin.setdefault(spelled, set()).add(n)
        found = self._by_pinyin.get(word.lower().replace(" ", "").replace("-", ""), set())
        return next(iter(found)) if len(found) == 1 else None

    def name_for(self, typed: str) -> str | None:
        """The one name ``typed`` sounds like, or None (none, or more than one)."""
        if len(typed) < 2 or not all(CJK_RE.match(c) for c in typed):
            return None
        found = [n for n in self._by_length.get(len(typed), ()) if _sounds_alike(typed, n)]
        return found[0] if len(found) == 1 else None

    def name_around(self, text: str, start: int, end: int) -> tuple[str, str] | None:
        """(typed, name): the one stretch of ``text`` holding ``text[start:end]`` — a piece of
        the cut, 光表 of 蓝色/光表 — that sounds like a name of three or more characters the
        report has (蓝色光表 → 蓝色光标), or None. Shorter names are too many to look for
        inside longer words."""
        found = set()
        for length, names in self._by_length.items():
            if length < MIN_SPLIT_NAME_CHARS or length <= end - start:
                continue
            for a in range(max(0, end - length), min(start, len(text) - length) + 1):
                typed = text[a:a + length]
                if all(CJK_RE.match(c) for c in typed):
                    found |= {(typed, n) for n in names if _sounds_alike(typed, n)}
        return found.pop() if len(found) == 1 else None


def abbreviation_of(typed: str, companies: Iterable[str]) -> str | None:
    """The one company whose name holds ``typed``'s characters in order, starting with its
    first (蓝标 → 蓝色光标), or None (none, or more than one)."""
    if not 2 <= len(typed) <= 3 or not all(CJK_RE.match(c) for c in typed):
        return None

    def holds(name: str) -> bool:
        if len(name) <= len(typed) or name[0] != typed[0]:
            return False
        rest = iter(name[1:])
        return all(c in rest for c in typed[1:])
    found = sorted({n for n in companies if holds(n)})
    return found[0] if len(found) == 1 else None
