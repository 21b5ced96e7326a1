# Kindred: two set-up commands, `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
KINDRED := $(BIN)/kindred
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/kindred
REDIS_TEST_URL ?= redis://127.0.0.1:6379/14
PYTEST_ARGS ?=

.PHONY: run test install lint types migrations-check test-sqlite test-postgres test-redis browser-deps clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	DEBUG=true $(KINDRED) migrate --noinput
	DEBUG=true $(KINDRED) demo
	DEBUG=true $(KINDRED) serve --host 127.0.0.1 --port 8000

# Debian's Chromium for the browser journeys (never a downloaded browser), and
# axe-core from npm for the accessibility checks.
browser-deps: node_modules/.installed
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy kindred

migrations-check: install
	DJANGO_SETTINGS_MODULE=kindred.test_settings $(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: install browser-deps
	KINDRED_TEST_REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest -q --cov=kindred --cov-report=term:skip-covered $(PYTEST_ARGS)

test-postgres: install browser-deps
	DATABASE_URL=$(PG_TEST_URL) KINDRED_TEST_REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest -q $(PYTEST_ARGS)

test: lint types migrations-check test-sqlite test-postgres

clean:
	rm -rf $(VENV) node_modules var staticfiles
