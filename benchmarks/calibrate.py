"""Calibrate the answerer's semantic part on the dev sets and print the trade-off.

    .venv/bin/python benchmarks/calibrate.py [FILE.jsonl ...]

For each setting of MERIT_SEMANTIC (how much a unit's cosine similarity to the question
orders candidates) and MIN_SEMANTIC (the cosine below which the best unit is not trusted and
the bot refuses), it prints the answer accuracy on answerable questions and the share of
unanswerable questions refused. Builds a fresh index of ./corpus in a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = [ROOT.parent / "shared" / "eval" / "dev.jsonl",
        ROOT.parent / "shared" / "eval" / "dev_paraphrase.jsonl"]


def main() -> int:
    from reportbot import ReportBot, Settings, tuning
    from reportbot.answer import extractive
    from reportbot.app.evaluate import answer_correct, load_items

    files = [Path(a) for a in sys.argv[1:]] or [p for p in SETS if p.exists()]
    items = [item for f in files for item in load_items(f)]
    with tempfile.TemporaryDirectory() as tmp:
        bot = ReportBot(Settings(corpus_dir=ROOT / "corpus", index_dir=Path(tmp) / "i", llm_model=None))
        bot.ingest()
        print(f"{len(items)} questions from {', '.join(f.name for f in files)}")
        print(f"{'MERIT_SEMANTIC':>14} {'MIN_SEMANTIC':>12} {'answerable acc':>15} {'unanswerable refused':>21}")
        for weight in (0.0, 0.15, 0.3, 0.5):
            for floor in (0.0, 0.5, 0.6, 0.7):
                extractive.MERIT_SEMANTIC = weight
                extractive.MIN_SEMANTIC = floor
                ok_ans = n_ans = ok_un = n_un = 0
                for item in items:
                    a = bot.ask(item["q"])
                    good = answer_correct(item, a.text, a.found)
                    if item.get("answer") is None:
                        n_un += 1
                        ok_un += good
                    else:
                        n_ans += 1
                        ok_ans += good
                print(f"{weight:>14} {floor:>12} {ok_ans / n_ans:>15.3f} {ok_un / max(n_un, 1):>21.3f}")
        extractive.MERIT_SEMANTIC, extractive.MIN_SEMANTIC = tuning.MERIT_SEMANTIC, tuning.MIN_SEMANTIC
    return 0


if __name__ == "__main__":
    sys.exit(main())
