"""The broker of a report, and the facts its cover states, read from its text.

A broker's name stands in the report many times (the cover, "资料来源：…证券研究所" under
every exhibit, the disclaimer's "…证券股份有限公司"); jieba cuts the words before 证券, and the
name the report uses most is its broker. Other brokers' names (a peer's forecast, a
related report) are rarer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

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



# The rating scales Chinese brokers publish (investment and industry ratings), with the
# letter of a risk grade and the change beside it: 买入-A(维持), 增持（首次）, 推荐
_RATINGS = ("强烈推荐", "谨慎推荐", "推荐", "买入", "增持", "持有", "中性", "减持", "卖出", "回避", "谨慎增持",
            "跑赢行业", "跑输行业", "优于大市", "同步大市", "弱于大市", "看好", "超配", "标配", "低配", "审慎增持")
_RATING_RE = re.compile(r"(?:投资|行业|公司)?评级[:：\s]*(" + "|".join(sorted(_RATINGS, key=len, reverse=True))
                        + r")(-[A-Z])?\s*([（(](?:维持|首次|上调|下调|首次覆盖)[)）])?")
_TARGET_RE = re.compile(r"目标价(?:格|位)?[:：\s]*(?:\(?[元¥￥]\)?)?\s*(\d+(?:\.\d+)?)\s*(元|港元|美元|HKD|USD)?")
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# "年月日" printed in one font and "20221024" in another come out apart
_SPLIT_DATE_RE = re.compile(r"年\s*月\s*日\s*((?:19|20)\d{2})(\d{2})(\d{2})\b")
# a date in figures (2023.2.15, 2022-10-24, 2024/12/09): a cover that writes none out dates
# itself so; the related reports it lists and a backtest's end come before it, so the latest
_FIGURE_DATE_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})[./-](\d{1,2})[./-](\d{1,2})(?![\d])")
_KINDS = ("公司点评", "公司快报", "公司深度", "公司研究", "首次覆盖", "行业深度", "行业点评", "行业周报", "行业月报",
          "行业研究", "金融工程", "宏观研究", "宏观点评", "策略研究", "策略周报", "固定收益", "债券研究",
          "晨会纪要", "专题报告", "深度报告", "点评报告")
# a name (two to four characters) beside a securities practitioner's registration number
_ANALYST_RES = (re.compile(r"([\u4e00-\u9fff]{2,4})\s*(?:SAC)?\s*(?:执业证书编号|证书编号|执业编号)?[:：]?\s*"
                           r"[SA]\d{13}"),
                re.compile(r"[SA]\d{13}\s*([\u4e00-\u9fff]{2,4})(?![\u4e00-\u9fff])"),
                re.compile(r"(?:证券)?(?:分析师|研究员)[:：\s]*([\u4e00-\u9fff]{2,4})(?=\s|$|[A-Za-z0-9])", re.M))
_GENERAL_KINDS = {"公司研究", "行业研究"}  # a specific kind on the same cover says more (公司快报)
_NOT_A_NAME_RE = re.compile(r"证券|研究|编号|分析|邮箱|电话|联系|执业|证书|资格|有限|公司|报告|作者")


@dataclass
class CoverFacts:
    """What a report's first page says of it. Empty where the cover does not say."""

    date: str = ""  # 2016-04-20
    kind: str = ""  # 公司快报, 金融工程 …
    rating: str = ""  # 买入-A(维持)
    target_price: str = ""  # 45.00元
    analysts: tuple[str, ...] = ()


def cover_facts(cover: str, opening: str = "") -> CoverFacts:
    """Read the cover text (the first page): the first date written out in full (a quoted
    price's date is written 2016-03-11, a related report's in dots), else the latest date in
    figures it prints; the report kind, the rating and target price, and the analysts named
    beside their registration numbers.
    ``opening``: the pages after it, where a cover without a date may print it (a header
    line of the first page of text)."""
    facts = CoverFacts()
    m = _DATE_RE.search(cover) or _SPLIT_DATE_RE.search(cover) or _SPLIT_DATE_RE.search(opening)
    dates = [m.groups()] if m else list(_FIGURE_DATE_RE.findall(cover))
    valid = [(int(y), int(mo), int(d)) for y, mo, d in dates if 1 <= int(mo) <= 12 and 1 <= int(d) <= 31]
    if valid:
        facts.date = "{:04d}-{:02d}-{:02d}".format(*max(valid))
    kinds = [(k in _GENERAL_KINDS, cover.find(k), k) for k in _KINDS if k in cover]
    facts.kind = min(kinds)[2] if kinds else ""
    if m := _RATING_RE.search(cover):
        facts.rating = "".join(g for g in m.groups() if g)
    if m := _TARGET_RE.search(cover):
        facts.target_price = m.group(1) + (m.group(2) or "元")
    found: dict[str, int] = {}
    for pattern in _ANALYST_RES:
        for m in pattern.finditer(cover):
            name = m.group(1)
            if not _NOT_A_NAME_RE.search(name):
                found[name] = min(found.get(name, m.start(1)), m.start(1))
    # "师沈芷琦" (of 分析师) beside "沈芷琦": the shorter is the name
    names = [n for n in found if not any(o != n and n.endswith(o) for o in found)]
    facts.analysts = tuple(sorted(names, key=found.get))
    return facts
