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

# The browser tests inject axe-core (the accessibility audit) into each view: from the npm registry,
# pinned by package-lock.json. npm comes with Node.js (Debian's package `npm` where it does not).
AXE := node_modules/axe-core/axe.min.js
NPM_APT_INSTALL := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends npm

$(AXE): package.json package-lock.json
	command -v npm >/dev/null || $(NPM_APT_INSTALL) || ($(SUDO) apt-get update && $(NPM_APT_INSTALL))
	npm ci --no-audit --no-fund
	touch $(AXE)

.PHONY: setup demo test lint bench postgresql
postgresql:
	@ls $(PG_CTL_GLOB) >/dev/null 2>&1 || $(PG_INSTALL) || ($(SUDO) apt-get update && $(PG_INSTALL))

setup: $(STAMP) $(CHROMIUM) $(AXE) postgresql

demo: $(STAMP)
	$(BIN)/wfm demo --out out/demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# mypy (about a minute of one core) runs beside pytest, whose browser and service tests spend much
# of their time waiting; both must pass, and mypy's findings are printed after the tests'. pytest
# runs two workers more than the machine has cores (`-n auto` reads PYTEST_XDIST_AUTO_NUM_WORKERS):
# a worker waiting on its browser or service leaves its core to another.
test: $(STAMP) $(CHROMIUM) $(AXE) postgresql
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@typed=$$(mktemp); $(BIN)/mypy >$$typed 2>&1 & mypy=$$!; \
	PYTEST_XDIST_AUTO_NUM_WORKERS=$$(( $$(nproc) + 2 )) $(BIN)/pytest; tests=$$?; wait $$mypy; types=$$?; \
	echo "mypy:"; cat $$typed; rm -f $$typed; [ $$tests -eq 0 ] && [ $$types -eq 0 ]
