"""Tokenising Chinese/English report text: jieba with the report's own domain words."""

from __future__ import annotations

import logging
import marshal
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import jieba
import jieba.posseg

from ..tuning import NAME_SUFFIX_NAMES
from .asked import AskedFor, counted_phrases, duration_numbers, measured_nouns, person_asked
from .english import english_terms
from .homophones import Homophones, abbreviation_of
from .lexicons import glossary_synonyms, is_content_word
from .pieces import is_fragment, rejoined_pairs
from .scripts import simplified
from .stopwords import (
    ANSWER_TYPE_CUES,
    NAME_POS,
    SKIP_POS,
    SOFT_POS,
    STOPWORDS,
    is_question_word,
)
from .subjects import SubjectReading
from .terms import METRIC_RE, Term, has_cjk, is_mostly_latin, normalize

jieba.setLogLevel(logging.WARNING)

_LATIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.&+][A-Za-z0-9]+)*|\d+(?:\.\d+)?")
_QUOTED_RE = re.compile(r"[“「《‘\"]([^”」》’\"]{2,14})[”」》’\"]")


def name_suffixes(names: Iterable[str]) -> set[str]:
    """The endings several of the given names share (科技, 网络): a word before one of them is
    the head of such a name."""
    ends: dict[str, set[str]] = {}
    for name in names:
        if len(name) >= 4 and all(has_cjk(c) for c in name[-2:]):
            ends.setdefault(name[-2:], set()).add(name)
    return {end for end, of in ends.items() if len(of) >= NAME_SUFFIX_NAMES}


def _asked(terms: list[Term], question: str, words: list[tuple[str, str]]) -> list[Term]:
    """The span of time a question asks within (近5年) is what its answer must be about: a key
    term (asked.py), which the report's 近10年 does not match."""
    spans = duration_numbers(question)
    out = []
    for t in terms:
        if t.text in spans:
            t = replace(t, role="period", alts=tuple(dict.fromkeys(t.alts + spans.pop(t.text))))
        out.append(t)
    return out + [Term(n, 1.0, kind="number", alts=forms, role="period") for n, forms in spans.items()]


def _short_word(text: str) -> bool:
    text = text.strip()
    return 2 <= len(text) <= 12 and has_cjk(text) and not re.search(r"[，。；;,\s]", text)


def domain_words(texts: Iterable[str], values: Iterable[str]) -> set[str]:
    """Names from the report: short table cells and quoted names (“混元”, 《逆水寒》)."""
    words = {v.strip() for v in values if _short_word(v)}
    for text in texts:
        for m in _QUOTED_RE.finditer(text):
            if has_cjk(m.group(1)) and _short_word(m.group(1)):
                words.add(m.group(1).strip())
    return words


def attribute_words(headers: Iterable[str]) -> set[str]:
    """Table headers and heading parts: what is asked about (参数量, 提出时间), not names."""
    return {h.strip() for h in headers if _short_word(h)}


def _no_expansion(word: str) -> tuple[str, ...]:
    return ()


def _default_tokenizer() -> jieba.Tokenizer:
    """A new jieba tokenizer with the default dictionary. jieba reads its dictionary cache
    with ``marshal.load`` on the open file, in small reads (0.7 s); the same file read whole
    and unmarshalled takes 0.2 s — a third of a start-up's own work. Without a usable cache,
    jieba builds (and writes) it as usual."""
    tokenizer = jieba.Tokenizer()
    cache = Path(tokenizer.tmp_dir or tempfile.gettempdir()) / "jieba.cache"  # jieba's name for it
    try:
        tokenizer.FREQ, tokenizer.total = marshal.loads(cache.read_bytes())
        tokenizer.initialized = True
    except (OSError, ValueError, EOFError, TypeError):
        tokenizer.initialize()
    return tokenizer


class _POSTokenizer(jieba.posseg.POSTokenizer):
    """jieba's part-of-speech tokenizer over our tokenizer, starting from the default
    dictionary's tags that ``import jieba.posseg`` already read (reading dict.txt again for
    each tokenizer costs 0.3 s); our words' tags are added by jieba as usual."""

    def __init__(self, tokenizer: jieba.Tokenizer):
        self.tokenizer = tokenizer
        self.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)


class Tokenizer(SubjectReading):
    """A private jieba tokenizer (the global one is left alone) that knows the domain words.

    ``expand(word)`` gives other forms that count as the same word (synonyms, aliases);
    ``aliases`` are names whose other forms make them entities (华策 → 华策影视).
    """

    def __init__(self, names: Iterable[str] = (), attributes: Iterable[str] = (),
                 expand: Callable[[str], tuple[str, ...]] = _no_expansion,
                 aliases: Iterable[str] = (), metrics: Iterable[str] = (),
                 known: Callable[[str], bool] | None = None, companies: Iterable[str] = (),
                 df: Callable[[str], int] | None = None):
        self.jieba = _default_tokenizer()
        self.general_freq = dict(self.jieba.FREQ)  # before the report's words are added
        self.expand = expand
        self.known = known
        self.df = df  # in how many of the report's passages a word stands
        self.aliases = {normalize(a) for a in aliases}
        self.metrics = {normalize(m) for m in metrics}
        names = set(names) | {a for a in aliases if has_cjk(a)}
        self.names = {normalize(n) for n in names}
        for w in sorted((set(attributes) | set(metrics)) - names):
            if has_cjk(w):
                self.jieba.add_word(w, tag="n")
        # the glossary's compounds are words, whole (每股分红, not 每股 / 分红: its synonym DPS
        # is what the report writes)
        for w in sorted(glossary_synonyms()):
            if len(w) >= 3 and has_cjk(w) and w not in self.general_freq and w not in names:
                self.jieba.add_word(w, tag="n")
        for w in sorted(names | {simplified(n) for n in names}):  # text is cut in simplified form
            self.jieba.add_word(w, tag="nz")
        self.pos = _POSTokenizer(self.jieba)
        self._homophones: Homophones | None = None  # built when a question first needs it
        self._subwords: dict[str, list[str]] = {}
        # the endings listed companies' names share (科技, 网络): nouns in general Chinese
        self.companies = {normalize(c) for c in companies if has_cjk(c)}
        self.name_suffixes = {end for end in name_suffixes({normalize(c) for c in companies})
                              if jieba.posseg.dt.word_tag_tab.get(end, "n").startswith("n")}

    def asked_for(self, question: str) -> AskedFor:
        """What the question asks its answer to hold, from one cut: a number of the nouns
        before 多少 ("月活用户有多少" → 用户), the noun phrases counted after 多少/几 ("有多少名
        研究人员" → 研究人员), a person's name ("创始人是谁" → 创始人)."""
        words = [(p.word, p.flag) for p in self.pos.cut(simplified(question))]
        return AskedFor(measured_nouns(words), counted_phrases(words), person_asked(words))

    def is_metric(self, word: str) -> bool:
        word = normalize(word)
        return word in self.metrics or bool(METRIC_RE.search(word))

    def _runs(self, text: str):
        """Yield (is_latin, piece) runs of ``text``."""
        pos = 0
        for m in _LATIN_RE.finditer(text):
            if m.start() > pos:
                yield False, text[pos:m.start()]
            yield True, m.group(0)
            pos = m.end()
        if pos < len(text):
            yield False, text[pos:]

    def tokens(self, text: str) -> list[str]:
        """Search tokens for BM25: Latin words whole, Chinese words and their sub-words (in
        simplified characters, as the question is read)."""
        text = simplified(text)
        out: list[str] = []
        for latin, piece in self._runs(text):
            if latin:
                out.append(normalize(piece))
                continue
            for w in self.jieba.cut_for_search(piece):
                w = w.strip()
                if w and (has_cjk(w) or w.isalnum()) and w not in STOPWORDS:
                    out.append(w.lower())
        return out

    def _hyphen_parts(self, run: str) -> list[str]:
        """A hyphened Latin run the report does not write (ChatGPT-based, AI-driven) is its
        words; one it writes (Turing-NLG, GPT-4, Wonder-Studio) stays whole."""
        if "-" not in run or self.known is None or self.known(normalize(run)):
            return [run]
        return [p for p in run.split("-") if p]

    def subwords(self, word: str) -> list[str]:
        """The words within ``word`` (市场规模 → 市场, 规模); remembered, for a question's terms
        are matched against every passage it may be answered from."""
        subs = self._subwords.get(word)
        if subs is None:
            subs = self._subwords[word] = self._cut_subwords(word)
        return list(subs)

    def _cut_subwords(self, word: str) -> list[str]:
        subs = [w for w in self.jieba.cut_for_search(word) if len(w) >= 2 and w != word]
        if not subs and len(word) == 4 and all(has_cjk(c) for c in word):
            # a four-character word jieba keeps whole (the report's own 多空年化) is, as most
            # are, two words of two: its head (年化) is what a header may say alone
            subs = [word[:2], word[2:]]
        return subs

    def terms(self, question: str) -> list[Term]:
        """Content terms of a question (weights before IDF)."""
        seen: dict[str, Term] = {}
        if is_mostly_latin(question):
            capitals = {normalize(w) for w in re.findall(r"\b[A-Z][A-Za-z]+", question)}
            question, found = english_terms(question, self.known, STOPWORDS, self.companies)
            for t in found:
                seen.setdefault(t.text, self._short_name(t, capitals))
        words_seen: list[tuple[str, str]] = []
        for latin, run in self._runs(question):
            if latin:
                for piece in self._hyphen_parts(run):
                    t = normalize(piece)
                    words_seen.append((t, "eng"))
                    if t not in STOPWORDS and (len(t) > 1 or t.isdigit()):
                        alias = t in self.aliases
                        proper = any(c.isupper() for c in piece) or alias
                        kind = "entity" if alias or (proper and not t[0].isdigit()) else \
                            "number" if t[0].isdigit() else ""
                        role = ("entity" if kind == "entity" else "metric" if self.is_metric(t)
                                else "period" if re.fullmatch(r"(?:19|20)\d{2}", t) else "")
                        seen.setdefault(t, Term(t, 1.0, proper=proper, kind=kind, exact=proper,
                                                alts=self.expand(t), role=role))
                continue
            piece = run
            after_question_word = False
            pairs = list(self.pos.cut(piece))
            for at, pair in enumerate(pairs):
                w, flag = pair.word.strip(), pair.flag
                following = pairs[at + 1].flag if at + 1 < len(pairs) else ""
                words_seen.append((w, flag))
                if is_question_word(w) or w in ANSWER_TYPE_CUES:
                    after_question_word = True
                    continue
                if not w or w in STOPWORDS or not has_cjk(w):
                    continue
                # a word jieba's dictionary tags as a function word that Cilin knows as content
                # (更新点: 更新 'd') stays, as a predicate
                mistagged = flag.startswith(SKIP_POS) and len(w) >= 2 and is_content_word(w)
                if flag != "nz" and (len(w) < 2 or (flag.startswith(SKIP_POS) and not mistagged)):
                    continue
                # a noun right after 哪些/什么 names the kind of answer wanted (哪些领域,
                # 哪家公司): the report need not use that word, so it may be missing
                predicate = flag in SOFT_POS or mistagged
                # "哪两个因子": the count after a question word is how many answers are wanted
                soft = predicate or (after_question_word and flag.startswith(("n", "m")))
                # the kind goes on to the phrase's head: 哪个细分行业 asks for a 行业, as 哪个行业 does
                after_question_word = after_question_word and (
                    flag.startswith("m") or (flag.startswith("n") and following.startswith("n")))
                t = normalize(w)
                alias = t in self.aliases
                # a name: one the report has (its table cells, quoted names, aliases), or a
                # person, place or organisation by part of speech; jieba's generic nz words
                # (中文, 网络) are not names
                named = t in self.names or alias or (flag in NAME_POS and flag != "nz")
                kind = "entity" if named else ""
                role = "entity" if kind else "metric" if self.is_metric(t) and not predicate else ""
                seen.setdefault(t, Term(t, 0.5 if predicate else 1.0, soft and not role,
                                        kind=kind, alts=self.expand(w), exact=flag == "nz" or alias,
                                        role=role))
        seen = {text: self._unknown_name(t, words_seen) for text, t in seen.items()}
        for t in self._rejoined(words_seen):
            for piece, term in list(seen.items()):  # 频择 of 日/频择/时: a piece of the cut
                if len(piece) == 2 and piece != t.text and self._fragment(piece) and \
                        (piece.startswith(t.text[-1]) or piece.endswith(t.text[0])):
                    seen[piece] = replace(term, soft=True, role="", kind="")
                    if term.role == "entity":  # 股标 read as a name: the word rejoined (标普) is it
                        t = replace(t, role="entity", kind="entity", exact=True)
            seen.setdefault(t.text, t)
        terms = _asked(list(seen.values()), question, words_seen)
        terms = self._translated(terms)
        terms = self._suffixed_names(terms, words_seen)
        terms = self._qualified_metrics(terms, words_seen)
        terms = self._scoped(terms, words_seen)
        terms = self._numbered_names(simplified(question), terms)
        return terms + self._unknown_subjects(words_seen, {t.text for t in terms})

    def _short_name(self, term: Term, capitals: set[str]) -> Term:
        """"Mango" translated 芒果: a capitalised word whose translation is a name the report
        goes by (芒果 for 芒果超媒) is that name, as 芒果 in a Chinese question is."""
        if term.role == "entity" or term.text not in self.aliases or \
                not any(re.sub(r"['’]s$", "", a) in capitals for a in term.alts):
            return term
        alts = tuple(dict.fromkeys(term.alts + self.expand(term.text)))
        return replace(term, role="entity", kind="entity", alts=alts)

    def _rejoined(self, words: list[tuple[str, str]]) -> list[Term]:
        """The report's words jieba cut apart in the question (对 / 价, 日 / 频择 / 时)."""
        if self.known is None:
            return []
        pairs = rejoined_pairs(words, self.general_freq, self.known, self.df,
                               lambda w: w in STOPWORDS or is_question_word(w))
        return [Term(pair, 1.0, alts=self.expand(pair)) for pair in pairs]

    def _fragment(self, word: str) -> bool:
        return is_fragment(word, self.general_freq)

    def sound_alike_names(self, terms: list[Term], question: str = "") -> dict[str, str]:
        """Names the question gives that the report lacks, each to the one report name it
        sounds like (华测 → 华策: a pinyin input method's slip; 蓝色光表, which jieba cuts
        蓝色/光表, → 蓝色光标) or, for a company, cuts short (蓝标 → 蓝色光标)."""
        if self.known is None:
            return {}
        if self._homophones is None:
            self._homophones = Homophones(self.names | self.aliases)
        plain = simplified(question)
        out = {}
        for t in terms:
            if any(self.known(f) for f in t.forms):
                continue
            if not has_cjk(t.text):  # "Huace's market cap": a name spelled in pinyin
                name = self._homophones.name_for_pinyin(t.text) if t.role == "entity" and t.text.isalpha() else None
                if name:
                    out[t.text] = name
                continue
            name = self._homophones.name_for(t.text) if t.role == "entity" else None
            if not name and t.key:  # a piece of a misspelt name the cut split
                at = plain.find(t.text)
                around = self._homophones.name_around(plain, at, at + len(t.text)) if at >= 0 else None
                if around and not self.known(normalize(around[0])):
                    out[around[0]] = around[1]
                    continue
            # a short name the report never writes, or a piece jieba guessed (蓝标): a company's
            name = name or ((t.role == "entity" or self._fragment(t.text))
                            and abbreviation_of(t.text, self.companies)) or None
            if name:
                out[t.text] = name
        return out
