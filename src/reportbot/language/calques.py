"""Chinese company names read from their English ones word by word: "Focus Technology" is
焦点科技, "Perfect World" 完美世界, "Giant Network" 巨人网络 — most listed Chinese companies'
English names are calques. Each distinctive word is looked up in CC-CEDICT; the words that
only say what kind of company it is (Technology, Media, Group …) stand for whatever ending the
report's name has."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable

from . import cedict

# English corporate designators and trade words: they say what a company is, and its Chinese
# name ends in its own rendering of them (科技, 传媒, 集团), or leaves them out
_KIND_WORDS = {"technology", "technologies", "tech", "media", "group", "holding", "holdings", "co",
               "company", "corp", "corporation", "inc", "ltd", "limited", "plc", "network", "networks",
               "entertainment", "culture", "film", "films", "pictures", "games", "game", "interactive",
               "software", "digital", "internet", "information", "communication", "communications",
               "securities", "international", "industry", "industries", "electronics", "intelligence"}
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'&-]*")
_TITLE_RUN_RE = re.compile(r"(?:[A-Z][a-z'&-]*\s+)*[A-Z][a-z'&-]*")
MAX_SENSES = 20  # CC-CEDICT senses tried per word: "focus" has 14
MAX_CANDIDATES = 400


def calque_names(question: str, companies: Iterable[str], lemma: Callable[[str], str]) -> dict[str, str]:
    """Title-case runs of the question ("Focus Technology") → the one company of ``companies``
    whose Chinese name they render, where exactly one does."""
    index, _ = cedict.reverse_index(lemma)
    if not index:
        return {}
    companies = set(companies)
    out = {}
    for m in _TITLE_RUN_RE.finditer(question):
        words = _WORD_RE.findall(m.group(0))
        if len(words) < 2:
            continue  # one word is a brand or a word of the sentence; the glossary has those
        core = [w for w in words if w.lower() not in _KIND_WORDS]
        if not core:
            continue
        senses = [index.get((lemma(w.lower()),), ())[:MAX_SENSES] for w in core]
        if not all(senses):
            continue
        prefixes = {"".join(p) for p in itertools.islice(itertools.product(*senses), MAX_CANDIDATES)}
        if len(core) < len(words):  # a trade word stands for the name's ending: a longer name
            lengths = {len(p) for p in prefixes}
            found = {c for c in companies for n in lengths if len(c) > n and c[:n] in prefixes}
        else:
            found = prefixes & companies
        if len(found) == 1:
            out[m.group(0)] = found.pop()
    return out
