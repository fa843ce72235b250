"""Where a local index lives, and how an ingest changes it without harming its readers.

The Chroma files of the index in use sit in a folder of the index folder named by the file
``CURRENT`` (an index made before this layout has them in the index folder itself). An
ingest copies them to a new folder, writes there, and only when everything is written points
``CURRENT`` at it (an atomic rename): a full disk, an I/O error or a kill mid-ingest leaves
``CURRENT`` on the previous folder, which readers go on answering from. Saved views stay in
the index folder; they are keyed by the file versions they hold, not by folder.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

CURRENT = "CURRENT"
GENERATION_PREFIX = "gen-"
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_FULL_WORDS = ("no space left", "disk is full", "disk quota", "quota exceeded")


def live_folder(root: Path) -> Path:
    """The folder holding the Chroma files in use."""
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return root
    folder = root / name
    return folder if name.startswith(GENERATION_PREFIX) and folder.is_dir() else root


def chroma_entries(folder: Path, root: Path) -> list[Path]:
    """The Chroma files of ``folder``: all of a generation folder; in the index folder itself
    (the older layout), its database and segment folders, not views, locks or generations."""
    if folder != root:
        return sorted(folder.iterdir())
    return sorted(p for p in root.iterdir()
                  if p.name.startswith("chroma.sqlite3") or (p.is_dir() and _UUID_RE.match(p.name)))


def size_of(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        elif path.is_file():
            total += path.stat().st_size
    return total


def free_bytes(root: Path) -> int:
    return shutil.disk_usage(root).free


def writable(root: Path) -> bool:
    """Whether this process may write the index folder and its database (a read-only mount,
    a folder without write permission)."""
    if not root.is_dir():
        return True  # made on first use
    folder = live_folder(root)
    database = folder / "chroma.sqlite3"
    return os.access(root, os.W_OK) and os.access(folder, os.W_OK) and \
        (not database.exists() or os.access(database, os.W_OK))


def read_only_copy(root: Path) -> Path:
    """A private copy of a read-only index (its Chroma files and saved views) in a temporary
    folder: Chroma writes to its database even to read, so a read-only one cannot be opened
    in place. The copy is removed at exit."""
    import atexit

    copy = Path(tempfile.mkdtemp(prefix="reportbot-readonly-"))
    atexit.register(shutil.rmtree, copy, True)
    for entry in chroma_entries(live_folder(root), root):
        _copy(entry, copy / entry.name)
    for view in root.glob("view-*"):
        _copy(view, copy / view.name)
    return copy


def _copy(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst)
    else:
        shutil.copy2(src, dst)


def new_generation(root: Path, live: Path) -> Path:
    """A new folder holding a copy of the Chroma files in use, to write into."""
    folder = root / f"{GENERATION_PREFIX}{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    try:
        for entry in chroma_entries(live, root):
            _copy(entry, folder / entry.name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def publish(root: Path, folder: Path) -> None:
    """Point CURRENT at ``folder``, atomically."""
    tmp = root / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(folder.name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / CURRENT)


def remove(root: Path, folder: Path) -> None:
    """Remove a folder's Chroma files (readers that still have them open keep reading until
    they notice CURRENT has moved)."""
    if folder == root:
        for entry in chroma_entries(root, root):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    else:
        shutil.rmtree(folder, ignore_errors=True)


def remove_strays(root: Path, live: Path) -> None:
    """Generation folders of ingests that did not finish (killed, failed)."""
    for folder in root.glob(f"{GENERATION_PREFIX}*"):
        if folder != live:
            shutil.rmtree(folder, ignore_errors=True)


def is_disk_full(exc: BaseException) -> bool:
    """Whether an error (or one it came from) says the disk or quota is full."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(w in str(exc).lower() for w in _FULL_WORDS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
