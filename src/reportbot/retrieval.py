"""Hybrid retrieval: Chroma dense search + BM25 over jieba tokens, fused by reciprocal rank."""

from __future__ import annotations

import re

import numpy as np
from rank_bm25 import BM25Okapi

from .dates import report_year
from .lexicon import learn_aliases, metric_words, synonyms_for
from .parse import SEP
from .store import Index, StoredChunk
from .tables import Table, table_from_dict
from .textproc import TermStats, Tokenizer, attribute_words, domain_words
from .units import Unit, unit_id, units_of
from .tuning import MAX_ROWS_PER_TABLE, RRF_K


class Retriever:
    """Keeps an in-memory view of the index for keyword search and answer extraction."""

    def __init__(self, index: Index):
        self.index = index
        self.refresh()

    def refresh(self) -> None:
        self.chunks = self.index.all_chunks()
        self.by_id = {c.id: c for c in self.chunks}
        self.rows_of: dict[str, list[StoredChunk]] = {}
        for c in self.chunks:
            if c.kind == "row":
                self.rows_of.setdefault(c.table_id, []).append(c)
        self.tables = [self._table(c) for c in self.chunks if c.kind == "table" and c.table_data]
        self.units_of: dict[str, list[Unit]] = {c.id: units_of(c) for c in self.chunks}
        self.stats = TermStats([u.norm for us in self.units_of.values() for u in us])
        texts = [c.body for c in self.chunks if c.kind == "text"]
        self.aliases = learn_aliases(self.tables, texts)
        texts_of: dict[str, list[str]] = {c.source: [] for c in self.chunks}
        for c in self.chunks:
            if c.kind == "text":
                texts_of[c.source].append(c.body)
        years = [report_year(src, src_texts) for src, src_texts in texts_of.items()]
        # relative dates ("去年") are read against the newest report in the corpus
        self.report_year = max((y for y in years if y), default=None)
        values = [v for c in self.chunks for _, v in c.cells]
        headers = [h for c in self.chunks for h, _ in c.cells]
        headings = [part for c in self.chunks for part in re.split(r"[：:、› ]+", c.section)]
        self.tokenizer = Tokenizer(domain_words([c.body for c in self.chunks], values),
                                   attribute_words(headers + headings), expand=self.expand,
                                   aliases=self.aliases.words(),
                                   metrics=metric_words(self._measure_headers()),
                                   known=self.stats.known)
        corpus = [self.tokenizer.tokens(c.text) for c in self.chunks]
        self.bm25 = BM25Okapi(corpus) if corpus else None
        self.unit_vectors = {k: np.asarray(v, dtype=np.float32)
                             for k, v in self.index.unit_vectors().items()}

    def query_vector(self, text: str):
        return np.asarray(self.index.embed([text])[0], dtype=np.float32)

    def similarity(self, unit: Unit, vector) -> float | None:
        """Cosine similarity of an answer unit to the question (vectors are normalized)."""
        vec = self.unit_vectors.get(unit_id(unit.chunk.id, unit))
        return None if vec is None or vector is None else float(vec @ vector)

    def _measure_headers(self) -> set[str]:
        """Headers of the tables' number columns (参数量, 总市值, PE): the report's metrics."""
        out = set()
        for t in self.tables:
            for col, path in enumerate(t.headers):
                if t.numeric(col):
                    out.update(p for p in path if p and not re.match(r"^(?:19|20)\d{2}", p))
        return attribute_words(out)

    def _table(self, chunk: StoredChunk) -> Table:
        rows = self.rows_of.get(chunk.table_id, [])
        return table_from_dict({**chunk.table_data, "id": chunk.table_id, "source": chunk.source,
                                "caption": chunk.table, "section": chunk.section,
                                "page": chunk.page, "row_ids": [r.id for r in rows]})

    def expand(self, word: str) -> tuple[str, ...]:
        """Other forms of a question word: its synonyms and, for a name, its aliases."""
        return tuple(dict.fromkeys(self.aliases.forms(word) + synonyms_for(word, self.stats.known)))

    def units(self, chunk: StoredChunk) -> list[Unit]:
        if chunk.kind == "table":
            return [u for row in self.rows_of.get(chunk.table_id, []) for u in self.units_of[row.id]]
        return self.units_of[chunk.id]

    def keyword(self, query: str, n: int) -> list[tuple[str, float]]:
        if not self.bm25:
            return []
        tokens = self.tokenizer.tokens(query)
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:n]
        return [(self.chunks[i].id, float(scores[i])) for i in order if scores[i] > 0]

    def search(self, query: str, k: int = 5) -> list[tuple[StoredChunk, float]]:
        """Top ``k`` chunks for ``query`` with their fused (RRF) scores."""
        return [(c, s) for c, s, _ in self.search_scored(query, k)]

    def search_scored(self, query: str, k: int = 5,
                      vector=None) -> list[tuple[StoredChunk, float, float]]:
        """Top ``k`` chunks with their fused score and their cosine similarity to the query
        (0 for chunks found by keywords alone). ``vector``: the query's, if already known."""
        if not self.chunks or not query.strip():
            return []
        pool = max(4 * k, 30)
        fused: dict[str, float] = {}
        dense = self.index.query(query, pool, vector)
        similarity = dict(dense)
        for ranking in (dense, self.keyword(query, pool)):
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


def section_title(section: str) -> str:
    return section.split(SEP)[-1]
