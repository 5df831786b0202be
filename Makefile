# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
IZDE   := $(VENV)/bin/izde
INDEX  ?= var/index
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: install run index test test-fast browser-deps bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Compile message catalogues whenever a .po changed.
webapp/translations/%/LC_MESSAGES/messages.mo: webapp/translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile -d webapp/translations -D messages

CATALOGS := $(patsubst %.po,%.mo,$(wildcard webapp/translations/*/LC_MESSAGES/messages.po))

index: $(STAMP)
	$(IZDE) index corpus --index $(INDEX) || [ $$? -eq 2 ]

run: $(STAMP) $(CATALOGS) index
	$(IZDE) serve --index $(INDEX) --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium fonts-dejavu-core; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium fonts-dejavu-core; fi; }

test: $(STAMP) $(CATALOGS) browser-deps
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: $(STAMP) $(CATALOGS)
	$(PY) -m pytest -q -p no:cacheprovider -m "not browser and not slow"

eval: $(STAMP)
	$(IZDE) eval stems ../shared/data/ud-kazakh-ktb/kk_ktb-dev.conllu
	$(IZDE) eval retrieval ../shared/data/kazqad-dev

bench: $(STAMP)
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) var test-output bench/out *.egg-info
