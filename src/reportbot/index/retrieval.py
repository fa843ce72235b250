"""Hybrid retrieval: Chroma dense search + BM25 over jieba tokens, fused by reciprocal rank."""

from __future__ import annotations

import logging
from collections.abc import Collection

import bm25s
import numpy as np

from ..documents.parse import SEP
from ..documents.units import Unit, announces_list, unit_id, units_of
from ..language.lexicons import synonyms_for
from ..language.tokens import Tokenizer
from ..tuning import MAX_ROWS_PER_TABLE, RRF_K
from . import view as view_mod
from .records import StoredChunk
from .store import Index
from .tablesearch import TableSearch
from .textindex import TermStats, TextIndex
from .view import View, view_key

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build at DEBUG
VIEW_LOAD_TRIES = 3


class Retriever:
    """Keeps an in-memory view of the index for keyword search and answer extraction.

    The view is loaded from beside the index (``view.py``): built at the end of an ingest, so
    a start-up at hundreds of reports reads it instead of re-deriving it from every chunk."""

    def __init__(self, index: Index):
        self.index = index
        self.refresh()

    def refresh(self) -> None:
        for _ in range(VIEW_LOAD_TRIES):
            key = view_key(self.index)
            built = view_mod.load(self.index, key)
            try:
                self._adopt(built if built is not None else self._build(key))
                return
            except FileNotFoundError:
                continue  # another process's ingest replaced that view meanwhile: load anew
        self._adopt(self._build(view_key(self.index)))

    def _build(self, key: str) -> View:
        previous = view_mod.latest(self.index)
        built, tokens = view_mod.build(self.index, key, self._tokenizer_for, previous)
        vectors = view_mod.unit_vectors(self.index, built, previous)
        chunk_vectors = view_mod.chunk_vectors(self.index, built, previous)
        bm25 = bm25s.BM25()
        bm25.index([tokens[c.id] or [""] for c in built.chunks], show_progress=False)
        # the term statistics made for the tokenizer indexed the unit texts' bigrams: kept
        return view_mod.save(self.index, built, tokens, vectors, bm25, self.stats.units.grams, chunk_vectors)

    def _tokenizer_for(self, view: View) -> Tokenizer:
        """The keyword tokenizer of ``view``; its aliases and term statistics (which the
        tokenizer consults through ``expand`` and ``known``) become this retriever's."""
        self.aliases = view.aliases
        self.stats = TermStats(TextIndex(joined=view.unit_texts, grams=view.grams()))
        # the brokers of the corpus are names too ("招商证券那篇", "招商那篇"), though jieba cuts them
        brokers = {b for b in view.brokers.values() if b}
        brokers |= {b.removesuffix("证券") for b in brokers if len(b.removesuffix("证券")) >= 2}
        return Tokenizer(set(view.names) | brokers, view.attributes, expand=self.expand,
                         aliases=view.aliases.words(), metrics=view.metrics, known=self.stats.known,
                         df=self.stats.df,
                         companies=_companies(view.tables))

    def _adopt(self, view: View) -> None:
        self.view = view
        self.chunks = view.chunks
        self.by_id = {c.id: c for c in self.chunks}
        self.position = {c.id: i for i, c in enumerate(self.chunks)}  # report order, file by file
        self.rows_of: dict[str, list[StoredChunk]] = {}
        for c in self.chunks:
            if c.kind == "row":
                self.rows_of.setdefault(c.table_id, []).append(c)
        self.tables = view.tables
        self.table_search = view.table_search if view.table_search is not None else TableSearch(view.tables)
        self.titles = view.titles
        self.brokers = view.brokers
        self.covers = getattr(view, "covers", {})
        self.sources = list(view.titles)
        self.report_year = view.report_year
        self.tokenizer = self._tokenizer_for(view)
        self._units: dict[str, list[Unit]] = {}
        self._unit_sources: list[str] | None = None
        self.unit_row = {uid: i for i, uid in enumerate(view.unit_ids)}
        self.unit_matrix = view.vectors()
        self.chunk_matrix = view.chunk_vectors()
        self.bm25 = bm25s.BM25.load(str(view.folder / "bm25"), mmap=True) if self.chunks else None
        source_no = {s: i for i, s in enumerate(self.sources)}
        self.chunk_source = np.array([source_no[c.source] for c in self.chunks], dtype=np.int32)

    @property
    def unit_sources(self) -> list[str]:
        """The report of each unit, in the order of the view's unit ids and term statistics."""
        if self._unit_sources is None:
            self._unit_sources = [self.by_id[uid.rpartition("#")[0]].source for uid in self.view.unit_ids]
        return self._unit_sources

    def query_vector(self, text: str):
        return np.asarray(self.index.embed([text])[0], dtype=np.float32)

    def similarity(self, unit: Unit, vector) -> float | None:
        """Cosine similarity of an answer unit to the question (vectors are normalized)."""
        row = self.unit_row.get(unit_id(unit.chunk.id, unit))
        return None if row is None or vector is None else float(self.unit_matrix[row] @ vector)

    def expand(self, word: str) -> tuple[str, ...]:
        """Other forms of a question word: its synonyms and, for a name, its aliases."""
        return tuple(dict.fromkeys(self.aliases.forms(word) + synonyms_for(word, self.stats.known)))

    def units(self, chunk: StoredChunk) -> list[Unit]:
        if chunk.kind == "table":
            return [u for row in self.rows_of.get(chunk.table_id, []) for u in self.units(row)]
        if chunk.id not in self._units:  # worked out when first needed: few chunks ever are
            self._units[chunk.id] = units_of(chunk, self.about(chunk.source), self._lead_before(chunk))
        return self._units[chunk.id]

    def _lead_before(self, chunk: StoredChunk) -> str:
        """The list lead-in ending the chunk before, when ``chunk`` is in the same section."""
        pos = self.position.get(chunk.id)
        before = self.chunks[pos - 1] if pos else None
        if before is None or before.source != chunk.source or before.section != chunk.section \
                or before.kind != "text" or chunk.kind != "text":
            return ""
        last = before.body.rstrip().rsplit("\n", 1)[-1]
        return last.strip() if announces_list(last) else ""

    def about(self, source: str) -> str:
        """What a report as a whole is about: its title and its broker."""
        return f"{self.titles.get(source, '')} {self.brokers.get(source, '')}".strip()

    def keyword(self, query: str, n: int, sources: Collection[str] | None = None) -> list[tuple[str, float]]:
        """The ``n`` best chunks by BM25 (bm25s: a sparse matrix product, not a loop over
        chunks), within ``sources`` if given."""
        if not self.bm25:
            return []
        tokens = self.tokenizer.tokens(query)
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        if sources is not None:
            scores = np.where(self.in_sources(sources), scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.chunks[i].id, float(scores[i])) for i in top if scores[i] > 0]

    def dense(self, query: str, n: int, vector=None,
              sources: Collection[str] | None = None) -> list[tuple[str, float]]:
        """The ``n`` chunks nearest ``query`` by cosine, exactly: one product with every chunk's
        vector (2 ms at a thousand chunks). Chroma's HNSW graph, at its default search breadth,
        missed the nearest chunk of some questions and not of others from one start to the next."""
        if not self.chunks:
            return []
        vector = self.query_vector(query) if vector is None else np.asarray(vector, dtype=np.float32)
        scores = np.asarray(self.chunk_matrix @ vector, dtype=np.float64)
        if sources is not None:
            scores = np.where(self.in_sources(sources), scores, -np.inf)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.chunks[i].id, float(scores[i])) for i in top if np.isfinite(scores[i])]

    def in_sources(self, sources: Collection[str]) -> np.ndarray:
        """A mask over the chunks: those of ``sources``."""
        sources = set(sources)
        wanted = [i for i, s in enumerate(self.sources) if s in sources]
        return np.isin(self.chunk_source, wanted)

    def search(self, query: str, k: int = 5,
               sources: Collection[str] | None = None) -> list[tuple[StoredChunk, float]]:
        """Top ``k`` chunks for ``query`` with their fused (RRF) scores."""
        return [(c, s) for c, s, _ in self.search_scored(query, k, sources=sources)]

    def search_scored(self, query: str, k: int = 5, vector=None,
                      sources: Collection[str] | None = None) -> list[tuple[StoredChunk, float, float]]:
        """Top ``k`` chunks with their fused score and their cosine similarity to the query
        (0 for chunks found by keywords alone). ``vector``: the query's, if already known;
        ``sources``: only chunks of these reports."""
        if not self.chunks or not query.strip():
            return []
        pool = max(4 * k, 30)
        fused: dict[str, float] = {}
        dense = self.dense(query, pool, vector, sources)
        similarity = dict(dense)
        for ranking in (dense, self.keyword(query, pool, sources)):
            for rank, (cid, _) in enumerate(ranking):
                if cid in self.by_id:
                    fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        # keep the list diverse: rows share their table's caption and headers, so one table
        # can otherwise fill every slot; its whole-table chunk still stands for the rest
        out: list[tuple[StoredChunk, float, float]] = []
        per_table: dict[str, int] = {}
        for cid, score in sorted(fused.items(), key=lambda kv: -kv[1]):
            chunk = self.by_id[cid]
            if chunk.kind == "row":
                per_table[chunk.table_id] = per_table.get(chunk.table_id, 0) + 1
                if per_table[chunk.table_id] > MAX_ROWS_PER_TABLE:
                    continue
            out.append((chunk, score, similarity.get(cid, 0.0)))
            if len(out) == k:
                break
        return out


def _companies(tables) -> set[str]:
    """Names of listed companies: the short text cells of table rows that hold a securities
    code (300251.SZ · 光线传媒)."""
    out = set()
    for t in tables:
        for row in t.values:
            if any(v.kind == "code" for v in row):
                out.update(v.raw for v in row if v.kind == "text" and 2 <= len(v.raw) <= 8)
    return out


def section_title(section: str) -> str:
    return section.split(SEP)[-1]
