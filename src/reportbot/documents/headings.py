"""Which lines of a PDF page are headings: larger than the body, or numbered (1、 / 1.1 /
一、 / （一） / 第一章) and bold, a little larger, or the next number of the report's own
outline (2.1 under a larger "2 …"); and when a heading goes on onto a second line."""

from __future__ import annotations

import re

from .layout import Line

HEADING_SIZE = 1.18  # a short line at this multiple of the body font size is a heading
# a numbered one at this multiple (fzzq's 12 pt "1 引言" over 10.6 pt text; a numbered list
# item is set at the body size)
NUMBERED_HEADING_SIZE = 1.1
# the sections every Chinese broker report carries under these names (the regulator asks for a
# risk warning, the analysts' statement, the rating scale and the disclaimer): a line that is
# one of them alone heads its section at any size — OCR's heights are too rough to tell a
# body-size 免责声明 by its font (a scan read it 1.11 times the body, under HEADING_SIZE)
_STANDARD_SECTION_RE = re.compile(r"^(?:风险提示|风险因素|主要风险|免责声明|免责条款|法律声明|重要声明|"
                                  r"特别声明|一般声明|分析师声明|分析师承诺|证券分析师承诺|投资评级说明|"
                                  r"评级说明|信息披露)[：:]?$")
HEADING_LINE_GAP = 1.0  # a heading's second line starts within this many font sizes below the first
# numbered headings: 1、 / 1. / 1.1 / 一、 / （一） / 第一章
_NUMBERED_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[、.．\s]|[一二三四五六七八九十]{1,3}、"
                          r"|[（(][一二三四五六七八九十\d]{1,3}[）)]|第[一二三四五六七八九十\d]+[章节])")
# "1引言": a heading's number set in another font, with no space after it; not 3月, 20倍
_UNSPACED_NUMBER_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*(?=[\u4e00-\u9fff])(?![年月日号倍亿万元个家只次期])")
_OUTLINE_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?=[、.．\s]|[^\d.．、])")


def _numbered(text: str) -> bool:
    return bool(_NUMBERED_RE.match(text) or _UNSPACED_NUMBER_RE.match(text))


def outline_number(text: str) -> tuple[int, ...] | None:
    m = _OUTLINE_RE.match(text)
    return tuple(int(n) for n in m.group(1).split(".")) if m else None


def _follows(number: tuple[int, ...], last: tuple[int, ...] | None) -> bool:
    """2.1 after 2, 2.2 after 2.1, 3 after 2.2: the next number of the report's outline."""
    if last is None:
        return False
    if number == last + (1,):
        return True  # the first child
    for depth in range(len(last), 0, -1):  # the next sibling at this depth or above
        if number == last[:depth - 1] + (last[depth - 1] + 1,):
            return True
    return False


class Outline:
    """The numbers of the headings seen so far: a numbered line at body size is a heading
    when it is the outline's next number (fzzq's "2.1 …" under a larger "2 …")."""

    def __init__(self):
        self.last: tuple[int, ...] | None = None

    def continues(self, text: str) -> bool:
        number = outline_number(text)
        return number is not None and _follows(number, self.last)

    def saw(self, text: str) -> None:
        self.last = outline_number(text) or self.last


def is_heading(line: Line, body_size: float, outline: Outline) -> bool:
    """A short line set apart as a heading (its sentence-end and bullet checks are the
    caller's)."""
    text = line.text
    if not body_size or len(text) > 30 or re.match(r"^第[一二三四五六七八九十\d]+部分", text):
        return False
    if _STANDARD_SECTION_RE.match(text.strip()) and line.size >= body_size - 0.5:
        return True
    numbered = _numbered(text)
    return line.size >= HEADING_SIZE * body_size or (numbered and line.size >= body_size - 0.2 and (
        line.bold or line.size >= NUMBERED_HEADING_SIZE * body_size or outline.continues(text)))


def goes_on(heading: Line, line: Line) -> bool:
    """``line`` is the second line of ``heading``: as large, right below, not numbered (its
    reaching the right edge is the caller's to check)."""
    return abs(line.size - heading.size) < 0.5 and not _numbered(line.text) \
        and line.top - heading.bottom <= HEADING_LINE_GAP * line.size
