"""Pieces of jieba's cut. jieba's dictionary lacks a report's jargon (对价, 日频, 择时), so a
question's cut falls into single characters and pairs its HMM guesses (价是 of 对价是, 频择 of
日频择时) — neither a word of the question's nor a name. These read them back into words.
"""

from __future__ import annotations

from collections.abc import Callable

import jieba.posseg

from ..tuning import REPORT_WORD_COHESION, REPORT_WORD_MIN_DF
from .english import dictionary_word
from .terms import has_cjk, normalize

# words that point at a thing: "那张表", "这份报告" — the measure word after them names nothing
_DEMONSTRATIVES = {"那", "这", "哪", "每", "各", "该", "此", "本", "某"}


def is_fragment(word: str, general_freq: dict) -> bool:
    """A pair jieba's HMM made up: in neither its dictionary nor CC-CEDICT (价是 of 对价是)."""
    return len(word) == 2 and has_cjk(word) and word not in general_freq and not dictionary_word(word)


def report_word(pair: str, df: Callable[[str], int] | None) -> bool:
    """A pair of characters the report writes together far more than apart (日频, 择时 in a 金工
    report): its own word, whatever jieba's dictionary lacks."""
    if df is None:
        return False
    together = df(pair)
    return together >= REPORT_WORD_MIN_DF and together >= REPORT_WORD_COHESION * min(df(pair[0]), df(pair[1]))


def rejoined_pairs(words: list[tuple[str, str]], general_freq: dict, known: Callable[[str], bool],
                   df: Callable[[str], int] | None, function_word: Callable[[str], bool]) -> list[str]:
    """"对价多少钱": two single characters in a row (对 / 价), or one beside a made-up pair (对 /
    价是), that the report uses together and that make a word of CC-CEDICT's or one the report
    writes far more together than apart, are that word (是 / 用 make none)."""
    out = []
    for (a, _), (b, _) in zip(words, words[1:]):
        if not (a and b and (len(a) == 1 or is_fragment(a, general_freq))
                and (len(b) == 1 or is_fragment(b, general_freq))):
            continue
        pair = normalize(a[-1] + b[0])
        if has_cjk(pair) and len(pair) == 2 and not function_word(pair) and known(pair) \
                and (dictionary_word(pair) or report_word(pair, df)):
            out.append(pair)
    return out


def points_at_a_thing(before: str, word: str) -> bool:
    """"那" before "张表": a measure word after a pointer, and a noun."""
    return before in _DEMONSTRATIVES and jieba.posseg.dt.word_tag_tab.get(word[:1]) == "q"


def classifier_phrase(word: str, words: list[tuple[str, str]], general_freq: dict) -> bool:
    """A made-up pair after 那/这/哪/每 that opens with a measure word (张表 of 那张表)."""
    if not is_fragment(word, general_freq):
        return False
    return any(w == word and i and points_at_a_thing(words[i - 1][0], word) for i, (w, _) in enumerate(words))
