# pamphleteer: `make` sets everything up and builds the sample; `make test` runs the suite.
# Every output is a real file target: a second `make` with nothing changed does nothing.

# Every manuscript: manuscript/*.md, and manuscript/<folder>/*.md for a book kept in a
# folder of its own (MANUSCRIPT_DIR=elsewhere for another shelf). `make MANUSCRIPT=path/to/x.md` builds that one alone.
MANUSCRIPT_DIR ?= manuscript
SHELF      := $(patsubst %/,%,$(MANUSCRIPT_DIR))
# make cannot name a file whose path has a space or one of these signs (they split or end
# a target, or mean something to the shell): such a book is left out of the shelf, with a
# line that says what to rename it; the command line builds it as it is.
UNSAFE     := [][:space:]\#%:;=$$\()*?&|<>,"`'\''[]
WHY_UNSAFE := make cannot use a path with a space or a sign such as \# % : ; ( ) in it
quoted      = '$(subst ','\'',$(1))'
SHELF_FIND := find -L $(call quoted,$(SHELF)) -mindepth 1 -maxdepth 2 -name '.*' -prune -o \
                -type f -name '*.md' ! -name README.md -print 2>/dev/null
ifdef MANUSCRIPT
  ifeq ($(shell test -e $(call quoted,$(MANUSCRIPT)) && echo found),)
    $(error $(MANUSCRIPT): error: manuscript not found: check the path [READ-002])
  endif
  ifneq ($(shell printf '%s\n' $(call quoted,$(MANUSCRIPT)) | grep -e '$(UNSAFE)'),)
    $(error $(MANUSCRIPT): error: $(WHY_UNSAFE): rename it \
      $(shell printf '%s\n' $(call quoted,$(MANUSCRIPT)) | sed 's/$(UNSAFE)\{1,\}/-/g'), or build it with pamphleteer build [MAKE-001])
  endif
  MANUSCRIPTS := $(MANUSCRIPT)
else
  $(shell $(SHELF_FIND) | grep -e '$(UNSAFE)' | sed -e h -e 's/$(UNSAFE)\{1,\}/-/g' -e x -e G \
            -e 's/\n/: warning: make leaves this book out: $(WHY_UNSAFE); rename it /' \
            -e 's/$$/ [MAKE-002]/' >&2)
  MANUSCRIPTS := $(sort $(shell $(SHELF_FIND) | grep -v -e '$(UNSAFE)'))
endif
BUILD      ?= build
PUBLISH    ?= publish
name_of     = $(basename $(notdir $(1)))
NAMES      := $(foreach m,$(MANUSCRIPTS),$(call name_of,$(m)))
ifneq ($(words $(NAMES)),$(words $(sort $(NAMES))))
$(error two manuscripts have the same file name ($(NAMES)): rename one, as their outputs share $(BUILD)/)
endif

VENV   := .venv
# Ace by DAISY checks EPUB accessibility; it runs in Debian's Chromium. Not named ACE:
# ACE in the environment names another Ace for pamphleteer (check/ace.py), and a make
# variable of that name would put this one in its place in every recipe.
ACE_CLI := .tools/node_modules/.bin/ace-puppeteer
ACE_VERSION := 1.4.6
# axe-core checks the catalogue page of publish/ in the same Chromium (make test).
AXE    := .tools/node_modules/axe-core/axe.min.js
AXE_VERSION := 4.14.1
PYTHON := $(VENV)/bin/python
TOOL   := $(VENV)/bin/pamphleteer
SETUP  := $(VENV)/.setup-done

# What each output is made from: the manuscript, the pictures beside it, the
# code, and the part of styles/ that format uses.
PICTURES         := \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.svg' -o -iname '*.gif' \)
CODE             := $(shell find src -name '*.py') pyproject.toml
EPUB_STYLES      := $(shell find styles/epub styles/cover -type f) styles/labels.yaml styles/typography.yaml
PDF_STYLES       := $(shell find styles/print styles/profiles -type f) styles/labels.yaml styles/typography.yaml
# A book's own styles: the files of those parts ($(2)) in styles/ beside its manuscript or in
# the folder above ($(1), the manuscript's folder), which come before pamphleteer's own.
EPUB_PARTS       := epub cover
PDF_PARTS        := print profiles labels.yaml typography.yaml
own_styles        = $(foreach s,$(wildcard $(1)styles $(1)../styles),$(shell find -L $(addprefix $(s)/,$(2)) \
                      -type f ! -name '.*' 2>/dev/null | sed 's/[[:blank:]:;]/\\&/g'))

# PROFILE=press (or kdp, lulu, ... any styles/profiles/*.yaml) builds
# build/<name>-press.pdf; without it, the manuscript's own choice, or digital.
PROFILE ?=
EPUBS    := $(NAMES:%=$(BUILD)/%.epub)
PDFS     := $(NAMES:%=$(BUILD)/%$(if $(PROFILE),-$(PROFILE)).pdf)
# SHEET=A4 or letter (default: from the trim size); CREEP=0.1mm for thick booklets.
BOOKLETS := $(PDFS:.pdf=-booklet.pdf)

# A book's pictures, $(call pictures_of,its folder,top): those in its folder and below, but
# not another book's: for a book at the top of the shelf (top not empty), a subfolder that
# holds a manuscript is that book's. Not what we wrote ourselves either, should build/ or
# publish/ sit there, nor hidden folders (.git). A space, : or ; is escaped: one file each.
HOLDS_A_BOOK = sh -c 'find -L "$$1" -maxdepth 1 -type f -name "*.md" ! -name README.md | grep -q .' sh {} \;
pictures_of  = $(shell find -L '$(1)' -mindepth 1 \
                 $(foreach d,$(wildcard $(BUILD) $(PUBLISH)),-samefile $(call quoted,$(d)) -prune -o) \
                 -type d -name '.*' -prune -o \
                 $(if $(2),! -path '$(1)/*/*' -type d -exec $(HOLDS_A_BOOK) -prune -o) \
                 -type f $(PICTURES) -print 2>/dev/null | sed 's/[[:blank:]:;]/\\&/g')

# The rules of one book: $(1) its manuscript, $(2) its name.
define BOOK
$(2)_FILES := $(1) $$(call pictures_of,$(patsubst %/,%,$(dir $(1))),$(filter $(SHELF)/,$(dir $(1))))
$(2)_PDF_STYLES := $$(call own_styles,$(dir $(1)),$$(PDF_PARTS))
$(2)_EPUB_STYLES := $$($(2)_PDF_STYLES) $$(call own_styles,$(dir $(1)),$$(EPUB_PARTS))

$(BUILD)/$(2).epub: $$($(2)_FILES) $$(CODE) $$(EPUB_STYLES) $$(PDF_STYLES) $$($(2)_EPUB_STYLES) | $$(SETUP)
	$$(TOOL) build $(1) -o $(BUILD) --epub

$(BUILD)/$(2)$(if $(PROFILE),-$(PROFILE)).pdf: $$($(2)_FILES) $$(CODE) $$(PDF_STYLES) $$($(2)_PDF_STYLES) | $$(SETUP)
	$$(TOOL) build $(1) -o $(BUILD) --pdf $(if $(PROFILE),--profile $(PROFILE))

# A print cover made by `make cover` is checked too, against the interior it was sized for.
check-$(2): $(BUILD)/$(2).epub $(BUILD)/$(2)$(if $(PROFILE),-$(PROFILE)).pdf | $$(ACE_CLI)
	$$(TOOL) check --strict --print $(if $(PROFILE),--profile $(PROFILE)) $(1) $$^ \
	  $$(wildcard $(BUILD)/$(2)-cover-*.pdf)

# The print cover, sized from the interior (built first if stale): PROFILE=kdp or lulu for a
# wrap cover, press for a saddle-stitched plus cover; PAPER=cream for another paper.
cover-$(2): | $$(SETUP)
	$$(TOOL) cover $(1) -o $(BUILD) $(if $(PROFILE),--profile $(PROFILE)) $(if $(PAPER),--paper $(PAPER))

# publish builds what is stale itself, after the refusals that need no files (no date, a
# slug another book holds): an author hears of those at once, not after a build.
publish-$(2): | $$(SETUP) $$(ACE_CLI)
	$$(TOOL) publish $(1) -o $(BUILD) --to $(PUBLISH) $(if $(PROFILE),--profile $(PROFILE)) \
	  $(if $(CATALOGUE_TITLE),--title "$(CATALOGUE_TITLE)")

pages-$(2): $(BUILD)/$(2)$(if $(PROFILE),-$(PROFILE)).pdf
	$$(PYTHON) -m pamphleteer.check.pagepictures $$< $(BUILD)/pages$(if $(word 2,$(NAMES)),/$(2))
endef
$(foreach m,$(MANUSCRIPTS),$(eval $(call BOOK,$(m),$(call name_of,$(m)))))

.DEFAULT_GOAL := all
.PHONY: all epub pdf booklet check test lint publish preview pages clean distclean help setup ace bench \
        $(NAMES:%=check-%) $(NAMES:%=publish-%) $(NAMES:%=pages-%) cover $(NAMES:%=cover-%)

# The PDF first: the EPUB marks where the print pages begin, and reads them from
# the layout the PDF build leaves in $(BUILD)/.cache (or lays the book out itself).
all: $(PDFS) $(EPUBS) | $(ACE_CLI) $(AXE) ## set up, then build the PDF and the EPUB of every manuscript (make -j: side by side)

epub: $(EPUBS) ## build the EPUBs (and the covers for stores, build/<name>-cover.jpg) only
pdf: $(PDFS)   ## build the PDFs only

booklet: $(BOOKLETS) ## the PDF imposed two-up for an office printer: print double-sided, flip on the short edge

$(BUILD)/%-booklet.pdf: $(BUILD)/%.pdf
	$(TOOL) booklet $< -o $@ $(if $(SHEET),--sheet $(SHEET)) $(if $(CREEP),--creep $(CREEP))

cover: $(NAMES:%=cover-%) ## the print cover, back, spine and front, sized from the book: PROFILE=kdp, lulu or press (the default: the book's print profile, else press)

check: $(NAMES:%=check-%) ## EPUBCheck, Ace, and preflight of each PDF for its print profile (warnings fail too)

# -n auto: a pytest-xdist worker per core; worksteal: a worker that runs out of tests
# takes some from the end of another's list (the longest modules come first: conftest.py).
# PYTHONDONTWRITEBYTECODE is emptied for the run: the suite starts some two hundred Python
# processes (builds, make, workers), and without the __pycache__ folders (git ignores
# them) each would compile pamphleteer's modules again, and pytest each test module.
test: $(SETUP) $(ACE_CLI) $(AXE) ## run the whole test suite (EPUBCheck, Ace and axe included) and the linter
	$(VENV)/bin/ruff check src tests bench
	PYTHONDONTWRITEBYTECODE= $(PYTHON) -m pytest -n auto --dist worksteal

# The benchmark: a generated 120,000-word book and the sample, built and timed
# against pandoc and bare WeasyPrint (bench/README.md). It takes a while.
BENCH_SETUP := $(VENV)/.bench-setup-done
bench: $(SETUP) $(BENCH_SETUP) ## measure build times and memory: bench/results.md, bench/stages.png
	$(PYTHON) bench/run.py $(if $(RUNS),--runs $(RUNS)) $(if $(SCALES),--scales $(SCALES)) $(if $(BENCH),--only $(BENCH))

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

# A release is never changed: publish/<slug>/<version>/ is written once, whole, after
# the strict checks pass; the same files again do nothing, other files are refused.
# CATALOGUE_TITLE= names the catalogue (default: the publisher).
publish: $(NAMES:%=publish-%) ## check strictly, then release each book into publish/ and update the catalogue

# The live preview of one book (MANUSCRIPT=... picks another; PORT=, PROFILE= as for build).
preview: | $(SETUP) ## show the pages as they will print, and the e-book, rebuilt on every save (Ctrl-C stops it)
	$(TOOL) preview $(firstword $(MANUSCRIPTS)) -o $(BUILD) $(if $(PROFILE),--profile $(PROFILE)) \
	  $(if $(PORT),--port $(PORT))

pages: $(NAMES:%=pages-%) ## render the first PDF pages to PNG in build/pages/

setup: $(SETUP) $(ACE_CLI) $(AXE) ## install system packages (as root), the Python environment, Ace and axe-core

ace: $(ACE_CLI) $(AXE) ## install Ace by DAISY and axe-core (npm) and Chromium (Debian) only (make does it)

# Nothing is downloaded at run time: no Electron, no Puppeteer browser; Ace uses
# Debian's Chromium through PUPPETEER_EXECUTABLE_PATH.
$(ACE_CLI):
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "Ace needs Chromium: install it (sudo apt-get install chromium) and run make again" >&2; exit 1; fi; \
	fi
	mkdir -p .tools
	cd .tools && ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 \
	  npm install --no-audit --no-fund --loglevel=error @daisy/ace@$(ACE_VERSION)
	test -x $@ && touch $@

$(AXE): | $(ACE_CLI)
	cd .tools && npm install --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION)
	test -f $@ && touch $@

# Debian packages the build needs from the system: the book typeface (and DejaVu, a
# TrueType face the tests restyle a book with), Java for
# EPUBCheck, Pango and HarfBuzz for WeasyPrint, and a CMYK ICC profile for PDF/X
# (Ghostscript's, in libgs-common); qpdf and poppler (pdfinfo, pdftoppm), which the tests use as
# independent readers of the joined PDF, and zbar, with which they read the covers' barcodes back.
# Installed when missing and we are root.
$(SETUP): pyproject.toml
	@missing=""; \
	fc-list 2>/dev/null | grep -qi "Linux Libertine O" || missing="$$missing fonts-linuxlibertine"; \
	fc-list 2>/dev/null | grep -qi "DejaVu Serif" || missing="$$missing fonts-dejavu-core"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	test -f /usr/share/color/icc/ghostscript/default_cmyk.icc || missing="$$missing libgs-common"; \
	command -v fc-list >/dev/null 2>&1 || missing="$$missing fontconfig"; \
	command -v qpdf >/dev/null 2>&1 || missing="$$missing qpdf"; \
	command -v pdfinfo >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	ldconfig -p 2>/dev/null | grep -q libzbar.so.0 || missing="$$missing libzbar0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
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
	@echo "  MANUSCRIPT=path/to/other.md builds that manuscript alone (default: all of $(MANUSCRIPTS))"
