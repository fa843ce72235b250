"""A PDF page as a PNG, so that a citation's page can be looked at: rendered with pypdfium2
(PDFium, the renderer Chromium uses; it ships in its wheel) and kept in a small cache."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

RENDER_SCALE = 1.5  # 108 dpi: body text of a report is readable, a page is ~200 KB
CACHED_PAGES = 64
MAX_MARK_HITS = 5  # a mark found more often than this on a page is common words, not the passage


class RenderError(ValueError):
    """The page cannot be shown (no such page, not a PDF, unreadable)."""


def page_png(path: Path, page: int, marks: tuple[str, ...] = ()) -> bytes:
    """Page ``page`` (1-based) of the PDF at ``path`` as PNG bytes, each of ``marks`` (text
    as the page prints it) highlighted where the page's text layer has it."""
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise RenderError(f"{path.name} cannot be read ({exc.strerror or exc})") from None
    return _render(str(path), stamp, int(page), tuple(m for m in marks if m and m.strip()))


def _boxes(path: str, page: int, marks: tuple[str, ...]) -> list[tuple[float, float, float, float]]:
    """Where the marks stand on the page (points, from the top left): found in the page's
    characters folded as reportbot reads them (a Word or Chromium PDF prints 子 as the radical
    ⼦, which a search of the raw text misses), spaces and line breaks aside; a box per line."""
    import pdfplumber

    from .charfold import normalize_text

    boxes = []
    try:
        with pdfplumber.open(path) as pdf:
            p = pdf.pages[page - 1]
            x0, top = p.bbox[0], p.bbox[1]
            chars = [c for c in p.chars if not c["text"].isspace()]
            text = "".join(normalize_text(c["text"])[:1] or " " for c in chars).lower()
            for mark in marks:
                wanted = "".join(normalize_text(mark).split()).lower()
                at, hits = text.find(wanted), 0
                while at >= 0 and wanted and hits < MAX_MARK_HITS:
                    lines: dict[int, list[dict]] = {}
                    for c in chars[at:at + len(wanted)]:
                        lines.setdefault(round(c["top"]), []).append(c)
                    boxes += [(min(c["x0"] for c in cs) - x0, min(c["top"] for c in cs) - top,
                               max(c["x1"] for c in cs) - x0, max(c["bottom"] for c in cs) - top)
                              for cs in lines.values()]
                    at, hits = text.find(wanted, at + 1), hits + 1
    except Exception:  # noqa: BLE001 - a page that cannot be searched is shown unmarked
        return []
    return boxes


@lru_cache(maxsize=CACHED_PAGES)
def _render(path: str, stamp: int, page: int, marks: tuple[str, ...]) -> bytes:
    # ``stamp`` (the file's mtime) is in the key so that a changed file is rendered anew
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except Exception as exc:  # noqa: BLE001 - PDFium's errors name no file
        raise RenderError(f"{Path(path).name} is not a readable PDF ({exc})") from None
    try:
        if not 1 <= page <= len(pdf):
            raise RenderError(f"{Path(path).name} has {len(pdf)} pages, not a page {page}")
        image = pdf[page - 1].render(scale=RENDER_SCALE).to_pil().convert("RGB")
        if marks:
            from PIL import ImageDraw

            layer = ImageDraw.Draw(image, "RGBA")
            for x0, top, x1, bottom in _boxes(path, page, marks):
                layer.rectangle([x0 * RENDER_SCALE - 2, top * RENDER_SCALE - 2, x1 * RENDER_SCALE + 2,
                                 bottom * RENDER_SCALE + 2], fill=(255, 214, 0, 90), outline=(230, 120, 0, 255))
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        pdf.close()
