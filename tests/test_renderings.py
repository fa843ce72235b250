"""The bundled report rendered in the run as brokers render it (tests/renderings.py) answers
like its text: a .docx with Word tables exported by LibreOffice, a two-column Chromium print
with three-line tables and a cover sidebar, and scans of both (OCR). benchmarks/renderings.py
prints the same figures, the held-out third apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from renderings import scan, two_column_pdf, word_pdf

from reportbot import ReportBot, Settings
from reportbot.app.evaluate import evaluate, load_items

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "corpus" / "njzq_aigc_2023.txt"
EVAL = ROOT.parent / "shared" / "eval"
SETS = ("dev", "dev_wording")

pytestmark = pytest.mark.skipif(not (EVAL / "dev.jsonl").exists(), reason=f"{EVAL} not present")


def _accuracy(bot, name: str) -> float:
    rows = evaluate(bot, load_items(EVAL / f"{name}.jsonl")).rows
    assert not any(r.get("error") for r in rows), [r["id"] for r in rows if r.get("error")]
    return sum(r["correct"] for r in rows) / len(rows)


def _bot(pdf: Path, tmp_path_factory) -> ReportBot:
    bot = ReportBot(Settings(corpus_dir=pdf.parent, index_dir=tmp_path_factory.mktemp("index"), llm_model=None))
    report = bot.ingest()
    assert report.added == [pdf.name] and not report.errors
    return bot


@pytest.fixture(scope="module")
def text_scores(bot):
    return {name: _accuracy(bot, name) for name in SETS}


@pytest.fixture(scope="module")
def two_column(browser, tmp_path_factory):
    return two_column_pdf(browser, REPORT, tmp_path_factory.mktemp("two_column") / "njzq_aigc_2023_2col.pdf")


@pytest.fixture(scope="module")
def word(tmp_path_factory):
    return word_pdf(REPORT, tmp_path_factory.mktemp("word") / "njzq_aigc_2023_word.pdf")


def test_word_export_answers_like_the_text(text_scores, word, tmp_path_factory):
    bot = _bot(word, tmp_path_factory)
    (listed,) = bot.library()
    assert listed.title == "积极拥抱AIGC技术变革，关注应用落地"  # not a cell of the cover's layout table
    for name in SETS:
        assert _accuracy(bot, name) >= text_scores[name] - 0.05, name


def test_two_column_print_with_three_line_tables_answers_like_the_text(text_scores, two_column, tmp_path_factory):
    bot = _bot(two_column, tmp_path_factory)
    frames = bot.tables()  # the model table, cell by cell (was one column of run-on lines)
    palm = [f for f in frames if "PaLM" in f.to_string() and any("参数量" in str(c) for c in f.columns)]
    assert palm and len(palm[0].columns) == 5
    for name in SETS:
        assert _accuracy(bot, name) >= text_scores[name] - 0.05, name


def test_a_scan_of_the_word_export_answers_within_its_margin(text_scores, word, tmp_path_factory):
    pdf = scan(word, tmp_path_factory.mktemp("scan") / "njzq_aigc_2023_scan.pdf")
    bot = _bot(pdf, tmp_path_factory)
    for name in SETS:
        assert _accuracy(bot, name) >= text_scores[name] - 0.15, name


def test_a_scan_of_the_two_column_print_answers_within_its_margin(text_scores, two_column, tmp_path_factory):
    # its three-line tables' narrow columns (a timeline's 时间 | 公司) OCR boxes a character apart
    pdf = scan(two_column, tmp_path_factory.mktemp("scan2") / "njzq_aigc_2023_scan.pdf")
    bot = _bot(pdf, tmp_path_factory)
    for name in SETS:
        assert _accuracy(bot, name) >= text_scores[name] - 0.15, name
