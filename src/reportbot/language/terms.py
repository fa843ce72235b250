"""The form words are matched in, and the term a question is read into: shared by the
tokenizer, the English reader and every stage above them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .scripts import simplified

CJK_RE = re.compile(r"[\u3400-\u9fff]")


_QUOTES_RE = re.compile("[\u201c\u201d\u2018\u2019\"\u300c\u300d\u300e\u300f]")
_MINUS_AFTER_RE = re.compile(r"[\u3400-\u9fff]-\d")


def normalize(text: str) -> str:
    """Form used for matching: simplified characters, lower case, no hyphens inside words, and
    spaces kept only between two Latin letters/digits ("32k tokens", "pe 2023e")."""
    text = simplified(text.lower())
    # quotation marks around a coined name (“水中行舟”因子) are not part of it
    text = _QUOTES_RE.sub("", text)
    # a minus sign after a word ("净支持率为-16.6%") is kept: the sign is the fact
    text = re.sub(r"(?<=\w)-(?=\w)", lambda m: "-" if _MINUS_AFTER_RE.match(m.string, m.start() - 1) else "", text)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(?<![a-z0-9]) | (?![a-z0-9])", "", text)


def squash(text: str) -> str:
    """``normalize`` without any spaces: "Open AI" and "OpenAI" compare equal."""
    return normalize(text).replace(" ", "")


def has_cjk(text: str) -> bool:
    return bool(CJK_RE.search(text))


def is_mostly_latin(text: str) -> bool:
    latin = sum(c.isascii() and c.isalpha() for c in text)
    return latin > len(CJK_RE.findall(text)) * 2


def contains(term: str, norm_text: str) -> bool:
    """Whether a normalized term occurs in normalized text; Latin terms as whole words."""
    if term.isascii() and term[:1].isalnum():
        # a word boundary where the character class changes: "2022" in "2022e", "pe" in "pe2023e"
        before = "0-9." if term[0].isdigit() else "a-z"
        after = "0-9" if term[-1].isdigit() else "a-z"
        if re.search(rf"(?<![{before}]){re.escape(term)}(?![{after}])", norm_text):
            return True
        return len(term) >= 5 and term in norm_text.replace(" ", "")  # "openai" ~ "open ai"
    return term in norm_text


# Nouns that name a measure (用户量, 市盈率, 评级, 净利润 …): a question's metric blocks an
# answer when no passage gives it for the question's subject.
METRIC_RE = re.compile(r"(?:量|率|额|值|价|数|收入|营收|利润|规模|份额|评级|市值|估值|倍数|pe|eps|roe)$", re.I)


def is_metric_word(word: str) -> bool:
    return bool(METRIC_RE.search(normalize(word)))


@dataclass
class Term:
    text: str  # normalized
    weight: float
    soft: bool = False  # a predicate: may be missing without blocking an answer
    prior: bool = False  # from an earlier turn of the chat
    proper: bool = False  # written with capitals in the question (PaLM, NetEase)
    kind: str = ""  # "entity" (a name), "number", or "" (anything else)
    alts: tuple[str, ...] = ()  # other forms that count as the same term (translations)
    exact: bool = False  # a name: only the whole name counts (恺英网络 is not 盛天网络)
    role: str = ""  # "entity" | "metric" | "period" | "": only the first three may block

    @property
    def key(self) -> bool:
        """What the question is about (a name, a metric, a year or period): when the
        report lacks it, the report lacks the answer. Other words never block."""
        return bool(self.role)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.text, *self.alts)
