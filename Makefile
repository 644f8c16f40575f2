# ggbmagic — every entry point a developer needs. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(CURDIR)/$(VENV)/bin
# jupyter-builder (the labextension build) and the test tools come from the venv.
export PATH := $(BIN):$(PATH)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: help venv install install-dev chromium demo lint typecheck test test-py test-ts test-real \
	conformance-record lessons-record bench bench-fuzz clean

help:  ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

venv: $(PY)

# Editable installs: Python edits need no reinstall; the stamp files redo the install
# (and so the labextension build) when the packaging or the frontend changes.
FRONTEND := frontend/package.json $(wildcard frontend/src/*.ts frontend/src/*/*.ts frontend/schema/*.json frontend/style/*)
# The build hook skips the frontend build when a labextension exists (so an sdist with a
# prebuilt one installs without node); remove it so that edits are always rebuilt.
$(VENV)/.installed: pyproject.toml $(FRONTEND) | $(PY)
	rm -rf ggbmagic/labextension ggbmagic/widget/static
	$(PY) -m pip install -q -e ".[lab]"
	touch $@
$(VENV)/.installed-dev: pyproject.toml $(FRONTEND) | $(PY)
	rm -rf ggbmagic/labextension ggbmagic/widget/static
	$(PY) -m pip install -q -e ".[lab,test]"
	touch $@ $(VENV)/.installed

# The JupyterHub proxy for tests/hub (npm `configurable-http-proxy`, pinned by its lock file).
HUB_PROXY := tests/hub/node_modules/.bin/configurable-http-proxy
$(HUB_PROXY): tests/hub/package.json tests/hub/package-lock.json
	cd tests/hub && npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed  ## install ggbmagic with JupyterLab (builds the labextension)
install-dev: $(VENV)/.installed-dev $(HUB_PROXY)  ## install ggbmagic with test, lint and build tools

chromium:  ## Debian's Chromium for the browser tests (Playwright cannot download one here)
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@chromium --version 2>/dev/null | grep -i chromium

demo: install  ## JupyterLab with the quick-start notebook
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/01-quickstart.ipynb

lint: install-dev  ## ruff and mypy
	$(BIN)/ruff check ggbmagic tests benchmarks
	$(BIN)/mypy

test-ts: install-dev  ## TypeScript unit tests and the GeoGebra test double's own tests
	cd frontend && npm test
	node --test tests/double/

test-py: install-dev chromium  ## all Python tests: unit, shell, kernel, server relay, browser
	$(BIN)/python -m pytest

test: lint test-ts test-py  ## everything CI runs

# The real GeoGebra is never in the repository (its licence): it is looked for in
# $GGBMAGIC_REAL_GEOGEBRA or ~/.cache/ggbmagic/real-geogebra, an unpacked Math Apps Bundle
# folder (GeoGebra/deployggb.js, GeoGebra/HTML5/5.0/webSimple/, GeoGebra/HTML5/5.0/css/);
# the browser tests install it into their Jupyter server with `jupyter ggbmagic geogebra install`.
REAL_GGB_CHECK = $(PY) -c 'import sys; from tests.browser._geogebra import real_geogebra_dir, \
  default_real_geogebra_dir as d, REAL_GEOGEBRA_HINT as h; \
  sys.exit(0 if real_geogebra_dir() else f"make: no real GeoGebra at {d()}; {h}")'

test-real: install-dev chromium  ## only the browser tests' [real] variants (fails without the real GeoGebra)
	@$(REAL_GGB_CHECK)
	GGBMAGIC_REQUIRE_REAL_GEOGEBRA=1 $(BIN)/python -m pytest tests/browser tests/conformance -m real_geogebra

conformance-record: install-dev chromium  ## re-record tests/conformance/real-answers.json from the real GeoGebra
	@$(REAL_GGB_CHECK)
	$(BIN)/python -m tests.conformance.run record

lessons-record: install-dev chromium  ## run notebooks/0*.ipynb on the real GeoGebra and store their outputs
	@$(REAL_GGB_CHECK)
	$(BIN)/python -m tests.browser.record_lessons

bench: install-dev chromium  ## round-trip benchmarks (kernel and browser paths, p50/p95) and the fuzz run
	$(BIN)/python benchmarks/bench_kernel.py
	$(BIN)/python benchmarks/bench_browser.py
	$(BIN)/python benchmarks/bench_fuzz.py

bench-fuzz: install-dev  ## 100,000 malformed frames at a real kernel: refusals, closes, RSS, notebook bytes
	$(BIN)/python benchmarks/bench_fuzz.py

clean:  ## remove build output (keeps the venv)
	rm -rf ggbmagic/labextension frontend/lib frontend/tsconfig.tsbuildinfo test-artifacts \
	  .pytest_cache .mypy_cache .ruff_cache
