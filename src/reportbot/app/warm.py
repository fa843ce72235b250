"""A warm CLI: `reportbot ask` puts its question to a server already running on the same
index (its models loaded), instead of spending seconds loading them for a 30 ms answer.

`serve` leaves a note in the index folder saying where it listens; `ask` reads it, checks the
process is alive, and posts to the server's /api/ask with the standard library only (no heavy
import on this path). Anything amiss (no note, a dead process, a refused key, a slow reply)
and the question is answered in-process as before."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

NOTE = ".server.json"
ASK_TIMEOUT_S = 30.0  # a server that has not answered by then is answered around


def _note(index_dir) -> Path:
    return Path(index_dir) / NOTE


def announce(index_dir, url: str) -> None:
    """Say where the server on this index listens (best effort: a read-only index is fine)."""
    try:
        path = _note(index_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_text(json.dumps({"url": url, "pid": os.getpid()}), encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass


def withdraw(index_dir) -> None:
    try:
        path = _note(index_dir)
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def _alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except (OSError, ValueError, TypeError):
        return False
    return True


def ask_server(index_dir, question: str, sources=None) -> dict | None:
    """The Answer as a dict from the server on this index, or None to answer in-process."""
    try:
        note = json.loads(_note(index_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(note, dict) or not _alive(note.get("pid")) or not str(note.get("url", "")).startswith("http"):
        return None
    headers = {"Content-Type": "application/json"}
    keys = [k.strip() for k in (os.environ.get("REPORTBOT_API_KEYS") or "").split(",") if k.strip()]
    if keys:
        headers["Authorization"] = f"Bearer {keys[0]}"
    body = json.dumps({"question": question, "sources": sources or None}).encode()
    request = urllib.request.Request(note["url"].rstrip("/") + "/api/ask", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=ASK_TIMEOUT_S) as reply:
            return json.loads(reply.read().decode())
    except urllib.error.HTTPError as exc:
        if exc.code == 400:  # the question itself: the server's message is the one to show
            try:
                raise ServerRefused(json.loads(exc.read().decode())["error"]["message"]) from None
            except (ValueError, KeyError):
                return None
        return None  # 401 (a key this shell does not hold), 503 (no index yet) …
    except (OSError, ValueError):
        return None


class ServerRefused(ValueError):
    """The server read the question and refused it (empty, too long …)."""
