# tutorcluster: two commands on a fresh machine with Python 3.10+ and make.
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

.PHONY: help install lab refresh student grade test-grading test test-package test-notebooks test-browser benchmarks clean

help:
	@echo "make lab           set up .venv, make/refresh my-notebooks/ and serve JupyterLab (IP=$(IP) PORT=$(PORT))"
	@echo "make refresh       refresh my-notebooks/ after git pull (edited notebooks are kept)"
	@echo "make student       write the student edition to build/student/ (nbgrader)"
	@echo "make grade SUBMISSIONS=dir   autograde dir/<student>/NN-*.ipynb into grading/gradebook.db"
	@echo "make test          set up .venv, run the unit tests and every notebook (nbval)"
	@echo "make test-browser  open every notebook in headless Chromium and move its sliders"
	@echo "make benchmarks    print the timing tables of benchmarks/"

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

# The working copy my-notebooks/ (git-ignored) is where students open, run and save;
# notebooks/ stays the clean instructor source. Refreshing keeps edited notebooks.
lab: install refresh
	@$(BIN)/python tools/lab.py --ip=$(IP) --port=$(PORT) $(ROOT_FLAG)

refresh: install
	@$(BIN)/python tools/editions.py lab

# The instructor's side: nbgrader is in the `teach` extra.
$(VENV)/.teach: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[teach]"
	touch $@

student: $(VENV)/.teach
	$(BIN)/python tools/editions.py student

grade: $(VENV)/.teach
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<folder of <student>/NN-*.ipynb>"; exit 2; }
	$(BIN)/python tools/editions.py grade "$(SUBMISSIONS)"

# The grading pipeline over every notebook (make test runs it over 00 and one paper notebook).
test-grading: $(VENV)/.teach
	TUTORCLUSTER_GRADING=all $(BIN)/python -m pytest -p no:cacheprovider tests/test_editions.py -v

test: $(VENV)/.teach
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

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
