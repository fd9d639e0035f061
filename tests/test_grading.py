"""`course grade` on the TensorFlow-free demo assignment: a class of 20, parallel, resumable."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from course_tools import grading

OUTPUT_SIZE_WRONG = "def output_size(size, kernel, padding=0, stride=1):\n    return size - kernel + 2 * padding + 1\n"
RELU_WRONG = "def relu(x):\n    return np.abs(x)\n"


def with_answers(course: Path, replacements: dict[str, str]) -> dict:
    """The reference notebook with some answer cells replaced."""
    notebook = json.loads((course / "source" / "demo" / "demo.ipynb").read_text())
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in replacements:
            cell["source"] = replacements[grade_id]
    return notebook


def make_class(course: Path, folder: Path) -> dict[str, tuple[float, str]]:
    """Write 20 submissions (correct, partial, blank, broken, missing); return expected (score, status)."""
    folder.mkdir()
    release = (course / "release" / "demo" / "demo.ipynb").read_text()
    expected = {}

    def put(student: str, notebook, score: float, status: str = "graded") -> None:
        text = notebook if isinstance(notebook, str) else json.dumps(notebook)
        (folder / f"{student}.ipynb").write_text(text)
        expected[student] = (score, status)

    for i in range(6):
        put(f"correct{i}", with_answers(course, {}), 3)
    for i in range(3):
        put(f"relu_only{i}", with_answers(course, {"output-size-answer": OUTPUT_SIZE_WRONG}), 1)
        put(f"size_only{i}", with_answers(course, {"relu-answer": RELU_WRONG}), 2)
    for i in range(4):
        put(f"blank{i}", release, 0)
    put("syntax_error", with_answers(course, {"output-size-answer": "def output_size(:\n"}), 1)
    put("not_json", "{ this is not a notebook", 0, "failed")
    put("truncated", release[: len(release) // 2], 0, "failed")
    # An nbgrader-layout submission folder that lacks the notebook.
    (folder / "absent" / "demo").mkdir(parents=True)
    (folder / "absent" / "demo" / "notes.txt").write_text("forgot to upload")
    expected["absent"] = (0, "missing")
    return expected


def snapshot(course: Path) -> dict[str, float]:
    files = [p for top in ("autograded", "feedback") for p in (course / top).rglob("*") if p.is_file()]
    return {str(p.relative_to(course)): p.stat().st_mtime_ns for p in files}


@pytest.fixture(scope="module")
def graded_class(demo_course_template, tmp_path_factory):
    import shutil

    course = tmp_path_factory.mktemp("class") / "course"
    shutil.copytree(demo_course_template, course)
    expected = make_class(course, course.parent / "inbox")
    started = time.monotonic()
    results = grading.grade("demo", root=course, submissions=course.parent / "inbox", jobs=2, progress=False)
    return course, expected, results, time.monotonic() - started


def test_twenty_students_get_the_scores_they_deserve(graded_class):
    _, expected, results, _ = graded_class
    assert len(results) == 20
    got = {r.student: (r.score, r.status) for r in results}
    assert got == expected
    assert all(r.max_score == 4 for r in results)


def test_broken_submissions_carry_a_reason(graded_class):
    _, _, results, _ = graded_class
    reasons = {r.student: r.reason for r in results}
    assert "is not valid JSON" in reasons["not_json"]
    assert reasons["truncated"].startswith("could not be graded")
    assert reasons["absent"] == "no demo.ipynb submitted"
    assert reasons["correct0"] == "2 of 2 tests passed; 1 written answer awaits hand grading"
    assert reasons["blank0"] == "blank: none of the 3 answers was changed from the release"
    assert "failed: relu-tests" in reasons["size_only0"]


def test_table_csv_and_feedback(graded_class):
    course, expected, results, _ = graded_class
    table = grading.scores_table(results)
    assert "not_json" in table and "3 / 4" in table
    with open(course / "autograded" / "scores-demo.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert {s: float(r["score"]) for s, r in rows.items()} == {s: e[0] for s, e in expected.items()}
    assert rows["size_only0"]["output-size-tests"] == "2" and rows["size_only0"]["relu-tests"] == "0"
    page = (course / "feedback" / "correct0" / "demo" / "demo.html").read_text()
    assert "output-size-tests" in page and "relu-tests" in page
    assert "could not be graded" in (course / "feedback" / "not_json" / "demo" / "demo.html").read_text()


def test_gradebook_agrees_with_the_table(graded_class):
    from nbgrader.api import Gradebook

    course, expected, _, _ = graded_class
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s.student.id: s.score for s in gb.find_assignment("demo").submissions}
    assert scores == {s: e[0] for s, e in expected.items()}


def test_regrading_unchanged_submissions_changes_nothing(graded_class):
    course, _, first, _ = graded_class
    before = snapshot(course)
    csv_before = (course / "autograded" / "scores-demo.csv").read_text()
    started = time.monotonic()
    lines = []
    again = grading.grade("demo", root=course, jobs=2, progress=False, say=lines.append)
    assert time.monotonic() - started < 60
    assert "nothing to grade: 20 submission(s) unchanged" in lines
    assert [(r.student, r.score, r.status) for r in again] == [(r.student, r.score, r.status) for r in first]
    assert snapshot(course) == before
    assert (course / "autograded" / "scores-demo.csv").read_text() == csv_before


def test_a_changed_submission_is_regraded_alone(graded_class):
    course, _, _, _ = graded_class
    notebook = with_answers(course, {})
    (course / "submitted" / "blank0" / "demo" / "demo.ipynb").write_text(json.dumps(notebook))
    results = {r.student: r for r in grading.grade("demo", root=course, jobs=1, progress=False)}
    assert results["blank0"].score == 3
    assert results["blank1"].score == 0


def test_killed_run_resumes_with_the_same_scores(demo_course, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    notebook = json.dumps(with_answers(demo_course, {"relu-answer": RELU_WRONG}))
    for i in range(4):
        (inbox / f"s{i}.ipynb").write_text(notebook)
    command = [sys.executable, "-m", "course", "grade", "demo", "--course-dir", str(demo_course), "--submissions", str(inbox), "--jobs", "1"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    journal = demo_course / "autograded" / ".journal-demo.json"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if journal.is_file() and len(json.loads(journal.read_text())["students"]) >= 1:
            break
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    graded_before_kill = len(json.loads(journal.read_text())["students"])
    assert graded_before_kill < 4, "the run finished before it could be killed"
    results = grading.grade("demo", root=demo_course, jobs=1, progress=False)
    assert [(r.student, r.score) for r in results] == [(f"s{i}", 2.0) for i in range(4)]
    leftovers = [p.name for p in (demo_course / "autograded").rglob(".*") if ".new-" in p.name or ".old-" in p.name]
    assert leftovers == []


def test_unknown_assignment_is_a_one_line_error(demo_course):
    result = subprocess.run(
        [sys.executable, "-m", "course", "grade", "nope", "--course-dir", str(demo_course)],
        cwd=REPO, capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: ") and "\n" not in result.stderr.strip()


def test_zip_entries_that_escape_are_refused(demo_course, tmp_path):
    import zipfile

    from course_tools import collect

    bundle = tmp_path / "class.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("../../evil.ipynb", "{}")
    with pytest.raises(collect.CollectError, match="escapes the archive"):
        collect.import_submissions(demo_course, "demo", bundle, "demo")
    assert not (tmp_path.parent / "evil.ipynb").exists()
