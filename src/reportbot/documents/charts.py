"""Charts whose labels line up like a table's cells: axis ticks, evenly stepped numbers. A
grid of them is a chart's, between rules or in open space, and reads as no table."""

from __future__ import annotations

from .layout import is_number
from .tables import parse_cell


def chart_grid(rows: list[list[str]]) -> bool:
    """A chart's labels read as a grid: axis ticks as cells of several numbers each ("12 10 8
    6"), or columns of evenly stepped numbers and nothing else (5.0, 4.5, 4.0 …)."""
    if not rows:
        return False
    cells = [c for r in rows for c in r if c]
    ticks = sum(1 for c in cells if sum(is_number(w) for w in c.split()) >= 2)
    if ticks > 0.2 * len(cells):
        return True
    columns = [[parse_cell(r[j]).number for r in rows[1:] if r[j] and is_number(r[j])] for j in range(len(rows[0]))]
    numeric = [c for c in columns if len(c) >= 3]
    return bool(numeric) and all(stepped(c) for c in numeric)


def stepped(values: list[float | None]) -> bool:
    vals = [v for v in values if v is not None]
    steps = {round(b - a, 6) for a, b in zip(vals, vals[1:])}
    return len(vals) >= 3 and len(steps) == 1
