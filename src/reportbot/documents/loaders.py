"""Read report files into pages of text: .txt/.md as one page, .pdf page by page (pypdf)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .charfold import fix_radicals, normalize_text  # noqa: F401 - fix_radicals is public API

SUPPORTED = {".txt", ".md", ".markdown", ".pdf"}


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


def load_pages(path: Path) -> list[Page]:
    """Return the pages of ``path``; raise :class:`LoadError` with a clear reason otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(path, f"unsupported file type '{suffix}' (use .txt, .md or .pdf)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise LoadError(path, "the file is empty")
    if suffix == ".pdf":
        return _load_pdf(path, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            path, f"not valid UTF-8 text (byte {exc.start}); save it as UTF-8 and ingest again"
        ) from exc
    if "\x00" in text:
        raise LoadError(path, "looks like a binary file, not text")
    return [Page(None, normalize_text(text))]


def _load_pdf(path: Path, data: bytes) -> list[Page]:
    """Pages of a PDF, read for layout (pdf.py); pypdf checks first that it can be opened."""
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
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(path, f"broken or unreadable PDF ({exc})") from exc
    try:
        layout = read_pdf(data)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on damaged files
        raise LoadError(path, f"broken or unreadable PDF ({type(exc).__name__}: {exc})") from exc
    pages = [Page(number, normalize_text(text)) for number, text in layout.pages]
    if not any(p.text.strip() for p in pages):
        why = "; ".join(layout.warnings) or "no text"
        raise LoadError(path, f"the PDF has no extractable text ({why}); scanned images need OCR first")
    if pages:
        pages[0].warnings = list(layout.warnings)
    return pages


def list_corpus(corpus_dir: Path) -> list[Path]:
    """All report files under ``corpus_dir`` (recursively), in a stable order."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise LoadError(corpus_dir, "corpus folder not found")
    return sorted(
        p for p in corpus_dir.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED
    )


def unsupported_files(corpus_dir: Path) -> list[Path]:
    return sorted(
        p for p in Path(corpus_dir).rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in SUPPORTED
    )
