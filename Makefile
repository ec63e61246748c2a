# dialer-warehouse: the two commands a newcomer needs are `make demo` and `make test`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench lint format install dev clean

# Runtime install: pinned lock file, then the project itself (editable, no deps).
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Development install: adds pytest, ruff and sqlfluff at their pinned versions.
$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

demo: install
	$(BIN)/dialer-warehouse demo

# one module per worker (--dist loadfile): a module builds its warehouse once
test: dev
	$(BIN)/python -m pytest -n auto --dist loadfile

# issue 6's benchmark (bench/README.md); BENCH_N=20000 for a quick run
bench: dev
	$(BIN)/python -m bench

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint transforms

format: dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/sqlfluff fix transforms

clean:
	rm -rf $(VENV) warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/exports warehouse/.state
