"""A chunk as a Chroma record and back: its metadata, and reading whole collections."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ..documents.parse import Chunk

PAGE = 5000  # records per Chroma read of a whole collection


@dataclass
class StoredChunk(Chunk):
    id: str = ""
    source: str = ""


def record_metadata(chunk: Chunk, source: str, digest: str) -> dict:
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


def get_all(collection, include: list[str]) -> dict:
    """Every record of ``collection``, read in pages: one read of all records binds a SQL
    variable per record, and SQLite refuses over 32766 of them (about 80 reports' units)."""
    out: dict[str, list] = {"ids": [], **{k: [] for k in include}}
    while True:
        got = collection.get(include=include, limit=PAGE, offset=len(out["ids"]))
        for key in out:
            out[key].extend(got[key] if got[key] is not None else [])
        if len(got["ids"]) < PAGE:
            return out


def text_sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def from_record(cid: str, meta: dict) -> StoredChunk:
    cells = [tuple(c) for c in json.loads(meta["cells"])] if meta.get("cells") else []
    return StoredChunk(
        kind=meta["kind"], body=meta["body"], section=meta["section"],
        page=meta.get("page") or None, table=meta.get("table", ""),
        table_id=meta.get("table_id", ""), row=meta.get("row", ""),
        row_no=meta.get("row_no", 0), cells=cells, order=meta.get("order", 0),
        table_data=json.loads(meta["table_data"]) if meta.get("table_data") else None,
        id=cid, source=meta["source"],
    )
