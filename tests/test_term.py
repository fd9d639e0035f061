"""A simulated term on the demo assignment, through the instructor's commands.

Three students (correct, partly wrong, blank) arrive as a Canvas download. The instructor
collects them (``course collect``, nbgrader's zip_collect), grades (``course grade``),
hand-grades one written answer through nbgrader's API the way formgrader does, and grades
again: the scores, the CSV and the feedback show the hand grade and the comment, and
``--force`` keeps them. Then grades are exported per exercise and for the LMS, and feedback
is returned per student.
"""

from __future__ import annotations

import base64
import csv
import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO
from course_tools import collect, gradebook
from test_grading import RELU_WRONG

# A 1x1 PNG standing for the figure the student's own (full-mode) run drew.
STUDENT_FIGURE = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005ff02fe"
    "a7e5f0430000000049454e44ae426082")).decode()
STUDENT_PRINT = "share of inputs mapped to 0: 0.51 (from alice's own full-mode run)"
COMMENT = "Right: without a non-linearity the layers compose to one linear map; your flat left half shows it."
CANVAS = {"1001": "smithalice_1001_5001_demo.ipynb", "1002": "jonesbob_1002_5002_demo-1.ipynb", "1003": "leecarol_LATE_1003_5003_Demo.ipynb"}


def course_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course", *args], cwd=REPO, capture_output=True, text=True, timeout=1200)


def with_outputs(notebook: dict) -> dict:
    """The notebook as a student's own run left it: the figure cell holds their figure and number."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and "plt.plot" in "".join(cell["source"]):
            cell["outputs"] = [
                {"output_type": "display_data", "metadata": {}, "data": {"image/png": STUDENT_FIGURE, "text/plain": "<Figure size 300x200>"}},
                {"output_type": "stream", "name": "stdout", "text": STUDENT_PRINT + "\n"},
            ]
            cell["execution_count"] = 7
    return notebook


WRITTEN = "Stacked convolutions without a non-linearity compose to one linear map; my plot bends at 0."


def student_copy(course, relu: str | None = None) -> dict:
    """The release as a student fills it in: the reference's code answers (or ``relu``), a written answer."""
    notebook = json.loads((course / "release" / "demo" / "demo.ipynb").read_text())
    reference = json.loads((course / "source" / "demo" / "demo.ipynb").read_text())
    answers = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in reference["cells"] if "nbgrader" in c["metadata"]}
    for cell in notebook["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in ("output-size-answer", "relu-answer"):
            cell["source"] = relu if gid == "relu-answer" and relu else answers[gid]
        elif gid == "relu-written":
            cell["source"] = WRITTEN
    return notebook


@pytest.fixture(scope="module")
def term(demo_course_template, tmp_path_factory):
    course = tmp_path_factory.mktemp("term") / "course"
    shutil.copytree(demo_course_template, course)
    reference = student_copy(course)
    partly = student_copy(course, relu=RELU_WRONG)
    blank = json.loads((course / "release" / "demo" / "demo.ipynb").read_text())
    download = course.parent / "canvas-download.zip"
    with zipfile.ZipFile(download, "w") as archive:
        for student, notebook in (("1001", with_outputs(reference)), ("1002", with_outputs(partly)), ("1003", blank)):
            archive.writestr(CANVAS[student], json.dumps(notebook))
        archive.writestr("readme.txt", "not a submission")
    collected = course_command("collect", "demo", str(download), "--course-dir", str(course))
    graded = course_command("grade", "demo", "--course-dir", str(course), "--jobs", "2")
    return course, collected, graded


def rows(course) -> dict[str, dict]:
    with open(course / "autograded" / "scores-demo.csv") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def page(course, student) -> str:
    return (course / "feedback" / student / "demo" / "demo.html").read_text()


def hand_grade(course, student: str, score: float, comment: str) -> None:
    """What formgrader's grade and comment handlers do when a grader saves."""
    with gradebook.open_gradebook(course / "gradebook.db") as gb:
        grade = gb.find_grade("relu-written", "demo", "demo", student)
        grade.manual_score = score
        grade.needs_manual_grade = False
        gb.find_comment("relu-written", "demo", "demo", student).manual_comment = comment
        gb.db.commit()


def test_collect_from_the_lms_download(term):
    course, collected, _ = term
    assert collected.returncode == 0, collected.stderr
    assert collected.stdout.splitlines()[0] == (
        f"collected 3 submission(s) from {course.parent / 'canvas-download.zip'} | ignored 1 file(s): readme.txt")
    for student in CANVAS:
        assert (course / "submitted" / student / "demo" / "demo.ipynb").is_file()
    manifest = collect.load_manifest(course, "demo")
    assert manifest["1001"]["name"] == "smithalice" and manifest["1002"]["original"] == CANVAS["1002"]


def test_grading_prints_one_clean_line_per_step(term):
    _, _, graded = term
    assert graded.returncode == 0, graded.stderr
    lines = graded.stdout.splitlines()
    assert lines[0].startswith("isolation: ") and lines[1].startswith("graded 3 submission(s) in ")
    assert lines[2].startswith("feedback: 3 page(s) written")
    noise = [line for line in (graded.stdout + graded.stderr).splitlines() if any(w in line for w in ("WARNING", "INFO", "[Autograde", "absl", "Traceback"))]
    assert noise == []


def test_first_scores_and_reasons(term):
    course, *_ = term
    table = rows(course)
    assert {s: (r["score"], r["status"]) for s, r in table.items()} == {"1001": ("3", "graded"), "1002": ("2", "graded"), "1003": ("0", "graded")}
    assert table["1001"]["reason"] == "2 of 2 tests passed; 1 written answer awaits hand grading"
    assert table["1003"]["reason"] == "blank: none of the 3 answers was changed from the release"
    assert "awaiting hand grading" in page(course, "1001")


def test_written_answers_are_graded_beside_the_students_own_figure(term):
    course, *_ = term
    notebook = json.loads((course / "autograded" / "1001" / "demo" / "demo.ipynb").read_text())
    cells = notebook["cells"]
    figure = next(i for i, c in enumerate(cells) if c["cell_type"] == "code" and "plt.plot" in "".join(c["source"]))
    outputs = cells[figure]["outputs"]
    assert outputs[0]["data"]["image/png"] == STUDENT_FIGURE and STUDENT_PRINT in "".join(outputs[1]["text"])
    kinds = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in cells[figure + 1: figure + 3]]
    assert kinds == ["relu-written-statement", "relu-written"]
    scheme = cells[figure + 3]
    assert scheme["metadata"]["course"]["grader_only"] and "student's own figure" in "".join(scheme["source"])
    assert STUDENT_FIGURE in page(course, "1001") and "student's own figure" not in page(course, "1001")


def test_hand_grade_reaches_scores_csv_and_feedback(term):
    course, *_ = term
    hand_grade(course, "1001", 1, COMMENT)
    again = course_command("grade", "demo", "--course-dir", str(course))
    assert again.returncode == 0, again.stderr
    assert "nothing to grade: 3 submission(s) unchanged" in again.stdout
    assert "feedback: 1 page(s) written" in again.stdout
    table = rows(course)
    assert (table["1001"]["score"], table["1001"]["relu-written"]) == ("4", "1")
    assert table["1001"]["reason"] == "2 of 2 tests passed; hand-graded: relu-written 1/1"
    feedback = page(course, "1001")
    assert COMMENT in feedback and "awaiting hand grading" not in feedback and "4.0 / 4.0" in feedback
    assert "awaiting hand grading" in page(course, "1002")


def test_force_keeps_the_hand_grade_and_comment(term):
    course, *_ = term
    forced = course_command("grade", "demo", "--course-dir", str(course), "--force", "--jobs", "2")
    assert forced.returncode == 0, forced.stderr
    assert "graded 3 submission(s)" in forced.stdout
    with gradebook.open_gradebook(course / "gradebook.db") as gb:
        grade = gb.find_grade("relu-written", "demo", "demo", "1001")
        assert (grade.manual_score, grade.needs_manual_grade) == (1, False)
        assert gb.find_comment("relu-written", "demo", "demo", "1001").manual_comment == COMMENT
    assert rows(course)["1001"]["score"] == "4" and COMMENT in page(course, "1001")


def test_a_changed_answer_keeps_its_grade_and_is_flagged(term):
    course, *_ = term
    path = course / "submitted" / "1001" / "demo" / "demo.ipynb"
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "relu-written":
            cell["source"] = "A new answer, written after the grade was given."
    path.write_text(json.dumps(notebook))
    result = course_command("grade", "demo", "--course-dir", str(course))
    assert result.returncode == 0, result.stderr
    reason = rows(course)["1001"]["reason"]
    assert rows(course)["1001"]["score"] == "4" and "relu-written changed since it was hand-graded" in reason
    hand_grade(course, "1001", 0.5, COMMENT)
    assert course_command("feedback", "demo", "--course-dir", str(course)).returncode == 0
    assert rows(course)["1001"]["score"] == "3.5" and "changed since" not in rows(course)["1001"]["reason"]


def test_export_per_exercise_and_for_the_lms(term):
    course, *_ = term
    result = course_command("export", "demo", "--course-dir", str(course))
    assert result.returncode == 0, result.stderr
    with open(course / "exports" / "demo" / "exercises.csv") as handle:
        exercises = list(csv.DictReader(handle))
    written = next(r for r in exercises if r["student"] == "1001" and r["grade_id"] == "relu-written")
    assert (written["graded_by"], written["score"], written["comment"]) == ("hand", "0.5", COMMENT)
    assert next(r for r in exercises if r["student"] == "1002" and r["grade_id"] == "relu-tests")["exercise"] == "Exercise 2: ReLU"
    with open(course / "exports" / "demo" / "lms-canvas.csv") as handle:
        lms = list(csv.reader(handle))
    assert lms[0][:2] == ["Student", "ID"] and lms[1][0] == "Points Possible"
    assert ["smithalice", "1001", "", "", "", "3.5"] in lms and ["leecarol", "1003", "", "", "", "0"] in lms


def test_feedback_returned_per_student(term, tmp_path):
    course, *_ = term
    result = course_command("feedback", "demo", "--course-dir", str(course), "--return-to", str(tmp_path / "returned"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "returned").iterdir()) == ["1001", "1002", "1003", "feedback-demo.zip"]
    with zipfile.ZipFile(tmp_path / "returned" / "feedback-demo.zip") as bundle:
        assert sorted(bundle.namelist()) == ["jonesbob_1002_5002_demo-1_feedback.html", "leecarol_LATE_1003_5003_Demo_feedback.html",
                                             "smithalice_1001_5001_demo_feedback.html"]
