"""One source, several editions: the notebooks in ``notebooks/`` and what is made from them.

The notebooks in ``notebooks/`` are the *instructor source*: every exercise has its
solution between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and its check cell, with
nbgrader's cell metadata (see the README's section on exercises). From them this script
makes:

``lab``
    the working copy ``my-notebooks/`` that ``make lab`` serves: the student edition
    (``my-notebooks/NN-*.ipynb``) and the solutions for self-study
    (``my-notebooks/solutions/NN-*.ipynb``). Made without nbgrader, by
    :func:`student_edition`, which applies nbgrader's own rules (a test checks that the
    result is the same as ``nbgrader generate_assignment``, cell for cell). Run again
    (``make lab`` or ``make refresh``) after ``git pull``: a notebook you have not edited
    is replaced by the new version; one you have edited is kept, and the new version is
    written beside it as ``NN-*.updated.ipynb``.
``student``
    the student edition made by nbgrader itself (``nbgrader generate_assignment``) in a
    course directory (``grading/`` by default), copied to ``build/student/``: what an
    instructor hands out.
``grade SUBMISSIONS``
    autogrades a folder of submissions (``SUBMISSIONS/<student>/NN-*.ipynb``, or nbgrader's
    own ``SUBMISSIONS/<student>/tutorcluster/NN-*.ipynb``) with ``nbgrader autograde`` into
    the course's SQLite gradebook (``grading/gradebook.db``), then prints a score table per
    student and per exercise and writes it to ``grading/scores.csv``.

Only ``student`` and ``grade`` need nbgrader (``pip install -e ".[teach]"``).
"""

import argparse
import copy
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks"
WORKING_COPY = ROOT / "my-notebooks"
COURSE = ROOT / "grading"
STUDENT = ROOT / "build" / "student"
#: The nbgrader assignment that holds every notebook (one notebook = one lab).
ASSIGNMENT = "tutorcluster"
COURSE_ID = "tutorcluster"

# nbgrader's rules (nbgrader/preprocessors/clearsolutions.py, clearhiddentests.py).
BEGIN_SOLUTION, END_SOLUTION = "BEGIN SOLUTION", "END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
CODE_STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
TEXT_STUB = ["YOUR ANSWER HERE"]


# ---------------------------------------------------------------------------
# The student edition, by nbgrader's rules, without nbgrader
# ---------------------------------------------------------------------------

def source_of(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_solution(cell):
    return bool(nbgrader_meta(cell).get("solution", False))


def is_grade(cell):
    return bool(nbgrader_meta(cell).get("grade", False))


def is_locked(cell):
    meta = nbgrader_meta(cell)
    if not meta or is_solution(cell):
        return False
    return True if is_grade(cell) else bool(meta.get("locked", False))


def clear_solution_region(source, stub=CODE_STUB):
    """Replace each ``BEGIN SOLUTION`` ... ``END SOLUTION`` region by the stub.

    The stub takes the indentation of the ``BEGIN SOLUTION`` line, as in nbgrader.

    Returns
    -------
    source : str
    replaced : bool
        Whether a region was found.
    """
    new, inside, replaced = [], False, False
    for line in source.split("\n"):
        if BEGIN_SOLUTION in line:
            if inside:
                raise RuntimeError("nested BEGIN SOLUTION markers")
            inside = replaced = True
            indent = re.match(r"\s*", line).group(0)
            new.extend(indent + stub_line for stub_line in stub)
        elif END_SOLUTION in line:
            inside = False
        elif not inside:
            new.append(line)
    if inside:
        raise RuntimeError("BEGIN SOLUTION without END SOLUTION")
    return "\n".join(new), replaced


def clear_hidden_tests(source):
    """Remove each ``BEGIN HIDDEN TESTS`` ... ``END HIDDEN TESTS`` region, markers included."""
    new, inside, removed = [], False, False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            if inside:
                raise RuntimeError("nested BEGIN HIDDEN TESTS markers")
            inside = removed = True
        elif END_HIDDEN in line:
            inside = False
        elif not inside:
            new.append(line)
    if inside:
        raise RuntimeError("BEGIN HIDDEN TESTS without END HIDDEN TESTS")
    return "\n".join(new), removed


def checksum(cell):
    """nbgrader's checksum of a grade, solution or locked cell (``nbgrader.utils.compute_checksum``)."""
    m = hashlib.md5()
    m.update(source_of(cell).encode("utf-8"))
    m.update(cell["cell_type"].encode("utf-8"))
    m.update(str(is_grade(cell)).encode())
    m.update(str(is_solution(cell)).encode())
    m.update(str(is_locked(cell)).encode())
    m.update(nbgrader_meta(cell)["grade_id"].encode("utf-8"))
    if is_grade(cell):
        m.update(str(float(nbgrader_meta(cell)["points"])).encode())
    return m.hexdigest()


def student_edition(notebook):
    """The student edition of a notebook (a JSON dict), as ``nbgrader generate_assignment`` makes it.

    The same steps in the same order: lock cells, clear solutions, clear outputs, checksum,
    remove hidden tests, checksum again.
    """
    notebook = copy.deepcopy(notebook)
    notebook.get("metadata", {}).pop("celltoolbar", None)
    for cell in notebook["cells"]:
        metadata = cell.setdefault("metadata", {})
        # LockCells
        if is_solution(cell):
            metadata["deletable"] = False
        elif is_grade(cell) or is_locked(cell):
            metadata["deletable"] = False
            metadata["editable"] = False
        # ClearSolutions
        stub = CODE_STUB if cell["cell_type"] == "code" else TEXT_STUB
        source, replaced = clear_solution_region(source_of(cell), stub)
        if replaced and not is_solution(cell):
            raise RuntimeError("a solution region in a cell that is not a solution cell:\n"
                               + source_of(cell))
        if is_solution(cell) and not replaced:
            source = "\n".join(stub)
        # ClearOutput
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            metadata.pop("collapsed", None)
            metadata.pop("scrolled", None)
        # ClearHiddenTests
        source, removed = clear_hidden_tests(source)
        if removed and not is_grade(cell):
            raise RuntimeError("a hidden-test region in a cell that is not a grade cell:\n" + source)
        cell["source"] = source
        # ComputeChecksums
        if is_grade(cell) or is_solution(cell) or is_locked(cell):
            metadata["nbgrader"]["checksum"] = checksum(cell)
            metadata["nbgrader"]["cell_type"] = cell["cell_type"]
    return notebook


def instructor_copy(notebook):
    """The solutions edition: the instructor source with outputs cleared."""
    notebook = copy.deepcopy(notebook)
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return notebook


def read(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write(notebook, path):
    """Write a notebook as Jupyter does (sources as lists of lines, one-space indent)."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        cell["source"] = source_of(cell).splitlines(keepends=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def normalized(notebook):
    """A notebook with every cell's source as one string: for comparing editions."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        cell["source"] = source_of(cell)
    return notebook


def source_notebooks(names=None):
    """The instructor notebooks, in order; ``names`` (stems or file names) picks some."""
    paths = sorted(SOURCE.glob("[0-9][0-9]-*.ipynb"))
    if names:
        wanted = {Path(name).stem for name in names}
        paths = [p for p in paths if p.stem in wanted]
        missing = wanted - {p.stem for p in paths}
        if missing:
            raise SystemExit(f"no such notebook in notebooks/: {', '.join(sorted(missing))}")
    return paths


# ---------------------------------------------------------------------------
# The working copy that `make lab` serves
# ---------------------------------------------------------------------------

def content_hash(notebook):
    """What a person writes in a notebook: cell types and sources (not outputs, not metadata)."""
    cells = [(cell["cell_type"], source_of(cell)) for cell in notebook["cells"]]
    return hashlib.sha256(json.dumps(cells).encode("utf-8")).hexdigest()


def refresh_working_copy(destination=WORKING_COPY, names=None, log=print):
    """Make or refresh the working copy; never overwrite a notebook its owner has edited.

    For every notebook of the working copy (student edition, and ``solutions/``): if it
    does not exist, write it. If its sources are those written last time (it was opened or
    run, but nobody typed in it), replace it when the source has changed. If someone has
    edited it, keep it, and write the new version beside it as ``NAME.updated.ipynb``.

    Returns
    -------
    report : dict
        ``{relative path: "new" | "updated" | "unchanged" | "kept"}``.
    """
    destination = Path(destination)
    state_file = destination / ".editions.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    report = {}
    for path in source_notebooks(names):
        notebook = read(path)
        for relative, edition in [(path.name, student_edition(notebook)),
                                  (f"solutions/{path.name}", instructor_copy(notebook))]:
            target = destination / relative
            new_hash = content_hash(edition)
            old_hash = state.get(relative)
            if not target.exists():
                write(edition, target)
                state[relative], report[relative] = new_hash, "new"
                continue
            current = content_hash(read(target))
            if old_hash is None and current == new_hash:
                state[relative], report[relative] = new_hash, "unchanged"
            elif new_hash == old_hash or current == new_hash:
                report[relative] = "unchanged"
            elif current == old_hash:
                write(edition, target)
                state[relative], report[relative] = new_hash, "updated"
            else:
                beside = target.with_name(target.stem + ".updated.ipynb")
                write(edition, beside)
                report[relative] = "kept"
                log(f"kept your edited {target.relative_to(destination.parent)}; the new version "
                    f"is {beside.relative_to(destination.parent)}")
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    counts = {kind: sum(1 for v in report.values() if v == kind) for kind in ("new", "updated", "kept")}
    log(f"working copy {destination.relative_to(ROOT) if destination.is_relative_to(ROOT) else destination}: "
        f"{counts['new']} new, {counts['updated']} updated, {counts['kept']} kept (edited), "
        f"{len(report) - sum(counts.values())} unchanged")
    return report


# ---------------------------------------------------------------------------
# nbgrader: the course directory, the student edition, autograding
# ---------------------------------------------------------------------------

NBGRADER_CONFIG = '''\
# Written by tools/editions.py: the local course directory (no exchange needed).
c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
# A paper notebook runs in under a minute; give a slow cell plenty of time.
c.Execute.timeout = 600
'''


def nbgrader(arguments, course):
    """Run ``nbgrader`` (from the same environment as this Python) in the course directory."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    command = [sys.executable, "-m", "nbgrader", *arguments, "--log-level=WARN"]
    result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"nbgrader {arguments[0]} failed (exit {result.returncode})")
    return result


def prepare_course(course=COURSE, names=None):
    """Write the course directory's config and copy the instructor notebooks into ``source/``."""
    course = Path(course).resolve()
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(
        NBGRADER_CONFIG.format(root=str(course), course_id=COURSE_ID))
    source = course / "source" / ASSIGNMENT
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    for path in source_notebooks(names):
        write(instructor_copy(read(path)), source / path.name)
    return course


def generate_student_edition(course=COURSE, output=STUDENT, names=None, log=print):
    """``nbgrader generate_assignment``: the release in the course, copied to ``output``."""
    course = prepare_course(course, names)
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course)
    release = course / "release" / ASSIGNMENT
    output = Path(output)
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(release, output)
    log(f"student edition of {len(list(output.glob('*.ipynb')))} notebooks in {output} "
        f"(course directory {course})")
    return output


def collect_submissions(submissions, course):
    """Copy ``submissions/<student>/...`` into the course's ``submitted/<student>/<assignment>/``."""
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise SystemExit(f"{submissions} is not a folder of submissions")
    students = []
    for folder in sorted(p for p in submissions.iterdir() if p.is_dir()):
        inner = folder / ASSIGNMENT if (folder / ASSIGNMENT).is_dir() else folder
        notebooks = sorted(inner.glob("*.ipynb"))
        if not notebooks:
            continue
        target = course / "submitted" / folder.name / ASSIGNMENT
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for path in notebooks:
            shutil.copy2(path, target / path.name)
        if (inner / "timestamp.txt").exists():
            shutil.copy2(inner / "timestamp.txt", target / "timestamp.txt")
        students.append(folder.name)
    if not students:
        raise SystemExit(f"no submissions in {submissions}: expected {submissions}/<student>/NN-*.ipynb")
    return students


def scores(course=COURSE):
    """Scores from the gradebook: ``{student: {(notebook, grade_id): (score, max_score)}}``."""
    from nbgrader.api import Gradebook, MissingEntry

    course = Path(course).resolve()
    table = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        for student in gradebook.students:
            try:
                submission = gradebook.find_submission(ASSIGNMENT, student.id)
            except MissingEntry:
                continue
            table[student.id] = {(notebook.name, grade.name): (float(grade.score), float(grade.max_score))
                                 for notebook in submission.notebooks for grade in notebook.grades}
    return table


def exercise_order(course=COURSE):
    """``{(notebook, grade_id): position}``: the check cells in the order the notebooks have them."""
    order = {}
    for path in sorted((Path(course) / "source" / ASSIGNMENT).glob("*.ipynb")):
        for cell in read(path)["cells"]:
            if is_grade(cell):
                order[(path.stem, nbgrader_meta(cell)["grade_id"])] = len(order)
    return order


def format_tables(table, order=None):
    """Two plain-text tables: per student (each notebook and the total), per exercise."""
    students = sorted(table)
    order = order or {}
    cells = sorted({key for row in table.values() for key in row},
                   key=lambda key: (key[0], order.get(key, len(order)), key[1]))
    notebooks = sorted({notebook for notebook, _ in cells})

    def number(x):
        return f"{x:g}"

    lines = ["Scores per student", ""]
    header = ["student"] + [n.split("-")[0] for n in notebooks] + ["total"]
    rows = []
    for student in students:
        row, total, maximum = [student], 0.0, 0.0
        for notebook in notebooks:
            got = sum(s for (nb, _), (s, _) in table[student].items() if nb == notebook)
            out_of = sum(m for (nb, _), (_, m) in table[student].items() if nb == notebook)
            row.append(f"{number(got)}/{number(out_of)}")
            total, maximum = total + got, maximum + out_of
        row.append(f"{number(total)}/{number(maximum)}")
        rows.append(row)
    lines += _columns(header, rows)
    lines += ["", "Scores per exercise (check cell)", ""]
    header = ["exercise", "points"] + students
    rows = []
    for notebook, grade_id in cells:
        maximum = next(table[s][(notebook, grade_id)][1] for s in students if (notebook, grade_id) in table[s])
        rows.append([grade_id, number(maximum)]
                    + [number(table[s][(notebook, grade_id)][0]) if (notebook, grade_id) in table[s] else "-"
                       for s in students])
    lines += _columns(header, rows)
    return "\n".join(lines)


def _columns(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                              for i, (c, w) in enumerate(zip(r, widths)))
    return [fmt(header), "  ".join("-" * w for w in widths)] + [fmt(r) for r in rows]


def write_csv(table, path):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", "exercise", "score", "max_score"])
        for student in sorted(table):
            for (notebook, grade_id), (score, maximum) in sorted(table[student].items()):
                writer.writerow([student, notebook, grade_id, score, maximum])


def grade(submissions, course=COURSE, names=None, log=print):
    """Autograde ``submissions`` into the course's gradebook; print and return the scores."""
    course = Path(course).resolve()
    release = course / "release" / ASSIGNMENT
    if not (course / "gradebook.db").exists() or not release.exists():
        generate_student_edition(course, names=names, log=log)
    students = collect_submissions(submissions, course)
    for student in students:
        nbgrader(["autograde", ASSIGNMENT, f"--student={student}", "--force"], course)
    table = {s: row for s, row in scores(course).items() if s in students}
    log(format_tables(table, exercise_order(course)))
    write_csv(table, course / "scores.csv")
    log(f"\ngradebook {course / 'gradebook.db'}; this table in {course / 'scores.csv'}; "
        f"graded notebooks in {course / 'autograded'}")
    return table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    lab = commands.add_parser("lab", help="make or refresh the working copy my-notebooks/")
    lab.add_argument("--dest", default=str(WORKING_COPY))
    student = commands.add_parser("student", help="the student edition, with nbgrader")
    student.add_argument("--course", default=str(COURSE))
    student.add_argument("--output", default=str(STUDENT))
    graded = commands.add_parser("grade", help="autograde a folder of submissions")
    graded.add_argument("submissions")
    graded.add_argument("--course", default=str(COURSE))
    for sub in (lab, student, graded):
        sub.add_argument("--notebooks", nargs="*", help="only these notebooks (e.g. 00-introduction)")
    args = parser.parse_args(argv)
    if args.command == "lab":
        refresh_working_copy(Path(args.dest), args.notebooks)
    elif args.command == "student":
        generate_student_edition(Path(args.course), Path(args.output), args.notebooks)
    else:
        grade(Path(args.submissions), Path(args.course), args.notebooks)


if __name__ == "__main__":
    main()
