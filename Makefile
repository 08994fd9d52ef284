# Every target bootstraps .venv itself: on a fresh machine `make up` and `make test` just work.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install up test demo bench lint migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

up: $(STAMP)
	$(BIN)/imc up

# Tests run on SQLite, and on PostgreSQL too where it is installed (a throwaway cluster).
test: $(STAMP)
	$(BIN)/ruff check .
	@if [ -z "$${IMC_TEST_DATABASE_URL:-}" ]; then eval "$$(scripts/postgres-for-tests.sh start || true)"; fi; \
	$(BIN)/python -m pytest; rc=$$?; \
	if [ -n "$${IMC_TEST_PG_DIR:-}" ]; then scripts/postgres-for-tests.sh stop "$$IMC_TEST_PG_DIR"; fi; \
	exit $$rc

demo: $(STAMP)
	$(BIN)/imc demo

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .

migrate: $(STAMP)
	$(BIN)/imc db upgrade

clean:
	rm -rf var/ .pytest_cache .ruff_cache
