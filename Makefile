# Two commands matter: `make demo` (set up, then run the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot run here).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET_INSTALL := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends
APT_INSTALL := $(APT_GET_INSTALL) chromium
# The PostgreSQL tests start a throwaway cluster with Debian's server programs, which Debian keeps
# in /usr/lib/postgresql/NN/bin (the tests look there too).
PG_CTL_GLOB := /usr/lib/postgresql/*/bin/pg_ctl
PG_INSTALL := $(APT_GET_INSTALL) postgresql

$(CHROMIUM):
	$(APT_INSTALL) || ($(SUDO) apt-get update && $(APT_INSTALL))

.PHONY: setup demo test lint bench postgresql
postgresql:
	@ls $(PG_CTL_GLOB) >/dev/null 2>&1 || $(PG_INSTALL) || ($(SUDO) apt-get update && $(PG_INSTALL))

setup: $(STAMP) $(CHROMIUM) postgresql

demo: $(STAMP)
	$(BIN)/wfm demo --out out/demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) $(CHROMIUM) postgresql lint
	$(BIN)/pytest
