"""Tables with the years as columns (financial summaries: 营业收入增长率 | 75.4% | 74.9% | 135.0%
… under 2014 | 2015 | 2016E …) asked year by year: "哪几年的营收增速在90%以上", "哪一年净利润
最高". The row the question names is read as a column over the years — the table turned on
its side — and the usual plan (filter, superlative, compare) runs on that.
"""

from __future__ import annotations

import re

from ..documents.tables import Table
from ..index.tablesearch import TableSearch
from ..language.terms import contains, normalize
from .query import Query
from .tableops import Plan, plan

# the question asks which year(s): the answer is a year, so the years are the rows
_ASKS_YEARS_RE = re.compile(r"哪几年|哪些年|哪一年|哪年|哪个年份|哪些年份|"
                            r"\bwhich years?\b|\bwhat years?\b|\bin which year\b", re.I)
_YEAR_LABEL_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*[AEF]?\b", re.I)
MIN_YEAR_COLUMNS = 3  # two year columns are a comparison, not a series to pick years from
MAX_ROWS_ASKED = 3  # a question names one metric, or a few; more rows named are no reading of it


def _year_columns(table: Table) -> list[int]:
    return [c for c, label in enumerate(table.labels) if _YEAR_LABEL_RE.match(label)]


def rows_named(table: Table, query: Query) -> tuple[tuple[int, int], bool, list[int]]:
    """(how many of the question's words — its content words, then its verbs — whether a label
    is one of them, rows) for the rows whose label holds the most of them (营收 and 增速 →
    营业收入增长率, not EBIT/营业收入; 营业收入增长最快 → 营业收入增长率: the verb tells the row
    apart); among those, a label that is the word itself (营业收入, not 三费/营业收入)."""
    col = table.label_column
    words = [t for t in query.terms if t.role != "period" and t.kind != "number"]
    labels = [normalize(cells[col]) if col < len(cells) else "" for cells in table.rows]

    def hits_of(label: str) -> tuple[int, int]:
        held = [t for t in words if any(contains(f, label) for f in t.forms)]
        return sum(not t.soft for t in held), sum(t.soft for t in held)
    hits = [hits_of(label) for label in labels]
    best = max(hits, default=(0, 0))
    rows = [r for r, h in enumerate(hits) if h == best and best[0]]
    exact = [r for r in rows if any(labels[r] in t.forms for t in words if not t.soft)]
    if len(exact) == 1:
        return best, True, exact
    return (best, False, rows) if best[0] and len(rows) <= MAX_ROWS_ASKED else ((0, 0), False, [])


def transposed(table: Table, rows: list[int], about: str = "") -> Table:
    """``rows`` of ``table`` as columns, one row per year column; each cell cites its row.
    ``about``: what the report is about (its title), which its tables' rows are of."""
    years = _year_columns(table)
    col = table.label_column
    # "期间", not 年份: a year column would be what "哪一年" points at (as in a timeline)
    headers = [("期间",)] + [(table.rows[r][col],) for r in rows]
    body = [[table.labels[y]] + [table.rows[r][y] if y < len(table.rows[r]) else "" for r in rows]
            for y in years]
    cite = table.row_ids[rows[0]] if rows[0] < len(table.row_ids) else ""
    return Table(id=f"{table.id}~years", source=table.source, caption=table.caption,
                 section=f"{table.section} {about}".strip(),
                 page=table.page, headers=headers, rows=body, row_ids=[cite] * len(body))


def plan_by_year(search: TableSearch, query: Query, known=lambda term: True,
                 about=lambda source: "") -> Plan | None:
    """The plan over a table turned on its side, when the question asks which years and
    names a row of a table whose columns are years (the table whose row label holds most of
    the question's words); else None."""
    if not _ASKS_YEARS_RE.search(query.question):
        return None
    best, turned = ((0, 0), False, 0), []
    for table in search.tables:
        years = _year_columns(table)
        if len(years) < MIN_YEAR_COLUMNS:
            continue
        hits, exact, rows = rows_named(table, query)
        # of two tables naming the row alike, the one that gives its figures (a cover's
        # summary may print the label with its figures lost)
        filled = sum(not table.values[r][y].missing for r in rows for y in years if y < len(table.values[r]))
        if hits[0] and (hits, exact, filled) > best:
            best, turned = (hits, exact, filled), [transposed(table, rows, about(table.source))]
    if not turned:
        return None
    return plan(TableSearch(turned), query, known)
