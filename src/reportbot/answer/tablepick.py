"""Which of the report's tables a question is about, and which of their rows and columns it
names: the table whose caption, headers and cells hold most of its words (a word as asked over
another form of it), the rows named by their label, alias or a cell, the column by its header,
a metric's synonyms and the year asked. ``tableops.py`` reads the operation asked over them.
"""

from __future__ import annotations

import re

import numpy as np

from ..documents.tables import Table, without_unit
from ..documents.units import rows_about
from ..index.tablesearch import TableSearch, forms
from ..language.contrast import contrasting_word
from ..language.terms import Term, contains, normalize
from ..tuning import NAME_CELL_CHARS, TABLE_GROUP_MARGIN, TABLE_MIN_SCORE, TABLE_TERM_COVERAGE
from .query import Query

_SEVERAL_TABLES_RE = re.compile(r"[两二三四五六七八九\d]张|几张|各张|每张|这些表|所有.{0,4}表|"
                                r"all .*tables|tables", re.I)

# words that stand for a column and a direction: 便宜 is a low valuation multiple, 亏 a low profit
IMPLIED = [
    (re.compile(r"便宜|cheap", re.I), ("pe", "市盈率", "估值"), "low"),
    (re.compile(r"(?<!便)贵|expensive", re.I), ("pe", "市盈率", "估值"), "high"),
    (re.compile(r"亏|loss", re.I), ("净利润", "利润"), "low"),
    (re.compile(r"赚|盈利|profit", re.I), ("净利润", "利润"), "high"),
    (re.compile(r"最早|最晚|先|came first|earlier|earliest|later|latest|哪年|when", re.I),
     ("时间", "日期", "年份"), ""),
    (re.compile(r"市值|market cap|market value", re.I), ("市值",), ""),
    (re.compile(r"参数|parameter", re.I), ("参数",), ""),
]
# a column headed by a year alone (2017E, 2018 (预测)), as in a forecast summary's columns
_YEAR_ONLY_RE = re.compile(r"\s*(?:19|20)\d{2}\s*[AEF]?\s*(?:[（(](?:预测|预计|实际)[)）])?\s*", re.I)
# a column headed by a month (2026/3, 2026-03, 2026年3月, 3月) at the end of its header path
_MONTH_HEADER_RE = re.compile(r"(?:(?:19|20)\d{2}\s*(?:[/.-]|年)\s*(1[0-2]|0?[1-9])月?|(?<!\d)(1[0-2]|0?[1-9])月)\s*$")
# a month the question names (3月, 3月份), not a span (近3个月)
_MONTH_ASKED_RE = re.compile(r"(?<![\d个])(1[0-2]|0?[1-9])\s*月(?!\s*[0-9]{2,})")


def _month_of(label: str) -> int | None:
    m = _MONTH_HEADER_RE.search(label)
    return int(m.group(1) or m.group(2)) if m else None


def pick_tables(search: TableSearch, query: Query) -> list[int]:
    """The table the question is about (the best score), with tables of the same kind
    (same headers) that the question also names, or all of them when it speaks of several
    tables ("这三张估值表"). Positions in ``search.tables``."""
    found = [(t.text, search.found(t)) for t in query.terms if t.role != "period"]
    if not found or not search.tables:
        return []
    score = np.sum([f.points for _, f in found], axis=0)
    plain = [t for t in query.terms if not (t.role or t.soft or t.prior)]
    while True:
        best = int(np.argmax(score))  # the first of the best: report order breaks ties
        if score[best] < TABLE_MIN_SCORE:
            return []
        if not _of_another_kind(search, best, plain):
            break
        score[best] = 0.0

    def hits(i: int) -> set[str]:
        return {word for word, f in found if f.points[i] > 0}

    several = bool(_SEVERAL_TABLES_RE.search(query.question))
    own = hits(best)
    chosen = [best]
    same_kind = np.flatnonzero((score > 0) & (search.schema == search.schema[best]))
    for i in sorted(same_kind.tolist(), key=lambda i: (-score[i], i)):
        if i != best and (several or (hits(i) - own and score[i] >= TABLE_GROUP_MARGIN * score[best])) \
                and not _of_another_kind(search, i, plain):
            chosen.append(i)
    return chosen


def equally_asked(search: TableSearch, query: Query, picked: list[int]) -> list[int]:
    """Tables of the first picked one's kind (same headers) that the question's words find
    exactly as well — the same words, the same score, no caption or row of their own named:
    "2023E PE低于25倍的公司有哪些" over three valuation tables asks all three, not the first."""
    best = picked[0]
    found = [(t.text, search.found(t)) for t in query.terms if t.role != "period"]
    if not found:
        return picked
    score = np.sum([f.points for _, f in found], axis=0)
    own = {word for word, f in found if f.points[best] > 0}
    plain = [t for t in query.terms if not (t.role or t.soft or t.prior)]
    same = [i for i in np.flatnonzero(search.schema == search.schema[best]).tolist()
            if i not in picked and np.isclose(score[i], score[best])
            and {word for word, f in found if f.points[i] > 0} == own
            and not _of_another_kind(search, i, plain)]
    return picked + same


def _of_another_kind(search: TableSearch, i: int, terms: list[Term]) -> bool:
    """"日频择时" asked, and the table's caption says （周频）: it is another of the kind
    (language/contrast.py), whatever else of the question it holds."""
    table = search.tables[i]
    about = None
    for t in terms:
        if search.found(t).points[i] > 0:
            continue
        about = about if about is not None else normalize(f"{table.caption}\n{table.section}")
        if contrasting_word(t.text, about):
            return True
    return False


def covers(search: TableSearch, chosen: list[int], query: Query, known, about=lambda source: "") -> bool:
    """Every name and year the question asks about is in these tables (their headers or
    cells) — a name may be the report's own (the company a note's title names with its code:
    ``about`` gives the title) —; otherwise the question is not one over them, and a year they
    lack is for the answerer to call missing."""
    titles = normalize(" ".join(rows_about(about(s)) for s in {search.tables[i].source for i in chosen}))
    for term in query.terms:
        if term.prior:
            continue
        if term.role == "entity" and not search.describes(term, chosen) and \
                not any(f in titles for f in term.forms):
            return False
    for year in query.years:
        if not search.occurs(str(year), chosen):
            return False
    # most of what the question says must be about these tables ("12月进口游戏版号发了多少个"
    # shares only 游戏 with the game-company table: it is not a question over it)
    words = [t for t in query.terms if not t.soft and not t.prior and t.role != "period"
             and t.kind != "number" and (t.key or known(t))]  # fillers (三张) do not count
    covered = sum(search.describes(t, chosen) for t in words)
    return not words or covered / len(words) >= TABLE_TERM_COVERAGE


def restrict_rows(search: TableSearch, i: int, terms: list[Term]) -> list[int] | None:
    """Rows of table ``i`` named by the question (by name, alias or cell value), or None
    when it names none. Words naming the same column widen the choice (华策 or 捷成); words
    naming different columns narrow it (企业 谷歌 and 领域 多模态)."""
    table = search.tables[i]
    by_column: dict[int, set[int]] = {}
    for t in terms:
        if t.role == "period":
            continue
        # a word of the caption or headers names the table, not rows — unless a row is
        # labelled that word itself (孤雁出群因子 in 「“孤雁出群”因子测试」); a synonym in the
        # caption (估值 for PE) does not stop the word naming its row (PE(X))
        described = search.found(t).described_as_asked[i]
        rows_of: dict[int, set[int]] = {}
        for row, col in search.cells_named(t, i):
            label = col == table.label_column and normalize(without_unit(table.rows[row][col])) in t.forms
            if described and not label:
                continue
            rows_of.setdefault(col, set()).add(row)
        for col, rows in rows_of.items():
            # a row label that is the name itself (有色金属) names its row; labels only
            # containing it (改进有色金属) are other things (a cell of another column that
            # contains the word, 应用 "…、代码生成", still counts)
            if col == table.label_column:
                rows = {r for r in rows if normalize(without_unit(table.rows[r][col])) in t.forms} or rows
            if table.column_kind(col) in ("number", "percent") or not _name_like(table, col):
                continue
            if len(rows) < len(table.rows):
                by_column.setdefault(col, set()).update(rows)
    if not by_column:
        return None
    chosen = set(range(len(table.rows)))
    for rows in by_column.values():
        chosen &= rows
    return sorted(chosen)


def _name_like(table: Table, col: int) -> bool:
    """A column of names or short values (公司, 领域, 代码), not of descriptions."""
    if col == table.label_column:
        return True
    cells = [r[col] for r in table.rows if r[col]]
    return bool(cells) and sum(map(len, cells)) / len(cells) <= NAME_CELL_CHARS


def column_scores(table: Table, query: Query, numeric_only: bool) -> list[tuple[float, int]]:
    """(score, column) for columns the question's words point at."""
    text = query.text
    implied = [(words, d) for rx, words, d in IMPLIED if rx.search(text)]
    months = {int(m) for m in _MONTH_ASKED_RE.findall(text)}
    out = []
    for col, label in enumerate(table.labels):
        if numeric_only and not table.numeric(col):
            continue
        norm = normalize(label)
        score = 0.0
        for t in query.terms:
            # a metric by any of its names (市盈率 → PE); another word only as written
            words = forms(t) if t.role == "metric" else (t.text,)
            if t.role != "period" and any(contains(f, norm) for f in words if len(f) >= 2):
                score += 1.0
        for words, _ in implied:
            if any(w in norm for w in words):
                score += 1.0
        year = table.estimate_year(col)
        month = _month_of(label) if months else None
        if score == 0:
            # a table of years as columns (先导's 2016E/2017E/2018E) names its measures in
            # rows: the year asked is the column; so is the month asked of months as columns
            if not (year and year[0] in query.years and _YEAR_ONLY_RE.fullmatch(label)) \
                    and month not in months:
                continue
        if month is not None:  # "3月…同比" asks 同比 › 2026/3, not 同比拉动 nor 2026/2
            score += 1.0 if month in months else -2.0
        if year:
            if query.years:
                score += 1.0 if year[0] in query.years else -2.0
            if re.search(r"预测|预计|预期|forecast|estimate", text, re.I) and year[1] in "EF":
                score += 0.3
            if re.search(r"实际|actual", text, re.I) and year[1] == "A":
                score += 0.3
        out.append((score, col))
    out.sort(key=lambda s: -s[0])
    return out


def best_column(table: Table, query: Query, numeric_only: bool = True) -> int | None:
    scores = column_scores(table, query, numeric_only)
    if not scores or scores[0][0] <= 0:
        return None
    top = [c for s, c in scores if s == scores[0][0]]
    if len(top) > 1:
        # the same measure for several years and no year asked: the report's own year
        years = [(table.estimate_year(c) or (0, ""))[0] for c in top]
        return top[years.index(max(years))]
    return top[0]
