# Two entry points (see README): `make demo` and `make test`. Both set up .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: setup demo test lint report

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev,model,web]"
	touch $@

# The demo also builds llama.cpp (the fast CPU backend) once; if that build fails it runs on transformers.
demo: setup
	$(PY) -m pip install -q -e ".[llama]" || echo "llama-cpp-python did not build: using the transformers backend"
	$(VENV)/bin/graphsql demo --samples 5

# pytest's exit code 5 (no tests collected) is a failure here.
test: setup
	$(PY) -m ruff check src tests
	$(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

lint: setup
	$(PY) -m ruff check src tests
