"""Which of many normalized texts contain a word, and how rare the word is among them.

At hundreds of reports the answer units number ~80 000 and a question brings words never
seen before; scanning every text for each would cost tens of milliseconds a word. So the
texts get a character-bigram posting index (numpy arrays: the bigrams, where each one's
posting list starts, the text numbers): a word's candidates are the intersection of its
bigrams' lists, and only they are checked with :func:`textproc.contains`'s rules. Small
text sets (one table's cells, the reports' covers) are scanned instead — building arrays for
them costs more than it saves.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from pathlib import Path

import numpy as np

from ..tuning import GRAM_INDEX_MIN_CHARS, OCCURRENCE_CACHE
from .bounded import remember

_GRAM_FILES = ("grams", "offsets", "postings")
# a (bigram, text) pair packs into one uint64: two 21-bit code points and a 22-bit text
# number (4 M texts, ~10 000 reports of units; more are scanned)
_TEXT_BITS = 22
_EMPTY = np.empty(0, dtype=np.uint32)


class Grams:
    """Character-bigram posting lists over NUL-separated texts. Bigrams are taken with the
    texts' spaces removed (normalized text keeps a space only between two Latin letters or
    digits), so "openai" finds "open ai" too; every candidate is checked afterwards."""

    def __init__(self, grams: np.ndarray, offsets: np.ndarray, postings: np.ndarray):
        self.grams, self.offsets, self.postings = grams, offsets, postings

    @classmethod
    def build(cls, joined: str) -> Grams:
        points = np.frombuffer(joined.replace(" ", "").encode("utf-32-le"), dtype=np.uint32)
        text_no = np.cumsum(points == 0, dtype=np.uint64)[:-1]
        within = (points[:-1] != 0) & (points[1:] != 0)  # no bigram across two texts
        first, second = points[:-1][within].astype(np.uint64), points[1:][within].astype(np.uint64)
        pairs = (((first << np.uint64(21)) | second) << np.uint64(_TEXT_BITS)) | text_no[within]
        pairs.sort()
        if len(pairs):
            pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]  # a text once a bigram
        keys = pairs >> np.uint64(_TEXT_BITS)
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else _EMPTY
        return cls(keys[starts], np.append(starts, len(keys)).astype(np.int64),
                   (pairs & np.uint64((1 << _TEXT_BITS) - 1)).astype(np.uint32))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in _GRAM_FILES:
            np.save(folder / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, folder: Path) -> Grams:
        # memory-mapped: a question reads only its own bigrams' lists
        return cls(*(np.load(folder / f"{name}.npy", mmap_mode="r") for name in _GRAM_FILES))

    def candidates(self, word: str) -> np.ndarray | None:
        """Sorted numbers of the texts holding all of the word's bigrams; None for a word
        of one character (no bigram to look up)."""
        word = word.replace(" ", "")
        if len(word) < 2:
            return None
        keys = sorted({(ord(a) << 21) | ord(b) for a, b in zip(word, word[1:])})
        at = np.searchsorted(self.grams, np.array(keys, dtype=np.uint64))
        lists = []
        for key, i in zip(keys, at.tolist()):
            if i >= len(self.grams) or int(self.grams[i]) != key:
                return _EMPTY
            lists.append(self.postings[self.offsets[i]:self.offsets[i + 1]])
        lists.sort(key=len)
        found = np.asarray(lists[0])
        for other in lists[1:]:
            found = np.intersect1d(found, other, assume_unique=True)
            if not len(found):
                break
        return found


class TextIndex:
    """Normalized texts (NUL-separated in ``joined``), asked which contain a word as
    :func:`textproc.contains` decides. ``grams``: their bigram index, when already built."""

    def __init__(self, texts=(), joined: str | None = None, grams: Grams | None = None):
        # NUL never occurs in normalized text: it separates the texts
        self.joined = joined if joined is not None else "\0".join(texts)
        self.n = self.joined.count("\0") + 1 if self.joined else 0
        self._starts = [0] + [m.end() for m in re.finditer("\0", self.joined)]
        small = len(self.joined) < GRAM_INDEX_MIN_CHARS or self.n >= 1 << _TEXT_BITS
        self.grams = grams if grams is not None or small else Grams.build(self.joined)
        self._nospace: tuple[str, list[int]] | None = None
        self._cache: dict[str, np.ndarray] = {}

    def text(self, i: int) -> str:
        end = self._starts[i + 1] - 1 if i + 1 < len(self._starts) else len(self.joined)
        return self.joined[self._starts[i]:end]

    def containing(self, word: str) -> np.ndarray:
        """Sorted numbers of the texts that contain ``word`` (remembered: questions repeat
        words)."""
        found = self._cache.get(word)
        return found if found is not None else remember(self._cache, word, self._find(word), OCCURRENCE_CACHE)

    def _find(self, word: str) -> np.ndarray:
        candidates = self.grams.candidates(word) if self.grams is not None and word else None
        if candidates is None:
            return np.array(sorted(self._scan(word)), dtype=np.uint32)
        if not len(candidates) or (len(word) == 2 and not word.isascii()):
            return candidates  # a bigram with a Chinese character never spans a removed space
        latin = _latin_pattern(word)
        return candidates[[self._holds(i, word, latin) for i in candidates.tolist()]]

    def _holds(self, i: int, word: str, latin: re.Pattern | None) -> bool:
        """Whether text ``i`` contains ``word`` (a bigram candidate, checked); ``latin``:
        the word's pattern, when it is a Latin one."""
        start = self._starts[i]
        end = self._starts[i + 1] - 1 if i + 1 < len(self._starts) else len(self.joined)
        if latin is None:
            return self.joined.find(word, start, end) >= 0
        return latin.search(self.joined, start, end) is not None \
            or (len(word) >= 5 and word in self.joined[start:end].replace(" ", ""))

    def _scan(self, word: str) -> set[int]:
        """The texts holding ``word``, by ``str.find`` over ``joined``, skipping to the next
        text at each hit."""
        if not word:
            return set()
        found = _find_all(self.joined, self._starts, word, _latin(word))
        if word.isascii() and word[:1].isalnum() and len(word) >= 5:
            if self._nospace is None:
                text = self.joined.replace(" ", "")
                self._nospace = (text, [0] + [m.end() for m in re.finditer("\0", text)])
            found |= _find_all(*self._nospace, word, None)
        return found


def _latin(word: str) -> tuple[set[str], set[str]] | None:
    """Characters that may not touch a Latin word (as contains(): a boundary where the
    character class changes), or None for a word matched as a plain substring."""
    if not (word.isascii() and word[:1].isalnum()):
        return None
    return (set("0123456789." if word[0].isdigit() else "abcdefghijklmnopqrstuvwxyz"),
            set("0123456789" if word[-1].isdigit() else "abcdefghijklmnopqrstuvwxyz"))


@functools.lru_cache(maxsize=1024)
def _latin_pattern(word: str) -> re.Pattern | None:
    """A Latin word as contains() matches it (a boundary where the character class
    changes), or None for a word matched as a plain substring."""
    boundary = _latin(word)
    if boundary is None:
        return None
    before, after = ("".join(sorted(b)).replace(".", r"\.") for b in boundary)
    return re.compile(rf"(?<![{before}]){re.escape(word)}(?![{after}])")


def _find_all(text: str, starts: list[int], word: str, boundary) -> set[int]:
    """The texts (``starts``: where each begins in ``text``) holding ``word``, ``boundary``
    as ``_latin`` gives it."""
    found, at = set(), text.find(word)
    while at >= 0:
        end = at + len(word)
        if boundary is None or ((at == 0 or text[at - 1] not in boundary[0])
                                and (end == len(text) or text[end] not in boundary[1])):
            i = bisect.bisect_right(starts, at) - 1
            found.add(i)
            if i + 1 >= len(starts):
                break
            at = text.find(word, starts[i + 1])  # one hit per text is enough
        else:
            at = text.find(word, at + 1)
    return found


class TermStats:
    """Document frequencies of terms over the answer units (sentences and table rows), over
    all of them or over those of some reports (``mask``: one flag a unit)."""

    def __init__(self, units: TextIndex, mask: np.ndarray | None = None):
        self.units = units
        self.mask = mask
        self.n = units.n if mask is None else int(mask.sum())
        self._cache: dict[str, float] = {}

    def df(self, term: str) -> int:
        found = self.units.containing(term)
        return len(found) if self.mask is None else int(self.mask[found].sum())

    def idf(self, term: str) -> float:
        idf = self._cache.get(term)
        if idf is None:
            idf = remember(self._cache, term, math.log(1 + self.n / (1 + self.df(term))), OCCURRENCE_CACHE)
        return idf

    @property
    def max_idf(self) -> float:
        return math.log(1 + self.n)

    def known(self, term: str) -> bool:
        return self.idf(term) < self.max_idf

    def written_alone(self, word: str) -> bool:
        """Whether some unit has ``word`` with no digit right before it: 10年美债 as the
        report writes a maturity, not the tail of 2010年美债."""
        found = self.units.containing(word)
        if self.mask is not None:
            found = found[self.mask[found]]
        alone = re.compile(r"(?<!\d)" + re.escape(word))
        return any(alone.search(self.units.text(i)) for i in found.tolist())

    def term_idf(self, term) -> float:
        return min(self.idf(f) for f in term.forms)

    def term_known(self, term) -> bool:
        return any(self.known(f) for f in term.forms)
