"""The grading proof for every assignment, executing the real notebooks in smoke mode.

1. the reference solution, autograded as a submission, earns every autograded point;
2. the unmodified student version earns none;
3. every test cell rejects at least one plausible wrong answer from tests/mutants/;
4. feedback HTML names each graded cell;
5. `nbgrader validate` passes on a student's copy holding the reference answers.
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
from course import build, grading

ASSIGNMENTS = build.assignments(REPO)
MUTANTS_DIR = Path(__file__).resolve().parent / "mutants"
pytestmark = pytest.mark.notebooks


def load_mutants(assignment: str) -> list[dict]:
    spec = importlib.util.spec_from_file_location(f"mutants_{assignment}", MUTANTS_DIR / f"{assignment}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MUTANTS


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
    mutated = reference(assignment)
    cells = nbgrader_cells(mutated)
    for mutant in load_mutants(assignment):
        cells[mutant["answer"]].source = mutant["source"]
    nbformat.write(mutated, inbox / "mutants.ipynb")
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


def test_every_test_cell_has_a_mutant_and_loses_its_points(graded):
    assignment, _, results, _ = graded
    tests = autograded_test_cells(reference(assignment))
    covered = {gid for mutant in load_mutants(assignment) for gid in mutant["tests"]}
    assert set(tests) <= covered, f"test cells without a mutant: {sorted(set(tests) - covered)}"
    cells = results["mutants"].cells
    kept = {gid: cells[gid] for gid in tests if cells[gid][0] >= cells[gid][1]}
    assert kept == {}, "these test cells accepted the wrong answers"


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
def test_each_mutant_alone_fails_its_tests(assignment, monkeypatch, tmp_path):
    """Run the reference once in a kernel, then each wrong answer followed by its test cells."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    monkeypatch.setenv("COURSE_MODE", "smoke")
    monkeypatch.setenv("COURSE_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = reference(assignment)
    cells = nbgrader_cells(notebook)
    client = NotebookClient(notebook, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(REPO / "source" / assignment)}})
    survivors = []

    def run(source: str) -> None:
        cell = nbformat.v4.new_code_cell(source)
        notebook.cells.append(cell)
        client.execute_cell(cell, len(notebook.cells) - 1)

    with client.setup_kernel():
        for index, cell in enumerate(list(notebook.cells)):
            client.execute_cell(cell, index)
        for mutant in load_mutants(assignment):
            run(mutant["source"])
            for gid in mutant["tests"]:
                try:
                    run(cells[gid].source)
                except CellExecutionError:
                    continue
                survivors.append(f"{gid} accepted mutant '{mutant['why']}'")
            run(cells[mutant["answer"]].source)
    assert survivors == []
