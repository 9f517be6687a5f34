# Two commands do everything on a fresh machine with Python 3.11+ and pip:
#   make run   - set up .venv if needed, ingest corpus/ on first run, answer two sample questions, then
#                open the app at http://127.0.0.1:7860 (Ctrl+C stops it)
#   make test  - set up .venv if needed, then run the whole test suite and the demo-corpus evaluation gate
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
STAMP := $(VENV)/.installed

.PHONY: run test eval-gate lint corpus bench-ingest clean-index

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[dev,llm]'  # llm: the chat-model tests use langchain-openai
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/assistant run
	$(VENV)/bin/assistant serve

test: $(STAMP)
	$(VENV)/bin/python -m pytest
	$(MAKE) eval-gate

# Retrieval on the bundled demo corpus with the default settings, against the minimums in evals/gates/.
eval-gate: $(STAMP)
	rm -rf build/eval-demo
	$(VENV)/bin/assistant ingest corpus --index build/eval-demo/index --no-progress
	$(VENV)/bin/assistant eval evals/datasets/demo.jsonl --index build/eval-demo/index \
		--out build/eval-demo/run --gate evals/gates/demo.json

lint: $(STAMP)
	$(VENV)/bin/ruff check assistant tests scripts evals
	$(VENV)/bin/mypy assistant

corpus: $(STAMP)
	$(VENV)/bin/python scripts/build_corpus.py

bench-ingest: $(STAMP)
	$(VENV)/bin/python scripts/bench_ingest.py

clean-index:
	rm -rf index/chroma index/cache index/manifests
