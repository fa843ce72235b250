"""Tables of one kind, one per asset or index, asked across: a 金工 report prints the same
performance table for each market (…业绩统计：恒生指数, …业绩统计：COMEX黄金), and "哪个资产
日频年化收益最高" asks of all of them at once. The row the question names (年化收益率) is taken
from each table and the rows stacked into one table, each named by what tells its caption from
the others'; the usual plan (superlative, compare, filter, count) runs on that.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace

from ..documents.tables import Table
from ..index.tablesearch import TableSearch
from ..language.terms import normalize
from ..tuning import MIN_STACKED_TABLES
from .query import Query
from .tableops import Plan, plan
from .transpose import rows_named

_ACROSS_OPS = {"max", "min", "compare", "filter", "count"}
_COLON_RE = re.compile(r"[：:](?=[^：:]*$)")
_LIST_SPLIT_RE = re.compile(r"、|以及|和|与|及|跟")
_LIST_RE = re.compile(r"[^，,。？?；、和与及跟]+(?:(?:、|以及|和|与|及|跟)[^，,。？?；、和与及跟]+)+")


def _tails(captions: list[str]) -> list[str]:
    """What tells each caption from the others: the part after its last colon
    (…业绩统计：恒生指数 → 恒生指数) or, without one, the caption without the beginning and end
    all share; "" for all when they are not all told apart. A caption of the kind's that the
    layout lost (a heading taken instead) names its table as it stands."""
    if sum(bool(_COLON_RE.search(c)) for c in captions) * 2 > len(captions):
        out = [_COLON_RE.split(c)[-1].strip() for c in captions]
    else:
        head = os.path.commonprefix(captions)
        tail = os.path.commonprefix([c[::-1] for c in captions])[::-1]
        out = [c[len(head):len(c) - len(tail)].strip(" ：:（）()") for c in captions]
    return out if all(out) and len(set(out)) == len(out) else [""] * len(captions)


def _kind_caption(captions: list[str]) -> str:
    """What the tables' captions say of them all: the most common part before the colon."""
    heads = [_COLON_RE.split(c)[0].strip() for c in captions if _COLON_RE.search(c)]
    return max(set(heads), key=heads.count) if heads else os.path.commonprefix(captions).rstrip(" ：:（(")


def _listed(question: str) -> list[str]:
    """The longest list the question gives (港股、黄金、债券和汇率期货): its items."""
    runs = [_LIST_SPLIT_RE.split(m.group(0)) for m in _LIST_RE.finditer(question)]
    return max(runs, key=len, default=[])


def _groups(search: TableSearch) -> list[list[int]]:
    by_schema: dict[int, list[int]] = {}
    for i, schema in enumerate(search.schema.tolist()):
        by_schema.setdefault(schema, []).append(i)
    return [g for g in by_schema.values() if len(g) >= MIN_STACKED_TABLES]


def stacked(tables: list[Table], row: str, names: list[str]) -> Table:
    """The row labelled ``row`` of each table, one row each, named by ``names``."""
    first = tables[0]
    col = first.label_column
    keep = [c for c in range(len(first.headers)) if c != col]
    rows, cites = [], []
    for table, name in zip(tables, names):
        r = next(i for i in range(len(table.rows)) if table.row_label(i) == row)
        cells = table.rows[r]
        rows.append([name] + [cells[c] if c < len(cells) else "" for c in keep])
        cites.append(table.row_ids[r] if r < len(table.row_ids) else "")
    caption = _kind_caption([t.caption for t in tables])
    name_header = (first.headers[col][0] if first.headers[col] else "名称",)
    return Table(id=f"{first.id}~across", source=first.source, caption=f"{caption} · {row}",
                 section=first.section, page=first.page, headers=[name_header] + [first.headers[c] for c in keep],
                 rows=rows, row_ids=cites)


def plan_across(search: TableSearch, query: Query, known=lambda term: True) -> Plan | None:
    """The plan over the row the question names, stacked from every table of a kind (three or
    more tables of the same headers, told apart by their captions), when the question asks an
    operation across them; else None. A question naming two or more of the tables, and
    nothing the tables do not hold, is asked of those; one naming the kind (哪个资产, 港股 for
    恒生指数) of all of them."""
    best: tuple[tuple[int, int], Table] | None = None
    for group in _groups(search):
        tables = [search.tables[i] for i in group]
        names = _tails([t.caption for t in tables])
        if not names[0]:
            continue
        hits, _, rows = rows_named(tables[0], query)
        if len(rows) != 1:
            continue
        label = tables[0].row_label(rows[0])
        if not all(any(t.row_label(i) == label for i in range(len(t.rows))) for t in tables):
            continue
        if best is None or hits > best[0]:
            best = (hits, stacked(tables, label, names))
    if best is None:
        return None
    across = TableSearch([best[1]])
    terms = [t for t in query.terms if not t.soft and not t.prior and t.role != "period"]
    names = [normalize(row[0]) for row in best[1].rows]
    # a word inside one table's name only (黄金 of COMEX黄金; not 期货, which two names hold)
    # names that table, as the question says it
    named = {t.text: rows for t in terms if not across.found(t).described[0] and len(t.text) >= 2
             and (rows := {r for r, n in enumerate(names) if any(f in n for f in t.forms)})}
    distinct = {text: rows for text, rows in named.items() if len(rows) == 1}
    singled = set().union(*distinct.values()) if distinct else set()
    listed = len(_listed(query.question))
    if len(singled) == 1 and listed <= 1:
        return None  # one table's figure: a lookup in it
    if len(singled) < max(2, listed):
        # the kind is asked about (哪个资产), or listed in words the captions do not use
        # (港股 for 恒生指数): every table of it, none singled out by the words that match
        kept = [t for t in query.terms if t.text not in named]
    else:  # the tables named, each by a word of its own name
        kept = [replace(t, role="entity", kind="entity") if t.text in distinct else t
                for t in query.terms if t.text not in named or t.text in distinct]
    query = replace(query, terms=kept)
    p = plan(across, query, known)
    if p is None or p.op not in _ACROSS_OPS:
        return None
    # a count or filter across the kind needs its condition read ("周频比日频高": one column
    # against another is none the plan reads); else it would count every table
    return p if p.op not in ("count", "filter") or p.test else None
