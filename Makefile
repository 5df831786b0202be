# Two commands on a fresh machine: `make run` (serve the shipped corpus) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
IZDE   := $(VENV)/bin/izde
INDEX  ?= var/index
HOST   ?= 127.0.0.1
PORT   ?= 8000
SHARED ?= ../shared

RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
CATALOGS   := $(patsubst %.po,%.mo,$(wildcard webapp/translations/*/LC_MESSAGES/messages.po))

.PHONY: install run index lint test test-fast browser-deps bench eval lexicon clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(RUN_STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(RUN_STAMP) $(CATALOGS)

# Message catalogues are compiled from the .po files in the tree.
webapp/translations/%/LC_MESSAGES/messages.mo: webapp/translations/%/LC_MESSAGES/messages.po | $(RUN_STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -d webapp/translations -D messages -l $*

# Incremental: re-reads only new or changed files. Exit 2 means some files were skipped.
index: install
	$(IZDE) index corpus --index $(INDEX) || [ $$? -eq 2 ]

run: index
	$(IZDE) serve --index $(INDEX) --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests (Playwright drives it; nothing is downloaded).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium fonts-dejavu-core; }

# Style, types and the rooms' one-way dependencies (import-linter contract in pyproject.toml).
lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check indexer webapp tests bench
	$(VENV)/bin/ruff format --check indexer webapp tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint $(TEST_STAMP) $(CATALOGS) browser-deps
	$(PY) -m pytest -p no:cacheprovider

test-fast: $(TEST_STAMP) $(CATALOGS)
	$(PY) -m pytest -p no:cacheprovider -m "not browser and not slow"

eval: install
	$(IZDE) eval stems $(SHARED)/data/ud-kazakh-ktb/kk_ktb-dev.conllu
	$(IZDE) eval retrieval $(SHARED)/data/kazqad-dev

bench: $(TEST_STAMP)
	$(PY) -m bench.run_all

# Regenerate the stemmer's word list from Debian's hunspell-kk. The list is shipped in
# indexer/text/data/; rerun only after changing indexer/text/suffixes.py (the build filters with them).
lexicon: install
	@test -f /usr/share/hunspell/kk_KZ.dic || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get install -y -q hunspell-kk; }
	$(PY) indexer/text/data/build_lexicon.py
	$(PY) indexer/text/data/build_kaznlp.py $(SHARED)/data

clean:
	rm -rf $(VENV) var test-output bench/out *.egg-info
