"""Load run: N concurrent gradio_client users × M questions against `reportbot serve`,
then the same while another process ingests new reports. Prints p50/p95 and throughput.

    .venv/bin/python benchmarks/load.py [--users 50] [--questions 5]

Traffic goes to 127.0.0.1 only; the server and the ingest are started and stopped here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ["哪些公司接入了文心一言？", "谷歌PaLM模型的参数量是多少？", "华策跟捷成，按22年预测市盈率看谁更便宜？",
             "报告提示了哪些风险？", "字节跳动大模型的参数量是多少？", "营销板块总市值最大的是哪家？"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def _run(url: str, users: int, per_user: int) -> dict:
    from gradio_client import Client

    def user(n: int):
        client = Client(url, verbose=False)
        times, errors = [], 0
        for i in range(per_user):
            q = QUESTIONS[(n + i) % len(QUESTIONS)]
            t0 = time.perf_counter()
            try:
                client.predict(q, None, api_name="/ask")
            except Exception:  # noqa: BLE001 - counted, not raised
                errors += 1
            times.append(time.perf_counter() - t0)
        return times, errors

    t0 = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        results = list(pool.map(user, range(users)))
    wall = time.perf_counter() - t0
    times = [t for ts, _ in results for t in ts]
    return {"answered": len(times) - sum(e for _, e in results), "errors": sum(e for _, e in results),
            "p50_s": round(statistics.median(times), 3), "p95_s": round(_pct(times, 0.95), 3),
            "throughput_qps": round(len(times) / wall, 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--questions", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        corpus.mkdir()
        shutil.copy(ROOT / "corpus" / "njzq_aigc_2023.txt", corpus)
        env = {**os.environ, "REPORTBOT_CORPUS_DIR": str(corpus), "REPORTBOT_INDEX_DIR": str(index)}
        cli = [sys.executable, "-m", "reportbot"]
        subprocess.run([*cli, "ingest"], env=env, check=True, capture_output=True)
        port = _port()
        server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            from gradio_client import Client

            url = f"http://127.0.0.1:{port}/"
            for _ in range(240):
                try:
                    Client(url, verbose=False)
                    break
                except Exception:  # noqa: BLE001 - not up yet
                    time.sleep(1)
            quiet = _run(url, args.users, args.questions)
            text = (ROOT / "corpus" / "njzq_aigc_2023.txt").read_text(encoding="utf-8")
            for i in range(3):
                (corpus / f"copy_{i}.txt").write_text(text.replace("南京证券", f"南京证券{i}"), encoding="utf-8")
            ingest = subprocess.Popen([*cli, "ingest"], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            during = _run(url, args.users, args.questions)
            ingest.wait()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps({"users": args.users, "questions_each": args.questions, "quiet": quiet,
                      "while_ingesting": during}, indent=2))
    return 0 if quiet["errors"] == 0 and during["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
