"""Where a question's words occur among a corpus's tables: in a table's description (caption,
section, headers, source note) or in its cells — all tables at once.

Each table's description and cells are texts of one :class:`TextIndex`, laid out table by
table, so one lookup of a word gives every table it touches and the cells it names there. At
hundreds of reports most tables share a word of the question; a loop over tables per word
would cost more than the rest of the answer. The corpus's is built with the view (``view.py``)
and saved in it; a scope's is built when the scope is first asked about.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..documents.tables import Table, without_unit
from ..language.terms import Term, has_cjk, normalize
from ..tuning import ALT_FORM_POINTS, ENTITY_CELL_POINTS, NAME_PART_CELL_CHARS, OCCURRENCE_CACHE, PART_CELL_POINTS
from .bounded import remember
from .textindex import TextIndex


def forms(term: Term) -> tuple[str, ...]:
    return tuple(f for f in term.forms if f)


@dataclass(frozen=True)
class Found:
    """One word among the tables."""

    points: np.ndarray  # per table: what the word adds to its score (see ``TableSearch.found``)
    described: np.ndarray  # per table: the word is in its caption, section or headers
    described_as_asked: np.ndarray  # …the word itself, not only another form of it
    cells: np.ndarray  # sorted text numbers of the cells the word names


class TableSearch:
    """The tables' descriptions and normalized cells, searchable by word."""

    def __init__(self, tables: list[Table]):
        self.tables = tables
        texts: list[str] = []
        where: list[tuple[int, int, int]] = []  # (table, row, column) of each text; row -1: description
        first = []
        for i, t in enumerate(tables):
            first.append(len(texts))
            # "CME那张表": a table is also known by the source its note names
            texts.append(normalize(" ".join([t.caption, t.section, *t.labels, t.note])))
            where.append((i, -1, -1))
            for r, row in enumerate(t.rows):
                texts += [normalize(cell) for cell in row]
                where += [(i, r, c) for c in range(len(row))]
        first.append(len(texts))
        self.owner, self.row, self.col = np.array(where, dtype=np.int32).reshape(-1, 3).T.copy()
        self.first = np.array(first, dtype=np.int64)
        # a cell's length without a unit it ends in: 净利润(百万元) is the word 净利润, whole
        self.length = np.array([len(without_unit(x)) for x in texts], dtype=np.int32)
        self.index = TextIndex(texts)
        schema_ids: dict[tuple, int] = {}
        self.schema = np.array([schema_ids.setdefault(t.schema, len(schema_ids)) for t in tables],
                               dtype=np.int32)
        self._found: dict[tuple, Found] = {}

    def found(self, term: Term) -> Found:
        """Where ``term`` occurs. A table scores 1 for a word of its description and, for a
        cell the word names — the whole cell, or a name or long Latin word inside it —
        ``ENTITY_CELL_POINTS`` for a name and 1 for another word, the more of the two; a match
        by another form of the word only (a synonym, a translation) counts ``ALT_FORM_POINTS``
        of that (remembered per word)."""
        key = (term.text, term.role, forms(term))
        hit = self._found.get(key)
        if hit is not None:
            return hit
        own = self._where(term, [f for f in forms(term) if f == term.text])
        alts = self._where(term, [f for f in forms(term) if f != term.text])
        points = np.maximum(own[0], ALT_FORM_POINTS * alts[0])
        found = Found(points, own[1] | alts[1], own[1], np.union1d(own[2], alts[2]).astype(np.uint32))
        return remember(self._found, key, found, OCCURRENCE_CACHE)

    def _where(self, term: Term, words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(points, described, cell ids) of ``words``, forms of ``term``, as ``found`` says."""
        n = len(self.tables)
        described = np.zeros(n, dtype=bool)
        cells = []
        part = np.zeros(n, dtype=bool)
        for f in words:
            ids = self.index.containing(f)
            desc = self.row[ids] < 0
            described[self.owner[ids[desc]]] = True
            ids = ids[~desc]
            if not (term.role == "entity" or (f.isascii() and len(f) >= 5)):
                # contained and as long as the word: the whole cell is the word; a part of
                # a short cell, a name (影视 of 华策影视, "影视公司"), says a little of the table
                # and names no row
                if has_cjk(f) and len(f) >= 2:
                    inside = (self.length[ids] > len(f)) & (self.length[ids] <= NAME_PART_CELL_CHARS)
                    part[self.owner[ids[inside]]] = True
                ids = ids[self.length[ids] == len(f)]
            cells.append(ids)
        cell_ids = np.unique(np.concatenate(cells)) if cells else np.empty(0, dtype=np.uint32)
        named = np.zeros(n, dtype=bool)
        named[self.owner[cell_ids]] = True
        in_cells = np.where(named, ENTITY_CELL_POINTS if term.role == "entity" else 1.0,
                            np.where(part, PART_CELL_POINTS, 0.0))
        return np.maximum(np.where(described, 1.0, 0.0), in_cells), described, cell_ids

    def cells_named(self, term: Term, table: int) -> list[tuple[int, int]]:
        """(row, column) of the cells of one table that ``term`` names."""
        ids = self.found(term).cells
        lo, hi = np.searchsorted(ids, self.first[table : table + 2])
        ids = ids[lo:hi]
        return list(zip(self.row[ids].tolist(), self.col[ids].tolist()))

    def occurs(self, word: str, tables: list[int], descriptions_only: bool = False) -> bool:
        """Whether ``word`` occurs in these tables (their descriptions, or anywhere)."""
        ids = self.index.containing(word)
        if descriptions_only:
            ids = ids[self.row[ids] < 0]
        return bool(np.isin(self.owner[ids], tables).any())

    def describes(self, term: Term, tables: list[int], descriptions_only: bool = False) -> bool:
        return any(self.occurs(f, tables, descriptions_only) for f in forms(term))
