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
