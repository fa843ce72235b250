"""The stage layering (pyproject's import-linter contracts) holds, and the check would catch
an upward import."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(pythonpath), "HOME": str(cwd)}
    return subprocess.run([str(LINT), "--config", str(cwd / "pyproject.toml"), "--no-cache"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_stages_import_downward_only():
    proc = _lint(ROOT, ROOT / "src")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 kept, 0 broken" in proc.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    shutil.copytree(ROOT / "src" / "reportbot", tmp_path / "src" / "reportbot",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    tables = tmp_path / "src" / "reportbot" / "documents" / "tables.py"
    tables.write_text(tables.read_text() + "\nfrom ..index import store  # noqa: E402,F401\n")
    tuning = tmp_path / "src" / "reportbot" / "tuning.py"
    tuning.write_text(tuning.read_text() + "\nfrom .answer import query  # noqa: E402,F401\n")
    proc = _lint(tmp_path, tmp_path / "src")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "0 kept, 2 broken" in proc.stdout
    assert "reportbot.documents.tables -> reportbot.index.store" in proc.stdout
    assert "reportbot.tuning -> reportbot.answer.query" in proc.stdout
