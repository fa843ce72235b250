"""Reading English questions against a Chinese report: a bilingual glossary of report
vocabulary (glossary_en_zh.tsv), brokers' English names (brokers_en_zh.tsv), Chinese names
given in brackets, and for the other words CC-CEDICT read backwards (cedict.py); each word
taken in its dictionary form (simplemma)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from . import cedict
from .calques import calque_names
from .terms import Term, is_metric_word, normalize

_ALIAS_RE = re.compile(
    r"((?:[A-Z][\w'.&-]*\s+)*[A-Z][\w'.&-]*)\s*[（(]\s*([^()（）]*[\u3400-\u9fff][^()（）]*?)\s*[)）]"
)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'/-]*|\d+")
_GLOSSARY_FILES = [Path(__file__).with_name(n) for n in ("glossary_en_zh.tsv", "brokers_en_zh.tsv")]
_CAPITAL_ONLY = {"may"}  # "May" the month, not "may" the verb


def _stem(word: str) -> str:
    """The dictionary form of an English word ("released" → "release", "companies" →
    "company"), by simplemma's English lexicon: a suffix-stripper made "rating" and "rate"
    one word, and so read "inflation rate" as 评级."""
    import simplemma

    w = re.sub(r"['’]s?$", "", word.lower())
    return simplemma.lemmatize(w, lang="en") if w.isalpha() else w


@lru_cache(maxsize=1)
def glossary() -> dict[tuple[str, ...], tuple[tuple[str, ...], str]]:
    """English phrase (stemmed words) -> (Chinese forms, tag), from glossary_en_zh.tsv and
    brokers_en_zh.tsv."""
    out = {}
    lines = [line for f in _GLOSSARY_FILES for line in f.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese, tag = line.split("\t")
        key = tuple(_stem(w) for w in _WORD_RE.findall(english))
        out[key] = (tuple(normalize(c) for c in chinese.split("|")), tag.strip())
    return out


def english_terms(question: str, known: Callable[[str], bool] | None = None,
                  skip: Iterable[str] = (), companies: Iterable[str] = ()) -> tuple[str, list[Term]]:
    """Read an English question against a Chinese report.

    "the Justice (逆水寒) game" keeps the Chinese name given in brackets; known phrases
    ("market cap", "Tencent", "released") become their Chinese terms. Returns the question
    with those parts blanked out, and the terms found.
    """
    question = _ALIAS_RE.sub(r" \2 ", question)
    for english, chinese in calque_names(question, companies, _stem).items():
        question = question.replace(english, f" {chinese} ")  # "Focus Technology": 焦点科技
    words = list(_WORD_RE.finditer(question))
    stems = [_stem(m.group(0)) for m in words]
    table = glossary()
    longest = max((len(k) for k in table), default=1)
    terms: list[Term] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            key = tuple(stems[i:i + n])
            if key not in table:
                continue
            if n == 1 and key[0] in _CAPITAL_ONLY and not words[i].group(0)[0].isupper():
                continue
            forms, tag = table[key]
            soft = tag == "v"
            # the English words count too: the report itself may be in English
            english = normalize(question[words[i].start():words[i + n - 1].end()])
            english = re.sub(r"['’]s$", "", english)
            role = "entity" if tag == "e" else "metric" if tag == "n" and is_metric_word(forms[0]) else ""
            terms.append(Term(forms[0], 0.5 if soft else 1.0, soft,
                              kind="entity" if tag == "e" else "", exact=tag == "e",
                              alts=tuple(dict.fromkeys(forms[1:] + (english,))), role=role))
            spans.append((words[i].start(), words[i + n - 1].end()))
            i += n
            break
        else:
            i += 1
    if known is not None:
        terms += _dictionary_terms(question, words, spans, known, skip)
        spans.sort()
    for start, end in reversed(spans):
        question = question[:start] + " " + question[end:]
    return question, terms


def _name_like(word: str, known: Callable[[str], bool]) -> bool:
    """An acronym or brand (GAN, ChatGPT), or a capitalised word the report writes as it is
    (Midjourney): a name, not a word to translate. Title Case words of a phrase (Hang Seng
    Index) are translated."""
    inner_caps = any(c.isupper() for c in word[1:])
    if inner_caps and _dictionary_acronym(word) and not known(normalize(word)):
        return False  # TV, CEO: a word the dictionary translates, not a brand
    return inner_caps or (word[0].isupper() and known(normalize(word)))


def _dictionary_acronym(word: str) -> bool:
    index, _ = cedict.reverse_index(_stem)
    return word.isupper() and len(word) <= 4 and (_stem(word),) in index


def _dictionary_terms(question: str, words: list, spans: list[tuple[int, int]],
                      known: Callable[[str], bool], skip: Iterable[str]) -> list[Term]:
    """Terms for the words the glossary left, translated by CC-CEDICT into words the corpus
    uses. They help find the passage but never make a refusal: a dictionary sense may not
    be the report's. A noun none of whose translations the corpus uses is a key term: the
    report does not speak of it, and the refusal names it."""
    taken = [any(a <= m.start() < b for a, b in spans) for m in words]
    out: list[Term] = []
    run: list = []
    for m, used in [*zip(words, taken), (None, True)]:
        if m is not None and not used and m.group(0)[:1].isalpha() and not _name_like(m.group(0), known):
            run.append(m)
            continue
        for i, j, forms in cedict.translate([w.group(0) for w in run], _stem, known, skip):
            english = normalize(question[run[i].start():run[j - 1].end()])
            if forms is None:  # "cat": 猫, one character, in the report's 汤姆猫 or not: no key
                out.append(Term(english, 0.5, soft=True))
            elif known(english):  # the report writes it in English too (Rank IC, Breakeven)
                out.append(Term(english, 1.0, alts=forms))
            elif not forms and run[i].group(0)[0].isupper() and run[i].start() != words[0].start() \
                    and not (j - i == 1 and _dictionary_acronym(run[i].group(0))):
                # a capitalised word none of whose translations the report uses is a name it
                # lacks (Tesla): left to be read as a name, which blocks
                continue
            elif not forms:  # a noun the report never uses, in any of its translations
                out.append(Term(english, 1.0, role="entity"))
            else:
                out.append(Term(forms[0], 1.0, alts=tuple(dict.fromkeys(forms[1:] + (english,)))))
            spans.append((run[i].start(), run[j - 1].end()))
        run = []
    return out


@lru_cache(maxsize=1)
def _headwords() -> frozenset[str]:
    index, _ = cedict.reverse_index(_stem)
    return frozenset(w for forms in index.values() for w in forms)


def dictionary_word(word: str) -> bool:
    """Whether CC-CEDICT has ``word`` (simplified) as a headword: 对价 is a word, 是用 is not."""
    return word in _headwords()
