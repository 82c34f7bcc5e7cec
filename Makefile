# Nianbao: `make demo` (PORT=8000) runs the application with demo data; `make test` runs every test.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test install install-test clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(VENV)/bin/activate
	$(PY) -m pip install -q -e .
	scripts/debian-packages.sh demo

install-test: $(VENV)/bin/activate
	$(PY) -m pip install -q -e ".[test]"
	scripts/debian-packages.sh test

demo: install
	scripts/demo.sh $(PORT)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 var media staticfiles
