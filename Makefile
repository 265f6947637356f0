# Two commands: `make run` starts the whole platform with demo data; `make test` passes the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export EUCENTRE_DATA_DIR ?= $(CURDIR)/var
export EUCENTRE_PORT ?= 8000

.PHONY: install run test test-heavy bench lint format messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/eucentre db upgrade
	$(BIN)/eucentre demo load
	exec $(BIN)/eucentre serve

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not heavy"

# The tests that take minutes each (marked heavy): run before a release, not on every change.
test-heavy: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m heavy

bench: install
	$(BIN)/python bench/hashing.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/vpdq.py
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/refusal.py
	$(BIN)/python bench/signin_flood.py
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/victims.py
	$(BIN)/python bench/transparency.py
	$(BIN)/python bench/private_matching.py
	$(BIN)/python bench/monitoring.py
	$(BIN)/python bench/prevention.py

# Extract the pages' English strings and bring every catalogue up to date (then translate the
# new entries in the .po files). The platform's catalogue is src/eucentre/locale/; a domain with
# a locale/ folder keeps its own (src/eucentre/<domain>/locale/), which the platform's skips.
TRANSLATED_LANGUAGES := de fr
DOMAIN_CATALOGUES := $(patsubst src/eucentre/%/locale,%,$(wildcard src/eucentre/*/locale))
EXTRACT := $(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --omit-header
UPDATE := $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date

messages: install
	$(EXTRACT) --ignore-dirs=".* ._ $(DOMAIN_CATALOGUES)" -o src/eucentre/locale/eucentre.pot src/eucentre
	for lang in $(TRANSLATED_LANGUAGES); do $(UPDATE) -D eucentre -l $$lang -i src/eucentre/locale/eucentre.pot -d src/eucentre/locale; done
	set -e; for domain in $(DOMAIN_CATALOGUES); do \
	  folder=src/eucentre/$$domain/locale; \
	  $(EXTRACT) -o $$folder/$$domain.pot src/eucentre/$$domain; \
	  for lang in $(TRANSLATED_LANGUAGES); do \
	    if [ -f $$folder/$$lang/LC_MESSAGES/$$domain.po ]; then \
	      $(UPDATE) -D $$domain -l $$lang -i $$folder/$$domain.pot -d $$folder; \
	    else $(BIN)/pybabel init -D $$domain -l $$lang -i $$folder/$$domain.pot -d $$folder; fi; \
	  done; \
	done

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy src

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) var .pytest_cache
