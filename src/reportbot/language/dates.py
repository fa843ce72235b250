"""Dates in questions, read against the report's own date.

People ask "去年", "今年以来", "23年", "April 13"; reports write 2022, 2023年以来, 4.13. This
module rewrites a question's relative and short dates into the report's forms (and says what
it resolved), and finds the periods a question asks about, so that a period the report does not
cover (2024, 一季度) can be named in a refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .terms import normalize

_RELATIVE_YEARS = {"前年": -2, "去年": -1, "上一年": -1, "今年": 0, "本年": 0, "当年": 0,
                   "明年": 1, "后年": 2}
_RELATIVE_RE = re.compile("|".join(sorted(_RELATIVE_YEARS, key=len, reverse=True)))
# "23年" is 2023, but "近10年" / "过去10年" is a span of years, "10年期国债" a maturity
_SHORT_YEAR_RE = re.compile(r"(?<![\d.近去前后多这每几约来余])(\d{2})(?=年(?!代|内|来|间|左右|期))")
# the word after "NN年", to ask whether the report writes the two together (10年美债)
_WORD_AFTER_RE = re.compile(r"[\u4e00-\u9fff]{0,2}")
_YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.])")
# "22E" / "21A" / "24F": a forecast table's column years written short (actual, estimate);
# right after a name too ("奥飞22E的PE"): only a Latin letter or digit before makes it a code
_SHORT_TABLE_YEAR_RE = re.compile(r"(?<![A-Za-z0-9.-])(\d{2})([AEF])(?![A-Za-z\d])")
_TEXT_YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?=年|\s|[^\d.A-Za-z%])")
_QUARTER_RE = re.compile(r"(?:第?[一二三四1-4]季度|[一二三四1-4]季报|Q[1-4](?![0-9])|上半年|下半年|H[12](?![0-9])|半年报|季报)",
                         re.I)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]
_EN_DATE_RE = re.compile(
    r"\b(" + "|".join(m[:3] + r"(?:" + m[3:] + r")?" for m in _MONTHS) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b",
    re.I,
)
_MONTH_DAY_RE = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])月(3[01]|[12]\d|0?[1-9])[日号]?")


@dataclass
class DateReading:
    """A question with its dates in the report's forms."""

    text: str
    notes: list[str] = field(default_factory=list)  # "“去年”按报告年份理解为2022年"
    years: list[int] = field(default_factory=list)  # years asked about, in order
    periods: list[str] = field(default_factory=list)  # finer periods asked about (一季度, H1)
    dates: list[tuple[int, int]] = field(default_factory=list)  # (month, day) asked about


def report_year(source: str, texts: list[str]) -> int | None:
    """The year a report was written: a year in its file name, else the latest year its
    text mentions (tables' estimate columns such as 2023E are not text)."""
    m = _YEAR_RE.search(Path(source).stem)
    if m:
        return int(m.group(1))
    years = [int(y) for t in texts for y in _TEXT_YEAR_RE.findall(t)]
    return max(years) if years else None


def read_dates(question: str, year: int | None,
               written: Callable[[str], bool] | None = None) -> DateReading:
    """Rewrite relative years ("去年" → 2022年, "23年" → 2023年, "April 13" → 4月13日).
    ``written``: whether the report writes a phrase as it stands (not inside a longer
    number): "10年美债" the report writes so is a maturity, not 2010."""
    notes: list[str] = []
    text = question

    def relative(m: re.Match) -> str:
        if year is None:
            return m.group(0)
        resolved = year + _RELATIVE_YEARS[m.group(0)]
        notes.append(f"“{m.group(0)}”按报告年份理解为{resolved}年")
        return f"{resolved}年"

    text = _RELATIVE_RE.sub(relative, text)

    def short_year(m: re.Match) -> str:
        phrase = m.group(1) + "年" + _WORD_AFTER_RE.match(m.string, m.end() + 1).group(0)
        if written is not None and len(phrase) > 4 and written(normalize(phrase)):
            return m.group(1)
        return f"20{m.group(1)}"

    text = _SHORT_YEAR_RE.sub(short_year, text)
    text = _SHORT_TABLE_YEAR_RE.sub(lambda m: f"20{m.group(1)}{m.group(2)}", text)

    def english(m: re.Match) -> str:
        month = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(m.group(1).lower()[:3]))
        return f" {month}月{int(m.group(2))}日 "

    text = _EN_DATE_RE.sub(english, text)
    years = [int(y) for y in _YEAR_RE.findall(text)]
    dates = [(int(m), int(d)) for m, d in _MONTH_DAY_RE.findall(text)]
    periods = [p for p in _QUARTER_RE.findall(text)]
    return DateReading(text, notes, list(dict.fromkeys(years)), periods, dates)


def date_forms(month: int, day: int) -> tuple[str, ...]:
    """How reports write a month and day: 4.13, 4月13日, 4月13."""
    return (f"{month}.{day}", f"{month}月{day}日", f"{month}月{day}")


_CN_DIGITS = "一二三四"


def period_forms(period: str) -> tuple[str, ...]:
    """The ways reports write a quarter or a half year: 一季度, 第一季度, Q1, 1Q, 一季报 …"""
    p = period.strip().upper()
    n = next((i + 1 for i, d in enumerate(_CN_DIGITS) if d in p), None) or \
        next((int(d) for d in p if d in "1234"), None)
    if "半" in p or p.startswith("H"):
        first = "上" in p or p in ("H1",) or ("半年报" in p)
        return ("上半年", "H1", "1H", "中报", "半年报", "半年度") if first else ("下半年", "H2", "2H")
    if n is None:
        return (period,)
    cn = _CN_DIGITS[n - 1]
    return (f"{cn}季度", f"第{cn}季度", f"Q{n}", f"{n}Q", f"{cn}季报", f"{n}季度")
