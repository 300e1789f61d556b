# fupin: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgres test-citus lint bench install messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/fupin demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

# SQLite always; PostgreSQL when a server answers at PG_URL (CI always has one).
test: $(STAMP) lint
	$(BIN)/fupin makemigrations --check --dry-run
	$(MAKE) test-sqlite
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) test-postgres; \
	else \
		echo "PostgreSQL not reachable at $(PG_URL): skipping the PostgreSQL run"; \
	fi
	$(MAKE) test-citus

test-sqlite: $(STAMP)
	DATABASE_URL= $(BIN)/pytest -q

test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

# The Citus cluster (../shared/citus): migrate, distribute, the Citus tests; skipped, saying so, where
# Citus is not installed.
test-citus: $(STAMP)
	scripts/test-citus.sh

bench: $(STAMP)
	$(BIN)/python bench/run.py

messages: $(STAMP)
	cd src/fupin && ../../$(BIN)/fupin makemessages -l en --no-obsolete && ../../$(BIN)/fupin compilemessages -l en

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info
