# tutorcluster: two commands on a fresh machine with Python 3.11+ and make.
#   make lab    set everything up and serve JupyterLab on your working copy my-notebooks/
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

.PHONY: help install lab refresh student grade test-grading test test-package test-notebooks \
        test-browser benchmarks clean kernel test-oldest test-hub sizing site test-site

help:
	@echo "make lab           set up .venv, make/refresh my-notebooks/ and serve JupyterLab (IP=$(IP) PORT=$(PORT))"
	@echo "make refresh       refresh my-notebooks/ after git pull (edited notebooks are kept)"
	@echo "make student       write the student edition to build/student/ (nbgrader)"
	@echo "make grade SUBMISSIONS=dir   autograde dir/<student>/NN-*.ipynb into grading/gradebook.db"
	@echo "make test          set up .venv, run the unit tests and every notebook (nbval)"
	@echo "make test-browser  open every notebook in headless Chromium and move its sliders"
	@echo "make benchmarks    print the timing tables of benchmarks/"
	@echo "make kernel        a course virtual environment and a named Jupyter kernel (for a shared hub)"
	@echo "make test-oldest   the unit tests with the lowest versions pyproject.toml allows"
	@echo "make test-hub      a JupyterHub on 127.0.0.1 with $(STUDENTS) simulated students (classroom/)"
	@echo "make sizing        measure every notebook's memory and CPU, 1 to 20 at once (classroom/)"
	@echo "make site          build the course site (every notebook executed) into site/_build/html"
	@echo "make test-site     build the site, then check it offline in headless Chromium"

# The stamp is rebuilt whenever pyproject.toml changes.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setuptools prints a banner on every editable install (a warning, not an error):
# this filter silences that one warning and nothing else.
PIP = PYTHONWARNINGS="ignore::UserWarning:setuptools.command.editable_wheel" $(BIN)/python -m pip

$(VENV)/.installed: pyproject.toml binder/overrides.json $(BIN)/python
	$(PIP) install --quiet -e ".[lab,test]"
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp binder/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

install: $(VENV)/.installed

# The working copy my-notebooks/ (git-ignored) is where students open, run and save;
# notebooks/ stays the clean instructor source. Refreshing keeps edited notebooks.
lab: install refresh
	@$(BIN)/python tools/lab.py --ip=$(IP) --port=$(PORT) $(ROOT_FLAG)

refresh: install
	@$(BIN)/python tools/editions.py lab

# The instructor's side: nbgrader is in the `teach` extra.
$(VENV)/.teach: $(VENV)/.installed
	$(PIP) install --quiet -e ".[teach]"
	touch $@

student: $(VENV)/.teach
	$(BIN)/python tools/editions.py student

grade: $(VENV)/.teach
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<folder of <student>/NN-*.ipynb>"; exit 2; }
	$(BIN)/python tools/editions.py grade "$(SUBMISSIONS)"

# The grading pipeline over every notebook (make test runs it over 00 and one paper notebook).
test-grading: $(VENV)/.teach
	TUTORCLUSTER_GRADING=all $(BIN)/python -m pytest -p no:cacheprovider tests/test_editions.py -v

# scikit-learn's estimator checks include one that turns array-API dispatch on and
# checks NumPy inputs give the same results; it runs only when SCIPY_ARRAY_API is set
# (otherwise it is skipped, once per estimator).
test: $(VENV)/.teach
	SCIPY_ARRAY_API=1 $(PYTEST) -m "not browser and not hub" tests --nbval-lax notebooks

test-package: install
	SCIPY_ARRAY_API=1 $(PYTEST) -m "not browser and not hub" tests

test-notebooks: install
	$(PYTEST) --nbval-lax notebooks

$(VENV)/.browser: $(VENV)/.installed
	$(PIP) install --quiet -e ".[browser]"
	touch $@

# One JupyterLab and one Chromium per worker: two notebooks run at once, one per core.
test-browser: $(VENV)/.browser
	$(BIN)/python -m pytest tests/browser -m browser -p no:cacheprovider -v -n $(JOBS) --dist load \
	  --ignore=tests/browser/test_site.py

$(VENV)/.bench: $(VENV)/.installed
	$(PIP) install --quiet -e ".[bench,fast]"
	touch $@

benchmarks: $(VENV)/.bench
	@for b in benchmarks/[a-z]*.py; do [ "$$b" = benchmarks/collect.py ] && continue; \
	  echo "== $$b"; (cd benchmarks && ../$(BIN)/python $$(basename $$b)) || exit 1; done
	cd benchmarks && ../$(BIN)/python collect.py

# --- a shared hub: one virtual environment per course, and a kernel named after it ----
# Nothing goes into the hub's own environment (`pip install --user` there can upgrade
# numpy under every other course). Students pick "Python (tutorcluster)" in
# Kernel -> Change Kernel. KERNEL_FLAGS=--sys-prefix puts the kernel inside the
# course environment instead of ~/.local (then point JUPYTER_PATH at it).
COURSE       ?= tutorcluster
COURSE_VENV  ?= $(HOME)/.venvs/$(COURSE)
KERNEL_FLAGS ?= --user
kernel:
	$(PYTHON) -m venv $(COURSE_VENV)
	$(COURSE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COURSE_VENV)/bin/python -m pip install --quiet ".[fast]" "ipykernel>=6.0"
	$(COURSE_VENV)/bin/python -m ipykernel install $(KERNEL_FLAGS) --name $(COURSE) --display-name "Python ($(COURSE))"
	@echo "Kernel '$(COURSE)' -> $(COURSE_VENV)/bin/python. In Jupyter: Kernel -> Change Kernel -> Python ($(COURSE))."

# --- the oldest versions pyproject.toml allows (the oldest-supported-versions practice) --
# uv (from PyPI) resolves every direct dependency to its lower bound; the unit tests
# (not the notebooks, which run on the pinned Binder versions: the exercise harness, which
# runs every notebook, is left out) must pass there too.
OLDEST ?= .oldest
test-oldest: $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv>=0.5"
	rm -rf $(OLDEST)
	$(BIN)/uv venv --quiet --python $(PYTHON) $(OLDEST)
	PYTHONWARNINGS="ignore::UserWarning:setuptools.command.editable_wheel" \
	  $(BIN)/uv pip install --quiet --python $(OLDEST)/bin/python --resolution lowest-direct -e ".[test]"
	$(BIN)/uv pip list --python $(OLDEST)/bin/python | grep -iE "^(numpy|scipy|scikit-learn|matplotlib|ipywidgets|pillow) "
	SCIPY_ARRAY_API=1 $(OLDEST)/bin/python -m pytest -n $(JOBS) --dist loadfile -p no:cacheprovider -m "not browser and not hub" \
	  -k "not test_notebook_runs_and_its_checks_reject_blank_and_wrong_answers" tests

# --- a classroom on this machine: JupyterHub on 127.0.0.1, simulated students ----------
# The proxy (npm's configurable-http-proxy) goes into the git-ignored .hub/ folder; the
# students' kernel is a course kernel made by `make kernel`, outside the hub's environment.
STUDENTS ?= 10
$(VENV)/.hub: $(VENV)/.installed
	$(PIP) install --quiet -e ".[hub]"
	npm install --prefix .hub --no-audit --no-fund --loglevel=error configurable-http-proxy@5
	$(MAKE) --no-print-directory kernel COURSE_VENV=.hub/course KERNEL_FLAGS=--sys-prefix
	touch $@

# The students pull the student edition (made without nbgrader, as `make lab` makes it).
test-hub: $(VENV)/.hub
	$(BIN)/python tools/editions.py lab --dest .hub/material > /dev/null
	HUB_MATERIAL=.hub/material HUB_STUDENTS=$(STUDENTS) HUB_KERNEL=$(COURSE) HUB_KERNEL_PATH=.hub/course/share/jupyter \
	  $(BIN)/python -m pytest tests/hub -m hub -p no:cacheprovider -v -s

sizing: install
	$(BIN)/python classroom/measure.py

# The course site: Sphinx + myst-nb execute every notebook; npm brings the
# widget manager, require.js and MathJax, which the site serves itself.
$(VENV)/.site: $(VENV)/.installed
	$(PIP) install --quiet -e ".[site]"
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
