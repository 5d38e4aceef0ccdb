# Two entry points, both self-contained on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint schemas bench screenshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ijw demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check .

schemas: $(STAMP)
	$(BIN)/python -m ijw_gateway.messages.xsdgen schemas

# Benchmarks (ratios against baselines measured in the same run). The ledger benchmark also
# runs on PostgreSQL when IJW_BENCH_POSTGRES_URL or IJW_TEST_POSTGRES_URL is set.
bench: $(STAMP)
	$(BIN)/python benchmarks/validate_bench.py
	$(BIN)/python benchmarks/declaratie_bench.py
	$(BIN)/python benchmarks/build_bench.py
	$(BIN)/python benchmarks/ledger_bench.py
	$(BIN)/python benchmarks/scaling_bench.py

# docs/report.png: the HTML monitor report of a realistic ledger in headless Chromium.
screenshot: $(STAMP)
	$(BIN)/python scripts/report_screenshot.py --out docs/report.png

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
