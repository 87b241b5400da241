# The two commands: `make run` and `make test`. Each does all of its own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
STATIC_GOVUK := webui/static/govuk
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test check lint install install-dev assets chromium index serve bench screenshot clean

run: install assets index serve

test: install-dev assets chromium lint
	$(BIN)/python -m pytest

# The edit-test loop: lint, then every test but the browser's and the slow ones (a minute or two).
check: install-dev assets lint
	$(BIN)/python -m pytest -q -x -m "not browser and not slow"

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "lgsearch needs Python 3.11 or newer: set PYTHON=python3.11 (or newer)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# GOV.UK Frontend's built CSS, JS, fonts and images, copied into the app (never committed).
# Its CSS asks for fonts and images at /assets/; made relative (assets/ beside the CSS), they are
# found under whatever path prefix the app is served at.
$(STATIC_GOVUK)/.copied: node_modules/.package-lock.json Makefile
	rm -rf $(STATIC_GOVUK)
	mkdir -p $(STATIC_GOVUK)
	sed 's#url(/assets/#url(assets/#g' $(GOVUK_DIST)/govuk-frontend.min.css > $(STATIC_GOVUK)/govuk-frontend.min.css
	cp $(GOVUK_DIST)/govuk-frontend.min.js $(STATIC_GOVUK)/
	cp -R $(GOVUK_DIST)/assets $(STATIC_GOVUK)/assets
	touch $@

assets: $(STATIC_GOVUK)/.copied

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
chromium:
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; }

# Exit 3 means some files were rejected (listed above); the rest is indexed and served.
# Any other failure (an index left by an older lgsearch, say) rebuilds the seeds' index afresh.
index: install
	$(BIN)/lgsearch index seeds || [ $$? -eq 3 ] || { \
		echo "Rebuilding the index of seeds/ instead"; $(BIN)/lgsearch index --rebuild seeds || [ $$? -eq 3 ]; }

serve: install assets
	$(BIN)/lgsearch serve --host $(HOST) --port $(PORT)

# Issue 10's benchmark, all of it in one run (about 25 minutes on 2 cores): the growth from 1,000 to
# 100,000 posts against SQLite FTS5 (table, bench/results/scale-DATE.json, docs/scale.png), then the
# load test at 20,000 posts.
BENCH_SIZES ?= 1000,5000,20000,100000
bench: install-dev
	$(BIN)/python -m bench.scale --sizes $(BENCH_SIZES)
	$(BIN)/python -m bench.load --posts 20000

# The README's screenshots (the tests never rewrite tracked files).
screenshot: install-dev assets chromium
	$(BIN)/python docs/make_screenshots.py

clean:
	rm -rf $(VENV) node_modules $(STATIC_GOVUK) index_data/*/ index_data/CURRENT index_data/*.lock
