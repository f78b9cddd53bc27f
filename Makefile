# The two commands of the README:
#   make run    sets everything up, loads the demo data and serves http://localhost:6543
#   make test   sets everything up and runs the whole test suite
# Everything lands in .venv/ and node_modules/; `make clean` removes it again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
CONFIG ?= development.ini

.PHONY: run test serve setup clean catalogs benchmark

run: $(STAMPS)/app
	$(BIN)/sw-gremien -c $(CONFIG) migrate
	$(BIN)/sw-gremien -c $(CONFIG) seed-demo
	$(BIN)/pserve $(CONFIG)

serve: $(STAMPS)/app
	$(BIN)/pserve $(CONFIG) --reload

test: $(STAMPS)/dev $(STAMPS)/node
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(STAMPS)/dev $(STAMPS)/node

$(STAMPS)/venv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools<81" wheel
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/app: $(STAMPS)/venv pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(STAMPS)/dev: $(STAMPS)/venv pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(STAMPS)/app

# axe-core for the accessibility checks of the browser tests, from the npm registry.
$(STAMPS)/node: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

catalogs: $(STAMPS)/dev
	$(BIN)/python -m sw_gremien.catalogs update

clean:
	rm -rf $(VENV) $(STAMPS) node_modules var
