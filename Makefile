# zero-gig: `make run` serves the Tongchuan demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PORT ?= 8000
HOST ?= 127.0.0.1
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
DEV_ENV := DEBUG=1

.PHONY: run setup test screenshots lint bench load faults messages clean

$(BIN)/python:
	@$(PYTHON) -c "import sys; assert sys.version_info[:2] == (3, 11)" 2>/dev/null || { echo "Python 3.11 is needed: make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# The benchmarks' own tools (the `bench` extra: locust, websocket-client, httpx, psutil) on top of the development ones.
$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	@touch $(BENCH_STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  zero-gig is serving on http://$(HOST):$(PORT)/"
	@echo "    health:    http://$(HOST):$(PORT)/healthz"
	@echo "    admin:     http://$(HOST):$(PORT)/admin/"
	@echo "    API docs:  http://$(HOST):$(PORT)/api/docs/"
	@echo "  Ctrl-C stops it."
	@echo ""
	@$(DEV_ENV) exec $(BIN)/python -m zero_gig.serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(DEV_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests, saving their 360×640 screenshots in docs/screenshots too.
screenshots: $(STAMP)
	SAVE_SCREENSHOTS=1 $(DEV_ENV) $(BIN)/python -m pytest -m browser tests/frontend -q

lint: $(STAMP)
	$(BIN)/ruff check --output-format concise .

bench: $(BENCH_STAMP)
	bash bench/setup.sh
	$(DEV_ENV) $(BIN)/python -m bench $(BENCH_ARGS)
	$(DEV_ENV) $(BIN)/python -m bench.realtime
	$(DEV_ENV) $(BIN)/python -m bench.pages

# Issue 13: a market morning held 10 minutes with locust against PostgreSQL, Redis and 2 ASGI processes
# (LOAD_ARGS for flags, e.g. LOAD_ARGS="--users 40 --duration 120"); docs/benchmarks.md has the figures.
load: $(BENCH_STAMP)
	$(BIN)/python -m bench.load $(LOAD_ARGS)

# Redis and PostgreSQL stopped and started again under a real server, through relays (docs/faults.md).
faults: $(STAMP)
	bash bench/setup.sh
	$(DEV_ENV) $(BIN)/python -m bench.faults

messages: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=bench
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 .test-db*.sqlite3* staticfiles .pytest_cache test-artifacts
