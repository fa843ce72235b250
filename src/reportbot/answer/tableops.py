"""Reading a question as an operation over the report's typed tables.

compare (华策跟捷成谁更便宜), superlative (总市值最大 / 前三), filter (PE低于20倍, 002开头, 没写参数量),
count (几家 / 一共几次), sum / average, list (列了哪几只票) and lookup (300133的总市值). A plan names
the tables (one, or several of the same kind: the three valuation tables), the rows (by the
names, aliases and cell values the question mentions), the column (by header, synonyms and
year) and the operation. ``computed.py`` carries the plan out and writes the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..documents.tables import Table
from ..index.tablesearch import TableSearch, forms
from ..language.contrast import contrasting_word
from ..language.terms import Term, contains, normalize
from ..tuning import (
    NAME_CELL_CHARS,
    TABLE_GROUP_MARGIN,
    TABLE_MIN_SCORE,
    TABLE_TERM_COVERAGE,
)
from .conditions import MISSING_RE, SIGN_RE, filter_test
from .query import COMPARE_RE, Query

# "几个亿" is no count (an amount in 亿), nor 那几家, 这几个, 哪几家: they point at rows or ask
# which ones
_COUNT_RE = re.compile(r"(?:(?<![那这哪])(?:几|多少)(?:家|个|只|种|次|款|项|位|条)|"
                       r"(?:一共|总共).{0,6}(?:家|个|种|次|款|只))(?![的亿万千百])|how many|number of", re.I)
_SUM_RE = re.compile(r"合计|总和|加起来|加总|之和|\btotal\b|\bsum\b", re.I)
_AVG_RE = re.compile(r"平均|均值|\baverage\b|\bmean\b", re.I)
_TOP_N_RE = re.compile(r"前([一二三四五六七八九十两\d]+)(?:名|家|个|位|只)?|top\s*(\d+)", re.I)
# growth is said fast or slow (增速最快, 涨得最猛, fastest-growing): speed words are degree words too
_SUPER_HIGH_RE = re.compile(r"最(?:亏|高|大|多|贵|强|新|晚|快|猛)|排(?:名)?第一|第一名|排名第一|"
                            r"highest|largest|biggest|most|greatest|top|latest|most expensive|fastest", re.I)
_SUPER_LOW_RE = re.compile(r"最(?:低|小|少|便宜|弱|早|老|慢)|倒数第一|垫底|排(?:在)?最后|末位|"
                           r"lowest|smallest|least|cheapest|earliest|fewest|bottom|slowest", re.I)
_HIGH_WORDS = re.compile(r"高|大|多|贵|强|晚|快|higher|larger|bigger|more|greater|later|expensive|faster", re.I)
_LOW_WORDS = re.compile(r"低|小|少|便宜|弱|早|先|慢|lower|smaller|less|fewer|cheaper|earlier|first|slower", re.I)
_LIST_RE = re.compile(r"哪几只|哪几家|哪几个|哪些公司|哪些标的|哪些股票|列了|列出|都有哪些|有哪些|有哪几|"
                      r"which companies|which stocks|list", re.I)
_SEVERAL_TABLES_RE = re.compile(r"[两二三四五六七八九\d]张|几张|各张|每张|这些表|所有.{0,4}表|all .*tables|tables", re.I)
_NUMERAL = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
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
# a loss asked by its size: the most loss is the lowest profit ("亏损最多", "最亏", "biggest loss")
_LOSS_RE = re.compile(r"亏|\blos(?:s|ses|e|ing|t)\b", re.I)
# …unless the question is of a valuation multiple, whose sign a loss turns (亏损公司的PE)
_OF_MULTIPLE_RE = re.compile(r"(?<![a-z])pe(?![a-z])|p/e|市盈率|估值", re.I)
# valuation multiples: a negative one means a loss, not a cheap stock
_MULTIPLE_RE = re.compile(r"pe|p/e|市盈率|估值|倍", re.I)


@dataclass
class Plan:
    op: str  # compare | max | min | filter | count | sum | avg | list | lookup
    tables: list[Table]
    rows: dict[str, list[int]]  # table id -> rows taking part
    column: dict[str, int] = field(default_factory=dict)  # table id -> column operated on
    columns: dict[str, list[int]] = field(default_factory=dict)  # lookup: columns asked for
    top: int = 1
    direction: str = ""  # "high" | "low"
    # filter: ("gt"/"lt"/"ge"/"le", number, absolute?) | ("prefix", s) | ("suffix", s) | ("missing",);
    # "absolute": the threshold had a magnitude (200亿), so cells are scaled by the column's unit
    test: tuple | None = None
    mentioned: dict[str, list[int]] = field(default_factory=dict)  # rows named in the question
    names: tuple[str, ...] = ()  # the question's names, normalized: how it calls the rows

    def is_multiple(self, table: Table) -> bool:
        col = self.column.get(table.id)
        return col is not None and bool(_MULTIPLE_RE.search(table.labels[col]))


def _pick_tables(search: TableSearch, query: Query) -> list[int]:
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


def _covers(search: TableSearch, chosen: list[int], query: Query, known) -> bool:
    """Every name and year the question asks about is in these tables (their headers or
    cells); otherwise the question is not one over them, and a year they lack is for the
    answerer to call missing."""
    for term in query.terms:
        if term.prior:
            continue
        if term.role == "entity" and not search.describes(term, chosen):
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


def _restrict_rows(search: TableSearch, i: int, terms: list[Term]) -> list[int] | None:
    """Rows of table ``i`` named by the question (by name, alias or cell value), or None
    when it names none. Words naming the same column widen the choice (华策 or 捷成); words
    naming different columns narrow it (企业 谷歌 and 领域 多模态)."""
    table = search.tables[i]
    by_column: dict[int, set[int]] = {}
    for t in terms:
        if t.role == "period" or search.found(t).described[i]:
            continue  # a word of the caption or headers names the table, not rows
        rows_of: dict[int, set[int]] = {}
        for row, col in search.cells_named(t, i):
            rows_of.setdefault(col, set()).add(row)
        for col, rows in rows_of.items():
            # a row label that is the name itself (有色金属) names its row; labels only
            # containing it (改进有色金属) are other things (a cell of another column that
            # contains the word, 应用 "…、代码生成", still counts)
            if col == table.label_column:
                rows = {r for r in rows if normalize(table.rows[r][col]) in t.forms} or rows
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


def _column_scores(table: Table, query: Query, numeric_only: bool) -> list[tuple[float, int]]:
    """(score, column) for columns the question's words point at."""
    text = query.text
    implied = [(words, d) for rx, words, d in IMPLIED if rx.search(text)]
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
        if score == 0:
            continue
        year = table.estimate_year(col)
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


def _best_column(table: Table, query: Query, numeric_only: bool = True) -> int | None:
    scores = _column_scores(table, query, numeric_only)
    if not scores or scores[0][0] <= 0:
        return None
    top = [c for s, c in scores if s == scores[0][0]]
    if len(top) > 1:
        # the same measure for several years and no year asked: the report's own year
        years = [(table.estimate_year(c) or (0, ""))[0] for c in top]
        return top[years.index(max(years))]
    return top[0]


def _magnitude(text: str) -> str:
    """The direction the question's words of size point (更高, 更少, larger): "high" by default."""
    low, high = _LOW_WORDS.search(text), _HIGH_WORDS.search(text)
    if low and not high:
        return "low"
    if high and not low:
        return "high"
    if low and high:
        return "low" if low.start() > high.start() else "high"  # the word nearer the end
    return "high"


def _asks_loss(text: str) -> bool:
    return bool(_LOSS_RE.search(text)) and not _OF_MULTIPLE_RE.search(text)


def _flip(direction: str) -> str:
    return "low" if direction == "high" else "high"


def _direction(text: str) -> str:
    if _asks_loss(text):
        return _flip(_magnitude(text))  # 亏得更多: the lower profit; 亏得更少: the higher
    for rx, _, d in IMPLIED:
        if d and rx.search(text):
            return d
    return _magnitude(text)


def _top_n(text: str) -> int:
    m = _TOP_N_RE.search(text)
    if not m:
        return 1
    raw = m.group(1) or m.group(2)
    return int(raw) if raw.isdigit() else _NUMERAL.get(raw, 1)


def plan(search: TableSearch, query: Query, known=lambda term: True) -> Plan | None:
    """The table operation a question asks for over ``search.tables``, or None when it asks
    for none. ``known(term)``: whether the report uses a word at all."""
    text = query.text
    tables = search.tables
    picked = _pick_tables(search, query)
    if not picked:
        return None
    if not _covers(search, picked, query, known):
        return None  # the question is about more than these tables hold
    chosen = [tables[i] for i in picked]
    rows: dict[str, list[int]] = {}
    mentioned: dict[str, list[int]] = {}
    for i, t in zip(picked, chosen):
        named = _restrict_rows(search, i, query.terms)
        rows[t.id] = named if named is not None else list(range(len(t.rows)))
        mentioned[t.id] = named or []
    names = tuple(f for t in query.terms if t.role == "entity" for f in t.forms)
    p = Plan("", chosen, rows, mentioned=mentioned, names=names)
    n_named = sum(len(v) for v in mentioned.values())

    def with_column(numeric_only: bool = True) -> bool:
        for t in chosen:
            col = _best_column(t, query, numeric_only)
            if col is None:
                return False
            p.column[t.id] = col
        return True

    # "几个标的里，…排第一的是哪家" is no count: only the clause that asks counts, and
    # "那几家的总市值加起来" asks for a sum
    asking = re.split(r"[，,；;]", text.rstrip("？?。. "))[-1]
    # "几家公司总市值加起来多少": the rows counted are those a sum after the count adds up
    if (m := _COUNT_RE.search(asking)) and not _counts_a_measure(m.group(0), chosen, query) \
            and not (_SUM_RE.search(asking[m.end():]) or _AVG_RE.search(asking[m.end():])):
        if not _counts_rows_of(search, picked, query, asking, m, known):
            return None  # "游戏版号一共发了多少个": the thing counted is not what the table lists
        p.op = "count"
        filter_test(p, text, with_column)
        return p
    if _SUM_RE.search(text) and with_column() and _one_kind(p):
        p.op = "sum"
        return p
    if _AVG_RE.search(text) and with_column() and _one_kind(p):
        p.op = "avg"
        return p
    if filter_test(p, text, with_column):
        p.op = "filter"
        return p
    high, low = _SUPER_HIGH_RE.search(text), _SUPER_LOW_RE.search(text)
    if (high or low or _TOP_N_RE.search(text)) and with_column():
        p.op = "max" if (high and not low) or (high and low and high.start() > low.start()) else "min"
        if not high and not low:
            p.op = "max"
        if _asks_loss(text):
            p.op = "min" if p.op == "max" else "max"  # 亏损最多: the lowest profit
        p.direction = "high" if p.op == "max" else "low"
        p.top = _top_n(text)
        return p
    if n_named >= 2 and COMPARE_RE.search(text) and with_column():
        p.op = "compare"
        p.direction = _direction(text)
        p.rows = {tid: r for tid, r in mentioned.items() if r}
        return p
    # a list of a whole table only when every name asked about names the table itself
    # (哪些公司接入了文心一言 asks about a cell, and is for the extractive answerer)
    whole = all(search.describes(t, picked, descriptions_only=True) for t in query.terms if t.role == "entity")
    if n_named == 0 and whole and _LIST_RE.search(text):
        p.op = "list"
        return p
    if 1 <= n_named <= 3:
        for t in chosen:
            if mentioned[t.id]:
                scores = _column_scores(t, query, numeric_only=False)
                best = max((s for s, _ in scores), default=0)
                p.columns[t.id] = [c for s, c in scores if s >= best and s > 0
                                   and c != t.label_column]
        if any(p.columns.values()):
            p.op = "lookup"
            p.rows = {tid: r for tid, r in mentioned.items() if r and p.columns.get(tid)}
            return p
    return None


def _counts_rows_of(search: TableSearch, picked: list[int], query: Query, asking: str, cue: re.Match,
                    known) -> bool:
    """The thing a count asks about — the question's word nearest the count cue, before it
    ("版号一共发了多少个") or right after it ("一共几家公司") — is something these tables list
    (in their caption, headers or cells). Fillers the report never uses (表里) are no thing.
    An English question's terms are translations, without a place in its words: not checked."""
    if query.english:
        return True
    text = normalize(asking)
    at = normalize(asking[:cue.start()])
    near: list[tuple[int, Term]] = []
    cue_len = len(normalize(cue.group(0)))
    end = len(at) + cue_len
    for t in query.terms:
        if t.soft or t.prior or t.role == "period" or t.kind == "number" or not (t.key or known(t)):
            continue
        pos = max((text.rfind(f, 0, len(at)) for f in t.forms), default=-1)
        after = min((i for f in t.forms if (i := text.find(f, len(at))) >= 0), default=-1)
        if after == end:  # "列了几次FOMC会议": the noun the count word stands before is counted
            near.append((-1, t))
        elif pos >= 0:
            near.append((len(at) - pos, t))
        elif after >= 0:  # a word further after the count ("几个是腾讯的") is what is asked of them
            near.append((after - len(at) + cue_len, t))
    if not near:
        return True
    counted = min(near, key=lambda x: x[0])[1]
    return search.describes(counted, picked)


def _one_kind(p: Plan) -> bool:
    """Figures that can be added up or averaged: the column's cells in the rows taken are of
    one kind (all percentages, or all amounts). A table whose rows are different measures
    (年化收益率 %, 夏普比率, 年均换手次数) has none to average."""
    for t in p.tables:
        col = p.column.get(t.id)
        kinds = {t.values[i][col].kind for i in p.rows.get(t.id, []) if col is not None
                 and i < len(t.values) and not t.values[i][col].missing}
        if len(kinds) > 1:
            return False
    return True


def _counts_a_measure(asked: str, tables: list[Table], query: Query) -> bool:
    """"一年平均换手几次": the question names a row or column that is itself a count (年均换手
    次数), so it asks that figure's value; "一共有几次发布" counts rows."""
    if re.fullmatch(r"how many|number of", asked, re.I):
        # "how many parameters": the thing counted is a measure a numeric column gives
        # (参数量), so its value is asked; "how many models" counts rows
        return any(t.role == "metric" and any(contains(f, normalize(table.labels[c]))
                                              for f in t.forms)
                   for t in query.terms for table in tables
                   for c in range(len(table.labels)) if table.numeric(c))
    unit = asked[-1:]
    if not unit or not re.match(r"[\u4e00-\u9fff]", unit):
        return False
    measure = f"{unit}数"

    def asked_of(label: str) -> bool:  # a count measure the question's words point at
        norm = normalize(label)
        return measure in label and any(contains(f, norm) for term in query.terms for f in term.forms
                                        if f != unit and len(f) >= 2)

    return any(asked_of(t.row_label(i)) for t in tables for i in range(len(t.rows))) or \
        any(asked_of(label) for t in tables for label in t.labels)


# Words that say which operation a question asks for (最低, 垫底, 为负, 没写 …): what to do,
# never what the question is about, so they never make the report "lack" the answer.
OPERATION_CUES = (_SUPER_HIGH_RE, _SUPER_LOW_RE, SIGN_RE, MISSING_RE, _COUNT_RE, _SUM_RE, _AVG_RE)
