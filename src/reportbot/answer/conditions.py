"""The condition a filter question states, and the column it tests: a threshold (超过200亿,
at least 20), a range (10到20倍之间), a threshold pointed back at (以35.28倍为线，低于它的), a
sign (为负, 亏损的), a code's prefix or exchange (300开头, 深交所), a missing cell (没写)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .tableops import Plan

_FILTER_RE = re.compile(
    r"(?P<op>超过|高于|大于|多于|不低于|不少于|至少|低于|小于|少于|不到|不超过|不高于|至多|above|over|more than|"
    r"greater than|at least|below|under|less than|at most)\s*(?P<num>-?\d+(?:\.\d+)?)\s*(?P<mag>万亿|亿|万|千)?"
    r"|(?P<num2>-?\d+(?:\.\d+)?)\s*(?P<mag2>万亿|亿|万|千)?\s*(?:倍|%|元|个|家)?\s*(?P<op2>以上|以下|及以上|及以下)",
    re.I,
)
_NUM = r"-?\d+(?:\.\d+)?"
_MAG = r"(?:万亿|亿|万|千)"
# a range: "在100亿到200亿之间", "10到20倍之间", "between 10 and 20"
_RANGE_RE = re.compile(
    rf"(?P<a>{_NUM})\s*(?P<amag>{_MAG})?\s*(?:倍|%|元)?\s*(?:到|至|~|～|—|-)\s*(?P<b>{_NUM})\s*(?P<bmag>{_MAG})?"
    rf"\s*(?:倍|%|元|个|家)?\s*之间|between\s+(?P<a2>{_NUM})\s+and\s+(?P<b2>{_NUM})", re.I)
_EXCLUSIVE_RANGE_RE = re.compile(r"不含两端|不包括两端|exclusive", re.I)
# a threshold named before and pointed at ("以35.28倍为线，…低于它的")
_POINTED_RE = re.compile(r"(?P<op>超过|高于|大于|多于|低于|小于|少于|不到|above|over|below|under)\s*"
                         r"(?:它|这个数|这个值|该值|此值|这一水平|这条线|这个水平|\bit\b|\bthat\b)", re.I)
# a number stated as a threshold: not a year (2023年, 2023E)
_STATED_NUMBER_RE = re.compile(rf"(?<![\d.])(?!(?:19|20)\d\d(?:年|[AEF]|\b))(?P<num>{_NUM})\s*(?P<mag>{_MAG})?")
_GREATER = ("超过", "高于", "大于", "多于", "不低于", "不少于", "至少", "above", "over", "more than",
            "greater than", "at least", "以上", "及以上")
_INCLUSIVE = ("不低于", "不少于", "至少", "at least", "不超过", "不高于", "至多", "at most", "及以上", "及以下")
_PREFIX_RE = re.compile(r"(\d{1,6})\s*(?:开头|打头|起头)|(?:以|starting with|starts with|begin(?:s|ning)? with)\s*(\d{1,6})",
                        re.I)
_SUFFIX_RE = re.compile(r"(?<![\d.])(\.?(?:SH|SZ|BJ|HK))\b|(?:上交所|上海|沪市|shanghai)|(?:深交所|深圳|深市|shenzhen)",
                        re.I)
SIGN_RE = re.compile(r"(?P<neg>为负|负值|负数|是负的|负的|小于零|低于零|亏损的|negative|"
                     # a loss said as a verb ("哪些公司亏损", "亏钱了", "lost money", "in the red"),
                     # not its degree (亏得更多, 亏损最多, 亏损多少: a compare, a superlative, an amount)
                     r"(?<![最更])(?:亏损|亏钱|赔钱|亏了)(?![得额幅]|最|更|了?多少|的?(?:最|更))|"
                     r"\blo(?:se|ses|sing|st) money\b|\bloss[- ]making\b|\bin the red\b|\bunprofitable\b|"
                     r"\b(?:made|make|makes|post(?:ed|s)?|ha[sd]|have|report(?:ed|s)?|record(?:ed|s)?)"
                     r" an? (?:net )?loss\b)"
                     r"|(?P<pos>为正|正值|正数|是正的|正的|大于零|盈利的|实现盈利|赚钱的|positive|\bprofitable\b|"
                     r"\bin the black\b)", re.I)
MISSING_RE = re.compile(r"没写|没有写|没给|没有给|未给|未写|未披露|没披露|缺少?|空着|为空|空白|没有数据|没列|"
                         r"not (?:given|listed|reported|disclosed)|missing|blank", re.I)
_MAGNITUDE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}


def _number(text: str | None, mag: str | None) -> float:
    return float(text) * _MAGNITUDE.get(mag or "", 1.0)


def states_condition(text: str) -> bool:
    """Whether the question states a condition on a column (a threshold, a range, a sign)."""
    return bool(_FILTER_RE.search(text) or _RANGE_RE.search(text) or _POINTED_RE.search(text)
                or SIGN_RE.search(text))


def filter_test(p: Plan, text: str, with_column) -> bool:
    """Find a filter condition in the question and the column it applies to. A threshold
    with a magnitude (200亿) is compared in absolute terms, so a column in 亿元 is scaled."""
    if m := _RANGE_RE.search(text):
        lo = m.group("a") or m.group("a2")
        hi = m.group("b") or m.group("b2")
        magnitude = m.group("bmag") or m.group("amag")
        low, high = sorted((_number(lo, m.group("amag") or magnitude), _number(hi, magnitude)))
        p.test = ("between", low, bool(magnitude), high, not _EXCLUSIVE_RANGE_RE.search(text))
        return with_column()
    if (m := _POINTED_RE.search(text)) and (stated := list(_STATED_NUMBER_RE.finditer(text[:m.start()]))):
        number = stated[-1]
        op_word = m.group("op").lower()
        p.test = ("gt" if op_word in _GREATER else "lt",
                  _number(number.group("num"), number.group("mag")), bool(number.group("mag")))
        return with_column()
    if m := _FILTER_RE.search(text):
        op_word = (m.group("op") or m.group("op2") or "").lower()
        magnitude = m.group("mag") or m.group("mag2")
        value = _number(m.group("num") or m.group("num2"), magnitude)
        greater = op_word in _GREATER
        inclusive = op_word in _INCLUSIVE
        p.test = (("ge" if inclusive else "gt") if greater else ("le" if inclusive else "lt"), value,
                  bool(magnitude))
        return with_column()
    if m := SIGN_RE.search(text):
        p.test = ("lt", 0.0, False) if m.group("neg") else ("gt", 0.0, False)
        return with_column()
    if m := _PREFIX_RE.search(text):
        p.test = ("prefix", m.group(1) or m.group(2))
        return _code_column(p)
    if m := _SUFFIX_RE.search(text):
        word = m.group(0).lower()
        shanghai = "sh" in word or "上" in word or "沪" in word
        market = "SH" if shanghai else "SZ" if ("sz" in word or "深" in word) else \
            word.strip(".").upper()
        p.test = ("suffix", market)
        return _code_column(p)
    if MISSING_RE.search(text):
        p.test = ("missing",)
        return with_column(numeric_only=False)
    return False


def _code_column(p: Plan) -> bool:
    for t in p.tables:
        cols = [c for c in range(len(t.labels)) if t.column_kind(c) == "code"]
        if not cols:
            return False
        p.column[t.id] = cols[0]
    return True
