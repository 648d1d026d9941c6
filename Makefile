# Set-up is part of every target: a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV ?= .venv
HASH := $(shell sha256sum pyproject.toml setup.py | sha256sum | cut -c1-12)
MAIN_STAMP := $(VENV)/.installed-main-$(HASH)
TEST_STAMP := $(VENV)/.installed-test-$(HASH)
CODE := ingest imr expectations tests bench setup.py

.PHONY: demo test pytest lint bench format docs clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

# The main job needs the project alone; the tests add their tools, Spark and the benchmarks' baselines.
$(MAIN_STAMP): pyproject.toml setup.py | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml setup.py | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@ $(MAIN_STAMP)

demo: $(MAIN_STAMP)
	$(VENV)/bin/imr demo

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check $(CODE)
	$(VENV)/bin/ruff format --check $(CODE)
	$(VENV)/bin/mypy

# Lint beside the tests (mypy holds one core for a minute while the tests start); either failing fails.
test: $(TEST_STAMP)
	$(MAKE) --no-print-directory -j2 lint pytest

pytest: $(TEST_STAMP)
	$(VENV)/bin/python -m pytest -n 2 --dist loadfile  # two workers (CI has two cores); a file's tests share one

format: $(TEST_STAMP)
	$(VENV)/bin/ruff format $(CODE)
	$(VENV)/bin/ruff check --fix $(CODE)

bench: $(TEST_STAMP)
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info

docs: $(TEST_STAMP)
	$(VENV)/bin/python -m tests.test_docs
