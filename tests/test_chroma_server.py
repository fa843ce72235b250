"""The index in a Chroma server (REPORTBOT_CHROMA_URL), started here with `chroma run` on
127.0.0.1, instead of the embedded PersistentClient."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import free_port

from reportbot import ReportBot, Settings


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        exe = shutil.which("chroma")
    assert exe, "the chroma CLI ships with the chromadb package"
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([str(exe), "run", "--path", str(data), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_and_ask_through_a_chroma_server(chroma_url, corpus_copy, tmp_path):
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "unused",
                        chroma_url=chroma_url, llm_model=None)
    bot = ReportBot(settings)
    report = bot.ingest()
    assert report.added == ["njzq_aigc_2023.txt"] and report.chunks > 0
    assert not (tmp_path / "unused").exists()  # nothing written locally
    answer = bot.ask("哪些公司接入了文心一言？")
    assert answer.found and "巨人网络" in answer.text
    # a second client sees the same index and has nothing to do
    again = ReportBot(settings).ingest()
    assert again.unchanged == ["njzq_aigc_2023.txt"] and not again.changed


def test_bad_chroma_url_is_a_clear_error(tmp_path):
    from reportbot.config import ConfigError

    with pytest.raises(ConfigError, match="REPORTBOT_CHROMA_URL"):
        ReportBot(Settings(index_dir=tmp_path, chroma_url="localhost:8000"))
