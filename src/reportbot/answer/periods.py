"""A question about a quarter or a half year is answered only from a figure of that period:
a table of full-year forecasts answers no 一季度 question, and the answer says so instead of
giving the year's number as if it were the quarter's."""

from __future__ import annotations

from ..language.dates import period_forms
from ..language.terms import normalize
from ..models import Answer
from .query import Query


def unsupported_period(query: Query, answer: Answer) -> Answer | None:
    """The refusal for ``answer`` when it speaks of no period the question asks about."""
    if not answer.found or not query.periods:
        return None
    said = normalize(" ".join([answer.text, *(c.quote for c in answer.citations),
                               *(c.table for c in answer.citations), *(c.section for c in answer.citations)]))
    missing = [p for p in query.periods if not any(normalize(f) in said for f in period_forms(p))]
    if not missing:
        return None
    what = "、".join(dict.fromkeys(missing))
    return Answer(f"报告中没有{what}的数据。报告中最接近的内容如下，但它说的不是{what}：\n{answer.text}",
                  False, answer.citations, answer.question)
