"""The exercises of every notebook: their structure, and checks that reject wrong answers.

Structure (read from the notebooks, no kernel): at least four exercises of the three kinds,
headed "**Exercise N (kind)**"; every answer cell (nbgrader ``solution``) has its check cell
(``grade_id`` + ``-check``, nbgrader ``grade`` with points) after it; grade ids are unique
and carry the notebook's number; the solution and hidden-test markers are balanced and sit
in the right cells; ``tests/wrong_answers/NN.py`` lists at least two wrong answers per
answer cell.

Mutation tests (one kernel per notebook): the notebook runs once, top to bottom, with its
solutions, and every check passes without a word on stderr (nbgrader scores a check cell
that writes to stderr as failed) and without a value as its result (nbgrader reads a
number there as partial credit). Then, for each answer cell, each wrong answer of
``tests/wrong_answers/NN.py`` and the blank answer of the student edition are swapped in:
the answer cell and its check cell run again, and the check must fail with an
AssertionError that has a message (for the blank: an ``ExerciseError``, which says what to
do); then the solution is restored and its check passes again.
"""

import json
import re
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402  (tools/editions.py: nbgrader's rules without nbgrader)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
WRONG_DIR = ROOT / "tests" / "wrong_answers"
KINDS = ("predict, then check", "implement", "investigate")
HEADER = re.compile(r"^\*\*Exercise (\d+) \(([^)]*)\)\.?\*\*")


def kind_of(label):
    """The kind a header names: "implement, changes the algorithm" is an "implement"."""
    return next((k for k in KINDS if label == k or label.startswith(k + ",")), None)
TIMEOUT = 600


def number(path):
    return path.name[:2]


def cells_of(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def answer_cells(path):
    """``[(index, grade_id, source)]`` of the answer (solution) cells, in order."""
    return [(i, editions.nbgrader_meta(c)["grade_id"], editions.source_of(c))
            for i, c in enumerate(cells_of(path)) if editions.is_solution(c)]


def check_index(path, grade_id):
    for i, cell in enumerate(cells_of(path)):
        if editions.nbgrader_meta(cell).get("grade_id") == grade_id + "-check":
            return i
    return None


def wrong_answers(path):
    """The ``WRONG`` dict of ``tests/wrong_answers/NN.py``, or None if there is no such file."""
    file = WRONG_DIR / f"{number(path)}.py"
    return runpy.run_path(str(file))["WRONG"] if file.exists() else None


def swap(source, replacement):
    """Put ``replacement`` between the solution markers of ``source`` (markers kept)."""
    lines = source.split("\n")
    begin = next(i for i, l in enumerate(lines) if editions.BEGIN_SOLUTION in l)
    end = next(i for i, l in enumerate(lines) if editions.END_SOLUTION in l)
    return "\n".join(lines[:begin + 1] + replacement.rstrip("\n").split("\n") + lines[end:])


# ---------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------

ids = [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_exercise_headers_number_and_kinds(path):
    headers = []
    for cell in cells_of(path):
        if cell["cell_type"] == "markdown":
            match = HEADER.match(editions.source_of(cell).lstrip())
            if match:
                headers.append((int(match.group(1)), kind_of(match.group(2)) or match.group(2)))
            elif "**Exercise" in editions.source_of(cell)[:40]:
                pytest.fail(f"malformed exercise header: {editions.source_of(cell)[:60]!r}; "
                            f"write '**Exercise N (kind)**' with kind one of {KINDS} (a qualifier may follow the kind after a comma)")
    assert len(headers) >= 4, f"{path.name}: {len(headers)} exercises, at least four wanted"
    assert [n for n, _ in headers] == list(range(1, len(headers) + 1)), \
        f"{path.name}: exercises numbered {[n for n, _ in headers]}"
    unknown = [k for _, k in headers if k not in KINDS]
    assert not unknown, f"{path.name}: unknown kinds {unknown}; the kinds are {KINDS}"
    assert set(k for _, k in headers) == set(KINDS), \
        f"{path.name}: kinds {sorted(set(k for _, k in headers))}, all three wanted"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_exercise_has_an_answer_and_a_check(path):
    cells = cells_of(path)
    answers = answer_cells(path)
    assert len(answers) >= 4, f"{path.name}: {len(answers)} answer cells, at least four wanted"
    exercise_at = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                   and HEADER.match(editions.source_of(c).lstrip())]
    for index, grade_id, _ in answers:
        meta = editions.nbgrader_meta(cells[index])
        assert cells[index]["cell_type"] == "code", grade_id
        assert (meta.get("grade"), meta.get("locked"), meta.get("task"), meta.get("schema_version")) == \
            (False, False, False, 3), f"{grade_id}: answer-cell metadata {meta}"
        assert re.fullmatch(rf"{number(path)}-[a-z0-9-]+", grade_id), \
            f"{grade_id}: grade ids are '<NN>-<slug>' with NN = {number(path)}"
        assert not grade_id.endswith("-check"), grade_id
        assert any(i < index for i in exercise_at), f"{grade_id} comes before any exercise header"
        check = check_index(path, grade_id)
        assert check is not None, f"{grade_id} has no check cell '{grade_id}-check'"
        assert check > index, f"{grade_id}-check comes before its answer"
        assert not any(index < i < check for i in exercise_at), \
            f"{grade_id}-check is under another exercise's header"
        meta = editions.nbgrader_meta(cells[check])
        assert cells[check]["cell_type"] == "code"
        assert (meta.get("grade"), meta.get("solution"), meta.get("locked"), meta.get("task"),
                meta.get("schema_version")) == (True, False, True, False, 3), \
            f"{grade_id}-check: check-cell metadata {meta}"
        assert meta.get("points") in (1, 2, 3), f"{grade_id}-check: points must be 1, 2 or 3"
    for start, stop in zip(exercise_at, exercise_at[1:] + [len(cells)]):
        assert any(start < i < stop for i, _, _ in answers), \
            f"exercise at cell {start} has no answer cell"
    for cell in cells:
        if editions.is_grade(cell) and not editions.nbgrader_meta(cell)["grade_id"].endswith("-check"):
            pytest.fail(f"graded cell {editions.nbgrader_meta(cell)['grade_id']} is not named '<answer>-check'")


def test_grade_ids_are_unique():
    seen = {}
    for path in NOTEBOOKS:
        for cell in cells_of(path):
            grade_id = editions.nbgrader_meta(cell).get("grade_id")
            if grade_id:
                assert grade_id not in seen, f"{grade_id} in {path.name} and {seen[grade_id]}"
                seen[grade_id] = path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_markers_are_balanced_and_in_their_cells(path):
    for index, cell in enumerate(cells_of(path)):
        source = editions.source_of(cell)
        lines = source.split("\n")
        begins = [i for i, l in enumerate(lines) if editions.BEGIN_SOLUTION in l]
        ends = [i for i, l in enumerate(lines) if editions.END_SOLUTION in l]
        where = f"{path.name} cell {index}"
        if editions.is_solution(cell):
            assert len(begins) == len(ends) == 1 and begins[0] < ends[0], \
                f"{where}: an answer cell holds one BEGIN SOLUTION ... END SOLUTION region"
            assert ends[0] - begins[0] > 1, f"{where}: the solution region is empty"
            assert all(l.strip().startswith("### ") for l in (lines[begins[0]], lines[ends[0]])), where
        else:
            assert not begins and not ends, f"{where}: solution markers outside an answer cell"
        hidden_begin = [i for i, l in enumerate(lines) if editions.BEGIN_HIDDEN in l]
        hidden_end = [i for i, l in enumerate(lines) if editions.END_HIDDEN in l]
        assert len(hidden_begin) == len(hidden_end), f"{where}: unbalanced hidden-test markers"
        assert all(b < e for b, e in zip(hidden_begin, hidden_end)), where
        if hidden_begin:
            assert editions.is_grade(cell), f"{where}: hidden tests outside a check cell"
    editions.student_edition(json.loads(path.read_text(encoding="utf-8")))  # nbgrader's rules hold


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_answer_has_two_wrong_answers(path):
    wrong = wrong_answers(path)
    assert wrong is not None, (f"{path.name}: no tests/wrong_answers/{number(path)}.py with "
                               f"WRONG = {{grade_id: [wrong answer, ...]}}")
    grade_ids = [g for _, g, _ in answer_cells(path)]
    unknown = set(wrong) - set(grade_ids)
    assert not unknown, f"tests/wrong_answers/{number(path)}.py names no such answer cells: {sorted(unknown)}"
    for grade_id in grade_ids:
        assert len(wrong.get(grade_id, [])) >= 2, f"{grade_id}: at least two wrong answers wanted"
        for replacement in wrong[grade_id]:
            source = dict((g, s) for _, g, s in answer_cells(path))[grade_id]
            assert swap(source, replacement) != source


# ---------------------------------------------------------------------------
# The mutation harness: one kernel per notebook
# ---------------------------------------------------------------------------

class Kernel:
    """A Python kernel that runs cells and reports how each ended."""

    def __init__(self, cwd):
        from jupyter_client.manager import start_new_kernel

        self.manager, self.client = start_new_kernel(kernel_name="python3", cwd=str(cwd))
        # The checks are what this harness tests; the players (every frame of
        # which nbval, the browser test and the site render) are drawn by the
        # kernel here, one frame each.
        reply = self.client.execute_interactive(
            "import tutorcluster.widgets as _widgets; _widgets.PRERENDER = False",
            timeout=TIMEOUT, allow_stdin=False, store_history=False)
        assert reply["content"]["status"] == "ok", reply["content"]

    def run(self, code):
        """Run ``code``; return ``{"status", "ename", "evalue", "stderr", "result"}``."""
        outputs = {"stderr": "", "result": None}

        def hook(message):
            kind, content = message["msg_type"], message["content"]
            if kind == "stream" and content["name"] == "stderr":
                outputs["stderr"] += content["text"]
            elif kind == "execute_result":
                outputs["result"] = content["data"].get("text/plain")

        reply = self.client.execute_interactive(code, timeout=TIMEOUT, output_hook=hook,
                                                allow_stdin=False, store_history=False)
        content = reply["content"]
        return {"status": content["status"], "ename": content.get("ename"),
                "evalue": content.get("evalue"), **outputs}

    def shutdown(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def exception_of(kernel):
    """Ask the kernel about the exception that ended the last cell."""
    printed = []
    code = ("import sys as _sys, tutorcluster.exercises as _ex\n"
            "print(repr((isinstance(_sys.last_value, AssertionError), "
            "isinstance(_sys.last_value, _ex.ExerciseError), str(_sys.last_value))))")
    reply = kernel.client.execute_interactive(
        code, timeout=60, store_history=False, allow_stdin=False,
        output_hook=lambda m: printed.append(m["content"]["text"])
        if m["msg_type"] == "stream" and m["content"]["name"] == "stdout" else None)
    assert reply["content"]["status"] == "ok", reply["content"]
    return eval("".join(printed))  # a tuple of two bools and a str, printed with repr


_live = {}


def executed(path, tmp_factory):
    """The kernel that has run ``path`` top to bottom (one at a time; the previous one stops)."""
    if _live.get("path") != path:
        if _live.get("kernel"):
            _live["kernel"].shutdown()
        _live.clear()
        kernel = Kernel(tmp_factory.mktemp(path.stem))
        runs = [(i, kernel.run(editions.source_of(c))) for i, c in enumerate(cells_of(path))
                if c["cell_type"] == "code"]
        _live.update(path=path, kernel=kernel, runs=dict(runs))
    return _live["kernel"], _live["runs"]


@pytest.fixture(scope="module", autouse=True)
def _stop_kernels():
    yield
    if _live.get("kernel"):
        _live["kernel"].shutdown()
    _live.clear()


def notebook_runs_and_every_check_passes_cleanly(path, tmp_path_factory):
    kernel, runs = executed(path, tmp_path_factory)
    failed = {i: f"{r['ename']}: {r['evalue']}" for i, r in runs.items() if r["status"] != "ok"}
    assert not failed, f"{path.name}: cells failed with the solutions in place: {failed}"
    for _, grade_id, _ in answer_cells(path):
        run = runs[check_index(path, grade_id)]
        assert not run["stderr"], (f"{grade_id}-check writes to stderr, which nbgrader scores as a "
                                   f"failure: {run['stderr'][:300]}")
        assert run["result"] is None, (f"{grade_id}-check ends with a value ({run['result'][:80]}), "
                                       f"which nbgrader reads as partial credit: end it with a statement")


def mutation_cases():
    """Per notebook, in order (so each runs once): the clean run, then every mutation."""
    cases = []
    for path in NOTEBOOKS:
        cases.append(pytest.param(path, None, "run", id=f"{path.stem}-runs-cleanly"))
        wrong = wrong_answers(path) or {}
        for _, grade_id, _ in answer_cells(path):
            cases.append(pytest.param(path, grade_id, None, id=f"{grade_id}-blank"))
            for n, replacement in enumerate(wrong.get(grade_id, [])):
                cases.append(pytest.param(path, grade_id, replacement, id=f"{grade_id}-wrong{n}"))
    return cases


@pytest.mark.parametrize("path, grade_id, replacement", mutation_cases())
def test_notebook_runs_and_its_checks_reject_blank_and_wrong_answers(path, grade_id, replacement,
                                                                   tmp_path_factory):
    if grade_id is None:
        return notebook_runs_and_every_check_passes_cleanly(path, tmp_path_factory)
    assert wrong_answers(path) is not None, f"no tests/wrong_answers/{number(path)}.py"
    kernel, runs = executed(path, tmp_path_factory)
    if any(r["status"] != "ok" for r in runs.values()):
        pytest.fail(f"{path.name} does not run with its solutions (see the test above)")
    index = dict((g, i) for i, g, _ in answer_cells(path))[grade_id]
    solution = editions.source_of(cells_of(path)[index])
    check = editions.source_of(cells_of(path)[check_index(path, grade_id)])
    problem = verdict(kernel, grade_id, solution, check, replacement)
    assert problem is None, problem


def verdict(kernel, grade_id, solution, check, replacement):
    """Swap ``replacement`` (None: the blank answer) into the answer, run it and the check.

    Returns None if the check rejects it as it must, else what is wrong; the solution is
    restored (and must pass its check again) in any case.
    """
    if replacement is None:
        mutated = editions.clear_solution_region(solution)[0]
        what = "the blank answer"
    else:
        mutated = swap(solution, replacement)
        what = f"the wrong answer {replacement.strip()!r}"
    problem = None
    try:
        kernel.run(mutated)          # a blank answer raises NotImplementedError here: fine
        result = kernel.run(check)
        if result["status"] != "error":
            problem = f"{grade_id}-check accepts {what}"
        else:
            is_assertion, is_exercise_error, message = exception_of(kernel)
            if not is_assertion:
                problem = (f"{grade_id}-check fails on {what} with {result['ename']}: "
                           f"{result['evalue']}, not with an AssertionError that explains it")
            elif not message.strip():
                problem = f"{grade_id}-check rejects {what} without saying what is wrong"
            elif replacement is None and not is_exercise_error:
                problem = (f"{grade_id}-check fails on the blank answer with {result['ename']}: "
                           f"use tc.exercises.answered/call so the message says what to do")
    finally:
        restored = [kernel.run(solution), kernel.run(check)]
    if problem is None and not all(r["status"] == "ok" for r in restored):
        problem = f"{grade_id}: the solution no longer passes its check after the mutation: {restored}"
    return problem


def test_the_harness_catches_weak_checks(tmp_path):
    """On a tiny made-up exercise: the verdicts a good check and three bad ones get."""
    kernel = Kernel(tmp_path)
    try:
        setup = kernel.run("from tutorcluster.exercises import answered, call, expect")
        assert setup["status"] == "ok", setup
        solution = "x = None  # an even number above 2\n### BEGIN SOLUTION\nx = 4\n### END SOLUTION"
        good = 'answered(x, "x", kind="integer")\nexpect(x % 2 == 0 and x > 2, "x must be even and above 2.")'
        assert verdict(kernel, "99-x", solution, good, None) is None
        assert verdict(kernel, "99-x", solution, good, "x = 3") is None
        assert "accepts the wrong answer 'x = 6'" in verdict(kernel, "99-x", solution, good, "x = 6")
        silent = "assert x is not None and x == 4"
        assert "without saying" in verdict(kernel, "99-x", solution, silent, None)
        assert "without saying" in verdict(kernel, "99-x", solution, silent, "x = 3")
        plain = 'assert x is not None, "x is empty"\nassert x == 4, "x is not 4"'
        assert "use tc.exercises" in verdict(kernel, "99-x", solution, plain, None)
        assert verdict(kernel, "99-x", solution, plain, "x = 3") is None
        crashing = 'expect(x + 0 == 4, "x must be 4.")'
        assert "with TypeError" in verdict(kernel, "99-x", solution, crashing, None)
    finally:
        kernel.shutdown()
