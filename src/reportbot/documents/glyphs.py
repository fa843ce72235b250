"""The glyphs of a PDF page a reader sees: not white on the white page, not tiny, on the page,
upright (up to the rounding noise a producer leaves in a text matrix), outside boxes read
apart. What the layout (layout.py) is built from."""

from __future__ import annotations

from ..tuning import LAYOUT_MIN_FONT, UPRIGHT_NOISE


def _white(color) -> bool:
    if not isinstance(color, (tuple, list)) or not color:
        return False
    if len(color) == 4:  # CMYK: no ink
        return all(float(c) <= 0.03 for c in color)
    return all(float(c) >= 0.97 for c in color)


def _filled_boxes(page) -> list[tuple[float, float, float, float]]:
    """Coloured fills that white text may stand on (table headers, banners), drawn as
    rectangles or as paths."""
    boxes = []
    for r in [*page.rects, *page.curves]:
        if r.get("fill") and not _white(r.get("non_stroking_color")):
            boxes.append((r["x0"], r["top"], r["x1"], r["bottom"]))
    return boxes


def _upright(c: dict) -> bool:
    """Whether a glyph stands upright. pdfminer's flag asks b·c ≤ 0 of the text matrix exactly,
    so rounding noise a producer leaves in it (b, c ≈ 1e-8, b·c ≈ 1e-15) lays a whole table
    on its side; a product that small is noise (italics have b·c = 0, a turned line b·c < 0)."""
    matrix = c.get("matrix")
    if not matrix or len(matrix) < 4:
        return c.get("upright", True)
    a, b, cc, d = (float(v) for v in matrix[:4])
    return a * d > 0 and b * cc <= UPRIGHT_NOISE * a * d


def visible_chars(page, exclude: list[tuple[float, float, float, float]] = (),
                  min_size: float = LAYOUT_MIN_FONT) -> list[dict]:
    """The characters a reader sees: not white on white, not smaller than ``min_size``, on the
    page, upright, and outside the ``exclude`` boxes (ruled tables, read apart)."""
    width, height = float(page.width), float(page.height)
    fills = None
    out = []
    for c in page.chars:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        if not (0 <= cx <= width and 0 <= cy <= height) or c.get("size", 0) < min_size:
            continue
        if not _upright(c):
            continue
        if _in_any(cx, cy, exclude):
            continue
        if _white(c.get("non_stroking_color")):
            if fills is None:
                fills = _filled_boxes(page)
            if not _in_any(cx, cy, fills):
                continue  # white on the white page: hidden
        out.append(c)
    return out


def _in_any(cx: float, cy: float, boxes) -> bool:
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def outside(chars: list[dict], boxes: list[tuple[float, float, float, float]]) -> list[dict]:
    """The characters whose centre lies in none of ``boxes`` (tables read apart)."""
    if not boxes:
        return chars
    return [c for c in chars if not _in_any((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, boxes)]


def inside(chars: list[dict], boxes: list[tuple[float, float, float, float]]) -> list[dict]:
    """The characters whose centre lies in one of ``boxes``."""
    return [c for c in chars if _in_any((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, boxes)]
