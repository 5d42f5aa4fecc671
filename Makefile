# Two entry points for a fresh machine with Python >= 3.11, pip and make:
#   make demo   sets up .venv and runs the main job (the hypothesis experiment, quick)
#   make test   sets up .venv and runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/oslsim hypothesis --quick --out report/
	@echo "The report is in report/: open report/report.html (or read report/report.md)."

test: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks

docs: $(STAMP)
	$(PY) -m oslsim.params > docs/parameters.md

clean:
	rm -rf $(VENV) .pytest_cache demo report
