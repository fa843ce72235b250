"""The Chroma index: chunks, answer-unit vectors, and a manifest of what is completely indexed.

Three collections: ``<name>`` (chunks, embedded), ``<name>_units`` (sentence and row vectors)
and ``<name>_manifest`` (one record per source file, written only after all its chunks are:
a file counts as indexed only then). Readers see only chunks of the file versions the manifest
names, so a crash mid-write never shows half a file. The ingest process itself is in ingest.py.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from ..config import ConfigError, Settings, resolve_model
from ..documents.parse import PARSER_VERSION, Chunk
from ..documents.units import embed_text, unit_id, units_of

log = logging.getLogger(__name__)

BATCH = 64  # records per Chroma write
# texts per model call: the texts go in sorted by length, so a batch pads little; 32 was the
# fastest of 8–128 for m3e-small on 2 CPU cores
ENCODE_BATCH = 32
LOOKUP_BATCH = 500  # text hashes per Chroma lookup of vectors already stored
PAGE = 5000  # records per Chroma read of a whole collection
SUMMARY_NAMES = 10  # file names an ingest summary lists per kind of change


@dataclass
class StoredChunk(Chunk):
    id: str = ""
    source: str = ""


# 2: a manifest collection says which file versions are complete (older indexes are rebuilt)
INDEX_VERSION = 2
GENERATION_ID = "__generation__"  # manifest record counting finished ingests (readers watch it)
_DAMAGE_WORDS = ("malformed", "not a database", "disk image", "no such table", "file is encrypted",
                 "database corruption", "unable to open database", "error finding id", "nothing found on disk",
                 "hnsw", "segment")


class IndexDamaged(RuntimeError):
    """The stored index cannot be read; the message names the folder and the way out."""


# Another process wrote the index since this one opened it: Chroma's in-memory view is behind.
_STALE_WORDS = ("error finding id", "nothing found on disk")


def _guard(method):
    """Turn the storage errors of a damaged index into one clear IndexDamaged. An error that
    another process's writes cause (a stale in-memory view) reopens the index and retries once."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        for attempt in (1, 2):
            try:
                return method(self, *args, **kwargs)
            except (IndexDamaged, ConfigError):
                raise
            except Exception as exc:  # noqa: BLE001 - sqlite, Rust and HNSW errors come in many types
                message = str(exc).lower()
                if attempt == 1 and any(w in message for w in _STALE_WORDS) and hasattr(self, "client"):
                    self.reopen()
                    continue
                if any(w in message for w in _DAMAGE_WORDS):
                    raise IndexDamaged(damage_message(self.settings, exc)) from exc
                raise
    return wrapper


def damage_message(settings: Settings, exc: Exception) -> str:
    where = settings.chroma_url or str(Path(settings.index_dir).resolve())
    return (f"the index in {where} is damaged ({str(exc).splitlines()[0][:160]}); rebuild it from "
            f"the corpus with `reportbot ingest --rebuild`")


def wipe(settings: Settings) -> None:
    """Remove a local index folder's contents, even when Chroma cannot open it."""
    folder = Path(settings.index_dir)
    if settings.chroma_url or not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.name in (".gitkeep", ".ingest.lock"):
            continue
        shutil.rmtree(child) if child.is_dir() else child.unlink()


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # partly written before (a crash): written again
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # pages skipped in files that were indexed
    rebuilt: str = ""  # why the whole index was rebuilt, if it was
    chunks: int = 0  # chunks in the index afterwards

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.repaired or self.rebuilt)

    def summary(self) -> str:
        lines = []
        if self.rebuilt:
            lines.append(f"rebuilt the index: {self.rebuilt}")
        for label, items in (("added", self.added), ("updated", self.updated),
                             ("repaired", self.repaired), ("removed", self.removed),
                             ("unchanged", self.unchanged)):
            if items:  # a library's hundreds of names would bury the rest
                names = ", ".join(items[:SUMMARY_NAMES]) + (f" … ({len(items)} files)" if len(items) > SUMMARY_NAMES else "")
                lines.append(f"{label}: {names}")
        for path, reason in self.errors:
            lines.append(f"ERROR {path}: {reason}")
        for path, reason in self.warnings:
            lines.append(f"WARNING {path}: {reason}")
        lines.append(f"{self.chunks} chunks in the index")
        return "\n".join(lines)


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(
                f"REPORTBOT_CHROMA_URL must look like http://host:8000, got {settings.chroma_url!r}"
            )
        return chromadb.HttpClient(
            host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https", settings=chroma_settings,
        )
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


def _metadata(chunk: Chunk, source: str, digest: str) -> dict:
    return {
        "source": source,
        "file_hash": digest,
        "kind": chunk.kind,
        "body": chunk.body,
        "section": chunk.section,
        "page": chunk.page or 0,
        "table": chunk.table,
        "table_id": f"{source}#{chunk.table_id}" if chunk.table_id else "",
        "row": chunk.row,
        "row_no": chunk.row_no,
        "cells": json.dumps(chunk.cells, ensure_ascii=False) if chunk.cells else "",
        "table_data": json.dumps(chunk.table_data, ensure_ascii=False) if chunk.table_data else "",
        "order": chunk.order,
    }


def _get_all(collection, include: list[str]) -> dict:
    """Every record of ``collection``, read in pages: one read of all records binds a SQL
    variable per record, and SQLite refuses over 32766 of them (about 80 reports' units)."""
    out: dict[str, list] = {"ids": [], **{k: [] for k in include}}
    while True:
        got = collection.get(include=include, limit=PAGE, offset=len(out["ids"]))
        for key in out:
            out[key].extend(got[key] if got[key] is not None else [])
        if len(got["ids"]) < PAGE:
            return out


def text_sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _from_record(cid: str, meta: dict) -> StoredChunk:
    cells = [tuple(c) for c in json.loads(meta["cells"])] if meta.get("cells") else []
    return StoredChunk(
        kind=meta["kind"], body=meta["body"], section=meta["section"],
        page=meta.get("page") or None, table=meta.get("table", ""),
        table_id=meta.get("table_id", ""), row=meta.get("row", ""),
        row_no=meta.get("row_no", 0), cells=cells, order=meta.get("order", 0),
        table_data=json.loads(meta["table_data"]) if meta.get("table_data") else None,
        id=cid, source=meta["source"],
    )


class Index:
    """Chunks of the corpus in a Chroma collection, embedded with a sentence-transformers model."""

    @_guard
    def __init__(self, settings: Settings):
        from chromadb.utils.embedding_functions import SentenceTransformerEmbeddingFunction

        self.settings = settings
        self.client = _client(settings)
        # Always an explicit embedding function: Chroma's default one would download a model.
        self.embed = SentenceTransformerEmbeddingFunction(
            model_name=resolve_model(settings.embed_model), normalize_embeddings=True
        )
        self.signature = {
            "embed_model": settings.embed_model,
            "parser_version": PARSER_VERSION,
            "index_version": INDEX_VERSION,
        }
        self.collection, self.units, self.manifest = self._open()
        self.collection.count()  # a damaged database fails here, not at the first question

    def reopen(self) -> None:
        """Open the index afresh, dropping Chroma's cached view of it (written by another process)."""
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        self.client = _client(self.settings)
        self.collection, self.units, self.manifest = self._open()

    def _open(self):
        chunks = self.client.get_or_create_collection(
            self.settings.collection,
            embedding_function=self.embed,
            metadata=dict(self.signature),
            configuration={"hnsw": {"space": "cosine"}},
        )
        # the answer units' vectors (sentences, rows), for semantic matching of the question
        units = self.client.get_or_create_collection(
            f"{self.settings.collection}_units",
            embedding_function=self.embed,
            metadata=dict(self.signature),
            configuration={"hnsw": {"space": "cosine"}},
        )
        # one record per source: what version is completely indexed (or failed), and its counts;
        # records carry a constant 1-d vector (nothing here is searched by meaning)
        manifest = self.client.get_or_create_collection(
            f"{self.settings.collection}_manifest", embedding_function=self.embed,
            metadata=dict(self.signature))
        return chunks, units, manifest

    def encode(self, texts: list[str]) -> list:
        """Vectors for ``texts``, encoded shortest first (little padding), returned in order."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list = [None] * len(texts)
        for start in range(0, len(order), ENCODE_BATCH):
            part = order[start:start + ENCODE_BATCH]
            for i, vec in zip(part, self.embed([texts[i] for i in part])):
                vectors[i] = vec
        return vectors

    def _encode_new(self, collection, texts: list[str]) -> tuple[list, list[str]]:
        """Vectors for ``texts``, taken from ``collection`` where the same text is already
        embedded (a broker's reports share boilerplate; a re-ingest after a crash shares all),
        the rest encoded. Also each text's hash to store, "" for a reused vector: only the
        record that was encoded carries it, so a lookup finds one record per text however
        many reports repeat it."""
        shas = [text_sha(t) for t in texts]
        known: dict[str, object] = {}
        wanted = list(dict.fromkeys(shas))
        for start in range(0, len(wanted), LOOKUP_BATCH):
            got = collection.get(where={"text_sha": {"$in": wanted[start:start + LOOKUP_BATCH]}},
                                 include=["embeddings", "metadatas"])
            for meta, vec in zip(got["metadatas"], got["embeddings"]):
                known[meta["text_sha"]] = vec
        reused = set(known)
        todo = list(dict.fromkeys(t for t, sha in zip(texts, shas) if sha not in known))
        for text, vec in zip(todo, self.encode(todo)):
            known[text_sha(text)] = vec
        return [known[sha] for sha in shas], ["" if sha in reused else sha for sha in shas]

    def stale_reason(self) -> str:
        """Why the stored index cannot be reused with the current settings ('' if it can)."""
        meta = self.collection.metadata or {}
        if self.collection.count() == 0:
            return ""
        if meta.get("embed_model") != self.signature["embed_model"]:
            return (f"it was built with embedding model {meta.get('embed_model')!r}, "
                    f"now {self.signature['embed_model']!r}")
        if meta.get("parser_version") != self.signature["parser_version"]:
            return "it was built by an older version of the parser"
        if meta.get("index_version") != self.signature["index_version"]:
            return "it was built by an older version of reportbot (no manifest)"
        return ""

    def reset(self) -> None:
        for name in (self.settings.collection, f"{self.settings.collection}_units",
                     f"{self.settings.collection}_manifest"):
            try:
                self.client.delete_collection(name)
            except Exception:  # noqa: BLE001 - it may not exist yet (an index of an older version)
                pass
        self.collection, self.units, self.manifest = self._open()

    # --- the manifest ---------------------------------------------------------------------
    @_guard
    def manifest_records(self) -> dict[str, dict]:
        """source -> {"file_hash", "chunks", "units", "failed_hash", "failed_reason"}."""
        got = self.manifest.get(include=["metadatas"])
        return {i: m for i, m in zip(got["ids"], got["metadatas"]) if i != GENERATION_ID}

    def set_manifest(self, source: str, **fields) -> None:
        record = {**self.manifest_records().get(source, {}), **fields}
        self.manifest.upsert(ids=[source], embeddings=[[1.0]], metadatas=[record])

    def drop_manifest(self, source: str) -> None:
        self.manifest.delete(ids=[source])

    @_guard
    def generation(self) -> int:
        """How many ingests have changed the index: a reader that saw another number reloads."""
        got = self.manifest.get(ids=[GENERATION_ID], include=["metadatas"])
        return int(got["metadatas"][0]["n"]) if got["ids"] else 0

    def bump_generation(self) -> None:
        self.manifest.upsert(ids=[GENERATION_ID], embeddings=[[1.0]],
                             metadatas=[{"n": self.generation() + 1}])

    def complete(self) -> dict[str, str]:
        """source -> the file hash whose chunks are all in the index."""
        return {s: m["file_hash"] for s, m in self.manifest_records().items() if m.get("file_hash")}

    @_guard
    def stored_counts(self) -> tuple[Counter, Counter]:
        """(chunks, units) stored per (source, file hash), whatever the manifest says."""
        chunks = Counter((m["source"], m["file_hash"])
                         for m in _get_all(self.collection, ["metadatas"])["metadatas"])
        units = Counter((m["source"], m["file_hash"])
                        for m in _get_all(self.units, ["metadatas"])["metadatas"])
        return chunks, units

    @_guard
    def count(self) -> int:
        return self.collection.count()

    @_guard
    def all_chunks(self) -> list[StoredChunk]:
        """Every chunk of the file versions the manifest names as completely indexed."""
        complete = self.complete()
        got = _get_all(self.collection, ["metadatas"])
        chunks = [_from_record(i, m) for i, m in zip(got["ids"], got["metadatas"])
                  if complete.get(m["source"]) == m["file_hash"]]
        chunks.sort(key=lambda c: (c.source, c.order))
        return chunks

    @_guard
    def query(self, text: str, n: int, vector=None, where: dict | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``n`` nearest chunks (matching ``where``)."""
        n = min(n, self.count())
        if n <= 0:
            return []
        vector = self.embed([text])[0] if vector is None else vector
        res = self.collection.query(query_embeddings=[vector], n_results=n, where=where,
                                    include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(res["ids"][0], res["distances"][0])]

    @_guard
    def unit_vectors(self, ids: list[str]) -> dict[str, object]:
        """unit id -> its vector (numpy), for ``ids``; read in pages, as SQLite binds a
        variable per id."""
        out: dict[str, object] = {}
        for start in range(0, len(ids), PAGE):
            got = self.units.get(ids=ids[start:start + PAGE], include=["embeddings"])
            out.update(zip(got["ids"], got["embeddings"]))
        return out

    @_guard
    def write_source(self, source: str, digest: str, chunks: list[Chunk]) -> tuple[int, int]:
        """Store one file version's chunks and unit vectors (upsert: a rerun after a crash
        writes the same ids again), then drop its other versions. Returns (chunks, units)."""
        prefix = hashlib.sha1(source.encode()).hexdigest()[:10]
        ids = [f"{prefix}:{digest[:12]}:{c.order}" for c in chunks]
        vectors, shas = self._encode_new(self.collection, [c.text for c in chunks])
        for start in range(0, len(chunks), BATCH):
            part = chunks[start:start + BATCH]
            self.collection.upsert(
                ids=ids[start:start + BATCH],
                embeddings=vectors[start:start + BATCH],
                documents=[c.text for c in part],
                metadatas=[{**_metadata(c, source, digest), "text_sha": sha}
                           for c, sha in zip(part, shas[start:start + BATCH])],
            )
        units = [(unit_id(cid, u), u) for cid, c in zip(ids, chunks) for u in units_of(c)]
        unit_texts = [embed_text(u) for _, u in units]
        unit_vectors, unit_shas = self._encode_new(self.units, unit_texts)
        for start in range(0, len(units), BATCH):
            part = units[start:start + BATCH]
            self.units.upsert(ids=[i for i, _ in part], embeddings=unit_vectors[start:start + BATCH],
                              metadatas=[{"source": source, "file_hash": digest, "text_sha": sha}
                                         for sha in unit_shas[start:start + BATCH]])
        return len(chunks), len(units)

    @_guard
    def drop_other_versions(self, source: str, digest: str) -> None:
        stale = {"$and": [{"source": source}, {"file_hash": {"$ne": digest}}]}
        self.collection.delete(where=stale)
        self.units.delete(where=stale)

    @_guard
    def delete_source(self, source: str) -> None:
        self.collection.delete(where={"source": source})
        self.units.delete(where={"source": source})
        self.drop_manifest(source)

    @_guard
    def dense_coverage(self) -> tuple[int, int, int, int]:
        """(chunks stored, chunks dense search reaches, units stored, units reached): a
        damaged vector segment reaches fewer than are stored."""
        out = []
        for collection in (self.collection, self.units):
            n = collection.count()
            if n == 0:
                out += [0, 0]
                continue
            probe = collection.get(limit=1, include=["embeddings"])["embeddings"][0]
            found = collection.query(query_embeddings=[probe], n_results=n, include=[])
            out += [n, len(set(found["ids"][0]))]
        return tuple(out)
