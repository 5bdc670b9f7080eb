# shuzhuan: two commands do all set-up.  `make run` starts the suite, `make test` runs the tests.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run run-observed test test-fast fuzz lint typecheck schemas bench bench-e2e clean install bytecode tools

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit("shuzhuan needs Python 3.11+, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml $(wildcard */pyproject.toml */*/pyproject.toml)
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --all-packages --quiet
	@touch $@

install: $(VENV)/.synced

# Bytecode for everything a process imports, written once: where the environment sets
# PYTHONDONTWRITEBYTECODE, every service, test and worker process would otherwise compile all it
# imports from source each time it starts (measured: the suite started in 49 s without, 20 s with).
bytecode: install
	@$(PY) -m compileall -q -j 0 $(VENV)/lib contracts/src libs services deploy tests bench > /dev/null || true

## Start broker, migrations and the five services; Ctrl-C stops everything.
run: bytecode
	$(PY) -m devstack run

## What the tests use beyond Python: Debian's Prometheus 2.42 (prometheus, promtool) unpacked into
## .tools/prometheus, and Debian's Chromium with chromedriver for the dashboard's browser test.
tools: .tools/prometheus/usr/bin/promtool
	@deploy/tools/chromium.sh
.tools/prometheus/usr/bin/promtool:
	deploy/tools/prometheus.sh

## `make run` plus a real Prometheus scraping the suite with the alert rules (http://127.0.0.1:9090).
run-observed: bytecode tools
	deploy/prometheus/run-observed.sh

## Lint, type-check, then every test (unit, integration, contract, e2e, faults).
test: bytecode tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m devstack test-env
	$(VENV)/bin/pytest

test-fast: bytecode
	$(VENV)/bin/pytest -m "not e2e"

## Long fuzzing: schemathesis with every phase, at least FUZZ_CASES cases per service and caller.
FUZZ_CASES ?= 5000
fuzz: bytecode
	SHUZHUAN_FUZZ_CASES=$(FUZZ_CASES) SHUZHUAN_FUZZ_PHASES=examples,coverage,fuzzing \
		$(VENV)/bin/pytest tests/fuzz/test_openapi_fuzz.py

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

## Regenerate the committed JSON Schemas, AsyncAPI and OpenAPI documents.
schemas: install
	$(PY) -m contracts.generate
	$(PY) -m devstack openapi

bench: install
	$(PY) bench/run.py

## End to end: N enterprises pushed over HTTP until every read model has them (PG=1 for PostgreSQL).
N ?= 100000
bench-e2e: install
	$(PY) bench/e2e.py --n $(N) $(if $(PG),--postgres,)

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache .hypothesis
