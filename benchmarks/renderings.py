"""The bundled report rendered three ways in the run, each scored against the text (issue 17).

    python benchmarks/renderings.py [--work DIR] [--sets dev dev_wording]

Renderings (tests/renderings.py): a .docx with Word tables and a layout-table cover exported by
LibreOffice Writer; a two-column Chromium print with three-line tables and a cover sidebar;
scans (pdftoppm 150 dpi grey → img2pdf, no text layer, OCR) of the two-column print and of the
Word export. Each is
ingested alone and asked every question of each set; the held-out third is printed apart.
The goal: within 0.05 of the text (the scan within 0.15).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
SHARED = ROOT.parent / "shared"
REPORT = ROOT / "corpus" / "njzq_aigc_2023.txt"


def build(work: Path) -> dict[str, Path]:
    from playwright.sync_api import sync_playwright
    from renderings import scan, two_column_pdf, word_pdf

    made = {}
    for name in ("text", "word", "two_column", "scan", "scan_word"):
        (work / name / "corpus").mkdir(parents=True, exist_ok=True)
    (work / "text" / "corpus" / REPORT.name).write_bytes(REPORT.read_bytes())
    made["text"] = work / "text" / "corpus" / REPORT.name
    made["word"] = word_pdf(REPORT, work / "word" / "corpus" / "njzq_aigc_2023_word.pdf")
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path="/usr/bin/chromium")
        made["two_column"] = two_column_pdf(browser, REPORT,
                                            work / "two_column" / "corpus" / "njzq_aigc_2023_2col.pdf")
        browser.close()
    made["scan"] = scan(made["two_column"], work / "scan" / "corpus" / "njzq_aigc_2023_scan.pdf")
    made["scan_word"] = scan(made["word"], work / "scan_word" / "corpus" / "njzq_aigc_2023_word_scan.pdf")
    return made


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default=None, help="keep renderings and indexes here")
    parser.add_argument("--sets", nargs="*", default=["dev", "dev_wording"])
    parser.add_argument("--shared", default=str(SHARED))
    args = parser.parse_args()
    from reportbot import ReportBot, Settings
    from reportbot.app.evaluate import evaluate, load_items

    work = Path(args.work or tempfile.mkdtemp(prefix="reportbot-renderings-"))
    held = json.loads((ROOT / "benchmarks" / "heldout_ids.json").read_text())
    made = build(work)
    scores: dict[tuple[str, str], float] = {}
    print(f"{'rendering':<11} {'set':<12} {'built on':>8} {'held out':>8} {'all':>6} {'vs text':>8} "
          f"{'FR':>3} {'FA':>3} {'crash':>5} {'ingest s':>8}")
    for name, path in made.items():
        bot = ReportBot(Settings(corpus_dir=path.parent, index_dir=work / name / "index", llm_model=None))
        start = time.perf_counter()
        report = bot.ingest()
        took = time.perf_counter() - start
        if report.errors:
            print(f"{name}: {report.errors}")
        for set_name in args.sets:
            items = load_items(Path(args.shared) / "eval" / f"{set_name}.jsonl")
            rows = evaluate(bot, items).rows
            aside = set(held.get(set_name, []))

            def acc(part):
                return sum(r["correct"] for r in part) / len(part) if part else 0.0
            built = acc([r for r in rows if r["id"] not in aside])
            out = acc([r for r in rows if r["id"] in aside])
            scores[name, set_name] = every = acc(rows)
            gap = every - scores.get(("text", set_name), every)
            fr = sum(1 for r in rows if r["answerable"] and not r["found"])
            fa = sum(1 for r in rows if not r["answerable"] and r["found"])
            crashes = sum(1 for r in rows if r.get("error"))
            print(f"{name:<11} {set_name:<12} {built:>8.3f} {out:>8.3f} {every:>6.3f} {gap:>+8.3f} "
                  f"{fr:>3} {fa:>3} {crashes:>5} {took:>8.1f}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
