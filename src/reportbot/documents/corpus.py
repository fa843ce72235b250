"""Which files of a corpus folder are reports to read, and which are skipped and why.

Only what really lies inside the corpus folder (or an extra root the settings allow) is read:
a symbolic link, a ``..`` path or a mount that leads elsewhere is skipped and reported, so a
link dropped into the folder cannot make the server read (and answer from) any file it can.
Links that loop, FIFOs and devices, and folders named like report files are reported too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED = {".txt", ".md", ".markdown", ".pdf"}
# the files a shared folder keeps beside its contents to describe them (a repository's
# conventions): answering from a folder's README would quote the folder, not a report. Not
# "notice": a 通知 saved as notice.txt is content.
FOLDER_NOTES = {"readme", "sources", "license", "licence", "changelog"}
OUTSIDE = "points outside the corpus folder; skipped (allow its folder with REPORTBOT_EXTRA_ROOTS)"


@dataclass
class CorpusListing:
    files: list[Path] = field(default_factory=list)  # reports to read, in a stable order
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (path, why)
    ignored: list[tuple[Path, str]] = field(default_factory=list)  # meant to be left: a notice, not an error


def _within(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def survey(corpus_dir: Path, extra_roots: Iterable[Path] = ()) -> CorpusListing:
    """Every report file under ``corpus_dir`` (recursively; hidden names skipped), and what
    was skipped with the reason."""
    corpus_dir = Path(corpus_dir)
    home = corpus_dir.resolve()
    roots = [home, *(Path(r).resolve() for r in extra_roots)]
    out = CorpusListing()
    seen: set[Path] = {home}
    home_dev = home.stat().st_dev

    def walk(folder: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            out.skipped.append((folder, f"the folder cannot be read ({exc.strerror or exc}); skipped"))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(folder) / entry.name
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):  # a link to nowhere, or a loop of links
                out.skipped.append((path, "a symbolic link that loops or leads nowhere; skipped"))
                continue
            if not _within(real, roots):
                out.skipped.append((path, OUTSIDE))
                continue
            try:
                st = real.stat()
            except OSError as exc:
                out.skipped.append((path, f"cannot be read ({exc.strerror or exc}); skipped"))
                continue
            if stat.S_ISDIR(st.st_mode):
                if path.suffix.lower() in SUPPORTED:
                    out.skipped.append((path, "a folder named like a report file; skipped"))
                    continue
                if real in seen:
                    continue  # a link to a folder already read (or a loop through folders)
                if st.st_dev != home_dev and not _within(real, roots[1:]):
                    out.skipped.append((path, "another file system mounted inside the corpus folder; "
                                              "skipped (allow it with REPORTBOT_EXTRA_ROOTS)"))
                    continue
                seen.add(real)
                walk(path)
            elif not stat.S_ISREG(st.st_mode):
                out.skipped.append((path, "not a regular file (a FIFO, socket or device); skipped"))
            elif path.suffix.lower() not in SUPPORTED:
                out.skipped.append((path, "unsupported file type (use .txt, .md or .pdf); skipped"))
            elif path.stem.lower() in FOLDER_NOTES and path.suffix.lower() != ".pdf":
                out.ignored.append((path, "notes on the folder, not a report; not indexed"))
            else:
                out.files.append(path)

    walk(corpus_dir)
    out.files.sort()
    return out
