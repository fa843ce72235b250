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
from .asked import duration_numbers, measured_nouns
from .english import english_terms
from .homophones import Homophones, abbreviation_of
from .pieces import classifier_phrase, is_fragment, points_at_a_thing, rejoined_pairs
from .scripts import simplified
from .terms import METRIC_RE, Term, has_cjk, is_mostly_latin, normalize

jieba.setLogLevel(logging.WARNING)

_LATIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.&+][A-Za-z0-9]+)*|\d+(?:\.\d+)?")
_QUOTED_RE = re.compile(r"[“「《‘\"]([^”」》’\"]{2,14})[”」》’\"]")

# Question words and function words that say nothing about the content asked for.
STOPWORDS = set(
    """
    的 了 是 吗 呢 吧 啊 呀 么 哪 哪些 哪个 哪家 哪年 哪一年 哪天 哪一天 哪种 哪类 什么 多少 几 几个
    怎么 怎样 如何 为什么 为何 谁 有 在 和 与 及 或 对 对于 中 上 下 被 把 给 这 那 这份 这个 那个
    该 其 请问 请 报告 研报 本报告 提到 提及 介绍 一下 是否 有没有 还有 别的 其他 其它 另外 更多
    分别 各 各自 一共 共 总共 大概 大约 约 叫 叫做 称为 名字 名称 情况 相关 具体 主要 哪里 何时
    什么时候 时候 多大 多高 多久 能否 可以 吗 么 个 之 也 都 就 又 还 会 要 想 知道 告诉 我 你 我们
    列出 列举 说说 讲讲 给出 所有 全部 些 一些 方面 意思 含义 做了 做
    你好 您好 谢谢 感谢 内容 主要内容 概要 摘要 总结 大纲 结构 目录 讲了 讲 主要观点
    what which who whom whose when where why how is are was were be been being the a an of in on
    at to for from by with and or did does do into about as that this these those it its there
    their they them list tell me please give name named show find explain describe summarize
    summarise report according many much table tables chart figure section page hi hello
    thanks thank overview summary outline mention mentioned can could would should will has
    have had
    """.split()
)

# POS tags (jieba) of words that never carry the content: pronouns, particles, prepositions,
# conjunctions, modal particles, interjections, punctuation, measure words, adverbs.
_SKIP_POS = ("r", "u", "p", "c", "y", "e", "x", "q", "d", "w", "o", "zg", "uj", "ul")
# Names: people, places, organisations, the report's own domain words.
_NAME_POS = ("nr", "ns", "nt", "nz", "nrt", "nrfg")
# Predicates count, but a missing verb never decides that the report lacks the answer.
_SOFT_POS = ("v", "a", "ad", "vd", "f")


_ANSWER_TYPE_CUES = {"什么", "哪些", "多少", "几", "何种", "哪", "什么样"}
_HOW_MUCH = {"多长", "多长时间", "多久", "多大", "多高", "多远", "多少倍", "多少钱", "多少次", "几倍"}


# jieba's tags of words that name nothing: idioms and set phrases (这三家 is one), status
# words (正的), numerals and measure words, pronouns
_FILLER_POS = ("l", "z", "m", "mq", "q", "r", "i")
# a pointer with a count (这三家, 那几只, 这仨, 每一家): which rows, not a name
_POINTER_RE = re.compile(r"^[这那此该每各本上下前后][\d一二三四五六七八九十两几仨俩多]*"
                         r"[家个只位条张项种款次年些支名]?$")


def _filler(word: str, flag: str) -> bool:
    """An unknown word that cannot be a name the report lacks: a pointer with a count, a
    set phrase, a word ending in a particle (正的, 算了)."""
    return (flag.startswith(_FILLER_POS) or bool(_POINTER_RE.match(word))
            or word[-1:] in "的了着过吧呢吗啊")


SUBJECT_GAP_WORDS = 4  # "小米的2023年预测PE": a year, 年, 预测 between 的 and the metric
_PERIOD_WORD_RE = re.compile(r"(?:19|20)?\d{2}[AaEe]?|年|年度|全年|[一二三四1-4]季度|Q[1-4]|H[12]")
_FORECAST_WORDS = {"预测", "预计", "预期", "实际", "的"}


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


def _is_question_word(word: str) -> bool:
    """哪一年, 哪家, 几层, 多少倍, 多长时间 …: asks for the answer, says nothing about where it is."""
    return (word.startswith(("哪", "多少")) or (word.startswith("几") and len(word) <= 2)
            or word in _HOW_MUCH)


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


# jieba's dictionary counts: colloquial fillers are common (手里 4583, 板块 1274, 大厂 69,
# 中文名 40), unknown company names rare or absent (华谊 19, 比亚迪 4, 蓝标 —)
RARE_WORD_FREQ = 30


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


class Tokenizer:
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
        for w in sorted(names | {simplified(n) for n in names}):  # text is cut in simplified form
            self.jieba.add_word(w, tag="nz")
        self.pos = _POSTokenizer(self.jieba)
        self._homophones: Homophones | None = None  # built when a question first needs it
        # the endings listed companies' names share (科技, 网络): nouns in general Chinese
        self.companies = {normalize(c) for c in companies if has_cjk(c)}
        self.name_suffixes = {end for end in name_suffixes({normalize(c) for c in companies})
                              if jieba.posseg.dt.word_tag_tab.get(end, "n").startswith("n")}

    def asks_number_of(self, question: str) -> set[str]:
        """The nouns the question asks a number of ("月活用户有多少" → 用户): its answer must
        give a number."""
        return measured_nouns([(p.word, p.flag) for p in self.pos.cut(simplified(question))])

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

    def subwords(self, word: str) -> list[str]:
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
            question, found = english_terms(question, self.known, STOPWORDS, self.companies)
            for t in found:
                seen.setdefault(t.text, t)
        words_seen: list[tuple[str, str]] = []
        for latin, piece in self._runs(question):
            if latin:
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
            after_question_word = False
            for pair in self.pos.cut(piece):
                w, flag = pair.word.strip(), pair.flag
                words_seen.append((w, flag))
                if _is_question_word(w) or w in _ANSWER_TYPE_CUES:
                    after_question_word = True
                    continue
                if not w or w in STOPWORDS or not has_cjk(w):
                    continue
                if flag != "nz" and (len(w) < 2 or flag.startswith(_SKIP_POS)):
                    continue
                # a noun right after 哪些/什么 names the kind of answer wanted (哪些领域,
                # 哪家公司): the report need not use that word, so it may be missing
                predicate = flag in _SOFT_POS
                # "哪两个因子": the count after a question word is how many answers are wanted
                soft = predicate or (after_question_word and flag.startswith(("n", "m")))
                after_question_word = after_question_word and flag.startswith("m")
                t = normalize(w)
                alias = t in self.aliases
                # a name: one the report has (its table cells, quoted names, aliases), or a
                # person, place or organisation by part of speech; jieba's generic nz words
                # (中文, 网络) are not names
                named = t in self.names or alias or (flag in _NAME_POS and flag != "nz")
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
        return terms + self._unknown_subjects(words_seen, {t.text for t in terms})

    def _rejoined(self, words: list[tuple[str, str]]) -> list[Term]:
        """The report's words jieba cut apart in the question (对 / 价, 日 / 频择 / 时)."""
        if self.known is None:
            return []
        pairs = rejoined_pairs(words, self.general_freq, self.known, self.df,
                               lambda w: w in STOPWORDS or _is_question_word(w))
        return [Term(pair, 1.0, alts=self.expand(pair)) for pair in pairs]

    def _fragment(self, word: str) -> bool:
        return is_fragment(word, self.general_freq)

    def _suffixed_names(self, terms: list[Term], words: list[tuple[str, str]]) -> list[Term]:
        """"斑马科技的总市值", "大象科技接入了…": a word the report does not know before an
        ending its listed companies' names share (科技 of 焦点科技 and 宝通科技) is a company the
        report lacks, whatever the word means in general Chinese — one name, a key term, so
        that another 科技's row never answers for it."""
        if self.known is None or not self.name_suffixes:
            return terms
        out = list(terms)
        for i in range(1, len(words)):
            (head, flag), suffix = words[i - 1], words[i][0]
            # the head of a name is a noun (斑马, 小米) or a word jieba does not know; not 除了, 这种
            if suffix not in self.name_suffixes or not has_cjk(head) or head in STOPWORDS \
                    or _is_question_word(head) or len(head) > 4 or not (flag.startswith("n") or flag == "x"):
                continue
            name = normalize(head + suffix)
            if self.known(name) or self.known(normalize(head)):
                continue
            out = [t for t in out if t.text not in (normalize(head), normalize(suffix))]
            out.append(Term(name, 1.0, kind="entity", exact=True, role="entity"))
        return out

    def sound_alike_names(self, terms: list[Term]) -> dict[str, str]:
        """Names the question gives that the report lacks, each to the one report name it
        sounds like (华测 → 华策: a pinyin input method's slip) or, for a company, cuts short
        (蓝标 → 蓝色光标)."""
        if self.known is None:
            return {}
        if self._homophones is None:
            self._homophones = Homophones(self.names | self.aliases)
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
            # a short name the report never writes, or a piece jieba guessed (蓝标): a company's
            name = name or ((t.role == "entity" or self._fragment(t.text))
                            and abbreviation_of(t.text, self.companies)) or None
            if name:
                out[t.text] = name
        return out

    def absent_beside_known(self, terms: list[Term]) -> list[Term]:
        """An English noun none of whose translations the report uses ("inflation") is what
        the question asks about only when nothing else it asks about is in the report: beside
        a name or date the report has ("the March 20 batch") it is a word of the question's,
        not a subject the report lacks. Run on the question's whole terms (dates added)."""
        if self.known is None:
            return terms

        def absent(t: Term) -> bool:
            return t.role == "entity" and t.text.isascii() and not t.proper and not self.known(t.text)
        if not any(t.key and not absent(t) and (t.role == "period" or any(self.known(f) for f in t.forms))
                   for t in terms):
            return terms
        return [replace(t, role="") if absent(t) else t for t in terms]

    def _translated(self, terms: list[Term]) -> list[Term]:
        """A Latin word neither the report nor the glossary knows is a translation we cannot
        map ("Colorado State Fair", "RMB"), not a name verifiably absent — when the question
        also names, in the report's own words, a name the report has (三人行, 《太空歌剧院》):
        then the subject is given, and the word cannot block."""
        if self.known is None:
            return terms
        named = any(t.role == "entity" and has_cjk(t.text) and any(self.known(f) for f in t.forms)
                    for t in terms)
        if not named:
            return terms
        # a measure's abbreviation (ROE, EPS) is asked of the name, not a translation
        return [replace(t, role="", kind="", soft=True)
                if t.text.isascii() and not t.text[:1].isdigit() and t.role == "entity"
                and not self.is_metric(t.text) and not any(self.known(f) for f in t.forms) else t
                for t in terms]

    def _unknown_subjects(self, words: list[tuple[str, str]], have: set[str]) -> list[Term]:
        """"快手的市值", "拼多多的PE": jieba may cut a name it does not know into single
        characters, which no term keeps. What a metric is asked of ("X的<metric>") is a
        name, and when neither it nor any word of it is known to the report, the report
        lacks it: a key term, so that no other company's row answers."""
        if self.known is None:
            return []
        out = []
        for i, (w, _) in enumerate(words):
            if w != "的" or i + 1 >= len(words) or not self.is_metric(words[i + 1][0]):
                continue
            parts: list[str] = []
            j = i - 1
            while j >= 0 and has_cjk(words[j][0]) and words[j][0] not in STOPWORDS \
                    and not _is_question_word(words[j][0]) and words[j][1] not in ("x", "w") \
                    and len("".join(parts)) + len(words[j][0]) <= 8:
                parts.insert(0, words[j][0])
                j -= 1
            subject = normalize("".join(parts))
            if len(subject) < 2 or any(subject in h for h in have):
                continue  # already a term of its own
            if j >= 0 and points_at_a_thing(words[j][0], subject):
                continue  # "那张表的PE": a measure word and a noun point at a thing already named
            if not self.known(subject) and any(
                    len(p) >= 2 and (self.known(normalize(p)) or any(self.known(a) for a in self.expand(p)))
                    for p in parts):
                continue  # 游戏板块: a word the report knows, with a filler
            out.append(Term(subject, 1.0, kind="entity", exact=True, role="entity"))
        return out

    def _metric_of(self, words: list[tuple[str, str]], i: int) -> bool:
        """words[i:] read "的 [2023年] [预测] <metric>": what stands before is asked a metric."""
        if i >= len(words) or words[i][0] != "的":
            return False
        for w, _ in words[i + 1:i + 1 + SUBJECT_GAP_WORDS]:
            if self.is_metric(w):
                return True
            if not (_PERIOD_WORD_RE.fullmatch(w) or w in _FORECAST_WORDS):
                return False
        return False

    def _unknown_name(self, term: Term, words: list[tuple[str, str]]) -> Term:
        """A noun the report never uses is a filler (现在, 手里, 板块) — unless it is rare in
        general Chinese (蓝标, 华谊, 比亚迪) or is what a metric is asked of ("小米的PE"):
        then it is a name the report lacks, and the question must not be answered for
        another one."""
        if term.role or term.soft or not has_cjk(term.text) or self.known is None \
                or re.search(r"[几哪啥]|多少|什么", term.text):  # 第几代 asks, it names nothing
            return term
        if any(self.known(f) for f in term.forms):
            return term
        if _filler(term.text, next((f for w, f in words if w == term.text), "")):
            return term
        if classifier_phrase(term.text, words, self.general_freq):
            return replace(term, soft=True)
        rare = self.general_freq.get(term.text, 0) < RARE_WORD_FREQ
        subject = any(w == term.text and self._metric_of(words, i + 1) for i, (w, _) in enumerate(words))
        if rare or subject:
            return replace(term, role="entity", kind="entity", exact=True)
        return term
