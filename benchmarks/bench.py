"""Benchmark: ingest time, retrieve/ask latency (p50/p95) and peak memory.

    .venv/bin/python benchmarks/bench.py [--questions FILE.jsonl] [--repeat N]

Builds a fresh index of ./corpus in a temporary folder, so it measures a cold ingest.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = [ROOT.parent / "shared" / "eval" / "dev.jsonl",
                     ROOT.parent / "shared" / "eval" / "dev_paraphrase.jsonl"]
FALLBACK = ["哪些公司接入了文心一言？", "谷歌PaLM模型的参数量是多少？", "报告提示了哪些风险？",
            "芒果超媒2023年的预测PE是多少？", "字节跳动大模型的参数量是多少？"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed(fn, *args):
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def ocr_seconds(pdf_path: Path, pages: int = 3) -> float | None:
    """OCR of a scan: the printed report's first pages rasterised at 150 dpi, read back."""
    import io

    import pypdfium2 as pdfium

    from reportbot.documents import ocr

    if not ocr.available():
        return None
    import img2pdf

    pdf = pdfium.PdfDocument(str(pdf_path))
    images = []
    for i in range(min(pages, len(pdf))):
        buf = io.BytesIO()
        pdf[i].render(scale=150 / 72, grayscale=True).to_pil().save(buf, format="PNG")
        images.append(buf.getvalue())
    pdf.close()
    scan = img2pdf.convert(images)
    ocr.read_page(scan, 0)  # the engine's load is not a page's cost
    t0 = time.perf_counter()
    for i in range(len(images)):
        ocr.read_page(scan, i)
    return round((time.perf_counter() - t0) / len(images), 2)


def cli_ask_seconds(bot, corpus, index, questions: list[str]) -> dict:
    """`reportbot ask` as a user runs it: alone (it loads the models), and with `serve` running
    on the same index (it asks the server); and the REST chat route's latency."""
    import os
    import socket
    import subprocess
    import urllib.request

    from reportbot.app.web import serve

    env = {**os.environ, "REPORTBOT_CORPUS_DIR": str(corpus), "REPORTBOT_INDEX_DIR": str(index)}
    cli = [sys.executable, "-m", "reportbot", "ask"]

    def run(extra: list[str], q: str) -> float:
        t0 = time.perf_counter()
        subprocess.run(cli + extra + [q], env=env, capture_output=True, check=True)
        return time.perf_counter() - t0

    cold = [run(["--local"], q) for q in questions]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = serve(bot, host="127.0.0.1", port=port, block=False, api_keys=())
    try:
        warm = [run([], q) for q in questions]
        rest_ms = []
        for q in questions * 3:
            body = json.dumps({"model": "reportbot", "messages": [{"role": "user", "content": q}]}).encode()
            request = urllib.request.Request(server.url + "v1/chat/completions", data=body,
                                             headers={"Content-Type": "application/json"})
            t0 = time.perf_counter()
            urllib.request.urlopen(request, timeout=60).read()
            rest_ms.append((time.perf_counter() - t0) * 1000)
    finally:
        server.close()
    return {"cli_ask_cold_s_p50": round(pct(cold, 0.5), 2), "cli_ask_warm_s_p50": round(pct(warm, 0.5), 2),
            "rest_chat_ms_p50": round(pct(rest_ms, 0.5), 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", nargs="*", default=[str(p) for p in DEFAULT_QUESTIONS])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = ap.parse_args()

    questions = [json.loads(line)["q"] for q in args.questions if Path(q).exists()
                 for line in Path(q).read_text().splitlines() if line.strip()] or FALLBACK

    from reportbot import ReportBot, Settings

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        bot = ReportBot(Settings(corpus_dir=args.corpus, index_dir=Path(tmp) / "index", llm_model=None))
        startup = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = bot.ingest()
        ingest = time.perf_counter() - t0
        t0 = time.perf_counter()
        bot.ingest()
        reingest = time.perf_counter() - t0
        t0 = time.perf_counter()
        bot.retrieve(questions[0])  # builds the keyword index once
        first_query = time.perf_counter() - t0

        retrieve_ms, ask_ms = [], []
        for _ in range(args.repeat):
            for q in questions:
                retrieve_ms.append(timed(bot.retrieve, q, 5))
                ask_ms.append(timed(bot.ask, q))
        cli = cli_ask_seconds(bot, args.corpus, Path(tmp) / "index", questions[:3])

    pdf_pages_per_s = ocr_s_per_page = None
    printed = ROOT.parent / "shared" / "pdf" / "njzq_aigc_2023_print.pdf"
    if printed.exists():
        from reportbot.documents.loaders import load_pages

        t0 = time.perf_counter()
        pages = load_pages(printed)
        pdf_pages_per_s = round(len(pages) / (time.perf_counter() - t0), 1)
        ocr_s_per_page = ocr_seconds(printed)

    result = {
        "chunks": report.chunks,
        "pdf_pages_per_s": pdf_pages_per_s,
        "ocr_s_per_page": ocr_s_per_page,
        "model_load_s": round(startup, 2),
        "ingest_s": round(ingest, 2),
        "reingest_unchanged_s": round(reingest, 3),
        "first_query_s": round(first_query, 2),
        "queries": len(retrieve_ms),
        "retrieve_ms_p50": round(pct(retrieve_ms, 0.5), 1),
        "retrieve_ms_p95": round(pct(retrieve_ms, 0.95), 1),
        "ask_ms_p50": round(pct(ask_ms, 0.5), 1),
        "ask_ms_p95": round(pct(ask_ms, 0.95), 1),
        "ask_ms_mean": round(statistics.mean(ask_ms), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        **cli,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
