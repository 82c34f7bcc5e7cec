# Nianbao: `make demo` (PORT=8000) runs the application with demo data; `make test` runs every test;
# `make ci` is what CI runs (.ci/run): the gates (`make lint`), then the tests.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Every dependency, pinned with hashes (`make lock` writes them from pyproject.toml).
LOCK_BASE := requirements/base.txt
LOCK_TEST := requirements/test.txt
# The test lock plus Locust, for benchmarks/peak.py (the same versions as the test lock).
LOCK_BENCH := requirements/bench.txt
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --no-header -q $(LOCK_ARGS)
# mypy's Django plugin and the migration check load the settings; they connect to nothing.
CHECK_ENV := DATABASE_URL=sqlite:///:memory: CELERY_BROKER_DIR=/tmp/nianbao-check-broker

.PHONY: demo test install install-test install-bench lock lint ci clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(VENV)/bin/activate
	$(PY) -m pip install -q --require-hashes -r $(LOCK_BASE)
	$(PY) -m pip install -q --no-deps -e .
	scripts/debian-packages.sh demo

install-test: $(VENV)/bin/activate
	$(PY) -m pip install -q --require-hashes -r $(LOCK_TEST)
	$(PY) -m pip install -q --no-deps -e .
	scripts/debian-packages.sh test

install-bench: install-test
	$(PY) -m pip install -q --require-hashes -r $(LOCK_BENCH)
	$(PY) -m pip install -q --no-deps -e .

# After changing the dependencies in pyproject.toml: `make lock`, then commit requirements/.
# Existing pins are kept; `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed.
lock: $(VENV)/bin/activate
	$(PY) -m pip install -q "uv>=0.9,<1"
	$(UV_COMPILE) -o $(LOCK_BASE)
	$(UV_COMPILE) --extra test -o $(LOCK_TEST)
	test -f $(LOCK_BENCH) || cp $(LOCK_TEST) $(LOCK_BENCH)
	$(UV_COMPILE) --extra test --extra bench -o $(LOCK_BENCH)

lint: install-test
	$(VENV)/bin/ruff check .
	$(CHECK_ENV) $(VENV)/bin/mypy
	$(CHECK_ENV) DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py makemigrations --check --dry-run

demo: install
	scripts/demo.sh $(PORT)

# Two processes (pytest-xdist), each with whole test files: the servers are shared, each process has
# its own test database, Redis database, media folder, Celery worker and browser (tests/services.py).
# TEST_PROCESSES=0 runs everything in one process.
TEST_PROCESSES ?= 2

test: install-test
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

ci: lint test

clean:
	rm -rf $(VENV) db.sqlite3 var media staticfiles .mypy_cache .ruff_cache
