"""The corpus folder as a library the page and the REST API manage: files added (checked,
safely named, written whole), removed (kept aside, never destroyed), re-indexed, and every
change ingested by one background worker, so that two uploads never race two ingests."""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..bot import ReportBot
from ..documents.corpus import FOLDER_NOTES, SUPPORTED
from ..models import Report
from ..tuning import WATCH_INTERVAL_S

DELETED = ".deleted"  # removed reports are moved here (hidden: the corpus scan skips it)
_NAME_LIMIT = 120  # characters of a stored file name (file systems allow 255 bytes)


class LibraryError(ValueError):
    """A file that cannot be added or a report that cannot be removed; the message says why,
    in Chinese with the English after it, as the page's other messages."""


@dataclass
class Refused:
    name: str
    reason: str


def safe_name(name: str) -> str:
    """The file name an upload is stored under: its last path part only, NFC, without control
    characters or leading dots, at most _NAME_LIMIT characters, its extension kept."""
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in '<>:"|?*')
    base = base.strip().lstrip(".").strip()
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem.strip():
        raise LibraryError(f"文件名不可用：{name!r}（File name not usable: it needs a name and an extension.）")
    if len(base) > _NAME_LIMIT:
        base = stem[:_NAME_LIMIT - len(ext) - 1].rstrip() + "." + ext
    return base


def check_upload(name: str, data: bytes, max_mb: float) -> str:
    """The safe name of an upload, or LibraryError saying what is wrong with it."""
    stored = safe_name(name)
    ext = Path(stored).suffix.lower()
    if ext not in SUPPORTED:
        raise LibraryError(f"不支持的文件类型 {ext or '（无扩展名）'}：{stored}，只能上传 PDF、TXT 或 MD。"
                           f"(Unsupported file type {ext or '(none)'}: upload PDF, TXT or MD.)")
    if ext != ".pdf" and Path(stored).stem.lower() in FOLDER_NOTES:
        raise LibraryError(f"{stored} 这个名字留给文件夹说明，不会被当作报告索引；请改名后再上传。"
                           f"(A name kept for notes on the folder, never indexed as a report: rename it.)")
    if not data:
        raise LibraryError(f"文件是空的：{stored}。(The file is empty.)")
    if len(data) > max_mb * (1 << 20):
        raise LibraryError(f"文件太大：{stored} 有 {len(data) / (1 << 20):.1f} MB，上限 {max_mb:g} MB"
                           f"（REPORTBOT_MAX_FILE_MB）。(The file is over the {max_mb:g} MB limit.)")
    if ext == ".pdf" and not data[:1024].lstrip().startswith(b"%PDF-"):
        raise LibraryError(f"{stored} 不是 PDF 文件（开头没有 %PDF-）。(Not a PDF file.)")
    if ext != ".pdf" and b"\x00" in data[:65536]:
        raise LibraryError(f"{stored} 不是文本文件。(Not a text file: it holds binary data.)")
    return stored


class Library:
    """Adds and removes the corpus folder's files and keeps the index in line with it. One
    worker thread runs the ingests; the states of the files it is working on are shown."""

    def __init__(self, bot: ReportBot, watch: bool = False):
        self.bot = bot
        self.folder = Path(bot.settings.corpus_dir)
        self._jobs: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._waiting: set[str] = set()  # sources changed and not yet ingested
        self._progress = None  # the running ingest's Progress
        self._failed = ""  # why the last ingest stopped, if it did
        self._idle = threading.Event()
        self._idle.set()
        threading.Thread(target=self._work, daemon=True, name="library").start()
        if watch:
            threading.Thread(target=self._watch, daemon=True, name="watch").start()

    # --- changes ---------------------------------------------------------------------------
    def add(self, files: list[tuple[str, bytes]], replace: bool = False) -> tuple[list[str], list[Refused]]:
        """Store each (name, content) in the corpus folder and queue an ingest. A file whose
        name is taken is refused unless ``replace``. Returns (stored names, refused)."""
        stored, refused = [], []
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            try:
                target = self.folder / check_upload(name, data, self.bot.settings.max_file_mb)
                if target.exists() and not replace:
                    raise LibraryError(f"已有同名报告：{target.name}。先删除它，或选择替换。"
                                       f"(A report named {target.name} exists: delete it first, or replace it.)")
                partial = target.with_name(f".upload-{os.getpid()}-{threading.get_ident()}-{target.name}")
                partial.write_bytes(data)  # hidden until whole: an ingest never reads half a file
                os.replace(partial, target)
            except LibraryError as exc:
                refused.append(Refused(str(name), str(exc)))
                continue
            except OSError as exc:
                refused.append(Refused(str(name), f"无法写入语料库文件夹：{exc.strerror or exc}。"
                                                  f"(The corpus folder cannot be written.)"))
                continue
            stored.append(target.name)
        if stored:
            self._queue(stored)
        return stored, refused

    def remove(self, source: str) -> None:
        """Take a report out of the corpus and the index. The file is moved to the corpus's
        hidden .deleted folder, not destroyed."""
        path = self.path_of(source)
        aside = self.folder / DELETED / f"{time.strftime('%Y%m%d-%H%M%S')}-{path.name}"
        aside.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(aside))
        self._queue([source])

    def reindex(self, source: str) -> None:
        """Read one report again (after a change of the reader, or a failed first try)."""
        self.path_of(source)
        self.bot.index.drop_manifest(source)
        self._queue([source])

    def path_of(self, source: str) -> Path:
        path = (self.folder / source)
        try:
            inside = path.resolve().parent.is_relative_to(self.folder.resolve()) or \
                path.parent.resolve().is_relative_to(self.folder.resolve())
        except OSError:
            inside = False
        if not source or ".." in Path(source).parts or not inside or not (path.is_file() or path.is_symlink()):
            raise LibraryError(f"语料库中没有名为 {source!r} 的报告。(No report named {source!r} in the corpus.)")
        return path

    def _queue(self, sources: list[str]) -> None:
        with self._lock:
            self._waiting.update(sources)
            self._idle.clear()
        self._jobs.put(True)

    # --- the worker ------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            self._jobs.get()
            while not self._jobs.empty():  # several changes queued: one ingest takes them all
                self._jobs.get_nowait()
            with self._lock:
                taken = set(self._waiting)
            try:
                self.bot.ingest(progress=self._on_progress)
                self._failed = ""
            except Exception as exc:  # noqa: BLE001 - shown in the list; the server stays up
                self._failed = f"{type(exc).__name__}: {exc}"
            with self._lock:
                self._waiting -= taken
                self._progress = None
                if not self._waiting and self._jobs.empty():
                    self._idle.set()

    def _on_progress(self, progress) -> None:
        self._progress = progress

    def _watch(self) -> None:
        """A watched corpus folder: files copied in (or removed) are ingested on their own."""
        while True:
            time.sleep(WATCH_INTERVAL_S)
            try:
                if self._idle.is_set() and self.bot.needs_ingest():
                    self._queue([])
            except Exception:  # noqa: BLE001 - a folder being written: looked at again next time
                continue

    def wait(self, timeout: float | None = None) -> bool:
        """Until every queued change is ingested; False if ``timeout`` passed first."""
        return self._idle.wait(timeout)

    # --- the list --------------------------------------------------------------------------
    def reports(self) -> list[Report]:
        """Every report of the library with its state, the ones being indexed included."""
        listed = {r.source: r for r in self.bot.library()}
        with self._lock:
            waiting, progress = set(self._waiting), self._progress
        for source in waiting:
            present = (self.folder / source).is_file()
            report = listed.get(source)
            if not present:  # being removed
                if report:
                    report.state = "removing"
                continue
            if report is None:
                report = listed[source] = Report(source=source, title=source)
            report.state, report.error = "queued", ""
            if progress is not None and (progress.source == source or progress.stage == "view"):
                report.state = "indexing"
                report.progress = f"{progress.files_done}/{progress.files}"
        return sorted(listed.values(), key=lambda r: r.source)

    @property
    def failure(self) -> str:
        """Why the last ingest stopped as a whole (a full disk, a lock held too long), if it did;
        a file that could not be read is that report's own error instead."""
        return self._failed
