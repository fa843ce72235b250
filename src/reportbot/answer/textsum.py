"""Sums a passage implies: "国产加进口一共多少个？" over "84个国产游戏版号…44个进口网络游戏版号"
is 128. Each side the question adds is found in the passage beside a figure of the same unit
(个, 家, 亿元 …); when every side has exactly such a figure, their sum leads the answer with
its parts. Anything less — a side without a figure, two units — and no sum is said.
"""

from __future__ import annotations

import re

from ..language.terms import normalize
from ..tuning import SIDE_REACH

_SUM_Q_RE = re.compile(r"一共|总共|合计|共计|总计|加起来|加在一起|加总|in total|combined|altogether", re.I)
# the sides of the sum: "国产加进口", "A和B一共", "A + B"
_SUM_END = r"一共|总共|合计|共计|总计|加起来|加在一起|的?总|in total|combined|$"
_SIDES_RE = re.compile(r"([\u3400-\u9fffA-Za-z0-9]{1,8}?)(?:加上|加|和|与|跟|及|\+|plus|and)"
                       r"([\u3400-\u9fffA-Za-z0-9]{1,8}?)(?=" + _SUM_END + ")", re.I)
_FIGURE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(个|家|款|只|项|次|种|部|亿元|万元|亿|万|元|人)")


def _figure_of(side: str, text: str) -> tuple[float, str, str] | None:
    """The one figure beside ``side`` in ``text``: (value, unit, as written)."""
    found = set()
    for m in re.finditer(re.escape(side), text):
        for f in _FIGURE_RE.finditer(text):
            gap = m.start() - f.end() if f.end() <= m.start() else f.start() - m.end()
            between = text[min(f.end(), m.end()):max(f.start(), m.start())]
            if 0 <= gap <= SIDE_REACH and not re.search(r"[，,。；;]", between):
                found.add((float(f.group(1)), f.group(2), f.group(0)))
    return found.pop() if len(found) == 1 else None


def sum_line(question: str, passage: str, english: bool = False) -> str:
    """"一共128个（84个 + 44个）" when the question adds sides the passage gives figures for."""
    q = normalize(question)
    if not _SUM_Q_RE.search(q):
        return ""
    m = _SIDES_RE.search(q.rstrip("？?。.!！ ").split("，")[-1].split(",")[-1])
    if not m:
        return ""
    text = normalize(passage)
    # the clause before 加 may start earlier than the side ("那批版号国产"): the side is its
    # longest end the passage has (and the start of what follows 加)
    left, right = m.groups()
    left = next((left[i:] for i in range(len(left) - 1) if left[i:] in text), left)
    right = next((right[:j] for j in range(len(right), 1, -1) if right[:j] in text), right)
    sides = (left, right)
    figures = [_figure_of(side, text) for side in sides]
    if any(f is None for f in figures) or len({f[1] for f in figures}) != 1:
        return ""
    total = sum(f[0] for f in figures)
    unit = figures[0][1]
    shown = f"{total:g}{unit}"
    parts = " + ".join(f"{side} {f[2]}" for side, f in zip(sides, figures))
    return f"{shown} in all ({parts}).\n" if english else f"一共{shown}（{parts}）。\n"
