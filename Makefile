# Two entry points (see README): `make demo` and `make test`. Both set up .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: setup demo test lint report

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev,model,web,lexicon,engines,serving,distributed,qlora]"
	touch $@

# The demo also builds llama.cpp (the fast CPU backend) once; if that build fails it runs on transformers. The build
# names this CPU's instruction sets without AMX (scripts/llama_cmake_args.sh: a native build died with "Illegal
# instruction" on a VM that lists AMX); no cached wheel, which may have been built with other flags. On first use the
# demo also merges the shipped adapter into the base model (a GGUF cached in ~/.cache/graphsql/merged, ~3 min once).
# It answers greedily, as `graphsql ask` does.
demo: setup
	CMAKE_ARGS="$$(bash scripts/llama_cmake_args.sh) $$CMAKE_ARGS" $(PY) -m pip install -q --no-cache-dir -e ".[llama]" \
		|| echo "llama-cpp-python did not build: using the transformers backend"
	$(VENV)/bin/graphsql demo

# pytest's exit code 5 (no tests collected) is a failure here.
test: setup
	$(PY) -m ruff check src tests
	$(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

lint: setup
	$(PY) -m ruff check src tests
