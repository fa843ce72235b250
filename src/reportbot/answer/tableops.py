"""Reading a question as an operation over the report's typed tables.

compare (华策跟捷成谁更便宜), superlative (总市值最大 / 前三), filter (PE低于20倍, 002开头, 没写参数量),
count (几家 / 一共几次), sum / average, list (列了哪几只票) and lookup (300133的总市值). A plan names
the tables (one, or several of the same kind: the three valuation tables), the rows (by the
names, aliases and cell values the question mentions), the column (by header, synonyms and
year: ``tablepick.py``) and the operation. ``computed.py`` carries the plan out and writes the
answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..documents.tables import Table
from ..index.tablesearch import TableSearch
from ..language.terms import Term, contains, normalize
from ..tuning import NAME_CELL_CHARS
from .conditions import MISSING_RE, SIGN_RE, filter_test, states_condition
from .query import COMPARE_RE, Query
from .tablepick import IMPLIED, best_column, column_scores, covers, equally_asked, pick_tables, restrict_rows

# "几个亿" is no count (an amount in 亿), nor 那几家, 这几个, 哪几家: they point at rows or ask
# which ones
_COUNT_RE = re.compile(r"(?:(?<![那这哪])(?:几|多少)(?:家|个|只|种|次|款|项|位|条)|"
                       r"(?:一共|总共).{0,6}(?:家|个|种|次|款|只))(?![的亿万千百])|how many|number of", re.I)
# (一共/总共 before a classifier is a count, tried first: 一共几家; before an amount a sum: 一共多少亿)
_SUM_RE = re.compile(r"合计|总和|加起来|加在一起|加总|之和|一共|总共|共计|总计|\btotal\b|\bsum\b|\bcombined\b",
                     re.I)
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
_NUMERAL = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# a loss asked by its size: the most loss is the lowest profit ("亏损最多", "最亏", "biggest loss")
_LOSS_RE = re.compile(r"亏|\blos(?:s|ses|e|ing|t)\b", re.I)
# a fall asked as the most (跌得最多, 降幅最大 of a signed change): the lowest change — unless
# the column is itself of falls (跌幅), whose largest is the most
_FALL_RE = re.compile(r"跌|降|下滑|回落|减少|萎缩|\b(?:fall|fell|drop|decline)", re.I)
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


def _asks_fall(text: str, p: Plan) -> bool:
    return bool(_FALL_RE.search(text)) and not any(
        _FALL_RE.search(t.labels[c]) for t in p.tables if (c := p.column.get(t.id)) is not None)


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


def plan(search: TableSearch, query: Query, known=lambda term: True, about=lambda source: "") -> Plan | None:
    """The table operation a question asks for over ``search.tables``, or None when it asks
    for none. ``known(term)``: whether the report uses a word at all; ``about(source)``: a
    report's title."""
    text = query.text
    tables = search.tables
    picked = pick_tables(search, query)
    if not picked:
        return None
    if not covers(search, picked, query, known, about):
        return None  # the question is about more than these tables hold
    if len(picked) == 1 and restrict_rows(search, picked[0], query.terms) is None \
            and (states_condition(query.text) or _SUPER_HIGH_RE.search(query.text)
                 or _SUPER_LOW_RE.search(query.text)):
        picked = equally_asked(search, query, picked)  # no row and no one table named: all alike
    chosen = [tables[i] for i in picked]
    rows: dict[str, list[int]] = {}
    mentioned: dict[str, list[int]] = {}
    for i, t in zip(picked, chosen):
        named = restrict_rows(search, i, query.terms)
        rows[t.id] = named if named is not None else list(range(len(t.rows)))
        mentioned[t.id] = named or []
    names = tuple(f for t in query.terms if t.role == "entity" for f in t.forms)
    p = Plan("", chosen, rows, mentioned=mentioned, names=names)
    n_named = sum(len(v) for v in mentioned.values())

    def with_column(numeric_only: bool = True) -> bool:
        for t in chosen:
            col = best_column(t, query, numeric_only)
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
    # a cue inside a name the table gives (IC均值, 最大回撤) is that name: a mean is not
    # averaged again; and with a row named ("中证1000的最大回撤") the largest is not asked
    plain = _without_named_cues(text, chosen)
    if _SUM_RE.search(plain) and with_column() and _one_kind(p):
        p.op = "sum"
        return p
    if _AVG_RE.search(plain) and with_column() and _one_kind(p):
        p.op = "avg"
        return p
    if filter_test(p, text, with_column):
        p.op = "filter"
        return p
    ranked = plain if n_named else text  # "最大回撤是多少" of no row: the largest is asked
    high, low = _SUPER_HIGH_RE.search(ranked), _SUPER_LOW_RE.search(ranked)
    if (high or low or _TOP_N_RE.search(ranked)) and with_column():
        p.op = "max" if (high and not low) or (high and low and high.start() > low.start()) else "min"
        if not high and not low:
            p.op = "max"
        if _asks_loss(text) or _asks_fall(text, p):
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
    if n_named == 0 and whole and (m := _LIST_RE.search(text)) and _lists_its_rows(search, picked, query, m):
        p.op = "list"
        return p
    if 1 <= n_named <= 3:
        for t in chosen:
            if mentioned[t.id]:
                scores = column_scores(t, query, numeric_only=False)
                best = max((s for s, _ in scores), default=0)
                p.columns[t.id] = [c for s, c in scores if s >= best and s > 0
                                   and c != t.label_column]
        if any(p.columns.values()):
            p.op = "lookup"
            p.rows = {tid: r for tid, r in mentioned.items() if r and p.columns.get(tid)}
            return p
    return None


def _without_named_cues(text: str, tables: list[Table]) -> str:
    """``text`` with the table's own names that hold an operation cue blanked out: a header or
    row label longer than the cue it holds (月度IC均值, 最大回撤, 平均收益率), written in the
    question as in the table (case and spaces aside)."""
    names = {re.sub(r"\s+", "", part) for t in tables for path in t.headers for part in path if part}
    names |= {re.sub(r"\s+", "", t.row_label(i)) for t in tables for i in range(len(t.rows))}
    for name in sorted(names, key=len, reverse=True):
        if len(name) > NAME_CELL_CHARS or not any(
                (m := rx.search(name)) and len(m.group(0)) < len(name) for rx in OPERATION_CUES):
            continue
        pattern = r"\s*".join(re.escape(c) for c in name)
        text = re.sub(pattern, lambda m: " " * len(m.group(0)), text, flags=re.I)
    return text


def _lists_its_rows(search: TableSearch, picked: list[int], query: Query, cue: re.Match) -> bool:
    """The thing a list asks for — the question's first word after the cue ("列了哪几类生成技术":
    技术) — is what these tables are about or list (their caption or headers): "哪几类生成技术"
    is not the companies of a game-company table whose caption says AIGC."""
    if query.english:
        return True
    text = normalize(query.text)
    at = len(normalize(query.text[:cue.end()]))
    after = [(min(i for f in t.forms if (i := text.find(f, at)) >= 0), t) for t in query.terms
             if not (t.soft or t.prior or t.role == "period" or t.kind == "number")
             and any(text.find(f, at) >= 0 for f in t.forms)]
    if not after:
        return True
    listed = min(after, key=lambda x: x[0])[1]
    return search.describes(listed, picked, descriptions_only=True)


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
