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

.PHONY: book books provinces test check-data data env regions benchmark clean

# The environment is (re)installed when the pinned requirements change.
$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

env: $(VENV)/.installed

book: env
	$(PY) -m mkbbook build --region $(REGION) --year $(YEAR)

# One edition per region, in parallel, with an index page: _build/books/index.html
books: env
	$(PY) -m mkbbook books $(REGIONS) --year $(YEAR)

provinces: env
	$(PY) -m mkbbook books provincies --year $(YEAR)

check-data: env
	$(PY) -m mkbbook check-data

# Download the CBS and Eurostat tables into a new snapshot _data/snapshots/<UTC time>/ and use it
# (_data/current); on any failure the previous snapshot stays in use.
data: env
	$(PY) -m mkbbook data

regions: env
	$(PY) -m mkbbook regions

test: env
	$(PY) -m mkbbook build --region provincie-utrecht --year 2025 --out ""
	$(PY) -m mkbbook build --region u16 --year 2025 --out ""
	$(PY) -m pytest tests $(TEST_EDITION)/src/book/chapters $(NBVAL) -p no:cacheprovider

# Build-speed figures for the README (takes about half an hour; not part of CI).
benchmark: env
	$(PY) benchmarks/benchmark.py

clean:
	rm -rf _build
