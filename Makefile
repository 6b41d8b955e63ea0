# Two commands: `make run` (demo end to end → board pack) and `make test` (the whole suite).
# Both create .venv from the pinned lock file when it is missing or older than the lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Ephemeral Prefect server per run unless PREFECT_API_URL is set; keep its state in the project.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
# Its first start on a fresh clone creates the database, which can take longer than Prefect's 20 s.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120

.PHONY: help install browser java catalogue run test lint bench lock clean server serve

help:
	@echo "make run    generate demo extracts, run the monthly refresh, write the board pack to reports/output/"
	@echo "make test   run the whole test suite (unit, dbt, end to end)"
	@echo "make lint   ruff"
	@echo "make server a Prefect server on http://127.0.0.1:4200 (UI and API), for schedules"
	@echo "make serve  serve the monthly refresh on its schedule from that server"
	@echo "make bench  benchmarks, as ratios against a baseline measured in the same run"
	@echo "make lock   re-resolve dependencies from pyproject.toml into requirements.lock"
	@echo "make clean  remove generated data, outputs and .venv"

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# docs/indicators.md is generated from the indicators' YAML: adding an indicator is its SQL and its
# YAML, and both commands bring the catalogue up to date (the test then checks it is).
catalogue: $(STAMP)
	$(BIN)/python -m pipelines.warehouse.catalogue

run: $(STAMP) browser java catalogue
	$(BIN)/pophealth demo-data
	$(BIN)/pophealth refresh

test: $(STAMP) browser java catalogue
	$(BIN)/python -m pytest

# The board pack's PDF and its browser checks need Chromium (Debian's package). Installed when
# missing and possible (root with apt-get); otherwise the PDF is skipped and those tests say why.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    echo "installing Chromium for the browser tests (apt-get)" && \
	    apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "Chromium not available: browser tests will be skipped"

# The Spark target (docs/running-on-spark.md) and the cross-engine tests need Java 17. Installed when
# missing and possible, as Chromium is; otherwise the Spark tests are skipped and say why.
java:
	@command -v java >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    echo "installing Java 17 for the Spark target (apt-get)" && \
	    apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; } || \
	  echo "Java not available: the Spark tests will be skipped"

# Scheduling needs a long-running Prefect server: `make server` in one terminal, `make serve` in
# another (or run both as services: docs/operating.md).
PREFECT_PORT ?= 4200
server: $(STAMP)
	$(BIN)/prefect server start --host 127.0.0.1 --port $(PREFECT_PORT)

serve: $(STAMP)
	PREFECT_API_URL=$${PREFECT_API_URL:-http://127.0.0.1:$(PREFECT_PORT)/api} $(BIN)/pophealth serve

lint: $(STAMP)
	$(BIN)/ruff check pipelines tests flows.py scripts benchmarks notebooks

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
