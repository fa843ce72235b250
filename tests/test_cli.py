"""The command line, run as a user would run it."""

import json
import os
import subprocess
import sys

import pytest
from conftest import DEV_SET


def run(args, env_dirs, check=True, **extra_env):
    corpus, index = env_dirs
    env = {**os.environ, "REPORTBOT_CORPUS_DIR": str(corpus), "REPORTBOT_INDEX_DIR": str(index),
           **extra_env}
    proc = subprocess.run([sys.executable, "-m", "reportbot", *args], capture_output=True,
                          text=True, env=env, timeout=600)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def dirs(corpus_copy, tmp_path_factory):
    return corpus_copy, tmp_path_factory.mktemp("cli-index")


def test_ask_builds_the_index_then_answers_with_json(dirs):
    out = run(["ask", "哪些公司接入了文心一言？", "--json"], dirs)
    data = json.loads(out.stdout)
    assert data["found"] is True and "巨人网络" in data["text"]
    assert data["citations"][0]["kind"] == "row" and "巨人网络" in data["citations"][0]["row"]


def test_ingest_is_idempotent(dirs):
    out = run(["ingest", "--json"], dirs)
    data = json.loads(out.stdout)
    assert data["unchanged"] == ["njzq_aigc_2023.txt"] and data["chunks"] > 0


def test_retrieve_plain_and_json(dirs):
    data = json.loads(run(["retrieve", "扩散模型是哪一年提出的？", "-k", "3", "--json"], dirs).stdout)
    assert len(data) == 3 and any("2015" in h["text"] for h in data)
    plain = run(["retrieve", "扩散模型是哪一年提出的？", "-k", "2"], dirs).stdout
    assert plain.startswith("1. [") and "\n2. [" in plain


def test_plain_ask_prints_sources(dirs):
    out = run(["ask", "谷歌PaLM模型的参数量是多少？"], dirs).stdout
    assert "5400亿" in out and "\n[1] " in out


def test_empty_question_is_a_clear_error(dirs):
    proc = run(["ask", "  "], dirs, check=False)
    assert proc.returncode == 2
    assert "empty" in proc.stderr and "Traceback" not in proc.stderr


def test_eval_reports_metrics(dirs, tmp_path):
    if not DEV_SET.exists():
        pytest.skip("no dev set")
    data = json.loads(run(["eval", str(DEV_SET), "--json"], dirs).stdout)
    assert set(data["metrics"]) >= {"hit@1", "hit@3", "hit@5", "mrr@10", "answer_accuracy"}
    assert len(data["rows"]) == sum(1 for line in DEV_SET.read_text().splitlines() if line.strip())
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "ok"}\nnot json\n', encoding="utf-8")
    proc = run(["eval", str(bad)], dirs, check=False)
    assert proc.returncode == 2 and "bad.jsonl:2" in proc.stderr


def test_serve_on_a_busy_port_is_a_clear_error(dirs):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run(["serve", "--port", str(port)], dirs, check=False)
    assert proc.returncode == 2
    assert "another --port" in proc.stderr and "Traceback" not in proc.stderr


def test_unreachable_chat_model_falls_back_to_the_report(dirs):
    proc = run(["ask", "哪些公司接入了文心一言？"], dirs, check=False, REPORTBOT_LLM_MODEL="x",
               REPORTBOT_LLM_BASE_URL="http://127.0.0.1:9/v1", REPORTBOT_LLM_API_KEY="k")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "对话模型无法连接" in proc.stdout and "巨人网络" in proc.stdout


def test_ingest_of_an_empty_folder_says_so_and_fails(tmp_path):
    (tmp_path / "corpus").mkdir()
    proc = run(["ingest"], (tmp_path / "corpus", tmp_path / "index"), check=False)
    assert proc.returncode == 1 and "holds no reports" in proc.stderr and "--corpus" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_ask_uses_a_server_running_on_the_same_index(dirs, bot):
    from conftest import free_port

    from reportbot import ReportBot, Settings
    from reportbot.app.web import serve

    corpus, index = dirs
    run(["ingest"], dirs)
    served = ReportBot(Settings(corpus_dir=corpus, index_dir=index, llm_model=None))
    server = serve(served, host="127.0.0.1", port=free_port(), block=False, api_keys=())
    try:
        warm = run(["ask", "谷歌PaLM模型的参数量是多少？"], dirs)
        assert "answered by the server" in warm.stderr and "5400亿" in warm.stdout and "\n[1] " in warm.stdout
        local = run(["ask", "--local", "谷歌PaLM模型的参数量是多少？"], dirs)
        assert "answered by the server" not in local.stderr and local.stdout == warm.stdout
        refused = run(["ask", "  "], dirs, check=False)
        assert refused.returncode == 2 and "empty" in refused.stderr
    finally:
        server.close()
    cold = run(["ask", "谷歌PaLM模型的参数量是多少？"], dirs)  # the server is gone: answered here
    assert "answered by the server" not in cold.stderr and cold.stdout == warm.stdout
