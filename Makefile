# Two commands do everything on a fresh machine: `make demo` and `make test`. Both run `make setup` first.
SHELL := /bin/bash
ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
RLIB := $(ROOT)/.rlib
R_PKGS := r-base-core r-base-dev r-cran-testthat r-cran-knitr r-cran-rmarkdown r-cran-magrittr r-cran-r6 r-cran-bit64 r-cran-rlang
R_PKGS_OPTIONAL := r-cran-reticulate

.PHONY: setup setup-r setup-py setup-shim setup-coro demo test test-py test-r bench lint r-env fixtures docs

setup: setup-r setup-py setup-shim

# R from Debian's packages, only when R or one of the R packages the shim needs is missing (no CRAN here);
# --no-install-recommends keeps it to ~100 packages. reticulate is optional (the shim works without it).
R_NEEDS := testthat knitr rmarkdown magrittr bit64 rlang
setup-r:
	@if ! command -v Rscript >/dev/null 2>&1 || \
	    ! Rscript -e 'for (p in commandArgs(TRUE)) if (!requireNamespace(p, quietly = TRUE)) quit(status = 1)' \
	      $(R_NEEDS) >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing R (apt-get)"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && \
	    { DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	        $(R_PKGS) $(R_PKGS_OPTIONAL) >/dev/null || \
	      DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	        $(R_PKGS) >/dev/null; }; \
	  else echo "R is missing and apt-get is not available: install R >= 4.2 by hand" >&2; exit 1; fi; \
	fi

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Reinstalled whenever pyproject.toml changes (new dependencies reach existing venvs too).
setup-py: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e ".[r,test,dev]"
	@touch $@

setup-shim: setup-py setup-coro
	@$(MAKE) -s -C r_shim install RLIB=$(RLIB) PY=$(PY)

# coro (loop, exhausted, as_iterator) is not in Debian's archive: when no coro is installed, a minimal
# compatible one (r_shim/coro) goes into the private library. A real coro (no RtorchMinimal field) is never
# replaced; ours is reinstalled when its sources change.
CORO_STAMP := $(RLIB)/coro/rtorch-stamp
export CORO_IS_REAL := d <- suppressWarnings(packageDescription("coro")); quit(status = if (is.list(d) && is.null(d$$RtorchMinimal)) 0 else 1)
setup-coro:
	@if R_LIBS=$(RLIB) Rscript -e "$$CORO_IS_REAL" >/dev/null 2>&1; then :; \
	elif [ ! -f $(CORO_STAMP) ] || [ -n "$$(find r_shim/coro -type f -newer $(CORO_STAMP))" ]; then \
	  mkdir -p $(RLIB) && R CMD INSTALL --no-docs --no-html -l $(RLIB) r_shim/coro >$(RLIB)/coro-install.log 2>&1 \
	    && touch $(CORO_STAMP) || { cat $(RLIB)/coro-install.log >&2; exit 1; }; \
	fi

# The seed tutorial's R code, unmodified, through the shim with Python hosting R (`rtorch run`).
demo: setup
	@$(PY) -m rtorch_py run vignettes/using-torch-optimizers.Rmd

test: setup
	$(PY) -m pytest
	@$(MAKE) -s test-r

# The shim's testthat suite with R hosting Python (pytest's tests/bridge runs it with Python hosting R).
test-r:
	@test -d $(RLIB)/torch || { echo "the shim is not installed: run make setup" >&2; exit 1; }
	@eval "$$($(MAKE) -s r-env)" && cd r_shim/tests && Rscript testthat.R

bench: setup
	$(PY) bench/run.py

lint:
	$(VENV)/bin/ruff check rtorch_py tests tools bench

# The API reference site (pdoc, from the docstrings; the conventions page is docs/conventions.md) in
# build/docs; any warning from pdoc fails the build. The bridge (rtorch_py.bridge: lazy names that need R) is
# described in docs/architecture.md instead.
docs: setup-py
	rm -rf build/docs
	PYTHONWARNINGS=error::UserWarning $(PY) -m pdoc --docformat google -o build/docs rtorch_py '!rtorch_py.bridge'
	@echo "wrote build/docs/index.html"

# The environment Rscript needs to find the shim and the project's Python: eval "$(make -s r-env)".
# reticulate, if used, must run the same Python (one interpreter per process).
r-env:
	@echo "export R_LIBS=$(RLIB)$${R_LIBS:+:$$R_LIBS}"
	@echo "export RTORCH_PYTHON=$(PY)"
	@echo "export RETICULATE_PYTHON=$(PY)"

# Regenerates tests/fixtures from PyTorch 2.13 (dev only: .venv/bin/pip install torch==2.13.0); every
# tools/make_*_fixtures.py in turn. The files must come out byte-identical unless a script changed.
fixtures:
	@for f in tools/make_*_fixtures.py; do echo "$$f"; $(PY) $$f || exit 1; done
