"""What goes wrong with a stored index, said once and clearly: a damaged index (named, with
the way out), a disk too full for an ingest, and a stale in-memory view reopened."""

from __future__ import annotations

import functools
from pathlib import Path

from ..config import ConfigError, Settings

_DAMAGE_WORDS = ("malformed", "not a database", "disk image", "no such table", "file is encrypted",
                 "database corruption", "unable to open database", "error finding id", "nothing found on disk",
                 "hnsw", "segment")


class IndexDamaged(RuntimeError):
    """The stored index cannot be read; the message names the folder and the way out."""


class DiskFull(RuntimeError):
    """The index's disk has too little space for an ingest (found before writing, or while
    writing); the index in use is unchanged, and the message says what to do."""


# Another process wrote the index since this one opened it: Chroma's in-memory view is behind.
_STALE_WORDS = ("error finding id", "nothing found on disk")


def guard(method):
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
                if attempt == 1 and hasattr(self, "client") and (
                        any(w in message for w in _STALE_WORDS) or self.moved()):
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
