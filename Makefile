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
APT_INSTALL := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium

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

.PHONY: setup demo test lint bench
setup: $(STAMP) $(CHROMIUM) $(AXE)

demo: $(STAMP)
	$(BIN)/wfm demo --out out/demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) $(CHROMIUM) $(AXE) lint
	$(BIN)/pytest
