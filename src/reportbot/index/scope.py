"""Which reports a question is about: the ones the asker picked (``sources=``), the one the
question names ("南京证券那篇…"), or all; and a retriever that sees only those."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import cached_property

import numpy as np

from ..language.terms import Term, normalize
from ..tuning import COVER_LINES, NAMING_COVER_SHARE
from .bounded import remember
from .records import StoredChunk
from .retrieval import Retriever
from .tablesearch import TableSearch
from .textindex import TermStats, TextIndex


class ScopeError(ValueError):
    """``sources`` names no report of the corpus."""


def resolve_sources(retriever: Retriever, sources: Iterable[str] | str | None) -> frozenset[str] | None:
    """The corpus files that ``sources`` names, each by file name, path or report title;
    None for all. An unknown name is an error that lists the reports."""
    if sources is None:
        return None
    if isinstance(sources, str):
        sources = [sources]
    wanted = [str(s).strip() for s in sources if str(s).strip()]
    if not wanted:
        return None
    by_name = {}
    for source, title in retriever.titles.items():
        for name in (source, source.rsplit("/", 1)[-1], title):
            by_name.setdefault(normalize(name), source)
    out, unknown = set(), []
    for name in wanted:
        key = next((k for k in (normalize(name), normalize(name.rsplit("/", 1)[-1])) if k in by_name), None)
        if key is not None:
            out.add(by_name[key])
        else:
            unknown.append(name)
    if unknown:
        listed = "; ".join(f"{s} ({t})" for s, t in list(retriever.titles.items())[:20])
        more = f" … and {len(retriever.titles) - 20} more" if len(retriever.titles) > 20 else ""
        raise ScopeError(f"no report named {', '.join(map(repr, unknown))} in the corpus; "
                         f"the reports are: {listed}{more}")
    return frozenset(out)


def named_reports(retriever: Retriever, question: str,
                  terms: list[Term]) -> tuple[frozenset[str] | None, list[Term]]:
    """The reports a question names ("南京证券那篇报告的评级"): it speaks of a report (那篇,
    这份, 报告, report …) and one of its names (a broker, a company, a title word) is on the
    covers of few reports (file name, title, first lines). Returns them and the words that
    name them; None and [] when it names none."""
    if len(retriever.sources) < 2 or not _REPORT_CUE_RE.search(question):
        return None, []
    covers = _covers(retriever)
    limit = max(1, int(NAMING_COVER_SHARE * len(retriever.sources)))
    named: set[int] = set()
    naming: list[Term] = []
    for t in terms:
        # a name as asked: not a synonym, nor what is asked about (评级, 行业)
        form = t.text
        if t.role != "entity" or len(form) < 2 or (form.isascii() and len(form) < 3):
            continue
        found = covers.containing(form)
        if 0 < len(found) <= limit:
            named.update(found.tolist())
            naming.append(t)
    if naming:
        # a neighbouring word that the cover writes with the naming one is part of the name:
        # "南京" + "证券" when the cover says 南京证券
        text = "\0".join(covers.text(i) for i in named)
        for t in terms:
            if t not in naming and any(n.text + t.text in text or t.text + n.text in text
                                       for n in naming):
                naming.append(t)
    if not any(t.key and t not in naming for t in terms):
        naming = []  # the name is all the question asks about: keep it in the search
    return (frozenset(retriever.sources[i] for i in named) or None), naming


# what a report is called: 报告, 研报 and its kinds by period or form (周报, 快报, 点评); note,
# study and paper in English (not 深度 or 专题: 深度学习 names no report)
_REPORT_CUE_RE = re.compile(r"[那这哪该此][篇份]|报告|研报|[日周月季年快简]报|点评|"
                            r"\b(?:reports?|notes?|stud(?:y|ies)|papers?)\b", re.IGNORECASE)


def _covers(retriever: Retriever) -> TextIndex:
    cached = getattr(retriever, "_cover_text", None)
    if cached is None:
        first: dict[str, StoredChunk] = {}
        for c in retriever.chunks:
            first.setdefault(c.source, c)
        cached = TextIndex(
            normalize(f"{s}\n{retriever.about(s)}\n"
                      + "\n".join(first[s].body.split("\n")[:COVER_LINES] if s in first else []))
            for s in retriever.sources)
        retriever._cover_text = cached
    return cached


class ScopedRetriever:
    """The retriever as seen by a question about some reports only: its search, tables and
    chunks are theirs; everything else (tokenizer, term statistics) is the corpus's."""

    def __init__(self, base: Retriever, sources: Collection[str]):
        self._base = base
        self.scope = frozenset(sources)
        self.tables = [t for t in base.tables if t.source in self.scope]

    def __getattr__(self, name):
        return getattr(self._base, name)

    @cached_property
    def table_search(self) -> TableSearch:
        return TableSearch(self.tables)

    @cached_property
    def chunks(self) -> list[StoredChunk]:
        return [c for c in self._base.chunks if c.source in self.scope]

    @cached_property
    def stats(self) -> TermStats:
        """Term statistics of these reports alone: a refusal says what *they* lack."""
        base = self._base
        return TermStats(base.stats.units, np.array([s in self.scope for s in base.unit_sources], dtype=bool))

    def search(self, query: str, k: int = 5, sources=None):
        return self._base.search(query, k, sources=self.scope)

    def search_scored(self, query: str, k: int = 5, vector=None, sources=None):
        return self._base.search_scored(query, k, vector, sources=self.scope)

    def keyword(self, query: str, n: int, sources=None):
        return self._base.keyword(query, n, self.scope)


def scoped(retriever: Retriever, sources: frozenset[str] | None):
    """``retriever`` limited to ``sources`` (the same object for the same scope, so caches
    keyed on its tables hold); itself when the scope is every report."""
    if sources is None or set(sources) >= set(retriever.sources):
        return retriever
    cache = retriever.__dict__.setdefault("_scoped", {})
    found = cache.get(sources)
    return found if found is not None else remember(cache, sources, ScopedRetriever(retriever, sources), 16)
