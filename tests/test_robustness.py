"""Nothing lost, nothing stale, nothing that stops the service: crashes, bad files, damaged
indexes, concurrent writers and oversized requests — with real subprocesses and servers."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPORT, free_port

from reportbot import ReportBot, Settings
from reportbot.bot import InputError
from reportbot.index.errors import IndexDamaged
from reportbot.index.folders import live_folder
from reportbot.index.ingest import check

QUESTIONS = ["哪些公司接入了文心一言？", "谷歌PaLM模型的参数量是多少？", "芒果超媒2023年的预测PE是多少？"]


def _cli(*args, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "reportbot", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, **kw)


def _copies(folder: Path, n: int) -> None:
    """n reports: the bundled one under different names, each a little different."""
    text = REPORT.read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"report_{i}.txt").write_text(text.replace("南京证券", f"南京证券{i}号"), encoding="utf-8")


def _stored(index: Path) -> int:
    """Records written so far, in the folder an ingest writes (a copy of the index in use)."""
    total = 0
    for database in index.glob("gen-*/chroma.sqlite3"):
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
                total = max(total, db.execute("select count(*) from embeddings").fetchone()[0])
        except sqlite3.Error:
            pass
    return total


def _answers(bot) -> list[str]:
    return [bot.ask(q).text for q in QUESTIONS]


def test_kill_9_mid_ingest_then_ingest_completes_every_source(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    _copies(corpus, 3)
    proc = subprocess.Popen([sys.executable, "-m", "reportbot", "--corpus", str(corpus),
                             "--index", str(index), "ingest"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        if 0 < _stored(index) < 300:  # some records of the first files written, not all
            break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=index, llm_model=None))
    assert bot.needs_ingest()  # the half-written index is not taken for a finished one
    report = bot.ingest()
    assert not report.errors and sorted(report.added + report.repaired + report.unchanged) == \
        [f"report_{i}.txt" for i in range(3)]
    assert check(bot.index, corpus).healthy
    assert not bot.needs_ingest()
    clean = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path / "clean", llm_model=None))
    clean.ingest()
    assert _answers(bot) == _answers(clean)


def test_bad_files_are_named_and_skipped_and_not_retried(tmp_path):
    from pypdf import PdfWriter

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPORT, corpus / REPORT.name)
    for name, password in (("aes_open.pdf", ""), ("aes_locked.pdf", "secret")):
        writer = PdfWriter()
        writer.add_blank_page(612, 792)
        writer.add_metadata({"/Title": "x"})
        writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-256")
        with open(corpus / name, "wb") as fh:
            writer.write(fh)
    # a file whose reading fails with an I/O error (as root, permissions would not stop us);
    # /proc is let in as an extra root (a link out of the corpus is skipped otherwise)
    (corpus / "io_error.txt").symlink_to("/proc/self/mem")
    if os.geteuid() != 0:
        locked = corpus / "no_permission.txt"
        locked.write_text("x")
        locked.chmod(0)
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm_model=None,
                             extra_roots=(Path("/proc"),)))
    report = bot.ingest()
    errors = dict((Path(f).name, r) for f, r in report.errors)
    assert report.added == [REPORT.name]
    assert "io_error.txt" in errors and "cannot be read" in errors["io_error.txt"]
    assert "aes_locked.pdf" in errors and "password" in errors["aes_locked.pdf"]
    # AES with an empty password opens (cryptography is installed); a blank page has no text
    assert "aes_open.pdf" in errors and "encrypt" not in errors["aes_open.pdf"]
    assert bot.ask(QUESTIONS[0]).found
    assert not bot.needs_ingest()  # the failed files are remembered: asking does not re-ingest
    again = bot.ingest()
    assert again.unchanged == [REPORT.name] and not again.added
    assert all("not retried" in r for _, r in again.errors if "unsupported" not in r)


def test_damaged_sqlite_gives_one_clear_message_and_rebuild_recovers(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(REPORT, corpus / REPORT.name)
    assert _cli("--corpus", str(corpus), "--index", str(index), "ingest").returncode == 0
    with open(live_folder(index) / "chroma.sqlite3", "r+b") as fh:
        fh.seek(4096)
        fh.write(b"\x00garbage" * 4000)
    with pytest.raises(IndexDamaged, match="ingest --rebuild"):
        ReportBot(Settings(corpus_dir=corpus, index_dir=index, llm_model=None)).ask(QUESTIONS[0])
    out = _cli("--corpus", str(corpus), "--index", str(index), "ask", QUESTIONS[0])
    assert out.returncode == 2 and str(index) in out.stderr and "--rebuild" in out.stderr
    assert "Traceback" not in out.stderr
    assert _cli("--corpus", str(corpus), "--index", str(index), "ingest", "--rebuild").returncode == 0
    out = _cli("--corpus", str(corpus), "--index", str(index), "ask", QUESTIONS[0])
    assert out.returncode == 0 and "巨人网络" in out.stdout


def test_lost_vectors_are_detected_and_repaired(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(REPORT, corpus / REPORT.name)
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=index, llm_model=None))
    bot.ingest()
    expected = _answers(bot)
    del bot
    # vectors gone (segment files and part of Chroma's log), their records still there
    live = live_folder(index)
    with sqlite3.connect(live / "chroma.sqlite3") as db:
        db.execute("delete from embeddings_queue where seq_id % 3 = 0")
    for segment in [p for p in live.iterdir() if p.is_dir()]:
        shutil.rmtree(segment)
    out = _cli("--corpus", str(corpus), "--index", str(index), "check")
    assert out.returncode == 1 and "problems found" in out.stdout
    out = _cli("--corpus", str(corpus), "--index", str(index), "check", "--repair")
    assert out.returncode == 0 and "repaired" in out.stdout
    out = _cli("--corpus", str(corpus), "--index", str(index), "check")
    assert out.returncode == 0 and "healthy" in out.stdout
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=index, llm_model=None))
    assert _answers(bot) == expected


def test_concurrent_ingests_end_consistent(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    _copies(corpus, 2)
    args = [sys.executable, "-m", "reportbot", "--corpus", str(corpus), "--index", str(index), "ingest"]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert any("waiting" in err for _, err in outs)  # the second one said it waited
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=index, llm_model=None))
    assert check(bot.index, corpus).healthy and not bot.needs_ingest()
    assert {c.source for c in bot.index.all_chunks()} == {"report_0.txt", "report_1.txt"}


def test_requests_are_bounded_and_checked(bot):
    huge = [["芒果超媒2023年的预测PE是多少？" * 2000, "x" * 750_000]] * 50
    answer = bot.ask("2022年呢？", history=huge)  # trimmed, not refused, and still a follow-up
    assert answer.found and "40.31" in answer.text
    assert len(answer.question) < 3000
    for k in (2.5, "5", 0, 101, True):
        with pytest.raises(InputError):
            bot.retrieve("PaLM参数量", k=k)
    with pytest.raises(InputError, match="history"):
        bot.ask("2022年呢？", history=42)
    with pytest.raises(InputError):
        bot.ask("2022年呢？", history=[42])
    assert bot.ask("谷歌PaLM\ud800模型的参数量是多少？").found  # a lone surrogate is dropped


def test_bad_auth_setting_is_refused_at_start(tmp_path):
    out = _cli("serve", "--port", str(free_port()), env={"REPORTBOT_AUTH": "admin",
                                                      "REPORTBOT_CORPUS_DIR": str(REPORT.parent),
                                                      "REPORTBOT_INDEX_DIR": str(tmp_path / "i")},
               timeout=300)
    assert out.returncode == 2 and "USER:PASSWORD" in out.stderr


def test_server_answers_during_an_ingest_and_sees_the_new_file(tmp_path):
    from gradio_client import Client

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(REPORT, corpus / REPORT.name)
    port = free_port()
    env = {**os.environ, "REPORTBOT_CORPUS_DIR": str(corpus), "REPORTBOT_INDEX_DIR": str(index)}
    server = subprocess.Popen([sys.executable, "-m", "reportbot", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = None
        deadline = time.time() + 240
        while client is None and time.time() < deadline:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(1)
        assert client is not None, "the server did not start"
        new_fact = "星河证券在2023年5月发布了名为“银河灯塔”的投研大模型。"
        assert not client.predict("星河证券发布的投研大模型叫什么？", None, api_name="/ask")["found"]
        _copies(corpus, 2)
        (corpus / "news.txt").write_text(f"# 快讯\n\n{new_fact}\n", encoding="utf-8")
        ingest = subprocess.Popen([sys.executable, "-m", "reportbot", "ingest"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        answered = 0
        while ingest.poll() is None:
            assert client.predict(QUESTIONS[0], None, api_name="/ask")["found"]
            answered += 1
        assert ingest.returncode == 0 and answered >= 1
        answer = client.predict("星河证券发布的投研大模型叫什么？", None, api_name="/ask")
        assert answer["found"] and "银河灯塔" in answer["text"]
        assert any(c["source"] == "news.txt" for c in answer["citations"])
    finally:
        server.terminate()
        server.wait(timeout=30)
