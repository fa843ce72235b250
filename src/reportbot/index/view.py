"""The retriever's derived view of the index, persisted beside it so a start-up only loads it.

Built once per set of indexed file versions (the key is a hash of the manifest's complete
sources), normally at the end of an ingest; a reader that finds none builds and saves it. What
an earlier view computed per chunk (keyword tokens) or per unit (vectors) is reused by id where
the text is the same (a parser change keeps ids, not texts), so adding one report to two hundred
tokenizes and fetches only that report. Laid out in
``<index>/view-<key>/``:

- ``view.pkl``: chunks, tables and their search (``tablesearch.TableSearch``), aliases, the
  tokenizer's word lists, the report year, the units' normalized texts joined (term
  statistics), unit ids and each report's title;
- ``vectors.npy``: unit vectors in unit-id order (memory-mapped: pages are read as touched);
- ``chunk_vectors.npy``: chunk vectors in chunk order (searched exactly, see retrieval.py);
- ``bm25/``: the keyword index (bm25s: a sparse matrix, memory-mapped);
- ``grams/``: the unit texts' bigram index (``textindex.Grams``, memory-mapped), when they are
  many enough to need one;
- ``tokens.pkl``: each chunk's keyword tokens, read only by the next build.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import pickle
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..documents.cover import CoverFacts, broker_of, cover_facts
from ..documents.parse import PARSER_VERSION
from ..documents.tables import Table, table_from_dict
from ..documents.units import unit_id, units_of
from ..language.dates import report_year
from ..language.lexicons import Aliases, metric_words
from ..language.terms import normalize
from ..language.tokens import attribute_words, domain_words
from .aliases import learn_aliases
from .records import StoredChunk
from .store import Index
from .tablesearch import TableSearch
from .textindex import Grams

OPENING_PAGES = 4  # a cover without a date may print it on the first page of text
COVER_CHUNKS = 8  # a text file's cover: its first chunks (title, rating, analysts)
VIEW_VERSION = 11  # bump when what a view holds changes: older views are rebuilt
# (11: the chunks' vectors, searched exactly; 9: each report's cover facts; 8: each report's
# broker; 7: texts matched in simplified characters)


@dataclass
class View:
    key: str
    chunks: list[StoredChunk]
    tables: list[Table]
    aliases: Aliases
    names: set[str]
    attributes: set[str]
    metrics: set[str]
    report_year: int | None
    unit_texts: str  # normalized unit texts, NUL-separated (TermStats)
    unit_ids: list[str]
    titles: dict[str, str] = field(default_factory=dict)  # source -> report title
    brokers: dict[str, str] = field(default_factory=dict)  # source -> the broker it names most
    covers: dict[str, CoverFacts] = field(default_factory=dict)  # source -> what its first page says
    table_search: TableSearch | None = None  # the tables' words and cells, searchable
    folder: Path | None = None

    def vectors(self) -> np.ndarray:
        return np.load(self.folder / "vectors.npy", mmap_mode="r")

    def chunk_vectors(self) -> np.ndarray:
        return np.load(self.folder / "chunk_vectors.npy", mmap_mode="r")

    def grams(self) -> Grams | None:
        folder = self.folder / "grams" if self.folder else None
        return Grams.load(folder) if folder and folder.is_dir() else None

    def tokens(self) -> dict[str, list[str]]:
        with open(self.folder / "tokens.pkl", "rb") as f:
            return pickle.load(f)


def view_key(index: Index) -> str:
    complete = sorted(index.complete().items())
    signature = [VIEW_VERSION, PARSER_VERSION, index.settings.embed_model,
                 index.settings.collection, complete]
    return hashlib.sha1(json.dumps(signature, ensure_ascii=False).encode()).hexdigest()[:16]


def view_root(index: Index) -> Path:
    """Where views are saved: beside a local index; with a Chroma server (nothing written
    locally), a folder of this process's own, removed at exit."""
    if not index.settings.chroma_url:
        return index.root
    global _PROCESS_ROOT
    if _PROCESS_ROOT is None:
        _PROCESS_ROOT = Path(tempfile.mkdtemp(prefix="reportbot-view-"))
        atexit.register(shutil.rmtree, _PROCESS_ROOT, True)
    return _PROCESS_ROOT


_PROCESS_ROOT: Path | None = None


def _folders(index: Index) -> list[Path]:
    root = view_root(index)
    if not root.is_dir():
        return []
    found = []
    for folder in root.glob("view-*"):
        try:
            found.append((folder.stat().st_mtime, folder))
        except OSError:
            pass  # removed meanwhile by another process's save
    return [f for _, f in sorted(found)]


def latest(index: Index) -> View | None:
    """The most recently saved view, whatever its key: the next build reuses its work."""
    folders = _folders(index)
    return load(index, folders[-1].name[len("view-"):]) if folders else None


def saved(index: Index) -> bool:
    """Whether the view of the index as it is now is saved."""
    return (view_root(index) / f"view-{view_key(index)}" / "view.pkl").is_file()


def load(index: Index, key: str) -> View | None:
    folder = view_root(index) / f"view-{key}"
    try:
        with open(folder / "view.pkl", "rb") as f:
            view = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None  # none yet, or written by another version: built anew
    view.folder = folder
    return view


def report_title(source: str, chunks: list[StoredChunk]) -> str:
    """A report's title: the first line of its cover that reads like one (eight or more
    Chinese characters, not a label with a short value such as "行业评级：推荐"), else the
    file's name without its extension."""
    for line in (chunks[0].body.split("\n")[:12] if chunks else []):
        line = line.strip()
        cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in line)
        label, sep, value = line.replace(":", "：").partition("：")
        if cjk >= 8 and len(line) <= 60 and not (sep and len(value.strip()) <= 4):
            return line
    return Path(source).stem


def build(index: Index, key: str, tokenizer_for, previous: View | None) -> tuple[View, dict]:
    """A new view from the index; ``tokenizer_for(view)`` makes its keyword tokenizer.
    Returns the view and each chunk's keyword tokens (those of ``previous`` reused)."""
    chunks = index.all_chunks()
    rows_of: dict[str, list[StoredChunk]] = {}
    for c in chunks:
        if c.kind == "row":
            rows_of.setdefault(c.table_id, []).append(c)
    tables = [_table(c, rows_of) for c in chunks if c.kind == "table" and c.table_data]
    units = {c.id: units_of(c) for c in chunks}
    unit_texts = "\0".join(normalize(u.norm) for us in units.values() for u in us)
    by_source: dict[str, list[StoredChunk]] = {}
    for c in chunks:
        by_source.setdefault(c.source, []).append(c)
    texts = [c.body for c in chunks if c.kind == "text"]
    years = [report_year(src, [c.body for c in cs if c.kind == "text"]) for src, cs in by_source.items()]
    values = [v for c in chunks for _, v in c.cells]
    headers = [h for c in chunks for h, _ in c.cells]
    headings = [part for c in chunks for part in _heading_parts(c.section)]
    aliases = learn_aliases(tables, texts)
    view = View(
        key=key, chunks=chunks, tables=tables, table_search=TableSearch(tables), aliases=aliases,
        names=domain_words([c.body for c in chunks], values),
        attributes=attribute_words(headers + headings),
        metrics=metric_words(_measure_headers(tables)),
        # relative dates ("去年") are read against the newest report in the corpus
        report_year=max((y for y in years if y), default=None),
        unit_texts=unit_texts,
        unit_ids=[unit_id(cid, u) for cid, us in units.items() for u in us],
        titles={src: report_title(src, cs) for src, cs in by_source.items()},
        brokers={src: broker_of([c.body for c in cs if c.kind == "text"]) for src, cs in by_source.items()},
        covers={src: cover_facts(_cover_text(cs), _opening_text(cs)) for src, cs in by_source.items()},
    )
    tokenizer = tokenizer_for(view)
    old_tokens = previous.tokens() if previous else {}
    # an id names a file version's n-th chunk: after a parser change the same id may hold
    # another text, whose tokens are not the old ones
    old_text = {c.id: c.text for c in previous.chunks} if previous else {}
    tokens = {c.id: (old_tokens.get(c.id) if old_text.get(c.id) == c.text else None) or tokenizer.tokens(c.text)
              for c in chunks}
    return view, tokens


def _cover_text(chunks: list[StoredChunk]) -> str:
    """A report's first page (a text file's opening chunks, which have no pages)."""
    first = [c.body for c in chunks if c.page == 1]
    return "\n".join(first or [c.body for c in chunks[:COVER_CHUNKS]])


def _opening_text(chunks: list[StoredChunk]) -> str:
    return "\n".join(c.body for c in chunks if c.page and 1 < c.page <= OPENING_PAGES)


def save(index: Index, view: View, tokens: dict[str, list[str]], vectors: np.ndarray, bm25,
         grams: Grams | None, chunk_vectors: np.ndarray) -> View:
    """Write ``view`` atomically (a temporary folder renamed), drop older views."""
    root = view_root(index)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".view-", dir=root))
    try:
        with open(tmp / "view.pkl", "wb") as f:
            pickle.dump(view, f, protocol=pickle.HIGHEST_PROTOCOL)
        with open(tmp / "tokens.pkl", "wb") as f:
            pickle.dump(tokens, f, protocol=pickle.HIGHEST_PROTOCOL)
        np.save(tmp / "vectors.npy", vectors)
        np.save(tmp / "chunk_vectors.npy", chunk_vectors)
        bm25.save(str(tmp / "bm25"))
        if grams is not None:
            grams.save(tmp / "grams")
        folder = root / f"view-{view.key}"
        try:
            os.rename(tmp, folder)
        except OSError:
            # another process saved the same view first: theirs is used — unless what is
            # there cannot be read (written by another version of reportbot): replaced
            if load(index, view.key) is None:
                _replace(folder, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # the two newest stay: a reader may have just read the previous one's view.pkl and not
    # yet its other files (one that has them memory-mapped keeps reading them anyway)
    for old in [f for f in _folders(index) if f.name != f"view-{view.key}"][:-1]:
        shutil.rmtree(old, ignore_errors=True)
    view.folder = root / f"view-{view.key}"
    return view


def _replace(folder: Path, new: Path) -> None:
    stale = Path(tempfile.mkdtemp(prefix=".stale-", dir=folder.parent))
    try:
        os.rename(folder, stale / folder.name)
        os.rename(new, folder)
    except OSError:
        pass  # replaced meanwhile by another process
    shutil.rmtree(stale, ignore_errors=True)


def unit_vectors(index: Index, view: View, previous: View | None) -> np.ndarray:
    """The units' vectors in ``view.unit_ids`` order: from the previous view where it has
    them, the rest from the index."""
    known: dict[str, np.ndarray] = {}
    if previous is not None:
        old = previous.vectors()
        # the same id with another text (a parser change re-read the file) is another unit
        wanted = dict(zip(view.unit_ids, view.unit_texts.split("\0")))
        known = {uid: old[i] for i, (uid, text) in enumerate(zip(previous.unit_ids, previous.unit_texts.split("\0")))
                 if wanted.get(uid) == text}
    known.update(index.unit_vectors([uid for uid in view.unit_ids if uid not in known]))
    dim = len(next(iter(known.values()))) if known else 1
    out = np.zeros((len(view.unit_ids), dim), dtype=np.float32)
    for i, uid in enumerate(view.unit_ids):
        if uid in known:
            out[i] = known[uid]
    return out


def chunk_vectors(index: Index, view: View, previous: View | None) -> np.ndarray:
    """The chunks' vectors in ``view.chunks`` order: from the previous view where a chunk has
    the same id and text, the rest from the index."""
    known: dict[str, np.ndarray] = {}
    if previous is not None:
        try:
            old = previous.chunk_vectors()
        except (OSError, ValueError):
            old = None  # a view saved before chunk vectors were kept
        if old is not None and len(old) == len(previous.chunks):
            wanted = {c.id: c.text for c in view.chunks}
            known = {c.id: old[i] for i, c in enumerate(previous.chunks) if wanted.get(c.id) == c.text}
    known.update(index.chunk_vectors([c.id for c in view.chunks if c.id not in known]))
    dim = len(next(iter(known.values()))) if known else 1
    out = np.zeros((len(view.chunks), dim), dtype=np.float32)
    for i, c in enumerate(view.chunks):
        if c.id in known:
            out[i] = known[c.id]
    return out


def _heading_parts(section: str) -> list[str]:
    return re.split(r"[：:、› ]+", section)


def _measure_headers(tables: list[Table]) -> set[str]:
    """Headers of the tables' number columns (参数量, 总市值, PE): the report's metrics."""
    out = set()
    for t in tables:
        for col, path in enumerate(t.headers):
            if t.numeric(col):
                out.update(p for p in path if p and not re.match(r"^(?:19|20)\d{2}", p))
    return attribute_words(out)


def _table(chunk: StoredChunk, rows_of: dict[str, list[StoredChunk]]) -> Table:
    rows = rows_of.get(chunk.table_id, [])
    return table_from_dict({**chunk.table_data, "id": chunk.table_id, "source": chunk.source,
                            "caption": chunk.table, "section": chunk.section,
                            "page": chunk.page, "row_ids": [r.id for r in rows]})
