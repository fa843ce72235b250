"""The Chroma index: incremental, idempotent ingestion keyed by file content hashes."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .config import ConfigError, Settings, resolve_model
from .loaders import LoadError, file_hash, list_corpus, load_pages, unsupported_files
from .parse import PARSER_VERSION, Chunk, parse_pages
from .units import embed_text, unit_id, units_of

log = logging.getLogger(__name__)

BATCH = 64  # records per Chroma write
# texts per model call: the texts go in sorted by length, so a batch pads little; 32 was the
# fastest of 8–128 for m3e-small on 2 CPU cores
ENCODE_BATCH = 32


@dataclass
class StoredChunk(Chunk):
    id: str = ""
    source: str = ""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # pages skipped in files that were indexed
    rebuilt: str = ""  # why the whole index was rebuilt, if it was
    chunks: int = 0  # chunks in the index afterwards

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)

    def summary(self) -> str:
        lines = []
        if self.rebuilt:
            lines.append(f"rebuilt the index: {self.rebuilt}")
        for label, items in (("added", self.added), ("updated", self.updated),
                             ("removed", self.removed), ("unchanged", self.unchanged)):
            if items:
                lines.append(f"{label}: {', '.join(items)}")
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
        }
        self.collection, self.units = self._open()

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
        return chunks, units

    def encode(self, texts: list[str]) -> list:
        """Vectors for ``texts``, encoded shortest first (little padding), returned in order."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list = [None] * len(texts)
        for start in range(0, len(order), ENCODE_BATCH):
            part = order[start:start + ENCODE_BATCH]
            for i, vec in zip(part, self.embed([texts[i] for i in part])):
                vectors[i] = vec
        return vectors

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
        return ""

    def reset(self) -> None:
        for name in (self.settings.collection, f"{self.settings.collection}_units"):
            try:
                self.client.delete_collection(name)
            except Exception:  # noqa: BLE001 - it may not exist yet (an index of an older version)
                pass
        self.collection, self.units = self._open()

    def sources(self) -> dict[str, set[str]]:
        """source -> file hashes of what is indexed now (one, unless a run was interrupted)."""
        got = self.collection.get(include=["metadatas"])
        out: dict[str, set[str]] = {}
        for m in got["metadatas"]:
            out.setdefault(m["source"], set()).add(m["file_hash"])
        return out

    def count(self) -> int:
        return self.collection.count()

    def all_chunks(self) -> list[StoredChunk]:
        got = self.collection.get(include=["metadatas"])
        chunks = [_from_record(i, m) for i, m in zip(got["ids"], got["metadatas"])]
        chunks.sort(key=lambda c: (c.source, c.order))
        return chunks

    def query(self, text: str, n: int, vector=None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``n`` nearest chunks."""
        n = min(n, self.count())
        if n <= 0:
            return []
        vector = self.embed([text])[0] if vector is None else vector
        res = self.collection.query(query_embeddings=[vector], n_results=n, include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(res["ids"][0], res["distances"][0])]

    def unit_vectors(self) -> dict[str, object]:
        """unit id -> its vector (numpy), for every answer unit in the index."""
        got = self.units.get(include=["embeddings"])
        return dict(zip(got["ids"], got["embeddings"]))

    def _replace(self, source: str, digest: str, chunks: list[Chunk]) -> None:
        # add the new version first, then drop the old one: an interrupted run loses nothing
        prefix = hashlib.sha1(source.encode()).hexdigest()[:10]
        ids = [f"{prefix}:{digest[:12]}:{c.order}" for c in chunks]
        vectors = self.encode([c.text for c in chunks])
        for start in range(0, len(chunks), BATCH):
            part = chunks[start:start + BATCH]
            self.collection.add(
                ids=ids[start:start + BATCH],
                embeddings=vectors[start:start + BATCH],
                documents=[c.text for c in part],
                metadatas=[_metadata(c, source, digest) for c in part],
            )
        units = [(unit_id(cid, u), u) for cid, c in zip(ids, chunks) for u in units_of(c)]
        unit_vectors = self.encode([embed_text(u) for _, u in units])
        for start in range(0, len(units), BATCH):
            part = units[start:start + BATCH]
            self.units.add(ids=[i for i, _ in part], embeddings=unit_vectors[start:start + BATCH],
                           metadatas=[{"source": source, "file_hash": digest}] * len(part))
        stale = {"$and": [{"source": source}, {"file_hash": {"$ne": digest}}]}
        self.collection.delete(where=stale)
        self.units.delete(where=stale)

    def ingest(self, corpus_dir: Path | None = None) -> IngestReport:
        """Bring the index in line with the corpus folder; safe to run any number of times."""
        corpus_dir = Path(corpus_dir or self.settings.corpus_dir)
        report = IngestReport()
        files = list_corpus(corpus_dir)  # raises LoadError if the folder is missing
        for path in unsupported_files(corpus_dir):
            report.errors.append((str(path), "unsupported file type (use .txt, .md or .pdf); skipped"))
        if reason := self.stale_reason():
            report.rebuilt = reason
            self.reset()
        indexed = self.sources()
        seen: set[str] = set()
        for path in files:
            source = path.relative_to(corpus_dir).as_posix()
            seen.add(source)
            digest = file_hash(path)
            if indexed.get(source) == {digest}:
                report.unchanged.append(source)
                continue
            try:
                pages = load_pages(path)
                chunks = parse_pages(pages, source)
                if not chunks:
                    raise LoadError(path, "no text found in the file")
            except LoadError as exc:
                # keep whatever an earlier good version of this file put in the index
                report.errors.append((str(path), exc.reason))
                continue
            report.warnings.extend((str(path), w) for p in pages for w in p.warnings)
            self._replace(source, digest, chunks)
            (report.updated if source in indexed else report.added).append(source)
        for source in sorted(set(indexed) - seen):
            self.collection.delete(where={"source": source})
            self.units.delete(where={"source": source})
            report.removed.append(source)
        report.chunks = self.count()
        return report
