# Quick start: `make run` (govdoc with demo data at http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-sqlite setup setup-test assets lint format demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

setup: $(VENV)/.installed assets
	scripts/debian-packages.sh run

setup-test: $(VENV)/.installed-test assets
	scripts/debian-packages.sh test

run: setup
	$(BIN)/govdoc migrate --noinput
	$(BIN)/govdoc demo
	$(BIN)/govdoc run

demo: setup
	$(BIN)/govdoc migrate --noinput
	$(BIN)/govdoc demo

test: setup-test
	scripts/test.sh $(PYTEST_ARGS)

test-sqlite: setup-test
	GOVDOC_TEST_SQLITE=1 scripts/test.sh $(PYTEST_ARGS)

lint: setup-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy govdoc config
	$(BIN)/lint-imports

format: setup-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules data
