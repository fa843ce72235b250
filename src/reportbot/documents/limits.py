"""Per-file limits, so that one hostile or broken file cannot stall an ingest (and with it
`ask` and `serve`, which start by ingesting): its size on disk, its pages, the bytes its PDF
streams inflate to (a flate bomb), the seconds and the memory reading it takes. Each stops the
file with a reason that names the limit and its setting; the other files go on."""

from __future__ import annotations

import os
import time
import zlib
from dataclasses import dataclass

MB = 1 << 20
INFLATE_STEP = 4 * MB  # a stream is inflated this much at a time while it is measured


@dataclass(frozen=True)
class Limits:
    file_mb: float = 200  # REPORTBOT_MAX_FILE_MB
    pages: int = 1000  # REPORTBOT_MAX_PAGES
    inflate_mb: float = 512  # REPORTBOT_MAX_INFLATE_MB
    seconds: float = 600  # REPORTBOT_MAX_FILE_SECONDS
    memory_mb: float = 2048  # REPORTBOT_MAX_FILE_MEMORY_MB: growth of this process while reading


class LimitExceeded(Exception):
    """A file went past one of its limits; the message names which."""


def _rss() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0  # not Linux: the memory limit is not watched


class Budget:
    """Time and memory spent on one file, checked between its pages."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.started = time.monotonic()
        self.rss0 = _rss()

    def check(self, page: int | None = None) -> None:
        where = f" (at page {page})" if page else ""
        if time.monotonic() - self.started > self.limits.seconds:
            raise LimitExceeded(f"reading it took over {self.limits.seconds:g} s{where}; skipped "
                                "(limit REPORTBOT_MAX_FILE_SECONDS)")
        grown = _rss() - self.rss0 if self.rss0 else 0
        if grown > self.limits.memory_mb * MB:
            raise LimitExceeded(f"reading it took over {self.limits.memory_mb:g} MB of memory{where}; "
                                "skipped (limit REPORTBOT_MAX_FILE_MEMORY_MB)")


def check_size(size: int, limits: Limits) -> None:
    if size > limits.file_mb * MB:
        raise LimitExceeded(f"the file is {size / MB:.0f} MB, over the {limits.file_mb:g} MB limit; "
                            "skipped (REPORTBOT_MAX_FILE_MB)")


def check_pages(pages: int, limits: Limits) -> None:
    if pages > limits.pages:
        raise LimitExceeded(f"the PDF has {pages} pages, over the {limits.pages} page limit; skipped "
                            "(REPORTBOT_MAX_PAGES)")


def check_inflated(reader, limits: Limits) -> None:
    """Inflate every Flate-compressed stream of a PDF (pypdf reader), a step at a time and
    never whole, and stop once they come to more than the limit."""
    from pypdf.generic import ArrayObject, StreamObject

    cap = limits.inflate_mb * MB
    total = 0
    for generation, objects in reader.xref.items():
        for number in objects:
            try:
                obj = reader.get_object(number)
            except Exception:  # noqa: BLE001 - a damaged object is the layout reader's business
                continue
            if not isinstance(obj, StreamObject):
                continue
            filters = obj.get("/Filter")
            first = filters[0] if isinstance(filters, ArrayObject) and filters else filters
            data = obj._data
            if first not in ("/FlateDecode", "/Fl"):
                total += len(data)
                continue
            inflater = zlib.decompressobj()
            try:
                chunk = inflater.decompress(data, INFLATE_STEP)
                while True:
                    total += len(chunk)
                    if total > cap:
                        raise LimitExceeded(
                            f"its compressed streams inflate to over {limits.inflate_mb:g} MB (a "
                            "decompression bomb?); skipped (limit REPORTBOT_MAX_INFLATE_MB)")
                    if not inflater.unconsumed_tail:
                        break
                    chunk = inflater.decompress(inflater.unconsumed_tail, INFLATE_STEP)
            except zlib.error:
                continue
