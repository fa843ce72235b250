"""Every export a spreadsheet may open goes through here: a text cell that begins like a
formula (= + - @, a tab or a carriage return) is written with a leading apostrophe, so that
opening the file shows the text and runs nothing (OWASP "CSV injection"). Numbers stay
numbers (-1.5 is a number, not a formula); JSON exports keep raw values with their types."""

from __future__ import annotations

import csv
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """``value`` as a spreadsheet must read it: formula-like text behind an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(frame, path: Path) -> None:
    """A DataFrame as UTF-8 CSV (with a BOM, so spreadsheets read the Chinese right). Every
    text is quoted: unquoted, a carriage return inside a cell starts a new row for a
    spreadsheet, and what follows it would be read as a cell of its own (a formula)."""
    safe = frame.map(spreadsheet_safe)
    safe.columns = [spreadsheet_safe(c) for c in frame.columns]
    safe.index = frame.index
    safe.to_csv(path, encoding="utf-8-sig", quoting=csv.QUOTE_NONNUMERIC)
