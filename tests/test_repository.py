"""Repository hygiene: clean notebooks, one set of dependencies, Binder and CI set-up."""

import json
import re
from importlib.metadata import requires
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
    assert "importlib.metadata" in code[0], "the first code cell checks the environment"
    assert "scrub(" in text, "every notebook lets the reader scrub the iterations"
    assert re.search(r"^\s*assert ", "\n".join(code), re.M), "claims are checked by asserts"
    assert re.search(r"^#+ .*try it yourself", text, re.I | re.M), "a 'Try it yourself' section"


def _conda_names(path):
    """Package names listed under ``dependencies:`` in a conda environment file.

    Returns ``(name, operator, version)`` triples; python and pip are left out.
    """
    names = set()
    lines = path.read_text().splitlines()
    for line in lines[lines.index("dependencies:") + 1:]:
        match = re.match(r"^\s*-\s+([A-Za-z][A-Za-z0-9_.-]*)\s*(==|>=|=)?\s*([^\s#]*)", line)
        if match and match.group(1) not in ("python", "pip"):
            names.add((match.group(1).lower(), match.group(2), match.group(3)))
    return names


def _project_requirements():
    """Requirements in pyproject.toml: runtime, lab and test (not the browser extra)."""
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # Python 3.10: read the installed package's metadata
        texts = [t for t in requires("tutorcluster") if "browser" not in t]
    else:
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        extras = project["optional-dependencies"]
        texts = project["dependencies"] + extras["lab"] + extras["test"]
    wanted = [Requirement(text) for text in texts]
    return {r.name.lower(): r for r in wanted}


def test_environment_files_and_pyproject_name_the_same_dependencies():
    project = _project_requirements()
    local = {name: (op, version) for name, op, version in _conda_names(ROOT / "environment.yml")}
    binder = {name: (op, version) for name, op, version in _conda_names(ROOT / "binder" / "environment.yml")}
    assert set(local) == set(project), "environment.yml differs from pyproject.toml"
    assert set(binder) == set(project), "binder/environment.yml differs from pyproject.toml"
    for name, requirement in project.items():
        specifiers = {spec.operator for spec in requirement.specifier}
        assert specifiers == {">="}, f"pyproject.toml pins {name} ({requirement.specifier}): lower bounds only"
        assert local[name] == (">=", str(next(iter(requirement.specifier)).version))
        op, version = binder[name]
        assert op == "==", f"binder/environment.yml must pin {name} exactly"
        assert requirement.specifier.contains(Version(version)), f"binder pin of {name} below the lower bound"


def test_binder_post_build_fails_fast_and_installs_the_package():
    post_build = ROOT / "binder" / "postBuild"
    lines = post_build.read_text().splitlines()
    assert lines[0].startswith("#!") and "set -e" in [l.strip() for l in lines[1:4] if l.strip() and not l.startswith("#")][:1]
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert any("pip install" in line and " ." in line for line in lines)


def test_jupyterlab_renders_every_cell():
    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())
    assert overrides["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make lab" in readme and "make test" in readme
    assert re.search(r"^\s*make test\b", ci, re.M) and "make test-browser" in ci
