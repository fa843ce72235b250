"""Shared fixtures: one real index (real m3e-small model, real Chroma) of the bundled report."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REPORT = CORPUS / "njzq_aigc_2023.txt"
DEV_SET = ROOT.parent / "shared" / "eval" / "dev.jsonl"
DEV_PARAPHRASE = DEV_SET.with_name("dev_paraphrase.jsonl")
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def corpus_copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(REPORT, folder / REPORT.name)
    return folder


@pytest.fixture(scope="session")
def bot(corpus_copy, tmp_path_factory):
    from reportbot import ReportBot, Settings

    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path_factory.mktemp("index"),
                        llm_model=None)
    b = ReportBot(settings)
    report = b.ingest()
    assert report.added == [REPORT.name] and not report.errors
    return b


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make setup does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


def indexed_notes(tmp_path_factory, name: str, files: dict[str, str]):
    """A bot over notes written by a test ({file name: text}), ingested into a real index."""
    from reportbot import ReportBot, Settings

    corpus = tmp_path_factory.mktemp(name)
    for file_name, text in files.items():
        (corpus / file_name).write_text(text, encoding="utf-8")
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp(f"{name}-index"), llm_model=None))
    assert not bot.ingest().errors
    return bot


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_pdf(pages: list[str]) -> bytes:
    """A small valid PDF with one line of Helvetica text per page."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    font_id = 3 + 2 * len(pages)
    for i, text in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        lines = text.split("\n")
        ops = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
            f"({line.replace('(', '[').replace(')', ']')}) Tj T*" for line in lines
        ) + " ET"
        stream = ops.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return pdf_from_objects(objects)


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF file of numbered objects (object 1 the catalog), with its xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


REAL_CORPUS = ROOT.parent / "shared" / "real"
DEV_REAL = DEV_SET.with_name("dev_real.jsonl")


@pytest.fixture(scope="session")
def real_bot(tmp_path_factory):
    """The six real broker PDFs of ../shared/real as one corpus (skipped without them)."""
    if not any(REAL_CORPUS.glob("*.pdf")):
        pytest.skip(f"no real broker PDFs in {REAL_CORPUS}")
    from reportbot import ReportBot, Settings

    corpus = tmp_path_factory.mktemp("real")
    for pdf in REAL_CORPUS.glob("*.pdf"):
        shutil.copy(pdf, corpus / pdf.name)
    b = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("real-index"),
                           llm_model=None))
    b.ingest()
    return b
