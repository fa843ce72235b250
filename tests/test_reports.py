"""A corpus of several reports: the bundled one and two synthetic variants of it (other
companies, numbers, broker and title; benchmarks/synth.py), with real Chroma and the real model."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time

import pytest
from conftest import DEV_SET, REPORT, ROOT, free_port

sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # noqa: E402

BUNDLED = REPORT.name
TITLE = "积极拥抱AIGC技术变革，关注应用落地"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("library")
    synth.write_library(folder, 3, seed=7)
    return folder


@pytest.fixture(scope="module")
def many(library, tmp_path_factory):
    from reportbot import ReportBot, Settings

    b = ReportBot(Settings(corpus_dir=library, index_dir=tmp_path_factory.mktemp("many-index"),
                           llm_model=None))
    report = b.ingest()
    assert len(report.added) == 3 and not report.errors
    return b


def test_reports_have_titles_from_their_covers(many):
    titles = many.reports()
    assert titles[BUNDLED] == TITLE
    others = [t for s, t in titles.items() if s != BUNDLED]
    assert len(others) == 2 and all("AIGC行业跟踪" in t for t in others)


def test_scoped_dev_questions_answer_as_the_report_alone(many, bot):
    from reportbot.app.evaluate import answer_correct, load_items

    for item in load_items(DEV_SET):
        alone = bot.ask(item["q"])
        scoped = many.ask(item["q"], sources=[BUNDLED])
        assert answer_correct(item, scoped.text, scoped.found) == answer_correct(item, alone.text, alone.found)
        assert {c.source for c in scoped.citations} <= {BUNDLED}
        if alone.found:  # the same answer, now saying which report it is from
            assert scoped.text.startswith(alone.text.split("\n")[0])
            assert f"出自《{TITLE}》" in scoped.text


def test_an_unscoped_answer_names_its_report(many):
    answer = many.ask("华策影视的总市值是多少？")  # only the bundled report has 华策影视
    assert answer.found and "163" in answer.text
    assert f"（出自《{TITLE}》（{BUNDLED}））" in answer.text
    assert all(c.source == BUNDLED and c.title == TITLE for c in answer.citations)


def test_rows_from_several_reports_are_grouped_by_report(many):
    answer = many.ask("哪些公司接入了文心一言？")
    titles = many.reports()
    lines = answer.text.split("\n")
    headers = [i for i, line in enumerate(lines) if line.endswith("）：") and "《" in line]
    assert len(headers) == 3  # the row sits in each report's table, under another company
    for start, end in zip(headers, headers[1:] + [len(lines)]):
        source = next(s for s in titles if lines[start] == f"《{titles[s]}》（{s}）：")
        numbers = [int(n) for line in lines[start + 1:end] for n in _markers(line)]
        assert numbers and all(answer.citations[n - 1].source == source for n in numbers)


def _markers(line: str) -> list[str]:
    import re

    return re.findall(r"\[(\d+)\]", line)


def test_a_question_naming_a_report_is_scoped_to_it(many):
    answer = many.ask("南京证券那篇报告给出的行业评级是什么？")
    # the cover's fact first, cited to that report's cover
    assert answer.found and answer.kind == "about" and "推荐" in answer.text.split("\n")[0]
    assert {c.source for c in answer.citations} == {BUNDLED}


def test_a_scoped_refusal_says_what_that_report_lacks(many):
    other = next(s for s in many.reports() if s != BUNDLED)
    answer = many.ask("华策影视的总市值是多少？", sources=[other])
    assert not answer.found and "华策影视" in answer.text and answer.citations == []


def test_scoped_retrieval_and_tables_stay_in_the_report(many):
    other = next(s for s in many.reports() if s != BUNDLED)
    hits = many.retrieve("总市值", k=20, sources=[other])
    assert len(hits) == 20 and {h.source for h in hits} == {other}
    # a computed answer over one report's tables
    top = many.ask("营销板块总市值最高的是哪家？", sources=[BUNDLED])
    assert top.found and "蓝色光标" in top.text and {c.source for c in top.citations} == {BUNDLED}


def test_unknown_report_is_a_clear_error(many):
    from reportbot.bot import InputError

    with pytest.raises(InputError, match="no report named 'nope.txt'.*" + BUNDLED):
        many.ask("行业评级是什么？", sources=["nope.txt"])
    # a title works as well as a file name
    assert many.ask("行业评级是什么？", sources=[TITLE]).citations[0].source == BUNDLED


def test_cli_source_and_reports(many, library):
    env = {**os.environ, "REPORTBOT_CORPUS_DIR": str(library),
           "REPORTBOT_INDEX_DIR": str(many.settings.index_dir)}

    def cli(*args):
        proc = subprocess.run([sys.executable, "-m", "reportbot", *args], capture_output=True,
                              text=True, env=env, timeout=600)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    listed = json.loads(cli("reports", "--json"))
    assert {r["source"]: r["title"] for r in listed} == many.reports()
    other = next(s for s in many.reports() if s != BUNDLED)
    data = json.loads(cli("ask", "哪些公司接入了文心一言？", "--source", other, "--json"))
    assert data["found"] and {c["source"] for c in data["citations"]} == {other}
    assert data["citations"][0]["title"] == many.reports()[other]


def test_the_view_is_loaded_not_rebuilt_and_a_new_report_only_adds_its_own_work(many, library, monkeypatch):
    from reportbot import ReportBot
    from reportbot.index import view
    from reportbot.language.tokens import Tokenizer

    def no_build(*args, **kwargs):
        raise AssertionError("the view was rebuilt at start-up")

    with monkeypatch.context() as m:
        m.setattr(view, "build", no_build)
        fresh = ReportBot(many.settings)
        assert len(fresh.retriever.chunks) == len(many.retriever.chunks)

    calls = []
    original = Tokenizer.tokens
    monkeypatch.setattr(Tokenizer, "tokens", lambda self, text: calls.append(text) or original(self, text))
    rng = random.Random(3)
    text = synth.variant(REPORT.read_text(encoding="utf-8"), 9, rng)
    (library / "added.txt").write_text(text, encoding="utf-8")
    try:
        report = many.ingest()
        assert report.added == ["added.txt"]
        added = [c for c in many.retriever.chunks if c.source == "added.txt"]
        assert len(calls) == len(added)  # the old reports' chunks were not tokenized again
        assert many.retrieve("接入文心一言", k=50, sources=["added.txt"])
    finally:
        (library / "added.txt").unlink()
        many.ingest()


def test_an_unreadable_view_is_rebuilt_and_replaced(many):
    """A view another version wrote (or a damaged one) is rebuilt at start-up and saved over,
    so the next start-up loads it instead of rebuilding again."""
    from reportbot import ReportBot
    from reportbot.index import view

    key = view.view_key(many.index)
    pickled = view.view_root(many.index) / f"view-{key}" / "view.pkl"
    pickled.write_bytes(b"not a view")
    fresh = ReportBot(many.settings)
    assert len(fresh.retriever.chunks) == len(many.retriever.chunks)
    loaded = view.load(many.index, key)
    assert loaded is not None and len(loaded.chunks) == len(many.retriever.chunks)
    assert fresh.ask("华策影视的总市值是多少？", sources=[BUNDLED]).found


def test_ingest_shows_progress(library, tmp_path):
    lib = tmp_path / "lib"
    shutil.copytree(library, lib)
    proc = subprocess.run([sys.executable, "-m", "reportbot", "--corpus", str(lib),
                           "--index", str(tmp_path / "index"), "ingest"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "3/3" in proc.stderr and "chunks/s" in proc.stderr and "preparing the search view" in proc.stderr


def test_web_shows_ingest_progress_then_a_report_picker(library, tmp_path, browser):
    lib = tmp_path / "lib"
    shutil.copytree(library, lib)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "reportbot", "--corpus", str(lib),
                               "--index", str(tmp_path / "index"), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = browser.new_page()
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}/")
                break
            except Exception:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(1)
        # the page is up before the index: it says how far the ingest is
        page.get_by_text("正在建立索引").first.wait_for(timeout=60000)
        page.locator("#reports").wait_for(state="visible", timeout=300000)
        page.locator("#reports input").click()
        other = next(s for s in os.listdir(lib) if s != BUNDLED)
        page.get_by_role("option", name=other, exact=False).click()
        page.keyboard.press("Escape")
        page.locator("#question textarea").fill("哪些公司接入了文心一言？")
        page.locator("#send").click()
        chat = page.locator("#chat")
        chat.get_by_text("出自").first.wait_for(timeout=60000)
        answer = chat.locator(".message.bot").first.inner_text()
        assert other in answer and BUNDLED not in answer
    finally:
        page.close()
        server.terminate()
        server.wait(timeout=30)
