"""The editions made from the instructor notebooks, and nbgrader's pipeline over them.

* the student edition that tools/editions.py makes without nbgrader (for ``make lab``) is
  the one ``nbgrader generate_assignment`` makes, cell for cell;
* autograding three submissions gives what it must: the instructor copy full marks, the
  unmodified student edition zero on every graded cell, and a copy with one known wrong
  answer per notebook loses exactly those points;
* the working copy ``my-notebooks/`` keeps the checkout clean: running and saving the
  notebooks there leaves ``git status`` empty; a refresh keeps a notebook its owner edited.

The grading pipeline executes every notebook three times, so ``make test`` runs it over
notebook 00 and one paper notebook; ``make test-grading`` (``TUTORCLUSTER_GRADING=all``)
runs it over all of them.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from test_exercises import answer_cells, check_index, swap, wrong_answers  # noqa: E402

ALL = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
#: What `make test` grades; `make test-grading` grades every notebook.
QUICK = ["00-introduction", "04-fnmeans-pnn"]   # 04 is the quickest paper notebook to run (about 20 s)
GRADED = ALL if os.environ.get("TUTORCLUSTER_GRADING") == "all" else [n for n in QUICK if n in ALL]

needs_nbgrader = pytest.mark.skipif(
    shutil.which("nbgrader", path=str(Path(sys.executable).parent)) is None
    and not __import__("importlib").util.find_spec("nbgrader"),
    reason="nbgrader is not installed (pip install -e '.[teach]')")


def comparable(notebook):
    """A notebook's cells as nbgrader and tools/editions.py both leave them."""
    cells = editions.normalized(notebook)["cells"]
    return [{key: cell.get(key) for key in ("cell_type", "source", "metadata", "outputs",
                                             "execution_count")} for cell in cells]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory with the student edition of every notebook, made by nbgrader."""
    root = tmp_path_factory.mktemp("course")
    start = time.perf_counter()
    editions.generate_student_edition(root / "course", root / "student", log=lambda *a: None)
    print(f"generate_assignment over {len(ALL)} notebooks: {time.perf_counter() - start:.1f} s")
    return root


@needs_nbgrader
@pytest.mark.parametrize("name", ALL)
def test_student_edition_is_nbgraders_cell_for_cell(course, name):
    ours = editions.student_edition(editions.read(ROOT / "notebooks" / f"{name}.ipynb"))
    theirs = editions.read(course / "student" / f"{name}.ipynb")
    assert comparable(ours) == comparable(theirs)
    assert ours["metadata"] == theirs["metadata"]


def wrong_copy(path):
    """The instructor copy with the first wrong answer of its last exercise; returns (nb, check id)."""
    notebook = editions.instructor_copy(editions.read(path))
    answers = answer_cells(path)
    wrong = wrong_answers(path) or {}
    if not answers or not wrong.get(answers[-1][1]):
        return notebook, None
    index, grade_id, source = answers[-1]
    notebook["cells"][index]["source"] = swap(source, wrong[grade_id][0])
    return notebook, grade_id + "-check"


@needs_nbgrader
def test_autograding_three_submissions(course, capsys):
    submissions = course / "submissions"
    wrong_checks = {}
    for name in GRADED:
        path = ROOT / "notebooks" / f"{name}.ipynb"
        editions.write(editions.instructor_copy(editions.read(path)),
                       submissions / "instructor" / f"{name}.ipynb")
        editions.write(editions.read(course / "student" / f"{name}.ipynb"),
                       submissions / "blank" / f"{name}.ipynb")
        notebook, wrong_checks[name] = wrong_copy(path)
        editions.write(notebook, submissions / "one-wrong" / f"{name}.ipynb")
    start = time.perf_counter()
    table = editions.grade(submissions, course / "course", log=print)
    elapsed = time.perf_counter() - start
    with capsys.disabled():
        print(f"\nautograded 3 submissions of {len(GRADED)} notebooks in {elapsed:.0f} s")
    graded = {nb for nb, _ in table["instructor"]}
    assert graded >= set(n for n in GRADED if answer_cells(ROOT / "notebooks" / f"{n}.ipynb"))
    for (notebook, grade_id), (score, maximum) in table["instructor"].items():
        if notebook in GRADED:
            assert score == maximum, f"instructor copy: {grade_id} scored {score}/{maximum}"
    for (notebook, grade_id), (score, maximum) in table["blank"].items():
        if notebook in GRADED:
            assert score == 0, f"blank student edition: {grade_id} scored {score}/{maximum}"
    for (notebook, grade_id), (score, maximum) in table["one-wrong"].items():
        if notebook in GRADED:
            expected = 0 if grade_id == wrong_checks[notebook] else maximum
            assert score == expected, f"one wrong answer: {grade_id} scored {score}/{maximum}"
    assert (course / "course" / "scores.csv").read_text().count("\n") > len(table["instructor"])
    assert "Scores per exercise" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# The working copy
# ---------------------------------------------------------------------------

def synthetic(text):
    """A one-exercise notebook whose solution (and text) is ``text``."""
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "id": "a1", "execution_count": None, "outputs": [],
                       "metadata": {"nbgrader": {"grade": False, "grade_id": "99-x", "locked": False,
                                                 "schema_version": 3, "solution": True, "task": False}},
                       "source": f"x = None\n### BEGIN SOLUTION\nx = {text}\n### END SOLUTION"},
                      {"cell_type": "markdown", "id": "a2", "metadata": {}, "source": f"Version {text}."}]}


def test_stripping_follows_nbgraders_rules():
    cell = synthetic("1")["cells"][0]
    assert editions.clear_solution_region("def f():\n    ### BEGIN SOLUTION\n    return 1\n"
                                          "    ### END SOLUTION\n")[0] == \
        "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    stripped = editions.student_edition({"metadata": {}, "cells": [cell]})["cells"][0]
    assert stripped["source"] == "x = None\n# YOUR CODE HERE\nraise NotImplementedError()"
    assert stripped["metadata"]["deletable"] is False
    check = {"cell_type": "code", "outputs": [], "execution_count": 3, "source": "a\n### BEGIN HIDDEN TESTS\nb\n"
             "### END HIDDEN TESTS\nc", "metadata": {"nbgrader": {"grade": True, "grade_id": "99-x-check",
                                                                 "locked": True, "points": 1, "solution": False}}}
    stripped = editions.student_edition({"metadata": {}, "cells": [check]})["cells"][0]
    assert stripped["source"] == "a\nc" and stripped["execution_count"] is None
    assert stripped["metadata"]["editable"] is False
    with pytest.raises(RuntimeError, match="not a solution cell"):
        editions.student_edition({"metadata": {}, "cells": [{**check, "source": "### BEGIN SOLUTION\n"
                                                             "### END SOLUTION"}]})
    with pytest.raises(RuntimeError, match="without END"):
        editions.clear_solution_region("### BEGIN SOLUTION\nx = 1")


def test_refresh_replaces_untouched_notebooks_and_keeps_edited_ones(tmp_path, monkeypatch):
    source = tmp_path / "notebooks"
    monkeypatch.setattr(editions, "SOURCE", source)
    for name in ("98-a", "99-b"):
        editions.write(synthetic("1"), source / f"{name}.ipynb")
    copy = tmp_path / "my-notebooks"
    messages = []
    report = editions.refresh_working_copy(copy, log=messages.append)
    assert set(report.values()) == {"new"} and len(report) == 4
    # The student runs 98-a (outputs only) and edits 99-b; then `git pull` changes both sources.
    ran = editions.read(copy / "98-a.ipynb")
    ran["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran"}]
    editions.write(ran, copy / "98-a.ipynb")
    edited = editions.read(copy / "99-b.ipynb")
    edited["cells"][0]["source"] = "x = 'my answer'"
    editions.write(edited, copy / "99-b.ipynb")
    assert set(editions.refresh_working_copy(copy, log=messages.append).values()) == {"unchanged"}
    for name in ("98-a", "99-b"):
        editions.write(synthetic("2"), source / f"{name}.ipynb")
    report = editions.refresh_working_copy(copy, log=messages.append)
    assert report["98-a.ipynb"] == "updated" and report["99-b.ipynb"] == "kept"
    assert report["solutions/98-a.ipynb"] == report["solutions/99-b.ipynb"] == "updated"
    assert "x = 2" in editions.source_of(editions.read(copy / "solutions" / "99-b.ipynb")["cells"][0])
    assert editions.source_of(editions.read(copy / "99-b.ipynb")["cells"][0]) == "x = 'my answer'"
    assert (copy / "99-b.updated.ipynb").exists()
    assert any("kept your edited" in m and "99-b.updated.ipynb" in m for m in messages)


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_working_copy_keeps_the_checkout_clean(tmp_path):
    """A clone of the repository; make the working copy, run and save the notebooks there."""
    clone = tmp_path / "clone"
    files = git("ls-files", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\n")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    git("init", "-q", cwd=clone)
    git("add", "-A", cwd=clone)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "snapshot", cwd=clone)
    tracked = {p.name: p.read_bytes() for p in (clone / "notebooks").glob("*.ipynb")}
    subprocess.run([sys.executable, "tools/editions.py", "lab"], cwd=clone, check=True,
                   capture_output=True)
    import nbformat
    from nbclient import NotebookClient

    copy = clone / "my-notebooks"
    # make test runs notebook 00 for real, make test-grading every student edition; the
    # others are saved with outputs and widget state as JupyterLab would save them.
    run = ALL if os.environ.get("TUTORCLUSTER_GRADING") == "all" else ALL[:1]
    for path in sorted(copy.glob("*.ipynb")) + sorted((copy / "solutions").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        if path.stem in run and path.parent == copy:
            # Run it as a student would, from its folder (errors of the blank answers allowed).
            NotebookClient(notebook, timeout=600, allow_errors=True,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        else:
            for cell in notebook.cells:
                if cell.cell_type == "code":
                    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="saved")]
        notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
        nbformat.write(notebook, path)
    assert git("status", "--porcelain", cwd=clone) == ""
    assert {p.name: p.read_bytes() for p in (clone / "notebooks").glob("*.ipynb")} == tracked
