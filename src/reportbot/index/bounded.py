"""Caches of a bounded size, shared by the threads that answer questions in parallel."""

from __future__ import annotations

from typing import TypeVar

V = TypeVar("V")


def remember(cache: dict, key, value: V, limit: int) -> V:
    """Store ``value`` under ``key``, first dropping the oldest entry when ``cache`` holds
    ``limit``. Another thread may drop or add one meanwhile: then this one drops nothing."""
    if len(cache) >= limit:
        try:
            cache.pop(next(iter(cache)), None)
        except (RuntimeError, StopIteration):  # changed by another thread while read
            pass
    cache[key] = value
    return value
