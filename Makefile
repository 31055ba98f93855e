# Two entry points a newcomer needs (see README): `make run` and `make test`.
# Everything installs into .venv from requirements.txt; torch is the CPU build pinned there.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: install run test lint browser

$(BIN)/claimtracker: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

install: $(BIN)/claimtracker

# The main job: build data/claimtracker.duckdb from the shared real data, end to end.
run: install
	$(BIN)/claimtracker update --from-dir $(SHARED)/edgar --transcripts $(SHARED)/transcripts

# Headless Chromium from Debian for the browser test (playwright drives it; no browser download),
# Pango for WeasyPrint's PDF reports, and Nanum fonts so Korean renders in both.
browser:
	@dpkg -s chromium fonts-noto-color-emoji fonts-nanum libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium fonts-noto-color-emoji fonts-nanum libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

test: install browser
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
