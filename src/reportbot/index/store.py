"""The Chroma index: chunks, answer-unit vectors, and a manifest of what is completely indexed.

Three collections: ``<name>`` (chunks, embedded), ``<name>_units`` (sentence and row vectors)
and ``<name>_manifest`` (one record per source file, written only after all its chunks are:
a file counts as indexed only then). Readers see only chunks of the file versions the manifest
names, so a crash mid-write never shows half a file. The ingest process itself is in ingest.py.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

from ..config import Settings, resolve_model
from ..documents.parse import PARSER_VERSION, Chunk
from ..documents.units import embed_text, unit_id, units_of
from ..tuning import (
    BYTES_PER_CHUNK_MIN_SAMPLE,
    DEFAULT_BYTES_PER_CHUNK,
    FREE_SPACE_MARGIN,
)
from . import folders
from .errors import DiskFull, guard
from .records import PAGE, StoredChunk, from_record, get_all, record_metadata, text_sha

log = logging.getLogger(__name__)

BATCH = 64  # records per Chroma write
# texts per model call: the texts go in sorted by length, so a batch pads little; 32 was the
# fastest of 8–128 for m3e-small on 2 CPU cores
ENCODE_BATCH = 32
LOOKUP_BATCH = 500  # text hashes per Chroma lookup of vectors already stored
MB = 1 << 20


# 2: a manifest collection says which file versions are complete (older indexes are rebuilt)
INDEX_VERSION = 2
GENERATION_ID = "__generation__"  # manifest record counting finished ingests (readers watch it)


def wipe(settings: Settings) -> None:
    """Remove a local index folder's contents, even when Chroma cannot open it."""
    folder = Path(settings.index_dir)
    if settings.chroma_url or not folder.is_dir():
        return
    for child in folder.iterdir():  # generation folders, CURRENT and views go too
        if child.name in (".gitkeep", ".ingest.lock"):
            continue
        shutil.rmtree(child) if child.is_dir() else child.unlink()


def _client(settings: Settings, folder: Path | None = None):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        settings.check()  # the URL's form
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https", settings=chroma_settings,
        )
    folder.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(folder), settings=chroma_settings)


def _close(client) -> None:
    try:
        client.close()
    except Exception:  # noqa: BLE001 - already released (a reopen dropped Chroma's cache)
        pass


class Index:
    """Chunks of the corpus in a Chroma collection, embedded with a sentence-transformers model."""

    @guard
    def __init__(self, settings: Settings):
        from chromadb.utils.embedding_functions import (
            SentenceTransformerEmbeddingFunction,
        )

        self.settings = settings
        self.root = Path(settings.index_dir)  # the local index folder (or a read-only one's copy)
        self.read_only = not settings.chroma_url and not folders.writable(self.root)
        if self.read_only:
            self.root = folders.read_only_copy(self.root)
        self.folder = folders.live_folder(self.root)  # the Chroma files in use
        self._previous: tuple | None = None  # while an ingest writes a new folder: what it replaces
        self._retired: list = []  # clients of replaced folders, closed at the next write
        # Always an explicit embedding function: Chroma's default one would download a model.
        self.embed = SentenceTransformerEmbeddingFunction(
            model_name=resolve_model(settings.embed_model), normalize_embeddings=True
        )
        self.signature = {
            "embed_model": settings.embed_model,
            "parser_version": PARSER_VERSION,
            "index_version": INDEX_VERSION,
        }
        try:
            self.client = _client(settings, self.folder)
            self.collection, self.units, self.manifest = self._open()
        except Exception as exc:
            # Chroma writes even to open: on a full disk the index is read from a copy elsewhere
            if settings.chroma_url or self.read_only or not folders.is_disk_full(exc):
                raise
            log.warning("the disk holding %s is full: answering from a copy of the index", self.root)
            self.read_only = True
            self.root = folders.read_only_copy(self.root)
            self.folder = folders.live_folder(self.root)
            self.client = _client(settings, self.folder)
            self.collection, self.units, self.manifest = self._open()
        self.collection.count()  # a damaged database fails here, not at the first question

    def reopen(self) -> None:
        """Open the index afresh, dropping Chroma's cached view of it (written by another
        process), in the folder CURRENT names now."""
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        if not self.settings.chroma_url and self._previous is None:
            self.folder = folders.live_folder(self.root)
        self.client = _client(self.settings, self.folder)
        self.collection, self.units, self.manifest = self._open()

    def moved(self) -> bool:
        """Whether another process's ingest has put a new folder in use since this one opened."""
        return (not self.settings.chroma_url and not self.read_only and self._previous is None
                and folders.live_folder(self.root) != self.folder)

    # --- writing a new folder, switched to only when complete --------------------------------
    def begin_write(self) -> None:
        """Write from now on into a copy of the folder in use (nothing of a Chroma server is
        copied: there the writes go in place)."""
        if self.read_only:
            raise RuntimeError(f"the index in {self.settings.index_dir} is read-only: questions are "
                               "answered from it as it is, but an ingest needs write access")
        if self.settings.chroma_url:
            return
        if self.moved():
            self.reopen()
        self._close_retired()
        folders.remove_strays(self.root, self.folder)
        need = folders.size_of(folders.chroma_entries(self.folder, self.root)) + FREE_SPACE_MARGIN
        self.check_space(need, "a copy of the index to write into")
        written = folders.new_generation(self.root, self.folder)
        self._previous = (self.folder, self.client, self.collection, self.units, self.manifest)
        self.folder = written
        try:
            self.client = _client(self.settings, self.folder)
            self.collection, self.units, self.manifest = self._open()
        except BaseException:
            self.rollback()
            raise

    def commit(self) -> None:
        """Put the written folder in use and remove the one it replaces."""
        if self._previous is None:
            return
        # closed first: Chroma writes its vector segments out when it stops, so the folder is
        # complete on disk before anyone (another process's next ingest) copies it
        _close(self.client)
        self.client = _client(self.settings, self.folder)
        self.collection, self.units, self.manifest = self._open()
        folders.publish(self.root, self.folder)
        previous, old_client = self._previous[0], self._previous[1]
        self._previous = None
        # closed at the next write, not now: a question being answered may still be reading it
        self._retired.append(old_client)
        folders.remove(self.root, previous)

    def rollback(self) -> None:
        """Go back to the folder in use before (still open: on a full disk, opening needs
        space), and remove what this ingest wrote."""
        if self._previous is None:
            return
        written, staging = self.folder, self.client
        self.folder, self.client, self.collection, self.units, self.manifest = self._previous
        self._previous = None
        _close(staging)  # its files' space is freed only once they are closed
        folders.remove(self.root, written)

    def _close_retired(self) -> None:
        while self._retired:
            _close(self._retired.pop())

    def check_space(self, need: int, what: str) -> None:
        """Stop cleanly, before writing, when the index's disk lacks ``need`` bytes."""
        if self.settings.chroma_url:
            return
        free = folders.free_bytes(self.root)
        if free < need:
            raise DiskFull(f"not enough free space for {what} in {Path(self.settings.index_dir).resolve()}: "
                           f"about {need / MB:.0f} MB needed, {free / MB:.0f} MB free; free some space "
                           "(or move the index with REPORTBOT_INDEX_DIR) and ingest again; the index "
                           "in use is unchanged")

    def bytes_per_chunk(self) -> float:
        """What a chunk (with its units) takes on disk in this index, to foresee an ingest's need."""
        n = self.count()
        if self.settings.chroma_url or n < BYTES_PER_CHUNK_MIN_SAMPLE:
            return DEFAULT_BYTES_PER_CHUNK
        return folders.size_of(folders.chroma_entries(self.folder, self.root)) / n

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
    @guard
    def manifest_records(self) -> dict[str, dict]:
        """source -> {"file_hash", "chunks", "units", "failed_hash", "failed_reason"}."""
        got = self.manifest.get(include=["metadatas"])
        return {i: m for i, m in zip(got["ids"], got["metadatas"]) if i != GENERATION_ID}

    def set_manifest(self, source: str, **fields) -> None:
        record = {**self.manifest_records().get(source, {}), **fields}
        self.manifest.upsert(ids=[source], embeddings=[[1.0]], metadatas=[record])

    def drop_manifest(self, source: str) -> None:
        self.manifest.delete(ids=[source])

    @guard
    def generation(self) -> int:
        """How many ingests have changed the index: a reader that saw another number reloads."""
        if self.moved():
            self.reopen()
        got = self.manifest.get(ids=[GENERATION_ID], include=["metadatas"])
        return int(got["metadatas"][0]["n"]) if got["ids"] else 0

    def bump_generation(self) -> None:
        self.manifest.upsert(ids=[GENERATION_ID], embeddings=[[1.0]],
                             metadatas=[{"n": self.generation() + 1}])

    def complete(self) -> dict[str, str]:
        """source -> the file hash whose chunks are all in the index."""
        return {s: m["file_hash"] for s, m in self.manifest_records().items() if m.get("file_hash")}

    @guard
    def stored_counts(self) -> tuple[Counter, Counter]:
        """(chunks, units) stored per (source, file hash), whatever the manifest says."""
        chunks = Counter((m["source"], m["file_hash"])
                         for m in get_all(self.collection, ["metadatas"])["metadatas"])
        units = Counter((m["source"], m["file_hash"])
                        for m in get_all(self.units, ["metadatas"])["metadatas"])
        return chunks, units

    @guard
    def count(self) -> int:
        return self.collection.count()

    @guard
    def all_chunks(self) -> list[StoredChunk]:
        """Every chunk of the file versions the manifest names as completely indexed."""
        complete = self.complete()
        got = get_all(self.collection, ["metadatas"])
        chunks = [from_record(i, m) for i, m in zip(got["ids"], got["metadatas"])
                  if complete.get(m["source"]) == m["file_hash"]]
        chunks.sort(key=lambda c: (c.source, c.order))
        return chunks

    @guard
    def unit_vectors(self, ids: list[str]) -> dict[str, object]:
        """unit id -> its vector (numpy), for ``ids``; read in pages, as SQLite binds a
        variable per id."""
        return self._vectors(self.units, ids)

    @guard
    def chunk_vectors(self, ids: list[str]) -> dict[str, object]:
        """chunk id -> its vector (numpy), for ``ids``."""
        return self._vectors(self.collection, ids)

    @staticmethod
    def _vectors(collection, ids: list[str]) -> dict[str, object]:
        out: dict[str, object] = {}
        for start in range(0, len(ids), PAGE):
            got = collection.get(ids=ids[start:start + PAGE], include=["embeddings"])
            out.update(zip(got["ids"], got["embeddings"]))
        return out

    @guard
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
                metadatas=[{**record_metadata(c, source, digest), "text_sha": sha}
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

    @guard
    def drop_other_versions(self, source: str, digest: str) -> None:
        stale = {"$and": [{"source": source}, {"file_hash": {"$ne": digest}}]}
        self.collection.delete(where=stale)
        self.units.delete(where=stale)

    @guard
    def delete_source(self, source: str) -> None:
        self.collection.delete(where={"source": source})
        self.units.delete(where={"source": source})
        self.drop_manifest(source)

    @guard
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
