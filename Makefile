# Two commands: `make run` (demo end to end → board pack) and `make test` (the whole suite).
# Both create .venv from the pinned lock file when it is missing or older than the lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Ephemeral Prefect server per run unless PREFECT_API_URL is set; keep its state in the project.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false

.PHONY: help install run demo-data test lint bench lock clean

help:
	@echo "make run    generate demo extracts, run the monthly refresh, write reports/output/index.html"
	@echo "make test   run the whole test suite (unit, dbt, end to end)"
	@echo "make lint   ruff"
	@echo "make bench  benchmarks (figures as ratios against a baseline from the same run)"
	@echo "make lock   re-resolve dependencies from pyproject.toml into requirements.lock"
	@echo "make clean  remove generated data, outputs and .venv"

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pophealth demo-data
	$(BIN)/pophealth refresh

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipelines tests flows.py benchmarks scripts

bench: $(STAMP)
	$(BIN)/python -m benchmarks

lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet --upgrade "pip>=25"
	.lockenv/bin/python -m pip install --quiet -e ".[dev]"
	echo "# Exact versions installed by \`make\` (regenerate with \`make lock\`). Python 3.11." > requirements.lock
	.lockenv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' >> requirements.lock
	rm -rf .lockenv

clean:
	rm -rf data reports/output dbt_project/target dbt_project/logs .prefect $(VENV)
