"""Typed tables: every table of a report with header paths and cells parsed to values.

The parser finds tables (text, Markdown or PDF) and hands their header paths and filled-in
rows here. Each cell is read once into a :class:`CellValue` (number with unit, percentage,
stock code, date, text, or missing), so that computed answers compare numbers, not strings.
Tables are stored with the index (as JSON in the whole-table chunk's metadata) and come back
to analysts as pandas DataFrames through ``ReportBot.tables()``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

HEADER_SEP = " › "

# Chinese magnitude words, as multipliers of the number before them.
_MAGNITUDE = {"万亿": 1e12, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}
_NUMBER_RE = re.compile(
    r"^(?P<sign>[-+−–])?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<mag>万亿|千万|百万|亿|万|千)?(?P<unit>%|倍|元|美元|个|家|次|人|款|年|tokens?|[A-Za-z]{0,3})?$"
)
# a listed security's code as brokers write it (300133.SZ, 0700.HK, 600519.SS): the one pattern
# the cell reader, the alias learner, the amount finder and a company note's rows share
SECURITY_CODE = r"(?P<num>\d{4,6})\.(?P<market>SZ|SH|BJ|HK|SS|O|N|US)"
CODE_RE = re.compile(rf"^{SECURITY_CODE}$", re.I)
_MONTH_DAY_RE = re.compile(r"^(?P<m>1[0-2]|0?[1-9])[./月](?P<d>[0-3]?\d)日?$")
_MONTH_RE = re.compile(r"^(?P<m>1[0-2]|0?[1-9])月(?P<part>上旬|中旬|下旬|初|底|末)?$")
_YEAR_RE = re.compile(r"^(?P<y>(?:19|20)\d{2})年?$")
_MISSING = {"", "-", "--", "—", "——", "–", "na", "n/a", "n.a.", "nan", "none", "null", "/", "暂无", "无"}
_DATE_HEADER_RE = re.compile(r"时间|日期|年份|date|time|year", re.I)
_ESTIMATE_RE = re.compile(r"((?:19|20)\d{2})\s*([AEF])\b", re.I)
_HEADER_UNIT_RE = re.compile(r"[（(]\s*(万亿|千万|百万|亿|万|千)")


@dataclass(frozen=True)
class CellValue:
    """One table cell read as a value."""

    raw: str
    kind: str  # "number" | "percent" | "code" | "date" | "year" | "text" | "missing"
    number: float | None = None  # comparable value: magnitudes applied, dates as MMDD
    unit: str = ""  # 亿, %, 倍 … as written after the number

    @property
    def missing(self) -> bool:
        return self.kind == "missing"

    @property
    def negative(self) -> bool:
        return self.number is not None and self.number < 0 and self.kind in ("number", "percent")


def parse_cell(raw: str, header: str = "") -> CellValue:
    """Read a cell: ``5400亿`` → 5.4e11 (unit 亿); ``-0.35``; ``50.25%``; ``002558.SZ`` →
    code; ``4.10`` under a 时间 header → 10 April; ``2015`` under a time header → year;
    blank, ``-`` or ``NA`` → missing; anything else → text."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if text.lower() in _MISSING:
        return CellValue(raw, "missing")
    if m := CODE_RE.match(text):
        return CellValue(raw, "code", None, m.group("market").upper())
    dated = bool(_DATE_HEADER_RE.search(header))
    if dated:
        if m := _YEAR_RE.match(text):
            return CellValue(raw, "year", float(m.group("y")))
        if m := _MONTH_DAY_RE.match(text):
            return CellValue(raw, "date", float(int(m.group("m")) * 100 + int(m.group("d"))))
        if m := _MONTH_RE.match(text):
            day = {"上旬": 5, "中旬": 15, "下旬": 25, "初": 1, "底": 30, "末": 30}.get(m.group("part") or "", 0)
            return CellValue(raw, "date", float(int(m.group("m")) * 100 + day))
    if m := _NUMBER_RE.match(text):
        number = float(m.group("num").replace(",", ""))
        if m.group("sign") and m.group("sign") != "+":
            number = -number
        mag = m.group("mag") or ""
        number *= _MAGNITUDE.get(mag, 1.0)
        unit = mag + (m.group("unit") or "")
        return CellValue(raw, "percent" if unit == "%" else "number", number, unit)
    return CellValue(raw, "text")


# a label's unit in brackets at its end: PE(X), EPS(元), 净利润(百万元), 占比（%）
_UNIT_SUFFIX_RE = re.compile(r"\s*[（(][^（）()]{1,6}[)）]\s*$")


def without_unit(label: str) -> str:
    """A row or column label without the unit it is given in: its name (净利润 of 净利润(百万元))."""
    return _UNIT_SUFFIX_RE.sub("", label) or label


def normalize_header(text: str) -> str:
    """Header text for comparing tables: width-folded, no spaces (（亿元） equals (亿元))."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@dataclass
class Table:
    """A table of a report, with typed cells. ``rows`` hold the cells as written (blank
    leading cells filled down); ``values`` the same cells read as values."""

    id: str  # unique in the index: "<source>#t<n>"
    source: str
    caption: str
    section: str
    page: int | None
    headers: list[tuple[str, ...]]  # header path per column: ("PE", "2023E(预测)")
    rows: list[list[str]]
    row_ids: list[str] = field(default_factory=list)  # chunk id of each row, for citations
    note: str = ""  # the line under it that says where its figures come from (资料来源：CME，…)
    values: list[list[CellValue]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        labels = self.labels
        self.values = [[parse_cell(v, labels[i]) for i, v in enumerate(r)] for r in self.rows]

    @property
    def labels(self) -> list[str]:
        """Flat column names, the header path joined: "PE › 2023E(预测)"."""
        return [HEADER_SEP.join(p for p in path if p) for path in self.headers]

    @property
    def schema(self) -> tuple[str, ...]:
        """What makes two tables "of the same kind" (the three valuation tables)."""
        return tuple(normalize_header(label) for label in self.labels)

    def column_kind(self, col: int) -> str:
        """The usual kind of a column's cells (missing cells ignored)."""
        kinds = [r[col].kind for r in self.values if not r[col].missing]
        if not kinds:
            return "missing"
        return max(set(kinds), key=kinds.count)

    def scale(self, col: int | None) -> float:
        """What a number in this column is worth: 总市值 (亿元) holds hundreds of millions."""
        if col is None or not 0 <= col < len(self.labels):
            return 1.0
        m = _HEADER_UNIT_RE.search(self.labels[col])
        return _MAGNITUDE[m.group(1)] if m else 1.0

    def numeric(self, col: int) -> bool:
        return self.column_kind(col) in ("number", "percent", "date", "year")

    @property
    def label_column(self) -> int:
        """The column that names a row: the first column of short, distinct text cells."""
        for col in range(len(self.headers)):
            cells = [r[col] for r in self.rows if r[col]]
            if self.column_kind(col) == "text" and cells and len(set(cells)) == len(cells) \
                    and max(map(len, cells)) <= 30:
                return col
        return 0

    def row_label(self, row: int) -> str:
        cells = self.rows[row] if 0 <= row < len(self.rows) else []
        return cells[self.label_column] if self.label_column < len(cells) else ""

    def estimate_year(self, col: int) -> tuple[int, str] | None:
        """(2023, "E") for a column headed 2023E — A is actual, E/F an estimate."""
        m = _ESTIMATE_RE.search(self.labels[col])
        return (int(m.group(1)), m.group(2).upper()) if m else None

    def to_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "caption": self.caption,
                "section": self.section, "page": self.page,
                "headers": [list(h) for h in self.headers], "rows": self.rows,
                "row_ids": self.row_ids, "note": self.note}

    def to_dataframe(self):
        """The table as a pandas DataFrame of typed values (float for numbers and
        percentages, the text otherwise, None when missing); provenance in ``df.attrs``."""
        import pandas as pd

        def typed(v: CellValue):
            if v.missing:
                return None
            if v.kind in ("number", "percent") and v.number is not None:
                return v.number
            return v.raw

        labels = self.labels
        frame = pd.DataFrame([[typed(v) for v in r] for r in self.values], columns=labels)
        frame.index = pd.RangeIndex(1, len(self.rows) + 1, name="row")
        frame.attrs.update({
            "id": self.id, "caption": self.caption, "source": self.source,
            "section": self.section, "page": self.page, "note": self.note,
            "header_paths": [list(h) for h in self.headers],
            "units": {label: next((v.unit for r in self.values if (v := r[i]).unit), "")
                      for i, label in enumerate(labels)},
        })
        return frame


def table_from_dict(data: dict) -> Table:
    return Table(id=data["id"], source=data["source"], caption=data["caption"],
                 section=data["section"], page=data.get("page"),
                 headers=[tuple(h) for h in data["headers"]], rows=data["rows"],
                 row_ids=list(data.get("row_ids") or []), note=data.get("note") or "")
