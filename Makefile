# Two commands for a researcher: `make book` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
REGION ?= provincie-utrecht
YEAR   ?= 2025
# The edition the tests check (built with warnings as errors).
TEST_EDITION := _build/editions/provincie-utrecht-2025
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
	$(PY) -m mkbbook build --region $(REGION) --year $(YEAR)

# One edition per region, in parallel, with an index page: _build/books/index.html
books: env
	$(PY) -m mkbbook books $(REGIONS) --year $(YEAR)

provinces: env
	$(PY) -m mkbbook books provincies --year $(YEAR)

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
	$(PY) -m mkbbook build --region provincie-utrecht --year 2025 --out ""
	$(PY) -m mkbbook build --region u16 --year 2025 --out ""
	$(PY) -m pytest tests $(TEST_EDITION)/src/book/chapters $(NBVAL) -p no:cacheprovider \
	  --ignore=tests/test_browser.py --ignore=tests/test_pdf.py
	$(MAKE) test-browser REGION=provincie-utrecht YEAR=2025

# Browser checks of every page and of the PDF edition (tests/test_browser.py, tests/test_pdf.py):
# Debian's headless Chromium (never a browser download) driven by the npm packages pinned in
# package-lock.json; poppler-utils reads the PDF back.
SITE_EDITION := _build/editions/$(REGION)-$(YEAR)/_build/html

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
	$(PY) -m mkbbook build --region $(REGION) --year $(YEAR)
	$(PY) -m mkbbook.pdf --region $(REGION) --year $(YEAR) --copy-to _build/html

test-browser: pdf
	MKB_REQUIRE_BROWSER=1 MKB_SITE=$(SITE_EDITION) $(PY) -m pytest tests/test_browser.py tests/test_pdf.py -p no:cacheprovider

# Build-speed figures for the README (takes about half an hour; not part of CI).
benchmark: env
	$(PY) benchmarks/benchmark.py

clean:
	rm -rf _build
