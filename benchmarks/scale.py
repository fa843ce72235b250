"""`make bench-scale`: reportbot over 1, 50 and 200 reports (a synthetic library, synth.py).

For each N: the library and its index are kept in benchmarks/.scale/ (built once: 200 reports
take about half an hour to ingest on 2 cores; later runs find them up to date). Then, in a
fresh process each: start → first answer, retrieve and ask p50/p95 over the dev sets'
questions, the keyword (BM25) part alone, and peak RSS. Cold ingest is timed on a small library
against the raw encode time of the same texts, in the same run. With 50 reports the bundled
report's dev questions are asked scoped to it (sources=) and unscoped.

    python benchmarks/scale.py [--sizes 1 50 200] [--ingest-reports 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".scale"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
PARAPHRASE = DEV.with_name("dev_paraphrase.jsonl")
BUNDLED = "njzq_aigc_2023.txt"
sys.path.insert(0, str(ROOT / "benchmarks"))

# run in a fresh interpreter: the clock starts before any import
MEASURE = r"""
import time; t0 = time.perf_counter()
import json, resource, statistics, sys
from reportbot import ReportBot, Settings
bot = ReportBot(Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2], llm_model=None))
questions = json.loads(sys.argv[3])
bot.ask(questions[0])
first = time.perf_counter() - t0
def timed(fn):
    out = []
    for q in questions:
        t = time.perf_counter(); fn(q); out.append((time.perf_counter() - t) * 1000)
    out.sort()
    return statistics.median(out), out[int(0.95 * (len(out) - 1))]
r = bot.retriever
for q in questions[:5]:  # warm the term caches as a serving process has them
    bot.ask(q)
keyword = timed(lambda q: r.keyword(q, 30))
retrieve = timed(lambda q: bot.retrieve(q, k=5))
ask = timed(lambda q: bot.ask(q))
print(json.dumps({"chunks": len(r.chunks), "first_answer_s": first, "keyword_ms": keyword,
                  "retrieve_ms": retrieve, "ask_ms": ask,
                  "rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}))
"""

SCOPED = r"""
import json, sys
from reportbot import ReportBot, Settings
from reportbot.app.evaluate import answer_correct, load_items
bot = ReportBot(Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2], llm_model=None))
out = {"scoped": 0, "unscoped": 0, "named": 0, "found": 0, "n": 0}
for item in load_items(sys.argv[3]):
    a = bot.ask(item["q"], sources=[sys.argv[4]])
    b = bot.ask(item["q"])
    out["n"] += 1
    out["scoped"] += answer_correct(item, a.text, a.found)
    out["unscoped"] += answer_correct(item, b.text, b.found)
    if b.found:
        out["found"] += 1
        out["named"] += all(c.title for c in b.citations) and ("出自" in b.text or "》（" in b.text)
print(json.dumps(out))
"""


def questions() -> list[str]:
    items = [json.loads(line) for f in (DEV, PARAPHRASE) for line in f.read_text().splitlines() if line.strip()]
    return [i["q"] for i in items]


def library(n: int) -> Path:
    import synth

    folder = WORK / f"lib-{n}"
    if not folder.is_dir() or len(list(folder.glob("*.txt"))) != n:
        shutil.rmtree(folder, ignore_errors=True)
        synth.write_library(folder, n)
    return folder


def reportbot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportbot", *args], capture_output=True, text=True)


def ensure_index(n: int) -> tuple[Path, Path, float | None]:
    lib, index = library(n), WORK / f"index-{n}"
    start = time.perf_counter()
    done = reportbot("--corpus", str(lib), "--index", str(index), "ingest", "--json")
    if done.returncode:
        sys.exit(done.stderr)
    report = json.loads(done.stdout)
    built = report["added"] or report["updated"]
    return lib, index, (time.perf_counter() - start) if built else None


def measure(lib: Path, index: Path, qs: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(lib), str(index), json.dumps(qs, ensure_ascii=False)],
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def ingest_vs_encode(n: int) -> dict:
    """Cold ingest of an n-report library against encoding the same texts alone."""
    import synth

    from reportbot import ReportBot, Settings
    from reportbot.documents.loaders import load_pages
    from reportbot.documents.parse import parse_pages
    from reportbot.documents.units import embed_text, units_of
    from reportbot.index.store import ENCODE_BATCH

    with tempfile.TemporaryDirectory() as tmp:
        lib = Path(tmp) / "lib"
        synth.write_library(lib, n, seed=1)
        bot = ReportBot(Settings(corpus_dir=lib, index_dir=Path(tmp) / "index", llm_model=None))
        bot.index.encode(["warm up"])
        texts = []
        for path in sorted(lib.iterdir()):
            chunks = parse_pages(load_pages(path), path.name)
            texts += [c.text for c in chunks] + [embed_text(u) for c in chunks for u in units_of(c)]
        model = bot.index.embed._model
        start = time.perf_counter()
        model.encode(texts, batch_size=ENCODE_BATCH, normalize_embeddings=True)
        raw_all = time.perf_counter() - start
        unique = list(dict.fromkeys(texts))
        start = time.perf_counter()
        model.encode(unique, batch_size=ENCODE_BATCH, normalize_embeddings=True)
        raw_unique = time.perf_counter() - start
        start = time.perf_counter()
        bot.ingest()
        ingest = time.perf_counter() - start
    return {"reports": n, "texts": len(texts), "unique_texts": len(unique), "ingest_s": ingest,
            "raw_encode_all_s": raw_all, "raw_encode_unique_s": raw_unique}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 50, 200])
    parser.add_argument("--ingest-reports", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    WORK.mkdir(parents=True, exist_ok=True)
    qs = questions()
    rows = []
    for n in args.sizes:
        lib, index, built = ensure_index(n)
        m = measure(lib, index, qs)
        m.update(reports=n, ingest_s=built)
        rows.append(m)
        print(json.dumps(m), flush=True)
        if n == 50:
            done = subprocess.run([sys.executable, "-c", SCOPED, str(lib), str(index), str(DEV), BUNDLED],
                                  capture_output=True, text=True)
            if done.returncode:
                sys.exit(done.stderr)
            scoped = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"50 reports, dev.jsonl: scoped to {BUNDLED} {scoped['scoped']}/{scoped['n']}, "
                  f"unscoped {scoped['unscoped']}/{scoped['n']}; unscoped answers naming their "
                  f"report {scoped['named']}/{scoped['found']}", flush=True)
    enc = ingest_vs_encode(args.ingest_reports)
    print()
    print("| reports | chunks | retrieve p50 | ask p50 (p95) | BM25 p50 | start → first answer | RSS |")
    print("|---|---|---|---|---|---|---|")
    for m in rows:
        print(f"| {m['reports']} | {m['chunks']} | {m['retrieve_ms'][0]:.0f} ms | {m['ask_ms'][0]:.0f} ms "
              f"({m['ask_ms'][1]:.0f} ms) | {m['keyword_ms'][0]:.1f} ms | {m['first_answer_s']:.1f} s "
              f"| {m['rss_gb']:.2f} GB |")
    print()
    print(f"cold ingest of {enc['reports']} reports ({enc['texts']} texts, {enc['unique_texts']} distinct): "
          f"{enc['ingest_s']:.1f} s; raw encode of the same texts {enc['raw_encode_all_s']:.1f} s "
          f"(ratio {enc['ingest_s'] / enc['raw_encode_all_s']:.2f}); of the distinct ones "
          f"{enc['raw_encode_unique_s']:.1f} s (ratio {enc['ingest_s'] / enc['raw_encode_unique_s']:.2f})")


if __name__ == "__main__":
    main()
