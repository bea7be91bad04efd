# pamphleteer: `make` sets everything up and builds the sample; `make test` runs the suite.
# Every output is a real file target: a second `make` with nothing changed does nothing.

MANUSCRIPT ?= $(firstword $(wildcard manuscript/*.md))
NAME       := $(basename $(notdir $(MANUSCRIPT)))
BUILD      ?= build
PUBLISH    ?= publish

VENV   := .venv
# Ace by DAISY checks EPUB accessibility; it runs in Debian's Chromium.
ACE    := .tools/node_modules/.bin/ace-puppeteer
ACE_VERSION := 1.4.6
PYTHON := $(VENV)/bin/python
TOOL   := $(VENV)/bin/pamphleteer
SETUP  := $(VENV)/.setup-done

# What each output is made from: the manuscript, the pictures beside it, the
# code, and the part of styles/ that format uses.
PICTURES         := \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.svg' -o -iname '*.gif' \)
# (Not what we wrote ourselves, should build/ or publish/ sit beside the manuscript.)
MANUSCRIPT_FILES := $(MANUSCRIPT) $(filter-out $(BUILD)/% $(PUBLISH)/%,\
                      $(shell find $(dir $(MANUSCRIPT)) -type f $(PICTURES) 2>/dev/null))
CODE             := $(shell find src -name '*.py') pyproject.toml
EPUB_STYLES      := $(shell find styles/epub styles/cover -type f) styles/labels.yaml
PDF_STYLES       := $(shell find styles/print styles/profiles -type f) styles/labels.yaml

# PROFILE=press (or kdp, lulu, ... any styles/profiles/*.yaml) builds
# build/<name>-press.pdf; without it, the manuscript's own choice, or digital.
PROFILE ?=
EPUB := $(BUILD)/$(NAME).epub
PDF  := $(BUILD)/$(NAME)$(if $(PROFILE),-$(PROFILE)).pdf
# SHEET=A4 or letter (default: from the trim size); CREEP=0.1mm for thick booklets.
BOOKLET := $(PDF:.pdf=-booklet.pdf)


.DEFAULT_GOAL := all
.PHONY: all epub pdf booklet check test lint publish preview clean distclean help setup ace bench

# The PDF first: the EPUB marks where the print pages begin, and reads them from
# the layout the PDF build leaves in $(BUILD)/.cache (or lays the book out itself).
all: $(PDF) $(EPUB) ## set up, then build the PDF and the EPUB of MANUSCRIPT

epub: $(EPUB) ## build the EPUB (and the cover for stores, $(BUILD)/<name>-cover.jpg) only
pdf: $(PDF)   ## build the PDF only

$(EPUB): $(MANUSCRIPT_FILES) $(CODE) $(EPUB_STYLES) $(PDF_STYLES) | $(SETUP)
	$(TOOL) build $(MANUSCRIPT) -o $(BUILD) --epub

$(PDF): $(MANUSCRIPT_FILES) $(CODE) $(PDF_STYLES) | $(SETUP)
	$(TOOL) build $(MANUSCRIPT) -o $(BUILD) --pdf $(if $(PROFILE),--profile $(PROFILE))

booklet: $(BOOKLET) ## the PDF imposed two-up for an office printer: print double-sided, flip on the short edge

$(BOOKLET): $(PDF)
	$(TOOL) booklet $(PDF) -o $@ $(if $(SHEET),--sheet $(SHEET)) $(if $(CREEP),--creep $(CREEP))

check: $(EPUB) $(PDF) ## EPUBCheck, and preflight of the PDF for its print profile (warnings fail too)
	$(TOOL) check --strict --print $(if $(PROFILE),--profile $(PROFILE)) $(MANUSCRIPT) $(EPUB) $(PDF)

test: $(SETUP) $(ACE) ## run the whole test suite (EPUBCheck and Ace included) and the linter
	$(VENV)/bin/ruff check src tests bench
	$(PYTHON) -m pytest

# The benchmark: a generated 120,000-word book and the sample, built and timed
# against pandoc and bare WeasyPrint (bench/README.md). It takes a while.
BENCH_SETUP := $(VENV)/.bench-setup-done
bench: $(SETUP) $(BENCH_SETUP) ## measure build times and memory: bench/results.md, bench/stages.png
	$(PYTHON) bench/run.py $(if $(RUNS),--runs $(RUNS)) $(if $(SCALES),--scales $(SCALES))

$(BENCH_SETUP): pyproject.toml | $(SETUP)
	@if ! command -v pandoc >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q pandoc; \
	  else echo "pandoc is not installed: the benchmark runs without the comparison with it" >&2; fi; \
	fi
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@

lint: $(SETUP) ## ruff only
	$(VENV)/bin/ruff check src tests bench

# A published file is never replaced by different bytes under the same name: a
# reader may already have it, and its checksum is on record.
publish: $(EPUB) $(PDF) ## copy the built files into publish/ with a SHA256SUMS file (never overwrites)
	mkdir -p $(PUBLISH)
	@for built in $(EPUB) $(PDF); do \
	  published=$(PUBLISH)/$$(basename $$built); \
	  if [ -e "$$published" ] && ! cmp -s "$$built" "$$published"; then \
	    echo "make publish: $$published is already published with other content: give this edition a new date or version in the front matter, or move the old file away yourself" >&2; \
	    exit 1; \
	  fi; \
	done
	cp $(EPUB) $(PDF) $(PUBLISH)/
	cd $(PUBLISH) && sha256sum $(notdir $(EPUB)) $(notdir $(PDF)) > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS
	cd $(PUBLISH) && sha256sum -c SHA256SUMS

preview: $(PDF) ## render the first PDF pages to PNG in build/preview/
	$(PYTHON) -m pamphleteer.preview $(PDF) $(BUILD)/preview

setup: $(SETUP) ## install system packages (as root) and the Python environment

ace: $(ACE) ## install Ace by DAISY (npm) and Chromium (Debian), for make check and make test

# Nothing is downloaded at run time: no Electron, no Puppeteer browser; Ace uses
# Debian's Chromium through PUPPETEER_EXECUTABLE_PATH.
$(ACE):
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "Ace needs Chromium: install it (sudo apt-get install chromium) and run make again" >&2; exit 1; fi; \
	fi
	mkdir -p .tools
	cd .tools && ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 \
	  npm install --no-audit --no-fund --loglevel=error @daisy/ace@$(ACE_VERSION)
	test -x $@ && touch $@

# Debian packages the build needs from the system: the book typeface, Java for
# EPUBCheck, Pango and HarfBuzz for WeasyPrint, and a CMYK ICC profile for PDF/X
# (Ghostscript's, in libgs-common). Installed when missing and we are root.
$(SETUP): pyproject.toml
	@missing=""; \
	fc-list 2>/dev/null | grep -qi "Linux Libertine O" || missing="$$missing fonts-linuxlibertine"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	test -f /usr/share/color/icc/ghostscript/default_cmyk.icc || missing="$$missing libgs-common"; \
	command -v fc-list >/dev/null 2>&1 || missing="$$missing fontconfig"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else \
	    echo "missing system packages:$$missing -- install them (e.g. sudo apt-get install$$missing) and run make again" >&2; \
	    exit 1; \
	  fi; \
	fi
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

clean: ## remove generated files (build/); the manuscript and publish/ are left alone
	rm -rf $(BUILD) .pytest_cache .ruff_cache

distclean: clean ## also remove the Python environment and the installed tools
	rm -rf $(VENV) .tools

help: ## list the targets
	@grep -hE '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## (.*)/  make \1\t\2/' | expand -t 20
	@echo "  MANUSCRIPT=path/to/other.md builds another manuscript (default: $(MANUSCRIPT))"
