"""Checking a chat model's reply against its sources, sentence by sentence.

Every claim of a sentence — numbers, dates, quoted strings, Latin names, the report's own names
— must appear in the source it cites. A sentence citing the wrong source is re-cited to the one
that supports it; one with no marker is cited to the one source that supports it; one that no
source supports is dropped. A sentence without claims must share most of its wording with its
source (this catches garbage). What remains is renumbered [1], [2] … in order of use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..index.records import StoredChunk
from ..language.terms import normalize
from ..models import Citation
from .passages import citation

_MARKER_RE = re.compile(r"\s*\[(\d+)\]")
_SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]?(?:\s*\[\d+\])*")
_NUMBER_RE = re.compile(r"-?\d+(?:[.,]\d+)*%?")
_QUOTED_RE = re.compile(r"[“「《\"]([^”」》\"]{1,40})[”」》\"]")
_LATIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9&+.-]*[A-Za-z0-9]")
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_SPECIFIC = {"row": 0, "text": 1, "table": 2}
MIN_WORDING_OVERLAP = 0.5  # share of a claim-free sentence's character pairs found in its source


@dataclass
class Checked:
    text: str
    citations: list[Citation] = field(default_factory=list)
    kept: int = 0
    dropped: list[str] = field(default_factory=list)


def claims(sentence: str, names: set[str]) -> list[str]:
    """What a sentence asserts that a source must contain."""
    out = [m.group(0).rstrip("%") for m in _NUMBER_RE.finditer(sentence)]
    out += [m.group(1) for m in _QUOTED_RE.finditer(sentence)]
    out += [w for w in _LATIN_RE.findall(sentence) if any(c.isupper() or c.isdigit() for c in w)]
    norm = normalize(sentence)
    out += [n for n in names if len(n) >= 2 and n in norm]
    return [normalize(c) for c in out if c.strip()]


def _pairs(text: str) -> set[str]:
    cjk = re.sub(r"[^\u3400-\u9fff]", "", text)
    return {cjk[i:i + 2] for i in range(len(cjk) - 1)}


def _other_years_only(sentence: str, chunk: StoredChunk, years: set[str]) -> bool:
    """Whether a number of ``sentence`` comes only from a table row's cells for years other
    than those asked ("2023年的PE" answered with the row's 2021 PE): the right row, wrong column."""
    if chunk.kind != "row" or not years:
        return False
    years = years | set(_YEAR_RE.findall(sentence))  # "2021年PE为34.72" is true as it stands
    cells = [cell.partition("：") for cell in normalize(chunk.body).split("；")]
    for number in _NUMBER_RE.findall(normalize(sentence)):
        number = number.rstrip("%")
        if number in years:
            continue
        headers = [head for head, _, value in cells if number in value]
        header_years = [set(_YEAR_RE.findall(head)) for head in headers]
        if headers and all(ys and not ys & years for ys in header_years):
            return True
    return False


def _source_text(chunk: StoredChunk) -> str:
    return normalize(f"{chunk.section}\n{chunk.table}\n{chunk.body}")


def _supports(items: list[str], sentence: str, source: str) -> bool:
    """Whether ``source`` (a chunk's text, as ``_source_text``) holds the sentence's claims."""
    if items:
        return all(c in source for c in items)
    pairs = _pairs(sentence)
    return bool(pairs) and len(pairs & _pairs(source)) / len(pairs) >= MIN_WORDING_OVERLAP


def check_reply(reply: str, chunks: list[StoredChunk], names: set[str],
                years: list[int] = ()) -> Checked:
    """``years``: those the question asks about; a number from another year's column of a
    row does not answer it."""
    out = Checked("")
    asked_years = {str(y) for y in years}
    numbers: dict[int, int] = {}  # source index -> new citation number
    sources = [_source_text(c) for c in chunks]  # once per reply, not per sentence
    lines: list[str] = []
    for m in _SENTENCE_RE.finditer(reply):
        raw = m.group(0).strip()
        body = _MARKER_RE.sub("", raw).strip()
        if not re.sub(r"[\W_]+", "", body):
            continue  # a marker alone, or punctuation
        cited = [int(n) - 1 for n in _MARKER_RE.findall(raw) if 1 <= int(n) <= len(chunks)]
        items = claims(body, names)
        if any(_other_years_only(body, c, asked_years) for c, source in zip(chunks, sources)
               if all(i in source for i in items)):
            out.dropped.append(body)  # the row's value for another year (a whole table holds it too)
            continue
        support = [i for i in cited if _supports(items, body, sources[i])]
        if not support:
            # no marker, or the wrong one: the one source that does support it, if any, the
            # most specific first (a table row over its whole table)
            order = sorted(range(len(chunks)), key=lambda i: _SPECIFIC.get(chunks[i].kind, 1))
            support = [i for i in order if _supports(items, body, sources[i])][:1]
        if not support:
            out.dropped.append(body)
            continue
        for i in support:
            numbers.setdefault(i, len(numbers) + 1)
        lines.append(body + "".join(f" [{numbers[i]}]" for i in support))
    out.text = "\n".join(lines)
    out.kept = len(lines)
    out.citations = [citation(n, chunks[i], chunks[i].body) for i, n in numbers.items()]
    return out
