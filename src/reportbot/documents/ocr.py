"""Pages without a text layer (scans, a page printed to an image) read by OCR: RapidOCR
(PP-OCR models in ONNX, shipped inside the rapidocr-onnxruntime wheel, run on the CPU).

What OCR finds is turned into characters placed where the page prints them, the shape
pdfplumber gives a text layer, so that a scanned page goes through the same layout as any
other: lines by baseline, columns and sidebar, tables without rulings, headings."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from ..tuning import OCR_GUTTER, OCR_MIN_SCORE, OCR_SCALE, OCR_TABLE_MIN_WIDTH

log = logging.getLogger(__name__)

_engine = None
_engine_lock = threading.Lock()
# a text box is a little taller than the glyphs in it: the font size is this share of it
GLYPH_SHARE = 0.8
# a horizontal stroke this many pixels high or less is a rule, not a bar or a filled header
# (a 0.75–1.5 pt rule is 2–4 px at OCR_SCALE after the adaptive threshold)
RULE_PIXELS = 6


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _ocr():
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR

            logging.getLogger("RapidOCR").setLevel(logging.WARNING)
            _engine = RapidOCR()
        return _engine


@dataclass
class OcrPage:
    chars: list[dict] = field(default_factory=list)  # outside the ruled tables
    tables: list[tuple[tuple[float, float, float, float], list[list[str]]]] = field(default_factory=list)
    rules: list[tuple[float, float, float]] = field(default_factory=list)  # (x0, x1, y) of each rule across


def _even(text: str, x0: float, x1: float) -> list[tuple[str, float, float]]:
    width = (x1 - x0) / max(len(text), 1)
    return [(ch, x0 + i * width, x0 + (i + 1) * width) for i, ch in enumerate(text)]


def _in_figure(ch: str) -> bool:
    return ch.isdigit() or ch in ".,%"


def _placed(text: str, x0: float, x1: float, boxes: list) -> list[tuple[str, float, float]]:
    """(character, x0, x1) of a recognised line, evenly across its box — or across each piece of
    it, where the boxes the recogniser gives each character show a gap wider than OCR_GUTTER
    characters (a line the detector ran across two columns' gutter). Within a piece the boxes
    are no guide: placed by them, numbers and words open gaps (21 5.2)."""
    word_boxes, contents = (boxes[0], boxes[1]) if len(boxes) >= 2 else ([], [])
    if not (word_boxes and len(word_boxes) == len(contents) == len(text) and "".join(contents) == text):
        return _even(text.strip(), x0, x1)
    spans = [(min(p[0] for p in pts) / OCR_SCALE, max(p[0] for p in pts) / OCR_SCALE) for pts in word_boxes]
    width = (x1 - x0) / len(text)
    out, start = [], 0
    for i in range(1, len(text) + 1):
        # a gutter never falls inside a figure (the recogniser's boxes for 4.11 stand apart)
        if i == len(text) or (spans[i][0] - spans[i - 1][1] > OCR_GUTTER * width
                              and not (_in_figure(text[i - 1]) and _in_figure(text[i]))):
            out.extend(_even(text[start:i], spans[start][0], spans[i - 1][1]))
            start = i
    return out


def read_page(data: bytes, page_index: int) -> OcrPage:
    """What OCR reads on page ``page_index`` (0-based) of the PDF ``data``: the characters as
    pdfplumber-like dicts (text, x0, x1, top, bottom, size, upright, fontname) in points, and
    the tables whose rulings the image shows, as (bbox, rows) — the shape pdfplumber's ruled
    tables have on a page with a text layer."""
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        image = pdf[page_index].render(scale=OCR_SCALE).to_pil().convert("RGB")
    finally:
        pdf.close()
    # each character's own box too (return_word_box): where a line the detector ran across two
    # columns' gutter has a gap, it is cut there
    found, _ = _ocr()(np.asarray(image), return_word_box=True)
    chars: list[dict] = []
    for box, text, score, *boxes in found or []:
        if not (text or "").strip() or float(score) < OCR_MIN_SCORE:
            continue
        xs, ys = [p[0] / OCR_SCALE for p in box], [p[1] / OCR_SCALE for p in box]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        size = (bottom - top) * GLYPH_SHARE
        for ch, cx0, cx1 in _placed(text, x0, x1, boxes):
            if not ch.isspace():
                chars.append({"text": ch, "x0": cx0, "x1": cx1, "top": top, "bottom": bottom, "size": size,
                              "upright": True, "fontname": "OCR", "non_stroking_color": (0,)})
    page = OcrPage()
    grids, page.rules = _grids(np.asarray(image.convert("L")))
    for x0, top, x1, bottom, xs, ys, ruled in grids:
        inside = [c for c in chars
                  if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        rows = _cells(inside, xs, ys, ruled)
        if rows:
            page.tables.append(((x0, top, x1, bottom), rows))
            taken = {id(c) for c in inside}
            chars = [c for c in chars if id(c) not in taken]
    page.chars = chars
    return page


def _lines_at(mask, axis: int) -> list[float]:
    """Where a mask of ruling lines has its lines, along one axis (pixels), near ones merged."""
    import numpy as np

    counts = mask.sum(axis=axis) / 255
    at = np.flatnonzero(counts > 0.5 * counts.max()) if counts.max() else []
    out: list[list[int]] = []
    for i in at:
        if out and i - out[-1][-1] <= 3:
            out[-1].append(int(i))
        else:
            out.append([int(i)])
    return [sum(g) / len(g) for g in out]


def _grids(gray) -> tuple[list[tuple], list[tuple[float, float, float]]]:
    """Tables drawn with rulings in the image (OpenCV: the long horizontal and vertical strokes
    kept by morphological opening), each as its box and its column and row lines, in points;
    and every horizontal rule on its own (x0, x1, y), for tables ruled only across."""
    import cv2
    import numpy as np

    bw = cv2.adaptiveThreshold(~gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    h, w = bw.shape
    hor = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 25), 1)))
    ver = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h // 60))))
    n, _, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(hor | ver, np.ones((3, 3), np.uint8)))
    out = []
    for x, y, bw_, bh, _ in stats[1:n]:
        if bw_ < w * OCR_TABLE_MIN_WIDTH or bh < 20:
            continue
        ys = _lines_at(hor[y:y + bh, x:x + bw_], axis=1)
        xs = _lines_at(ver[y:y + bh, x:x + bw_], axis=0)
        if len(ys) < 3 or len(xs) < 3:  # a box or a single rule: not a table of cells
            continue
        # whether a row line crosses each column: where it does not, the cells above and
        # below are one merged cell (a company name beside several of its models)
        ruled = [[hor[max(0, y + round(v) - 2):y + round(v) + 3, x + round(a):x + round(b)].any(axis=0).mean() > 0.5
                  for a, b in zip(xs, xs[1:])] for v in ys]
        s = OCR_SCALE
        out.append((x / s, y / s, (x + bw_) / s, (y + bh) / s,
                    [(x + v) / s for v in xs], [(y + v) / s for v in ys], ruled))
    n, _, stats, _ = cv2.connectedComponentsWithStats(hor)
    rules = [(x / OCR_SCALE, (x + rw) / OCR_SCALE, (y + rh / 2) / OCR_SCALE)
             for x, y, rw, rh, _ in stats[1:n] if rh <= RULE_PIXELS]
    return out, rules


def _cells(chars: list[dict], xs: list[float], ys: list[float], ruled: list[list[bool]]) -> list[list[str]]:
    """The text of each cell between the rulings, its characters in reading order; a merged
    cell's text in its top row, as pdfplumber gives a merged cell of a text layer."""
    grid: dict[tuple[int, int], list[dict]] = {}
    for c in chars:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        col = next((i for i in range(len(xs) - 1) if xs[i] <= cx < xs[i + 1]), None)
        row = next((i for i in range(len(ys) - 1) if ys[i] <= cy < ys[i + 1]), None)
        if col is not None and row is not None:
            while row > 0 and not ruled[row][col]:  # no line above: the cell goes on upwards
                row -= 1
            grid.setdefault((row, col), []).append(c)
    rows = []
    for r in range(len(ys) - 1):
        cells = []
        for k in range(len(xs) - 1):
            got = sorted(grid.get((r, k), []), key=lambda c: (round(c["top"] / 4), c["x0"]))
            cells.append("".join(c["text"] for c in got))
        if any(cells):
            rows.append(cells)
    return rows if len(rows) >= 2 else []
