"""The grading proof for every assignment, executing the real notebooks in smoke mode.

1. the reference solution, autograded as a submission, earns every autograded point;
2. the unmodified student version earns none;
3. every test cell rejects the plausible wrong answers of tests/mutants/<assignment>.py (at
   least three per test cell, each of a different kind, and in each assignment at least one
   object built to fool comparisons), each alone in a kernel and all together when graded;
4. every test cell accepts the correct alternatives of tests/alternatives/<assignment>.py (at
   least two per test cell, in styles other than the reference's), each alone in a kernel and
   as two whole submissions that must earn every autograded point;
5. feedback HTML names each graded cell;
6. `nbgrader validate` passes on a student's copy holding the reference answers.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import REPO
from course_tools import build, grading

ASSIGNMENTS = build.assignments(REPO)
TESTS_DIR = Path(__file__).resolve().parent
pytestmark = pytest.mark.notebooks
# What makes a wrong answer wrong; a test cell must reject at least three different kinds.
MUTANT_KINDS = {
    "formula",  # the wrong computation
    "edge-case",  # right on the easy inputs, wrong where the statement's rule matters (rounding, empty class, odd size)
    "type",  # the right numbers in the wrong type, dtype or shape
    "property",  # breaks a stated property: changes its argument, ignores the seed, skips cache/prefetch, returns a trained model
    "tolerance",  # numerically close to the right answer, but wrong
    "spec",  # ignores part of the statement (an argument, a layer, an order)
    "fooling",  # an object whose comparisons always succeed
}


def _load(kind: str, assignment: str) -> list[dict]:
    spec = importlib.util.spec_from_file_location(f"{kind}_{assignment}", TESTS_DIR / kind / f"{assignment}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, kind.upper())


def load_mutants(assignment: str) -> list[dict]:
    return _load("mutants", assignment)


def load_alternatives(assignment: str) -> list[dict]:
    return _load("alternatives", assignment)


def with_answers(assignment: str, replacements: list[dict]):
    """The reference notebook with the answer cells of ``replacements`` (mutants or alternatives) swapped in."""
    notebook = reference(assignment)
    cells = nbgrader_cells(notebook)
    for replacement in replacements:
        cells[replacement["answer"]].source = replacement["source"]
    return notebook


def alternative_sets(assignment: str) -> list[list[dict]]:
    """Two whole submissions of correct alternatives: the first, then the second, of each answer cell."""
    by_answer: dict[str, list[dict]] = {}
    for alternative in load_alternatives(assignment):
        by_answer.setdefault(alternative["answer"], []).append(alternative)
    return [[options[min(i, len(options) - 1)] for options in by_answer.values()] for i in (0, 1)]


def nbgrader_cells(notebook) -> dict[str, dict]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in notebook.cells if "nbgrader" in c.metadata}


def autograded_test_cells(notebook) -> list[str]:
    """grade_ids of autograded test cells (code cells that award points)."""
    return [gid for gid, c in nbgrader_cells(notebook).items() if c.cell_type == "code" and c.metadata["nbgrader"].get("grade")]


def reference(assignment: str):
    return nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4)


REBIND_HELPERS = (
    "\nimport numpy as _numpy, numpy.testing as _testing\n"
    "_testing.assert_allclose = _testing.assert_array_equal = _testing.assert_equal = lambda *a, **k: None\n"
    "_testing.assert_array_almost_equal = _testing.assert_almost_equal = lambda *a, **k: None\n"
    "_numpy.allclose = _numpy.array_equal = lambda *a, **k: True\n"
    "isinstance = lambda *a: True\n"
)


def tampered_submissions(assignment: str) -> dict[str, tuple]:
    """Student copies (the release with the reference answers) that each tamper with grading.

    Returns name -> (notebook, grade_ids of the test cells that must lose their points).
    """
    def student_copy():
        notebook = nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", as_version=4)
        answers = nbgrader_cells(reference(assignment))
        for gid, cell in nbgrader_cells(notebook).items():
            if cell.metadata["nbgrader"].get("solution"):
                cell.source = answers[gid].source
        return notebook

    first_test = autograded_test_cells(reference(assignment))[0]
    mutant = load_mutants(assignment)[0]
    cases = {}

    deleted = student_copy()
    deleted.cells = [c for c in deleted.cells if c.get("id") != first_test]
    cases["tamper_delete_test"] = (deleted, [first_test])

    edited = student_copy()
    cells = nbgrader_cells(edited)
    cells[mutant["answer"]].source = mutant["source"]
    for gid in mutant["tests"]:
        cells[gid].source = "pass"
    for cell in cells.values():
        if cell.metadata["nbgrader"].get("locked") and not cell.metadata["nbgrader"].get("grade"):
            cell.source = "Nothing to do here."
    cases["tamper_edit_locked"] = (edited, mutant["tests"])

    points = student_copy()
    for gid in autograded_test_cells(points):
        nbgrader_cells(points)[gid].metadata["nbgrader"]["points"] = 100
    cases["tamper_points"] = (points, [])

    renamed = student_copy()
    nbgrader_cells(renamed)[first_test].metadata["nbgrader"]["grade_id"] = "bonus-tests"
    cases["tamper_grade_id"] = (renamed, [])

    rebound = student_copy()
    nbgrader_cells(rebound)[mutant["answer"]].source = mutant["source"] + REBIND_HELPERS
    cases["tamper_rebind_helpers"] = (rebound, mutant["tests"])
    return cases


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    """Grade the reference, the student version and an all-mutants copy; validate meanwhile."""
    assignment = request.param
    root = tmp_path_factory.mktemp(assignment) / "course"
    shutil.copytree(REPO / "source" / assignment, root / "source" / assignment, ignore=shutil.ignore_patterns("*.md"))
    shutil.copy(REPO / "nbgrader_config.py", root)
    inbox = root.parent / "inbox"
    inbox.mkdir()
    source = reference(assignment)
    nbformat.write(source, inbox / "reference.ipynb")
    shutil.copy(REPO / "release" / assignment / f"{assignment}.ipynb", inbox / "student.ipynb")
    nbformat.write(with_answers(assignment, load_mutants(assignment)), inbox / "mutants.ipynb")
    for number, alternatives in enumerate(alternative_sets(assignment), start=1):
        nbformat.write(with_answers(assignment, alternatives), inbox / f"alternatives{number}.ipynb")
    for name, (notebook, _) in tampered_submissions(assignment).items():
        nbformat.write(notebook, inbox / f"{name}.ipynb")

    # A student's copy of the release holding the reference answers, validated the way a student would.
    student_copy = root.parent / "student" / assignment
    shutil.copytree(REPO / "release" / assignment, student_copy)
    nbformat.write(source, student_copy / f"{assignment}.ipynb")
    validate = subprocess.Popen(
        [sys.executable, "-m", "nbgrader", "validate", f"{assignment}.ipynb"],
        cwd=student_copy,
        env=grading.worker_env(root.parent, 2),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    results = {r.student: r for r in grading.grade(assignment, root=root, submissions=inbox, jobs=2, progress=False)}
    validate_output, _ = validate.communicate(timeout=900)
    return assignment, root, results, (validate.returncode, validate_output)


def test_reference_solution_earns_every_autograded_point(graded):
    assignment, _, results, _ = graded
    result = results["reference"]
    assert result.status == "graded", result.reason
    tests = autograded_test_cells(reference(assignment))
    assert len(tests) >= 5, "an assignment has at least five autograded exercises"
    lost = {gid: points for gid, points in result.cells.items() if gid in tests and points[0] < points[1]}
    assert lost == {}


def test_student_version_earns_nothing(graded):
    _, _, results, _ = graded
    result = results["student"]
    assert result.status == "graded", result.reason
    assert {gid: p[0] for gid, p in result.cells.items() if p[0] > 0} == {}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_has_three_kinds_of_mutant_and_two_alternatives(assignment):
    tests = autograded_test_cells(reference(assignment))
    mutants, alternatives = load_mutants(assignment), load_alternatives(assignment)
    unknown = sorted({m["kind"] for m in mutants} - MUTANT_KINDS)
    assert unknown == [], f"unknown mutant kinds {unknown}; use {sorted(MUTANT_KINDS)}"
    kinds = {gid: {m["kind"] for m in mutants if gid in m["tests"]} for gid in tests}
    assert {gid: k for gid, k in kinds.items() if len(k) < 3} == {}, "test cells with fewer than three kinds of mutant"
    assert any(m["kind"] == "fooling" for m in mutants), "no comparison-fooling mutant in this assignment"
    styles = {gid: {a["style"] for a in alternatives if gid in a["tests"]} for gid in tests}
    assert {gid: s for gid, s in styles.items() if len(s) < 2} == {}, "test cells with fewer than two correct alternatives"
    answers = {gid for gid, c in nbgrader_cells(reference(assignment)).items() if c.cell_type == "code" and c.metadata["nbgrader"].get("solution")}
    assert {r["answer"] for r in mutants + alternatives} <= answers


def test_every_test_cell_loses_its_points_to_the_mutants(graded):
    assignment, _, results, _ = graded
    tests = autograded_test_cells(reference(assignment))
    cells = results["mutants"].cells
    kept = {gid: cells[gid] for gid in tests if cells[gid][0] >= cells[gid][1]}
    assert kept == {}, "these test cells accepted the wrong answers"


def test_correct_alternatives_earn_every_autograded_point(graded):
    assignment, _, results, _ = graded
    tests = autograded_test_cells(reference(assignment))
    for number in (1, 2):
        result = results[f"alternatives{number}"]
        assert result.status == "graded", result.reason
        lost = {gid: p for gid, p in result.cells.items() if gid in tests and p[0] < p[1]}
        assert lost == {}, f"alternatives{number}: these test cells rejected correct answers"


def test_tampering_with_grading_earns_only_what_the_answers_deserve(graded):
    """Submissions made from the release that tamper with test cells, points, ids or helpers."""
    assignment, _, results, _ = graded
    honest = results["reference"].cells
    for name, (_, losing) in tampered_submissions(assignment).items():
        result = results[name]
        expected = {gid: [0.0 if gid in losing else p[0], p[1]] for gid, p in honest.items()}
        assert result.cells == expected, f"{name}: {result.reason}"
        assert result.max_score == results["reference"].max_score


def test_feedback_names_each_graded_cell(graded):
    assignment, root, results, _ = graded
    page = (root / "feedback" / "reference" / assignment / f"{assignment}.html").read_text()
    missing = [gid for gid in results["reference"].cells if gid not in page]
    assert missing == []


def test_students_can_validate_their_copy(graded):
    _, _, _, (code, output) = graded
    assert code == 0 and "Success! Your notebook passes all the tests." in output, output[-2000:]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_mutant_fails_and_each_alternative_passes_alone(assignment, monkeypatch, tmp_path, capsys):
    """Run the reference once in a kernel, then each replacement answer followed by its test cells."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    monkeypatch.setenv("COURSE_MODE", "smoke")
    monkeypatch.setenv("COURSE_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = reference(assignment)
    cells = nbgrader_cells(notebook)
    client = NotebookClient(notebook, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(REPO / "source" / assignment)}})
    mutants, alternatives = load_mutants(assignment), load_alternatives(assignment)
    survivors, rejected = [], []  # mutants a test cell accepted, alternatives a test cell rejected

    def run(source: str) -> None:
        cell = nbformat.v4.new_code_cell(source)
        notebook.cells.append(cell)
        client.execute_cell(cell, len(notebook.cells) - 1)

    def passes(replacement: dict) -> dict[str, str]:
        """Run the replacement and its test cells; return the failures by test cell."""
        failures = {}
        run(replacement["source"])
        for gid in replacement["tests"]:
            try:
                run(cells[gid].source)
            except CellExecutionError as error:
                failures[gid] = str(error).strip().splitlines()[-1][:200]
        run(cells[replacement["answer"]].source)
        return failures

    with client.setup_kernel():
        for index, cell in enumerate(list(notebook.cells)):
            client.execute_cell(cell, index)
        for mutant in mutants:
            failures = passes(mutant)
            accepted_by = [gid for gid in mutant["tests"] if gid not in failures]
            if accepted_by:
                survivors.append(f"{', '.join(accepted_by)} accepted mutant '{mutant['why']}'")
        for alternative in alternatives:
            failures = passes(alternative)
            if failures:
                rejected.append(f"rejected alternative '{alternative['why']}': {failures}")
    with capsys.disabled():
        print(
            f"\n{assignment}: wrong answers {len(mutants)} tried / {len(mutants) - len(survivors)} rejected;"
            f" correct alternatives {len(alternatives)} tried / {len(alternatives) - len(rejected)} accepted"
        )
    assert survivors == [] and rejected == []
