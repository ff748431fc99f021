# Crux: `make demo` serves the demo, `make test` runs the whole suite. Both bootstrap .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# What `make lint` type-checks with mypy; widen it as modules become clean.
MYPY_PATHS := debates/services debates/selectors debates/policy.py debates/formats debates/errors.py debates/reasoning.py \
	classes/services classes/selectors classes/policy.py

.PHONY: demo test lint format serve serve-asgi migrate clean bench bench-extra load

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

migrate: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

# The demo serves the site and runs a background worker (big map imports) beside it.
demo: migrate
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a background worker (Ctrl-C stops both)"
	DEBUG=1 $(BIN)/python manage.py db_worker --interval 1 --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: migrate
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# As production serves it: ASGI, so live map updates can stream (PostgreSQL; SQLite polls).
serve-asgi: migrate
	DEBUG=1 CONN_MAX_AGE=0 $(BIN)/uvicorn config.asgi:application --host $(HOST) --port $(PORT)

# Two test processes (pytest-xdist), each with its own test database and browser; set
# PYTEST_ARGS="" to run in one, or e.g. PYTEST_ARGS="-n 4" on a bigger machine.
PYTEST_ARGS ?= -n 2

test: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.test_settings $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.test_settings $(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy $(MYPY_PATHS)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The benchmark suite (bench/suite.py): its own database, DATABASE_URL when set (e.g.
# postgres://postgres@127.0.0.1:5432/crux_bench), else a SQLite file in the temp dir; the
# datasets are built once and reused. BENCH_WRITE_DOC=path also writes the report there.
bench: $(STAMP)
	$(BIN)/python bench/suite.py

# The older, narrower benchmarks (map selector; SVG layout), in a throwaway test database.
bench-extra: $(STAMP)
	$(BIN)/python bench/map_queries.py
	$(BIN)/python bench/graph_render.py

# Load test (bench/load/run.py): its own PostgreSQL cluster on :5499 (created, restarted
# mid-run, dropped), gunicorn + uvicorn workers, locust headless with 50 logged-in people.
load: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,load]"
	$(BIN)/python bench/load/run.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
