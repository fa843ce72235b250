"""Characters folded once, at load, whatever produced the text (a text file or a PDF)."""

from __future__ import annotations

import unicodedata

# PDF text extraction often yields radical code points (⾏, ⻓) where the text has the
# ordinary characters (行, 长): Kangxi radicals have a compatibility mapping (NFKC); the
# simplified forms of the CJK Radicals Supplement do not, so they are listed here.
_RADICALS_SUPPLEMENT = dict(zip(
    "⺁⺌⺟⺠⺧⺫⺮⺼⻁⻄⻅⻆⻉⻊⻋⻑⻓⻔⻗⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻨⻩⻬⻮⻰⻳",
    "厂小母民牛目竹肉虎西见角贝足车長长门雨青韦页风飞食马骨鬼鱼鸟麦黄齐齿龙龟",
))
_RADICALS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}
_RADICALS.update({ord(k): v for k, v in _RADICALS_SUPPLEMENT.items()})


# Variant forms that text extraction produces for common simplified characters (seen: 戶 for 户).
_VARIANTS = {ord(k): v for k, v in zip("戶爲內眞鬥", "户为内真斗")}
# Compatibility forms folded as NFKC does: Latin ligatures (ﬀ → ff), full-width letters and
# digits (Ａ１ → A1), CJK compatibility ideographs. Full-width Chinese punctuation (，：（）)
# is left alone: it is the report's own typography, and the parser reads it.
_FOLD_RANGES = ((0xFB00, 0xFB4F), (0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A),
                (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
_FOLD = {cp: unicodedata.normalize("NFKC", chr(cp)) for lo, hi in _FOLD_RANGES
         for cp in range(lo, hi + 1) if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)}


def fix_radicals(text: str) -> str:
    """Replace radical code points by the characters they stand for."""
    return text.translate(_RADICALS)


def normalize_text(text: str) -> str:
    """Text as the rest of reportbot reads it, whatever produced it: radicals, variant forms
    and compatibility characters folded (done once, at load)."""
    return text.translate(_RADICALS).translate(_VARIANTS).translate(_FOLD)
