"""Read report files into pages of text: .txt/.md as one page, .pdf page by page (pypdf)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import ocr
from .charfold import fix_radicals, normalize_text  # noqa: F401 - fix_radicals is public API
from .corpus import SUPPORTED
from .limits import (
    Budget,
    LimitExceeded,
    Limits,
    check_inflated,
    check_pages,
    check_size,
)


class LoadError(Exception):
    """A file could not be read; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass
class Page:
    number: int | None  # 1-based page number for PDFs, None for text files
    text: str
    warnings: list[str] = field(default_factory=list)  # pages of the file that were skipped, and why


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_pages(path: Path, limits: Limits | None = None) -> list[Page]:
    """Return the pages of ``path``; raise :class:`LoadError` with a clear reason otherwise
    (also when the file goes past one of its ``limits``)."""
    path = Path(path)
    limits = limits or Limits()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(path, f"unsupported file type '{suffix}' (use .txt, .md or .pdf)")
    try:
        check_size(path.stat().st_size, limits)
        data = path.read_bytes()
    except LimitExceeded as exc:
        raise LoadError(path, str(exc)) from exc
    except OSError as exc:
        raise LoadError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise LoadError(path, "the file is empty")
    if suffix == ".pdf":
        try:
            return _load_pdf(path, data, limits)
        except LimitExceeded as exc:
            raise LoadError(path, str(exc)) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            path, f"not valid UTF-8 text (byte {exc.start}); save it as UTF-8 and ingest again"
        ) from exc
    if "\x00" in text:
        raise LoadError(path, "looks like a binary file, not text")
    return [Page(None, normalize_text(text))]


def _load_pdf(path: Path, data: bytes, limits: Limits) -> list[Page]:
    """Pages of a PDF, read for layout (pdf.py); pypdf checks first that it can be opened
    and that it keeps within its page and inflated-size limits."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from .pdf import read_pdf

    if not data.lstrip().startswith(b"%PDF"):
        raise LoadError(path, "not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise LoadError(path, f"the PDF is encrypted and cannot be opened ({exc})") from exc
            if not ok:
                raise LoadError(path, "the PDF is encrypted with a password; decrypt it first")
        if not reader.pages:
            raise LoadError(path, "the PDF has no pages")
        check_pages(len(reader.pages), limits)
        check_inflated(reader, limits)
    except (LoadError, LimitExceeded):
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(path, f"broken or unreadable PDF ({exc})") from exc
    budget = Budget(limits)
    try:
        layout = read_pdf(data, budget.check)
    except LimitExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on damaged files
        raise LoadError(path, f"broken or unreadable PDF ({type(exc).__name__}: {exc})") from exc
    pages = [Page(number, normalize_text(text)) for number, text in layout.pages]
    if not any(p.text.strip() for p in pages):
        why = "; ".join(layout.warnings) or "no text"
        raise LoadError(path, f"the PDF has no extractable text ({why})"
                              + ("" if ocr.available() else "; scanned images need OCR first"))
    if pages:
        pages[0].warnings = list(layout.warnings)
    return pages
