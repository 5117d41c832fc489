# The verbs of the workspace. Every target installs what it needs first (`install`), so on a fresh
# machine `make demo` and `make test` are enough.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
VENDORS := paubox smtpcom poweremail sendclean
PACKAGES := $(foreach v,$(VENDORS),generated/$(v)-client)
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: install generate check lint typecheck test test-fast demo bench dist sandbox clean

install: $(STAMP) $(NODE_STAMP)

$(STAMP): requirements-dev.txt constraints.txt $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt $(foreach p,$(PACKAGES),-e $(p))
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

generate: $(STAMP)
	$(PY) scripts/generate.py

check: $(STAMP)
	$(PY) scripts/generate.py --check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy $(foreach v,$(VENDORS),generated/$(v)-client/$(v)_client) examples
	node_modules/.bin/pyright

test: install check lint typecheck
	$(BIN)/pytest

# Tests only, for the edit-run loop (CI runs `make test`).
test-fast: install
	$(BIN)/pytest -x -q

# The main job: send through all four clients against the offline sandbox (started and stopped here).
demo: $(STAMP)
	$(PY) scripts/demo.py

# The sandbox in the foreground on http://127.0.0.1:8025 (Ctrl-C stops it).
sandbox: $(STAMP)
	$(PY) -m sandbox --host 127.0.0.1 --port 8025

BENCH_ARGS ?=

# Performance figures, each a ratio against a baseline measured in the same run (README
# "Performance"): prints a table and writes .bench/results.json. Not part of `make test`
# (tests/bench runs only the --quick smoke). The peer comparison needs PyPI and Java;
# `make bench BENCH_ARGS=--no-peer` skips it.
bench: $(STAMP)
	$(PY) scripts/bench.py $(BENCH_ARGS)

dist: $(STAMP)
	rm -rf dist
	for p in $(PACKAGES); do $(PY) -m build --outdir dist $$p || exit 1; done
	$(BIN)/check-wheel-contents dist/*.whl

clean:
	rm -rf dist build .mypy_cache .ruff_cache .bench
