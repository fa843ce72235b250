"""Word lookup over many texts (textindex.py): the bigram index must find exactly what
``contains`` finds, on the real report's answer units, and survive a save and load."""

from __future__ import annotations

import random

import numpy as np
import pytest

from reportbot.index.textindex import Grams, TermStats, TextIndex
from reportbot.language.terms import contains
from reportbot.language.tokens import Tokenizer


@pytest.fixture(scope="module")
def unit_texts(bot) -> list[str]:
    texts = bot.retriever.view.unit_texts.split("\0")
    assert len(texts) > 300
    return texts


def _words(texts: list[str]) -> list[str]:
    """Pieces of the texts themselves (1–8 characters, any script), plus Latin words with
    every kind of boundary and words the report never uses."""
    rng = random.Random(7)
    words = set()
    while len(words) < 600:
        text = rng.choice(texts)
        if len(text) < 3:
            continue
        start = rng.randrange(len(text) - 1)
        word = text[start:start + rng.choice([1, 2, 2, 3, 4, 6, 8])].strip()
        if word and "\0" not in word:
            words.add(word)
    words |= {"ai", "aigc", "gpt", "gpt4", "gpt-4", "openai", "open ai", "chatgpt", "midjourney",
              "mj v5", "v5", "pe", "2022", "22", "0.5", "2023e", "游戏", "文心一言", "华策影视",
              "量子纠缠", "xyzzy", "的"}
    return sorted(words)


@pytest.mark.parametrize("mode", ["bigram index", "scan"])
def test_finds_exactly_what_contains_finds(unit_texts, mode):
    joined = "\0".join(unit_texts)
    index = TextIndex(joined=joined, grams=Grams.build(joined) if mode == "bigram index" else None)
    assert (index.grams is None) == (mode == "scan")  # one report is below GRAM_INDEX_MIN_CHARS
    words = _words(unit_texts)
    wrong = [w for w in words
             if index.containing(w).tolist() != [i for i, t in enumerate(unit_texts) if contains(w, t)]]
    assert not wrong, f"{len(wrong)} of {len(words)} words found differently, e.g. {wrong[:5]}"
    # some words are rare, some common, some absent: the comparison was not trivial
    counts = [len(index.containing(w)) for w in words]
    assert min(counts) == 0 and max(counts) > 100 and sum(1 for c in counts if 0 < c < 10) > 50


def test_saved_index_answers_the_same(unit_texts, tmp_path):
    joined = "\0".join(unit_texts)
    built = Grams.build(joined)
    built.save(tmp_path / "grams")
    loaded = Grams.load(tmp_path / "grams")
    assert isinstance(loaded.postings, np.memmap)
    a, b = TextIndex(joined=joined, grams=built), TextIndex(joined=joined, grams=loaded)
    for w in _words(unit_texts)[:200]:
        assert a.containing(w).tolist() == b.containing(w).tolist(), w


def test_term_stats_over_some_texts(unit_texts):
    index = TextIndex(joined="\0".join(unit_texts))
    half = np.arange(len(unit_texts)) % 2 == 0
    whole, part = TermStats(index), TermStats(index, half)
    assert part.n == int(half.sum()) < whole.n
    word = "游戏"
    assert whole.df(word) == sum(contains(word, t) for t in unit_texts)
    assert part.df(word) == sum(contains(word, t) for i, t in enumerate(unit_texts) if i % 2 == 0)
    assert not whole.known("量子纠缠") and whole.known(word)


def test_tokenizer_starts_from_jiebas_own_dictionary():
    """The start-up shortcut (jieba's cache read whole, the POS tags copied) gives jieba's
    own state, before and after the glossary's and the report's words are added."""
    import jieba
    import jieba.posseg

    ours = Tokenizer()
    theirs = jieba.Tokenizer()
    theirs.initialize()
    assert ours.general_freq == theirs.FREQ  # jieba's own, before our words
    # the glossary's compounds are added (每股分红); jieba's own words keep their counts
    assert "每股分红" in ours.jieba.FREQ and "每股分红" not in theirs.FREQ
    assert all(ours.jieba.FREQ[word] == count for word, count in theirs.FREQ.items())
    assert ours.pos.word_tag_tab == jieba.posseg.POSTokenizer(theirs).word_tag_tab
    named = Tokenizer(names=["灵动音乐引擎"])
    assert ("灵动音乐引擎", "nz") in [tuple(p) for p in named.pos.cut("灵动音乐引擎上线")]
    assert "灵动音乐引擎" not in theirs.FREQ  # the default tokenizer is left alone


def test_bounded_cache_under_threads():
    """The web chat answers in parallel threads, sharing these caches: they stay bounded and
    never raise."""
    import threading

    from reportbot.index.bounded import remember

    cache: dict = {}
    errors: list[BaseException] = []

    def fill(offset: int) -> None:
        try:
            for i in range(20_000):
                remember(cache, (offset, i), i, 50)
        except BaseException as exc:  # noqa: BLE001 - any error is the failure
            errors.append(exc)

    threads = [threading.Thread(target=fill, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(cache) <= 50 + len(threads)  # each thread adds at most one past the bound


def test_characters_beyond_the_basic_plane():
    """Bigrams of any two code points (up to U+10FFFF) are told apart: rare CJK extension
    characters and emoji in a report are found, and nothing else is."""
    private = "\U000f0041\U000f0042"  # the last planes: all 21 bits of a code point used
    texts = ["𠀀𠀁年报", "𪚥字", "🚀火箭", "火箭" + private] * 30_000  # enough for a bigram index
    index = TextIndex(texts)
    assert index.grams is not None
    assert index.containing(private).tolist() == list(range(3, len(texts), 4))
    assert len(index.containing("𠀀𠀁")) == len(index.containing("🚀火")) == 30_000
    assert index.containing("𪚥字").tolist() == list(range(1, len(texts), 4))
    assert len(index.containing("火箭")) == 60_000 and not len(index.containing("𠀁𪚥"))
