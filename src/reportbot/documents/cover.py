"""The broker of a report, read from its text.

A broker's name stands in the report many times (the cover, "资料来源：…证券研究所" under
every exhibit, the disclaimer's "…证券股份有限公司"); jieba cuts the words before 证券, and the
name the report uses most is its broker. Other brokers' names (a peer's forecast, a
related report) are rarer.
"""

from __future__ import annotations

from collections import Counter

_NAME_POS = {"n", "nz", "nr", "ns", "nt", "j", "s", "nrt", "nrfg", "an"}


def broker_of(texts: list[str]) -> str:
    """The broker the report names most ("XX证券"), or "" when none stands out."""
    import jieba.posseg as posseg

    counts: Counter = Counter()
    for text in texts:
        for line in text.split("\n"):
            if "证券" not in line:
                continue
            words = list(posseg.cut(line))
            for i, w in enumerate(words):
                if not w.word.endswith("证券"):
                    continue
                name = w.word[:-2]
                j = i - 1
                while j >= 0 and len(name) < 4 and words[j].flag in _NAME_POS and len(words[j].word) <= 4 \
                        and len(name) + len(words[j].word) <= 4:
                    name = words[j].word + name
                    j -= 1
                if len(name) >= 2:
                    counts[name + "证券"] += 1
    if not counts:
        return ""
    name, n = counts.most_common(1)[0]
    return name if n >= 2 else ""

