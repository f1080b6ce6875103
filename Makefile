# Two commands on a fresh machine: `make run` and `make test`. Both create .venv as needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# uv installs the pinned packages, downloading them at once and compiling their modules on both
# cores as pip does on one (a process never compiles them again, even where
# PYTHONDONTWRITEBYTECODE is set): see the README's dependency notes.
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
UV_INSTALL := $(UV) pip install -q --compile-bytecode --python $(PY)
# The project's own modules compiled once before the tests and the real-export cases: every
# command-line process of theirs would otherwise compile them again (about 0.6 s each).
COMPILE := $(PY) -m compileall -q -j 0 segmentation

.PHONY: run test check lint bench cli exports

# The dashboard's install (requirements.txt: no pyspark); the tests add requirements-dev.txt.
$(VENV)/.runtime: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q uv==$(UV_VERSION)
	$(UV_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.installed: $(VENV)/.runtime requirements-dev.txt
	$(UV_INSTALL) -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py

cli: $(VENV)/.runtime
	$(PY) -m segmentation --demo

# Every test (browser, Spark, cluster, real data), on two processes.
test: $(VENV)/.installed
	$(COMPILE)
	$(PY) -m pytest -q -n 2 --dist loadgroup

# The tests a developer runs while working: no browser, no Spark, no real data, nothing slow;
# each property test on a tenth of its examples; on two processes.
check: $(VENV)/.installed
	$(COMPILE)
	QUICK_TESTS=1 $(PY) -m pytest -q -n 2 -m "not e2e and not spark and not realdata and not slow"

# The real-export cases beside the project (../shared/exports): no WRONG and no CRASH.
exports: $(VENV)/.installed
	$(COMPILE)
	@if [ -x ../shared/exports/check ]; then ../shared/exports/check; \
	else echo "../shared/exports is absent: the real-export cases are skipped"; fi

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

bench: $(VENV)/.installed
	$(PY) bench/bench_core.py
