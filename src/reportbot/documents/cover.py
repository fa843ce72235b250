"""What a report says about itself: its broker and its date, read from its text.

A broker's name stands in the report many times (the cover, "资料来源：…证券研究所" under
every exhibit, the disclaimer's "…证券股份有限公司"); jieba cuts the words before 证券, and the
name the report uses most is its broker. Other brokers' names (a peer's forecast, a
related report) are rarer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
_NAME_POS = {"n", "nz", "nr", "ns", "nt", "j", "s", "nrt", "nrfg", "an"}


@dataclass
class Cover:
    broker: str = ""  # "华金证券"
    date: str = ""  # "2016-04-20": the first full date of the cover

    def identity(self) -> str:
        return self.broker


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


def cover_of(texts: list[str]) -> Cover:
    """Broker and date of a report from its texts (the first ones are its cover)."""
    date = ""
    for text in texts[:3]:
        if m := _DATE_RE.search(text):
            date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            break
    return Cover(broker_of(texts), date)
