"""A class on a JupyterHub on 127.0.0.1: every student finishes, no work is lost.

Run with `make test-hub` (STUDENTS=10 by default): it installs JupyterHub, nbgitpuller
and the proxy (configurable-http-proxy, into .hub/) and a course kernel, then runs
classroom/loadtest.py's class. Environment: HUB_STUDENTS, HUB_KERNEL, HUB_KERNEL_PATH,
HUB_MATERIAL (the folder students pull; the student edition once it is built) and
HUB_NOTEBOOK (a path inside it).
"""

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.hub


@pytest.fixture(scope="module")
def loadtest():
    pytest.importorskip("jupyterhub", reason="run `make test-hub`, which installs the hub extra")
    pytest.importorskip("nbgitpuller", reason="run `make test-hub`, which installs the hub extra")
    sys.path.insert(0, str(ROOT / "classroom"))
    try:
        import loadtest
    finally:
        sys.path.remove(str(ROOT / "classroom"))
    return loadtest


def test_nbgitpuller_link_format(loadtest):
    link = loadtest.nbgitpuller_link("https://hub.example.edu", "https://github.com/OWNER/REPO", "main",
                                     "00-introduction.ipynb")
    assert link == ("https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2FOWNER"
                    "%2FREPO&branch=main&targetpath=tutorcluster-material"
                    "&urlpath=lab%2Ftree%2Ftutorcluster-material%2F00-introduction.ipynb")


def test_a_class_finishes_and_keeps_its_work(loadtest):
    students = int(os.environ.get("HUB_STUDENTS", "10"))
    report = loadtest.run_class(
        students=students,
        material=Path(os.environ.get("HUB_MATERIAL", ROOT / "notebooks")),
        notebook=os.environ.get("HUB_NOTEBOOK", "00-introduction.ipynb"),
        kernel_name=os.environ.get("HUB_KERNEL", "python3"),
        kernel_path=os.environ.get("HUB_KERNEL_PATH") and str(ROOT / os.environ["HUB_KERNEL_PATH"]),
        deadline=int(os.environ.get("HUB_DEADLINE", "480")))
    print()
    print(loadtest.describe(report))
    failed = [r for r in report["results"] if not r["finished"]]
    assert not failed, json.dumps(failed, indent=1) + f"\nhub log: {report['log']}"
    # The unlucky student lost a kernel, restarted it and still saved every output.
    assert [r["killed"] for r in report["results"]].count(True) == 1
    cells = {r["cells_with_outputs"] for r in report["results"]}
    assert len(cells) == 1 and cells.pop() > 0, "every student saved outputs in the same cells"
    assert all(r["peak_bytes"] > 50 * 2**20 for r in report["results"]), "memory of each user was measured"
