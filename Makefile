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

.PHONY: install generate check lint typecheck test test-fast test-matrix demo bench dist sandbox clean

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

# Regenerates first: the type checkers must see the overlays as they are now. Each test suite is
# checked on its own (every suite has a conftest.py, and mypy wants one module per name).
TEST_SUITES := $(sort $(dir $(wildcard tests/*/)))
typecheck: install generate
	$(BIN)/mypy $(foreach v,$(VENDORS),generated/$(v)-client/$(v)_client) examples sandbox scripts tests/conftest.py
	for suite in $(TEST_SUITES); do $(BIN)/mypy $$suite || exit 1; done
	node_modules/.bin/pyright

# Everything: drift, lint, types, every suite, then the fast suite on Python 3.12 and 3.13 and on
# the lowest httpx the packages declare (scripts/matrix.py keeps those venvs under .venvs/).
test: install check lint typecheck
	$(BIN)/pytest
	$(PY) scripts/matrix.py -- -q -m "not slow" -p no:cacheprovider

# The edit-run loop: regenerate, then every suite but the slow ones (Prism, packaging, bench smoke).
test-fast: install generate
	$(BIN)/pytest -x -q -m "not slow"

test-matrix: install
	$(PY) scripts/matrix.py -- -q -m "not slow" -p no:cacheprovider

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
