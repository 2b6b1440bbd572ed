# tutorcluster: two commands on a fresh machine with Python 3.10+ and make.
#   make lab    set everything up and serve JupyterLab on notebooks/
#   make test   set everything up and run pytest (package + every notebook through nbval)

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8888
IP     ?= 127.0.0.1
# Two workers, one per core on the reference machine; --dist loadfile keeps
# each notebook's cells together, in order, in one kernel.
JOBS   ?= 2
PYTEST  = $(BIN)/python -m pytest -n $(JOBS) --dist loadfile -p no:cacheprovider
# Jupyter refuses to run as root (a container, a CI machine) unless told to.
ROOT_FLAG = $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help install lab test test-package test-notebooks test-browser benchmarks clean site test-site

help:
	@echo "make lab           set up .venv and serve JupyterLab on notebooks/ (IP=$(IP) PORT=$(PORT))"
	@echo "make test          set up .venv, run the unit tests and every notebook (nbval)"
	@echo "make test-browser  open every notebook in headless Chromium and move its sliders"
	@echo "make benchmarks    print the timing tables of benchmarks/"
	@echo "make site          build the course site (every notebook executed) into site/_build/html"
	@echo "make test-site     build the site, then check it offline in headless Chromium"

# The stamp is rebuilt whenever pyproject.toml changes.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml binder/overrides.json $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab,test]"
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp binder/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

install: $(VENV)/.installed

lab: install
	@echo "Serving JupyterLab on notebooks/ -- open the http://$(IP):$(PORT)/lab?token=... URL printed below."
	@echo "(On a remote server: ssh -L $(PORT):localhost:$(PORT) you@server, then open that URL locally.)"
	$(BIN)/jupyter lab --notebook-dir=notebooks --ip=$(IP) --port=$(PORT) --no-browser $(ROOT_FLAG)

test: install
	$(PYTEST) -m "not browser" tests --nbval-lax notebooks

test-package: install
	$(PYTEST) -m "not browser" tests

test-notebooks: install
	$(PYTEST) --nbval-lax notebooks

$(VENV)/.browser: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[browser]"
	touch $@

test-browser: $(VENV)/.browser
	$(BIN)/python -m pytest tests/browser -m browser -p no:cacheprovider -v

$(VENV)/.bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[bench,fast]"
	touch $@

benchmarks: $(VENV)/.bench
	@for b in benchmarks/[a-z]*.py; do [ "$$b" = benchmarks/collect.py ] && continue; \
	  echo "== $$b"; (cd benchmarks && ../$(BIN)/python $$(basename $$b)) || exit 1; done
	cd benchmarks && ../$(BIN)/python collect.py

# The course site: Sphinx + myst-nb execute every notebook; npm brings the
# widget manager, require.js and MathJax, which the site serves itself.
$(VENV)/.site: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[site]"
	touch $@

site/node_modules/.package-lock.json: site/package.json site/package-lock.json
	npm ci --prefix site --no-audit --no-fund

site: $(VENV)/.site site/node_modules/.package-lock.json
	$(BIN)/python site/build.py

test-site: site $(VENV)/.browser
	$(BIN)/python -m pytest tests/browser/test_site.py -m browser -p no:cacheprovider -v -s

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
