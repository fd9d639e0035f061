# The course's commands. `make course` sets everything up; `make test` proves it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help course test lab bench data build grade clean

help:
	@echo "make course   create .venv, install, prepare datasets, build notebooks and release/"
	@echo "make test     the same set-up, then the whole test suite (notebooks included)"
	@echo "make lab      JupyterLab on the course (the .md sources open as notebooks)"
	@echo "make bench    training, notebook and grading benchmarks (BENCH_ARGS=--full for full runs)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[lab,instructor,test]'
	@touch $(STAMP)

data: $(STAMP)
	@$(PY) -m course data

build: $(STAMP)
	@$(PY) -m course build

course: data build

test: data
	$(PY) -m pytest

lab: course
	$(VENV)/bin/jupyter lab --notebook-dir=.

bench: data
	$(PY) -m course bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) gradebook.db submitted feedback autograded/*/ autograded/scores-*.csv autograded/.journal-*
