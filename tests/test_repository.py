"""Repository hygiene: clean notebooks, one set of dependencies, Binder and CI set-up."""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["00-introduction.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in notebook["metadata"], "widget state stored in metadata"
    for n, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"cell {n} has stored outputs"
            assert cell["execution_count"] is None, f"cell {n} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_house_arc(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [("".join(c["source"])) for c in notebook["cells"] if c["cell_type"] == "code"]
    text = "\n".join("".join(c["source"]) for c in notebook["cells"])
    assert "tc.__version__" in code[0], "the first code cell prints tc.__version__"
    assert "scrub(" in text, "every notebook lets the reader scrub the iterations"
    assert re.search(r"^\s*assert ", "\n".join(code), re.M), "claims are checked by asserts"
    assert re.search(r"^#+ .*(try it yourself|exercises)", text, re.I | re.M), "an exercises section"


# The first code cell, run where tutorcluster is importable but not installed (a
# PYTHONPATH, a course folder): importlib.metadata cannot find it there.
UNINSTALLED = """
import importlib.metadata as metadata, json, sys
found = metadata.distribution
def distribution(name):
    if name.replace("-", "_").lower() == "tutorcluster":
        raise metadata.PackageNotFoundError(name)
    return found(name)
metadata.distribution = distribution
import matplotlib
matplotlib.use("Agg")
from IPython.core.interactiveshell import InteractiveShell
cells = json.load(open(sys.argv[1], encoding="utf-8"))["cells"]
first = next("".join(c["source"]) for c in cells if c["cell_type"] == "code")
result = InteractiveShell.instance().run_cell(first)
sys.exit(0 if result.success else 1)
"""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_works_with_an_importable_but_uninstalled_package(path):
    pytest.importorskip("IPython", reason="IPython comes with the lab extra; `make test-oldest` installs only the test extra")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", UNINSTALLED, str(path)], cwd=path.parent, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "tutorcluster" in run.stdout


def _conda_names(path):
    """Package names listed under ``dependencies:`` in a conda environment file.

    Returns ``{name: (operator, version)}``; python and pip are left out.
    """
    names = {}
    lines = path.read_text().splitlines()
    for line in lines[lines.index("dependencies:") + 1:]:
        match = re.match(r"^\s*-\s+([A-Za-z][A-Za-z0-9_.-]*)\s*(==|>=|=)?\s*([^\s#]*)", line)
        if match and match.group(1) not in ("python", "pip"):
            names[match.group(1).lower()] = (match.group(2), match.group(3))
    return names


def _conda_python(path):
    match = re.search(r"^\s*-\s+python\s*(>=|=)\s*([0-9.]+)", path.read_text(), re.M)
    return match.groups()


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
EXTRAS = PROJECT["optional-dependencies"]
BINDER = ROOT / "binder" / "environment.yml"


def _requirements(texts):
    wanted = [Requirement(text) for text in texts]
    return {r.name.lower(): r for r in wanted}


def _binder_base():
    """What repo2docker's base environment ships, as recorded in binder/environment.yml."""
    return {name.lower(): Version(version) for name, version in
            re.findall(r"^# base: ([A-Za-z0-9_.-]+)==([0-9.]+)$", BINDER.read_text(), re.M)}


def test_local_environment_file_names_what_pyproject_names():
    project = _requirements(PROJECT["dependencies"] + EXTRAS["lab"] + EXTRAS["test"])
    local = _conda_names(ROOT / "environment.yml")
    assert set(local) == set(project), "environment.yml differs from pyproject.toml"
    for name, requirement in project.items():
        specifiers = {spec.operator for spec in requirement.specifier}
        assert specifiers == {">="}, f"pyproject.toml pins {name} ({requirement.specifier}): lower bounds only"
        assert local[name] == (">=", str(next(iter(requirement.specifier)).version))


def test_python_versions_agree():
    floor = PROJECT["requires-python"]
    assert floor == ">=3.11", "the pinned stack (numpy 2.4, scipy 1.17, ...) needs Python 3.11"
    assert _conda_python(ROOT / "environment.yml") == (">=", "3.11")
    assert _conda_python(BINDER) == ("=", "3.11")
    assert "3.11+" in (ROOT / "README.md").read_text() and "3.10" not in (ROOT / "Makefile").read_text()


def test_binder_pins_what_the_base_lacks_and_leaves_the_front_end_to_it():
    runtime = _requirements(PROJECT["dependencies"])
    lab = _requirements(EXTRAS["lab"])
    base = _binder_base()
    binder = _conda_names(BINDER)
    # The front end comes whole from repo2docker's base: pinning one piece of it
    # (jupyterlab) under another (notebook) is the conflict this guards against.
    for name in ("jupyterlab", "notebook", "jupyter_server", "ipykernel"):
        assert name in base and name not in binder, f"{name} must be left to the base environment"
    for name, requirement in {**runtime, **lab}.items():
        if name in base:
            assert name not in binder, f"{name} is both in the base and pinned"
            assert requirement.specifier.contains(base[name]), f"the base's {name} {base[name]} is below pyproject"
            continue
        op, version = binder[name]
        assert op == "==", f"binder/environment.yml must pin {name} exactly"
        assert requirement.specifier.contains(Version(version)), f"binder pin of {name} below the lower bound"
    assert set(binder) - set(runtime) - set(lab) == {"voila", "nbgitpuller"}, \
        "beyond the package and its lab extra, binder adds only the lecture and hub tools"
    for name in _requirements(EXTRAS["test"]):
        assert name not in binder, f"the student image carries the test tool {name}"


def test_binder_post_build_fails_fast_and_installs_the_package():
    post_build = ROOT / "binder" / "postBuild"
    lines = post_build.read_text().splitlines()
    assert lines[0].startswith("#!") and "set -e" in [l.strip() for l in lines[1:4] if l.strip() and not l.startswith("#")][:1]
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert any("pip install" in line and " ." in line for line in lines)
    assert "requires(package)" in post_build.read_text(), "postBuild checks the front end's requirements"


def test_readme_has_a_binder_badge_per_notebook_and_a_voila_link():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        lab = f"urlpath=lab/tree/notebooks/{path.name}"
        assert lab in readme or lab.replace("/", "%2F") in readme, f"no Binder link for {path.name}"
    assert "urlpath=voila/render/notebooks/" in readme or "urlpath=voila%2Frender%2Fnotebooks%2F" in readme
    # One documented template, not a made-up repository.
    assert "OWNER/REPO" in readme, "the badges are a documented template (the address is not known yet)"


def test_jupyterlab_renders_every_cell():
    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())
    assert overrides["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make lab" in readme and "make test" in readme
    assert re.search(r"^\s*make test\b", ci, re.M) and "make test-browser" in ci
    for target in ("test-oldest", "test-hub"):
        assert re.search(rf"^\s*make {target}\b", ci, re.M), f".ci/run does not run make {target}"


def test_make_install_is_quiet():
    makefile = (ROOT / "Makefile").read_text()
    assert 'ignore::UserWarning:setuptools.command.editable_wheel' in makefile
    assert re.search(r"^\t\$\(PIP\) install --quiet -e", makefile, re.M)
