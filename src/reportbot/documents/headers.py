"""The header rows of a table found by geometry (unruled.py, threeline.py): which row heads
columns, and a line of labels each centred over a group of columns placed over its group."""

from __future__ import annotations

import re

from .layout import Segment, is_number

_PERIOD_LABEL_RE = re.compile(r"(?:19|20)\d{2}\s*(?:[AEF]|[/.-]\d{1,2}|年(?:\d{1,2}月)?)?|\d{1,2}月", re.I)


def headings(row: list[str]) -> bool:
    """A row that heads columns: labels and periods (2021A, 2026/3) over them, no other figure;
    or a blank stub over the row labels with two or more labels beside it."""
    rest = [c for c in row[1:] if c]
    if row and not row[0] and len(rest) >= 2:
        return True
    return bool(rest) and all(not is_number(c) or _PERIOD_LABEL_RE.fullmatch(c.strip()) for c in rest)


def group_row(labels: list[Segment], cols: list[list[float]]) -> list[str] | None:
    """A header line of labels each centred over a group of columns (Reversal原始值 | Reversal
    市值中性化 over five columns each; 最新月 over one, 同比 over six) as a row: each label at the
    first column of its group, for the header paths to carry on to the rest. The groups are the
    runs of columns side by side, one a label, whose middles stand nearest the labels' middles
    (least squares), the last running to the last column; columns before the first group are
    the row labels' own (行业). None unless there are two or more labels, no more than half as
    many as the columns, no figure, and a group of two or more columns."""
    k, n = len(labels), len(cols)
    if k < 2 or 2 * k > n or any(s.numeric for s in labels):
        return None
    centres = [(s.x0 + s.x1) / 2 for s in labels]

    def cost(j: int, a: int, b: int) -> float:  # label j over columns a..b-1
        return ((cols[a][0] + cols[b - 1][1]) / 2 - centres[j]) ** 2

    inf = float("inf")
    # best[j][e]: labels 0..j-1 over columns up to e (exclusive); how: the start of label j-1's run
    best = [[inf] * (n + 1) for _ in range(k + 1)]
    how = [[-1] * (n + 1) for _ in range(k + 1)]
    best[0] = [0.0] * (n + 1)  # any columns before the first group are the stub
    for j in range(1, k + 1):
        for e in range(j, n + 1):
            for a in range(j - 1, e):
                c = best[j - 1][a] + cost(j - 1, a, e)
                if c < best[j][e]:
                    best[j][e], how[j][e] = c, a
    starts, e = [], n  # the last group runs to the last column
    for j in range(k, 0, -1):
        a = how[j][e]
        starts.append((a, e))
        e = a
    starts.reverse()
    if all(b - a < 2 for a, b in starts):
        return None
    row = [""] * n
    for s, (a, _) in zip(labels, starts):
        row[a] = s.text
    return row
