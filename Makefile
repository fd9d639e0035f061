# The course's commands. `make course` sets everything up; `make test` proves it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# What the other targets need first: the installed environment (tests may set it empty).
SETUP ?= $(STAMP)
# Extra arguments: `make test PYTEST_ARGS='-k kit'`, `make bench BENCH_ARGS=--full`,
# `make lab LAB_ARGS='--no-browser'`, `make kit KIT=dist/my-kit KIT_ARGS='--zip --git'`.
PYTEST_ARGS ?=
BENCH_ARGS ?=
LAB_ARGS ?=
KIT ?= dist/student-kit
KIT_ARGS ?=

.PHONY: help course data build work lab kit test test-browser bench clean

help:
	@echo "make course        create .venv, install, prepare datasets, build notebooks and release/"
	@echo "make test          the same set-up, then the test suite (notebooks included)"
	@echo "make test-browser  JupyterLab in headless Chromium: kit notebook, .md sources, Validate, formgrader"
	@echo "make lab           JupyterLab on the course (your copies in work/; the .md sources open as notebooks)"
	@echo "make work          make work/<assignment>/ from release/ where missing (never overwrites)"
	@echo "make kit           write the student kit to $(KIT) (KIT_ARGS='--zip' or '--git')"
	@echo "make bench         training, notebook and grading benchmarks (BENCH_ARGS=--full for full runs)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[lab,instructor,test]'
	@touch $(STAMP)

data: $(SETUP)
	@$(PY) -m course data --if-missing

build: $(SETUP)
	@$(PY) -m course build

course: data build

work: $(SETUP)
	@$(PY) -m course work

lab: course
	@$(PY) -m course lab -- $(LAB_ARGS)

kit: course
	@rm -rf $(KIT) $(KIT).zip
	@$(PY) -m course kit $(KIT) $(KIT_ARGS)

test: data
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: data
	$(PY) -m pytest -m browser tests/test_browser.py $(PYTEST_ARGS)

bench: data
	$(PY) -m course bench $(BENCH_ARGS)

# Removes the environment and grading's working state; never work/ (students' copies).
clean:
	rm -rf $(VENV) gradebook.db submitted feedback autograded/*/ autograded/scores-*.csv autograded/.journal-* nbgrader-release .build-cache.json dist
