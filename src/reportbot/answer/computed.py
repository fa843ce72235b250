"""Computed answers: carry out a table plan and say the result first, then the values it was
computed from, each row cited [n] to its table row."""

from __future__ import annotations

from dataclasses import dataclass

from ..documents.tables import CellValue, Table
from ..index.retrieval import Retriever
from ..language.terms import normalize
from ..models import Answer, Citation
from ..tuning import ROW_NAME_CHARS
from .query import Query
from .stacked import plan_across
from .tableops import Plan, plan
from .transpose import plan_by_year

_NO_CELL = CellValue("", "missing")


@dataclass
class _Row:
    table: Table
    index: int

    @property
    def label(self) -> str:
        return self.table.row_label(self.index)

    def value(self, col: int | None) -> CellValue:
        row = self.table.values[self.index] if self.index < len(self.table.values) else []
        if col is None or not 0 <= col < len(row):
            return _NO_CELL  # a ragged row, or a table without the planned column
        return row[col]


class _Cites:
    """One citation number per table row, in the order they are first used."""

    def __init__(self, retriever: Retriever):
        self.retriever = retriever
        self.numbers: dict[str, int] = {}
        self.citations: list[Citation] = []

    def __call__(self, row: _Row) -> str:
        cid = row.table.row_ids[row.index] if row.index < len(row.table.row_ids) else ""
        chunk = self.retriever.by_id.get(cid)
        if chunk is None:
            return ""
        if cid not in self.numbers:
            n = len(self.numbers) + 1
            self.numbers[cid] = n
            self.citations.append(Citation(
                n=n, source=chunk.source, section=chunk.section, page=chunk.page,
                quote=chunk.body, kind="row", table=chunk.table, row=chunk.row, row_no=chunk.row_no))
        return f" [{self.numbers[cid]}]"


def _names_row(t: Table, i: int, c: int, label: str) -> bool:
    """A cell that names its row beside the label: short text or a code, not yet said."""
    v = t.values[i][c]
    return (not v.missing and v.kind in ("text", "code") and len(v.raw) <= ROW_NAME_CHARS
            and v.raw not in label)


def _called(p: Plan, row: _Row) -> str:
    """The row as the question called it: a timeline row keyed by its model (日日新大模型)
    asked of by its company (商汤) leads with the company the question named."""
    label = row.label
    if not p.names or any(n in normalize(label) for n in p.names):
        return label
    cells = row.table.values[row.index] if row.index < len(row.table.values) else []
    for v in cells:
        if not v.missing and v.kind == "text" and v.raw not in label and \
                any(n in normalize(v.raw) for n in p.names):
            return f"{v.raw}（{label}）"
    return label


def _short(label: str) -> str:
    """Column label for prose: "PE › 2023E(预测)" reads "PE 2023E(预测)"."""
    return label.replace(" › ", " ")


def _rows(p: Plan) -> list[_Row]:
    """The plan's rows; for an operation over a column, only those of tables that have it."""
    needs_column = p.op in ("compare", "max", "min", "filter", "sum", "avg") or \
        (p.op == "count" and p.test is not None)
    return [_Row(t, i) for t in p.tables if not needs_column or t.id in p.column
            for i in p.rows.get(t.id, []) if i < len(t.values)]


def _col(p: Plan, row: _Row) -> int | None:
    return p.column.get(row.table.id)


def _passes(test: tuple, v: CellValue, scale: float = 1.0) -> bool:
    """Whether a cell meets a filter; ``scale``: the column's unit (亿元), used when the
    threshold was given with a magnitude (200亿)."""
    kind = test[0]
    if kind == "missing":
        return v.missing
    if kind == "prefix":
        return v.raw.strip().startswith(test[1])
    if kind == "suffix":
        return v.raw.strip().upper().endswith(test[1])
    if v.number is None:
        return False
    number = v.number * scale if len(test) > 2 and test[2] else v.number
    if kind == "between":  # ("between", low, scaled, high, inclusive)
        low, high, inclusive = test[1], test[3], test[4]
        return low <= number <= high if inclusive else low < number < high
    return {"gt": number > test[1], "ge": number >= test[1],
            "lt": number < test[1], "le": number <= test[1]}[kind]


def _column_label(p: Plan) -> str | None:
    """The planned column's label, from the first table that has it."""
    for t in p.tables:
        col = p.column.get(t.id)
        if col is not None and 0 <= col < len(t.labels):
            return _short(t.labels[col])
    return None


def _where(p: Plan) -> str:
    names = [f"「{t.caption}」" for t in p.tables]
    return "、".join(names)


def computed_answer(retriever: Retriever, query: Query) -> Answer | None:
    """A computed answer when the question asks for a table operation, else None."""
    known = retriever.stats.term_known
    p = plan_by_year(retriever.table_search, query, known, retriever.about) or \
        plan_across(retriever.table_search, query, known) or \
        plan(retriever.table_search, query, known, retriever.about)
    if p is None:
        return None
    cite = _Cites(retriever)
    run = {"compare": _compare, "max": _extreme, "min": _extreme, "filter": _filter,
           "count": _count, "sum": _aggregate, "avg": _aggregate, "list": _list,
           "lookup": _lookup}[p.op]
    result = run(p, cite)
    if result is None:
        return None
    text, found = result
    if query.notes:
        text += "\n（" + "；".join(query.notes) + "）"
    return Answer(text, found, cite.citations if found or cite.citations else [], query.asked,
                  kind=p.op if found else "")


def _value_list(rows: list[_Row], p: Plan, cite: _Cites) -> str:
    return "，".join(f"{r.label} {r.value(_col(p, r)).raw}{cite(r)}" for r in rows)


def _split_losses(p: Plan, rows: list[_Row]) -> tuple[list[_Row], list[_Row]]:
    """Valuation multiples below zero are losses, not cheap stocks: set them apart."""
    good, losses = [], []
    for r in rows:
        v = r.value(_col(p, r))
        (losses if p.is_multiple(r.table) and v.negative else good).append(r)
    return good, losses


def _loss_note(p: Plan, losses: list[_Row], cite: _Cites) -> str:
    if not losses:
        return ""
    return ("\n注意：" + "，".join(f"{r.label} {r.value(_col(p, r)).raw}{cite(r)}" for r in losses)
            + " 为负值，表示亏损，不是估值更低，未参与比较。")


def _compare(p: Plan, cite: _Cites):
    rows = _rows(p)
    missing = [r for r in rows if r.value(_col(p, r)).number is None]
    rows = [r for r in rows if r.value(_col(p, r)).number is not None]
    good, losses = _split_losses(p, rows)
    label = _column_label(p)
    if label is None:
        return None  # no table has the planned column: the quoted answer is given instead
    if len(good) < 2:
        if missing:
            names = "、".join(r.label for r in missing)
            return f"报告的表中没有{names}的{label}数据，无法比较。", False
        return None
    ordered = sorted(good, key=lambda r: r.value(_col(p, r)).number, reverse=p.direction == "high")
    word = {"high": "更高", "low": "更低"}[p.direction]
    if "时间" in label or "日期" in label:
        word = {"high": "更晚", "low": "更早"}[p.direction]
    elif p.is_multiple(p.tables[0]):
        word = {"high": "估值更高（更贵）", "low": "估值更低（更便宜）"}[p.direction]
    text = f"{_called(p, ordered[0])}{word}：{label} " + _value_list(ordered, p, cite)
    text += _loss_note(p, losses, cite)
    return text, True


def _extreme(p: Plan, cite: _Cites):
    rows = [r for r in _rows(p) if r.value(_col(p, r)).number is not None]
    good, losses = _split_losses(p, rows)
    if not good:
        return None
    ordered = sorted(good, key=lambda r: r.value(_col(p, r)).number, reverse=p.op == "max")
    label = _column_label(p)
    if label is None:
        return None  # no table has the planned column: the quoted answer is given instead
    word = "最高" if p.op == "max" else "最低"
    if "时间" in label or "日期" in label:
        word = "最晚" if p.op == "max" else "最早"
    top = ordered[:max(p.top, 1)]
    head = "、".join(f"{r.label}（{r.value(_col(p, r)).raw}）" for r in top)
    lead = f"{_where(p)}中{label}{word}的是{head}" if p.top == 1 else \
        f"{_where(p)}中{label}{word}的前{len(top)}名：{head}"
    text = lead + "。\n依据：" + _value_list(ordered, p, cite)
    text += _loss_note(p, losses, cite)
    return text, True


def _filter(p: Plan, cite: _Cites):
    rows = _rows(p)
    hits = [r for r in rows if _passes(p.test, r.value(_col(p, r)), r.table.scale(_col(p, r)))]
    losses: list[_Row] = []
    if p.test[0] in ("lt", "le") and p.test[1] > 0:  # "PE低于20": a negative PE is a loss
        hits, losses = _split_losses(p, hits)
    label = _column_label(p)
    if label is None:
        return None  # no table has the planned column: the quoted answer is given instead
    cond = _condition(p.test, label)
    if not hits:
        text = f"{_where(p)}中没有{cond}的。"
        return text + _loss_note(p, losses, cite), True
    shown = "、".join(f"{r.label}（{r.value(_col(p, r)).raw or '空'}）{cite(r)}" for r in hits)
    text = f"{_where(p)}中{cond}的共{len(hits)}个：{shown}"
    return text + _loss_note(p, losses, cite), True


def _condition(test: tuple, label: str) -> str:
    kind = test[0]
    if kind == "missing":
        return f"没有给出{label}"
    if kind == "prefix":
        return f"{label}以{test[1]}开头"
    if kind == "suffix":
        return f"{label}为.{test[1]}"
    if kind == "between":
        return f"{label}在{_amount(test[1])}到{_amount(test[3])}之间" + ("（含两端）" if test[4] else "")
    word = {"gt": "高于", "ge": "不低于", "lt": "低于", "le": "不高于"}[kind]
    value = test[1]
    if value == 0 and kind in ("lt", "gt"):
        return f"{label}为{'负' if kind == 'lt' else '正'}"
    return f"{label}{word}{_amount(value)}"


def _amount(value: float) -> str:
    for mag, unit in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
        if abs(value) >= mag:
            return f"{value / mag:g}{unit}"
    return f"{value:g}"


def _count(p: Plan, cite: _Cites):
    rows = _rows(p)
    if p.test:
        rows = [r for r in rows if _passes(p.test, r.value(_col(p, r)), r.table.scale(_col(p, r)))]
        label = _column_label(p)
        if label is None:
            return None  # no table has the column the condition is on: not a computed answer
        cond = _condition(p.test, label) + "的"
    elif not rows:
        return None  # nothing of the table's was asked about (a row named that holds no entries)
    else:
        cond = ""
    shown = "、".join(f"{r.label}{cite(r)}" for r in rows)
    return f"{_where(p)}中{cond}共{len(rows)}个：{shown}", True


def _aggregate(p: Plan, cite: _Cites):
    rows = [r for r in _rows(p) if r.value(_col(p, r)).number is not None]
    if not rows:
        return None
    values = [r.value(_col(p, r)).number for r in rows]
    units = {r.value(_col(p, r)).unit for r in rows}
    unit = units.pop() if len(units) == 1 else ""
    scale = {"亿": 1e8, "万": 1e4, "万亿": 1e12}.get(unit, 1.0)
    label = _column_label(p)
    if label is None:
        return None  # no table has the planned column: the quoted answer is given instead
    total = sum(values) / scale
    result = total if p.op == "sum" else total / len(values)
    word = "合计" if p.op == "sum" else "平均"
    # the rows by name when the question named them, else the table and how many
    named = sum(len(v) for v in p.mentioned.values()) == len(rows)
    whose = "、".join(r.label for r in rows) if named and len(rows) <= 4 else f"{_where(p)}中{len(rows)}个"
    text = f"{whose}的{label}{word}为{result:.2f}{unit}。\n依据：" + _value_list(rows, p, cite)
    return text, True


def _list(p: Plan, cite: _Cites):
    rows = _rows(p)
    shown = "、".join(f"{r.label}{cite(r)}" for r in rows)
    return f"{_where(p)}列出了{len(rows)}个：{shown}", True


def _lookup(p: Plan, cite: _Cites):
    parts, blanks = [], []
    for t in p.tables:
        for i in p.rows.get(t.id, []):
            if i >= len(t.rows):
                continue
            r = _Row(t, i)
            cols = [c for c in p.columns.get(t.id, []) if c < len(t.labels)]
            values = [(c, r.value(c)) for c in cols]
            given = [(c, v) for c, v in values if not v.missing]
            for c, v in values:
                if v.missing:
                    blanks.append((r, _short(t.labels[c])))
            if given:
                cells = "；".join(f"{_short(t.labels[c])}：{v.raw}" for c, v in given)
                # then only what says whose value it is (the row's code, its company): the rest
                # of the row is in the citation's row table, not in the answer
                rest = "；".join(f"{_short(t.labels[c])}：{t.rows[i][c]}"
                                for c in range(min(len(t.labels), len(t.rows[i])))
                                if c not in cols and c != t.label_column and _names_row(t, i, c, r.label))
                parts.append(f"{r.label} {cells}" + (f"（{rest}）" if rest else "") + cite(r))
    if parts:
        text = "\n".join(parts)
        if blanks:
            text += "\n" + "；".join(f"表中{r.label}的{label}一栏为空{cite(r)}" for r, label in blanks)
        return text, True
    if blanks:
        text = "报告没有给出" + "；".join(
            f"{r.label}的{label}（表「{r.table.caption}」中这一栏为空{cite(r)}）" for r, label in blanks) + "。"
        return text, False
    return None
