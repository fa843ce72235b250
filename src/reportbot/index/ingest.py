"""Bringing the index in line with the corpus folder: safely, one writer at a time.

- Per file, all-or-nothing: a file counts as indexed only when its manifest record is written,
  after all its chunks and unit vectors. An ingest that finds a file's stored chunks short of
  its manifest (a crash, a damaged write) writes it again.
- Every per-file step (hashing included) is guarded: a file that cannot be read, opened or
  parsed is reported with its reason and skipped; the rest is indexed. A failure is remembered
  with the file's hash, so that asking questions does not retry it until it changes.
- One writer at a time: a file lock beside the index; a second ingest waits, saying so.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from ..documents.corpus import survey
from ..documents.limits import Limits
from ..documents.loaders import LoadError, file_hash, load_pages
from ..documents.parse import parse_pages
from ..documents.safety import Quarantined, quarantine
from ..tuning import CHUNK_SPACE_FACTOR, FREE_SPACE_MARGIN
from .errors import DiskFull
from .folders import free_bytes, is_disk_full
from .store import Index

log = logging.getLogger(__name__)

SUMMARY_NAMES = 10  # file names an ingest summary lists per kind of change


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


@dataclass
class Progress:
    """Where an ingest is: ``files_done`` of ``files`` (``source`` the one just handled),
    ``chunks`` written so far by this ingest. ``stage`` is "files", then "view"."""

    files_done: int
    files: int
    source: str = ""
    chunks: int = 0
    stage: str = "files"


LOCK_WAIT_S = 600  # a second ingest waits this long for the first, then gives up with a message


def lock_for(index: Index) -> FileLock:
    settings = index.settings
    if settings.chroma_url:  # one lock per server and collection on this machine
        key = hashlib.sha1(f"{settings.chroma_url}|{settings.collection}".encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"reportbot-{key}.lock"
    else:
        Path(settings.index_dir).mkdir(parents=True, exist_ok=True)
        path = Path(settings.index_dir) / ".ingest.lock"
    return FileLock(str(path))


def signature(path: Path) -> tuple[str, str]:
    """(content hash, "") of a file, or (a stand-in from its size and time, why it cannot be
    read) — so that an unreadable file is remembered too, until it changes."""
    try:
        return file_hash(path), ""
    except OSError as exc:
        try:
            st = os.stat(path)
            stand_in = f"unreadable:{st.st_size}:{st.st_mtime_ns}"
        except OSError:
            stand_in = "unreadable"
        return stand_in, f"cannot be read ({exc.strerror or exc})"


@dataclass
class CorpusState:
    """What the corpus folder holds now, compared with the manifest."""

    files: dict[str, Path] = field(default_factory=dict)
    digests: dict[str, tuple[str, str]] = field(default_factory=dict)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # not read, and why
    ignored: list[tuple[Path, str]] = field(default_factory=list)  # left on purpose (a README)


def scan(corpus_dir: Path, extra_roots=()) -> CorpusState:
    if not Path(corpus_dir).is_dir():
        raise LoadError(corpus_dir, "corpus folder not found")
    listing = survey(corpus_dir, extra_roots)
    state = CorpusState(skipped=listing.skipped, ignored=listing.ignored)
    for path in listing.files:
        source = path.relative_to(corpus_dir).as_posix()
        state.files[source] = path
        state.digests[source] = signature(path)
    return state


def _up_to_date(record: dict | None, digest: str, stored: tuple[int, int]) -> str:
    """"complete", "failed" (this version failed before), "partial" or "" (new/changed)."""
    if not record:
        return ""
    if record.get("file_hash") == digest:
        if stored == (record.get("chunks", -1), record.get("units", -1)):
            return "complete"
        return "partial"
    if record.get("failed_hash") == digest:
        return "failed"
    return ""


def needs_ingest(index: Index, corpus_dir: Path) -> bool:
    """True when the index is empty, stale, partly written, or behind the corpus folder.
    Files that failed before, unchanged, do not count: they are not retried."""
    if index.count() == 0 or index.stale_reason():
        return True
    state = scan(corpus_dir, index.settings.extra_roots)
    records = index.manifest_records()
    if set(records) - set(state.files):
        return True
    current = [records.get(s, {}).get("file_hash") == d for s, (d, _) in state.digests.items()]
    if not all(ok or records.get(s, {}).get("failed_hash") == d
               for ok, (s, (d, _)) in zip(current, state.digests.items())):
        return True
    # every file is recorded as indexed (or failed, unchanged): when the stored totals are what
    # the records say, no file is partly written; reading every record's metadata (seconds at
    # hundreds of reports) is only needed when they are not
    complete = [records[s] for ok, s in zip(current, state.digests) if ok]
    if (index.count(), index.units.count()) == (sum(r.get("chunks", 0) for r in complete),
                                                sum(r.get("units", 0) for r in complete)):
        return False
    chunks, units = index.stored_counts()
    for source, (digest, _) in state.digests.items():
        status = _up_to_date(records.get(source), digest, (chunks[(source, digest)], units[(source, digest)]))
        if status not in ("complete", "failed"):
            return True
    return False


def ingest(index: Index, corpus_dir: Path,
           progress: Callable[[Progress], None] | None = None) -> IngestReport:
    """Bring the index in line with ``corpus_dir``; safe to run any number of times, and to
    kill at any moment."""
    if index.read_only:  # nothing may be written (not even the lock): say so if writes are needed
        return _ingest(index, Path(corpus_dir), progress)
    lock = lock_for(index)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"reportbot: another ingest is writing this index; waiting for it (up to {LOCK_WAIT_S} s)…",
              file=sys.stderr)
        try:
            lock.acquire(timeout=LOCK_WAIT_S)
        except Timeout as exc:
            raise RuntimeError(f"another ingest has held the index lock ({lock.lock_file}) for over "
                               f"{LOCK_WAIT_S} s; try again when it has finished") from exc
    try:
        return _ingest(index, Path(corpus_dir), progress)
    finally:
        lock.release()


def _limits(settings) -> Limits:
    return Limits(file_mb=settings.max_file_mb, pages=settings.max_pages,
                  inflate_mb=settings.max_inflate_mb, seconds=settings.max_file_seconds,
                  memory_mb=settings.max_file_memory_mb)


def _ingest(index: Index, corpus_dir: Path, progress) -> IngestReport:
    if index.moved():  # another ingest finished while this one waited for the lock
        index.reopen()
    report = IngestReport()
    state = scan(corpus_dir, index.settings.extra_roots)  # raises LoadError if the folder is missing
    report.errors.extend((str(path), why) for path, why in state.skipped)
    report.warnings.extend((str(path), why) for path, why in state.ignored)
    records = index.manifest_records()
    chunks_stored, units_stored = index.stored_counts()
    stale = index.stale_reason()
    status = {source: "" if stale else _up_to_date(records.get(source), digest,
                                                    (chunks_stored[(source, digest)], units_stored[(source, digest)]))
              for source, (digest, _) in state.digests.items()}
    removed = [] if stale else sorted(set(records) - set(state.files))
    if not stale and not removed and all(v in ("complete", "failed") for v in status.values()):
        _report_unchanged(report, state, records, status)
        report.chunks = index.count()
        return report  # nothing to write: the index in use is not copied
    try:
        index.begin_write()  # from here on the writes go to a copy; readers keep the index in use
        _write(index, state, records, status, removed, stale, report, progress)
        index.commit()
    except BaseException as exc:
        try:
            index.rollback()
        except Exception:  # noqa: BLE001 - the error that stopped the ingest is the one to tell
            log.exception("rolling back the ingest failed")
        # Chroma does not always say why a write failed ("error in compaction"): a disk with
        # almost no space left now says it
        full = is_disk_full(exc) or (not index.settings.chroma_url
                                     and free_bytes(index.root) < FREE_SPACE_MARGIN)
        if full and isinstance(exc, Exception) and not isinstance(exc, DiskFull):
            raise DiskFull(f"the disk holding {Path(index.settings.index_dir).resolve()} filled up during "
                           f"the ingest ({str(exc).splitlines()[0][:120]}); the ingest stopped and the "
                           "index in use is unchanged and still answers; free some space and ingest "
                           "again") from exc
        raise
    report.chunks = index.count()
    return report


def _report_unchanged(report: IngestReport, state: CorpusState, records: dict, status: dict) -> None:
    for source, path in state.files.items():
        _kept(report, source, path, status[source], records.get(source))


def _kept(report: IngestReport, source: str, path: Path, status: str, record: dict | None) -> bool:
    """Report a file this ingest leaves as it is (complete, or failed before and unchanged)."""
    if status == "complete":
        report.unchanged.append(source)
    elif status == "failed":
        report.errors.append((str(path), f"{record.get('failed_reason')} (unchanged since; not retried)"))
    else:
        return False
    return True


def _write(index: Index, state: CorpusState, records: dict, status: dict, removed: list[str],
           stale: str, report: IngestReport, progress) -> None:
    if stale:
        report.rebuilt = stale
        index.reset()
        records = {}
    limits = _limits(index.settings)
    written = 0
    for n, (source, path) in enumerate(state.files.items(), 1):
        if progress:
            progress(Progress(n - 1, len(state.files), source, written))
        digest, unreadable = state.digests[source]
        record = records.get(source)
        if _kept(report, source, path, status[source], record):
            continue
        try:
            if unreadable:
                raise LoadError(path, unreadable)
            pages, flagged = quarantine(load_pages(path, limits))
            chunks = parse_pages(pages, source)
            if not chunks:
                raise LoadError(path, "no text found in the file")
        except Exception as exc:  # noqa: BLE001 - whatever a file does, the others go on
            reason = exc.reason if isinstance(exc, LoadError) else f"{type(exc).__name__}: {exc}"
            report.errors.append((str(path), reason))
            # keep whatever an earlier good version of this file put in the index
            index.set_manifest(source, failed_hash=digest, failed_reason=reason)
            continue
        # a write that fails is the store's trouble, not the file's: the whole ingest stops
        index.check_space(int(len(chunks) * index.bytes_per_chunk() * CHUNK_SPACE_FACTOR) + FREE_SPACE_MARGIN,
                          f"the chunks of {source}")
        counts = index.write_source(source, digest, chunks)
        written += counts[0]
        report.warnings.extend((str(path), w) for p in pages for w in p.warnings)
        report.warnings.extend(
            (str(path), f"{q.where}: reads like instructions to a chat model; quarantined (never "
                        f"quoted, shown or sent to a model): {q.text[:60]}") for q in flagged)
        # the manifest record last: only now does this version count as indexed
        index.set_manifest(source, file_hash=digest, chunks=counts[0], units=counts[1],
                           failed_hash="", failed_reason="",
                           quarantined=json.dumps([asdict(q) for q in flagged], ensure_ascii=False))
        index.drop_other_versions(source, digest)
        if status[source] == "partial":
            report.repaired.append(source)
        else:
            (report.updated if record and record.get("file_hash") else report.added).append(source)
    if progress:
        progress(Progress(len(state.files), len(state.files), "", written))
    for source in removed:
        index.delete_source(source)
        report.removed.append(source)
    if report.changed:
        index.bump_generation()


@dataclass
class CheckReport:
    partial: list[str] = field(default_factory=list)
    orphans: int = 0  # chunks and units of no complete file version
    dense: tuple[int, int, int, int] = (0, 0, 0, 0)
    repaired: bool = False
    quarantined: list[tuple[str, str, str]] = field(default_factory=list)  # (source, where, line)

    @property
    def segment_damaged(self) -> bool:
        chunks, reached, units, units_reached = self.dense
        return reached < chunks or units_reached < units

    @property
    def healthy(self) -> bool:
        return not (self.partial or self.orphans or self.segment_damaged)

    def summary(self) -> str:
        chunks, reached, units, units_reached = self.dense
        lines = [f"dense search reaches {reached}/{chunks} chunks and {units_reached}/{units} units"]
        if self.partial:
            lines.append(f"partly written: {', '.join(self.partial)}")
        if self.orphans:
            lines.append(f"{self.orphans} stored records belong to no complete file version")
        for source, where, text in self.quarantined:
            lines.append(f"quarantined {source} {where}: {text[:80]}")
        lines.append("the index is healthy" if self.healthy and not self.repaired else
                     "repaired" if self.repaired else
                     "problems found: run `reportbot check --repair` (or `reportbot ingest --rebuild`)")
        return "\n".join(lines)


def check(index: Index, corpus_dir: Path, repair: bool = False) -> CheckReport:
    """Find partly written sources, orphan records and vectors dense search cannot reach;
    with ``repair``, fix them (re-ingest, delete, or rebuild from the corpus)."""
    out = CheckReport()
    records = index.manifest_records()
    chunks, units = index.stored_counts()
    for source, record in records.items():
        for q in json.loads(record.get("quarantined") or "[]"):
            out.quarantined.append((source, Quarantined(**q).where, q["text"]))
        digest = record.get("file_hash")
        if digest and (chunks[(source, digest)], units[(source, digest)]) != (record.get("chunks"), record.get("units")):
            out.partial.append(source)
    complete = {(s, r["file_hash"]) for s, r in records.items() if r.get("file_hash")}
    out.orphans = sum(n for key, n in (chunks + units).items() if key not in complete)
    out.dense = index.dense_coverage()
    if not repair or out.healthy:
        return out
    lock = lock_for(index)
    with lock.acquire(timeout=LOCK_WAIT_S):
        if out.segment_damaged:
            index.reset()  # vectors cannot be re-read from a damaged segment: embed again
        else:
            for source, digest in set(chunks + units) - complete:
                where = {"$and": [{"source": source}, {"file_hash": digest}]}
                index.collection.delete(where=where)
                index.units.delete(where=where)
    ingest(index, corpus_dir)  # writes partly written sources again (and all, after a reset)
    out.repaired = True
    return out
