"""Why there is no answer, said so that the user can trust it: only words the report never uses
are named missing; a passage that gives the measure under other modifiers, or a figure of
other years, says which; a date or an amount the passages lack says so; the legal pages are
never offered as the closest part."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..index.retrieval import Retriever, section_title
from ..tuning import MIN_COVERAGE
from .query import Query

if TYPE_CHECKING:
    from .extractive import Scored

NOT_FOUND = "报告中没有找到能回答这个问题的内容。"
NOT_FOUND_EN = "The report does not answer this question."
# a passage's missing mark for a measure it gives only under another modifier, or a year asked
# whose figures are of other years: what the refusal names
OTHER_KIND = "other:"

# the legal pages every report ends with, by their headings (not 盈利预测与投资评级, a section of
# the analysis) — and a question about them, which may ask of the rating scale
LEGAL_SECTION_RE = re.compile(r"免责|声明|承诺|信息披露|版权|评级说明|评级标准|评级体系|disclaim|disclosure|"
                               r"certification|copyright", re.I)
LEGAL_RE = re.compile(r"免责|声明|承诺|披露|版权|评级|disclaim|disclosure|certification|copyright", re.I)


def with_its_unit(word: str, query: Query) -> str:
    """A number named with the unit the question writes after it (12 → 12个月)."""
    if not word.isdigit():
        return word
    m = re.search(re.escape(word) + r"\s*(个?(?:月|季度|年|周|天|日|倍|元|%))", query.text)
    return word + m.group(1) if m else word


def not_found_text(retriever: Retriever, query: Query, scored: list[Scored]) -> str:
    """Why there is no answer, naming only what is really missing: words the report never
    uses; or, when it uses all of them, that it never gives them together."""
    english = query.english
    if query.followup == "more":
        return ("The report has nothing beyond what was shown above." if english else
                "除了上面已经给出的内容，报告中没有找到更多相关信息。")
    base = NOT_FOUND_EN if english else NOT_FOUND
    keys = [t for t in query.terms if t.key and not t.prior]
    absent = [t for t in keys if not retriever.stats.term_known(t)]
    if absent:
        names = "、".join(f"“{t.text}”" for t in absent[:3])
        return base + (f" It does not mention {names}." if english else f"报告中没有提到{names}。")
    # the closest passage's (医疗 of 移民政策净支持率…, not 政策 of a caption's 净支持率)
    others = [m[len(OTHER_KIND):] for s in sorted(scored, key=lambda s: -s.coverage)
              if s.coverage >= MIN_COVERAGE for m in s.missing if m.startswith(OTHER_KIND)]
    if others:  # "医疗政策的净支持率": the report gives 移民政策's, 经济政策's…, not this one
        word = with_its_unit(others[0], query)
        if re.fullmatch(r"(?:19|20)\d{2}年", word):
            return base + (f" Its figures are of other years, none of {word[:-1]}." if english
                           else f"报告给出的是其他年份的数字，没有{word}的。")
        return base + (f" It gives others of the kind, none for “{word}”." if english
                       else f"报告给出了同类的其他数据，但没有“{word}”的。")
    if query.wants_date and any("date" in s.missing and s.coverage >= MIN_COVERAGE for s in scored):
        return base + (" It gives no date for this." if english else "报告中没有给出相关的时间。")
    if (query.wants_amount or query.wants_money) and \
            any("amount" in s.missing and s.coverage >= MIN_COVERAGE for s in scored):
        return base + (" It gives no amount for this." if english else "报告中没有给出相关的金额或数量。")
    if len(keys) >= 2:
        names = "、".join(f"“{t.text}”" for t in keys[:4])
        return base + (f" It mentions {names}, but never together." if english
                       else f"报告提到了{names}，但没有一处同时讲到它们。")
    if not LEGAL_RE.search(query.question):
        scored = [s for s in scored if not LEGAL_SECTION_RE.search(section_title(s.unit.chunk.section))]
    if scored:
        best = max(scored, key=lambda s: s.coverage)
        where = section_title(best.unit.chunk.section)
        return base + (f" The closest part is 「{where}」." if english else f"最接近的是「{where}」部分。")
    return base
