# coachportal: the README's commands. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

# Fictional demo passphrases (README lists them). Real ones belong in CI secrets.
DEMO_SECRETS := demo/secrets.yml

.PHONY: site test serve clean lint bench schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TSTAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

site: $(STAMP)
	COACHPORTAL_SECRETS=$${COACHPORTAL_SECRETS:-$(DEMO_SECRETS)} $(BIN)/mkdocs build --strict
	@echo
	@echo "Built the demo portal into site/."
	@echo "Open it with:  make serve-site   (then http://127.0.0.1:8000/)"
	@echo "or open site/index.html in a browser."

serve-site: site
	$(BIN)/python -m http.server --directory site --bind 127.0.0.1 8000

serve: $(STAMP)
	COACHPORTAL_SECRETS=$${COACHPORTAL_SECRETS:-$(DEMO_SECRETS)} $(BIN)/mkdocs serve

test: $(TSTAMP)
	$(BIN)/python -m pytest -n auto

lint: $(TSTAMP)
	$(BIN)/ruff check plugins tests
	$(BIN)/ruff format --check plugins tests

clean:
	rm -rf site .cache .pytest_cache .ruff_cache .hypothesis plugins/*.egg-info
