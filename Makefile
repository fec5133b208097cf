# Two commands for a researcher: `make book` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
REGION ?= provincie-utrecht
# YEAR: the analysis year; empty = the newest year in the data (`make book YEAR=2023` for another).
YEAR   ?=
YEAR_ARG = $(if $(YEAR),--year $(YEAR))
# The year of a recipe's edition, for paths (the newest in the data when YEAR is empty).
EDITION_YEAR = $${YEAR:-$$($(PY) -m mkbbook latest-year)}
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

REGIONS ?= provincie-utrecht u16 regio-amersfoort foodvalley-utrecht

.PHONY: book books provinces test check-data data env lock regions benchmark clean pdf test-browser browser-deps

# The environment is (re)installed from the lock when it changes: requirements.lock pins the whole
# environment with hashes (pip-compile --generate-hashes from requirements.txt, the direct pins).
# After editing requirements.txt: `make lock`.
$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

env: $(VENV)/.installed

# Re-lock after a change of requirements.txt (pip-tools in a throwaway environment, Python 3.11).
lock:
	rm -rf _build/lock-env && $(PYTHON) -m venv _build/lock-env && _build/lock-env/bin/pip install --quiet pip-tools
	_build/lock-env/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --output-file=requirements.lock requirements.txt
	rm -rf _build/lock-env

book: env
	$(PY) -m mkbbook build --region $(REGION) $(YEAR_ARG)

# One edition per region, in parallel, with an index page: _build/books/index.html
books: env
	$(PY) -m mkbbook books $(REGIONS) $(YEAR_ARG)

provinces: env
	$(PY) -m mkbbook books provincies $(YEAR_ARG)

check-data: env
	$(PY) -m mkbbook check-data

# Download the CBS and Eurostat tables into a new snapshot snapshots/<UTC time>/ next to the one in use,
# validate it, switch snapshots/current to it and print what changed (also in its CHANGES.md); on any
# failure the previous snapshot stays in use. Committing the new folder and the pointer publishes the
# refresh. CBS_API=v4 uses CBS's OData v4 (datasets.cbs.nl) instead of the v3 feed.
CBS_API ?=
data: env
	$(PY) -m mkbbook data $(if $(CBS_API),--cbs-api $(CBS_API))

regions: env
	$(PY) -m mkbbook regions

# The whole suite: two strict book builds, unit/data/HTML tests and nbval, then the browser and PDF checks.
test: env
	$(PY) -m mkbbook build --region provincie-utrecht --out ""
	$(PY) -m mkbbook build --region u16 --out ""
	YEAR= ; $(PY) -m pytest tests _build/editions/provincie-utrecht-$(EDITION_YEAR)/src/book/chapters $(NBVAL) \
	  -p no:cacheprovider --ignore=tests/test_browser.py --ignore=tests/test_pdf.py
	$(MAKE) test-browser REGION=provincie-utrecht YEAR=

# Browser checks of every page and of the PDF edition (tests/test_browser.py, tests/test_pdf.py):
# Debian's headless Chromium (never a browser download) driven by the npm packages pinned in
# package-lock.json; poppler-utils reads the PDF back.

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils; \
	  else echo "The browser and PDF checks need Debian's chromium and poppler-utils:"; \
	    echo "  sudo apt-get install chromium poppler-utils"; exit 1; fi; fi

# The whole book as one A4 PDF, _build/pdf/mkb-digitalisering.pdf, also put into the site it belongs to.
pdf: env browser-deps node_modules/.installed
	$(PY) -m mkbbook build --region $(REGION) $(YEAR_ARG)
	$(PY) -m mkbbook.pdf --region $(REGION) $(YEAR_ARG) --copy-to _build/html

test-browser: pdf
	YEAR=$(YEAR); MKB_REQUIRE_BROWSER=1 MKB_SITE=_build/editions/$(REGION)-$(EDITION_YEAR)/_build/html \
	  $(PY) -m pytest tests/test_browser.py tests/test_pdf.py -p no:cacheprovider

# Build-speed figures for the README (takes about half an hour; not part of CI).
benchmark: env
	$(PY) benchmarks/benchmark.py

clean:
	rm -rf _build
