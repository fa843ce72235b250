# The two commands of the README:
#   make run    set up (first time only), build the index, start the web chat
#   make test   set up (first time only, browser and chat model included), run the whole test suite
VENV ?= .venv
export ANONYMIZED_TELEMETRY = False
export GRADIO_ANALYTICS_ENABLED = False
export HF_HUB_OFFLINE = 1

.PHONY: run test setup setup-browser setup-llm llm-eval ingest eval bench bench-scale

run: setup
	$(VENV)/bin/reportbot serve

test: setup-browser setup-llm
	$(VENV)/bin/python -m pytest

setup:
	@scripts/setup.sh

setup-browser:
	@scripts/setup.sh --browser

# llama.cpp's server and a small offline chat model, for tests/test_llama.py
setup-llm: setup
	@scripts/setup_llm.sh

# the chat-model end-to-end test alone, printing each answer and both accuracies
llm-eval: setup-llm
	$(VENV)/bin/python -m pytest tests/test_llama.py -s -q

ingest: setup
	$(VENV)/bin/reportbot ingest

eval: setup
	$(VENV)/bin/reportbot eval ../shared/eval/dev.jsonl

bench: setup
	$(VENV)/bin/python benchmarks/bench.py
	$(VENV)/bin/python benchmarks/load.py
	$(VENV)/bin/python benchmarks/heldout.py
	$(VENV)/bin/python benchmarks/renderings.py

# 1, 50 and 200 synthetic reports (benchmarks/synth.py); libraries and indexes are kept in
# benchmarks/.scale/, so only the first run spends the ~40 minutes of ingest
bench-scale: setup
	$(VENV)/bin/python benchmarks/scale.py
