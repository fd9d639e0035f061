"""The course's gradebook (nbgrader's ``gradebook.db``): filled from grading, read for every report.

Only the grading process writes it, one student at a time, from the scratch gradebook of
that student's grading run. A merge replaces the automatic scores and never touches a
grader's score or comment (``manual_score``, ``manual_comment``): after a resubmission or
``--force`` both are kept, and a hand-graded answer whose text changed is flagged for hand
grading again. Every total, CSV and feedback is read back from it, so a grade given in
formgrader shows everywhere on the next ``course grade`` or ``course feedback``.
"""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@contextmanager
def open_gradebook(path: Path):
    from nbgrader.api import Gradebook

    warnings.filterwarnings("ignore", module="nbgrader.api")  # SQLAlchemy notices from nbgrader's own API
    with Gradebook(f"sqlite:///{path}") as gb:
        yield gb


@dataclass
class CellGrade:
    notebook: str
    grade_id: str
    kind: str  # test, written, code answer
    score: float
    max_score: float
    auto: float | None
    manual: float | None
    needs_manual: bool
    comment: str


def template(real: Path, target: Path) -> None:
    """A copy of the gradebook with the assignments' cells and no student in it."""
    shutil.copyfile(real, target)
    with sqlite3.connect(target) as db:
        for table in ("comment", "grade", "submitted_notebook", "submitted_assignment", "student"):
            db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    with sqlite3.connect(target) as db:
        db.execute("VACUUM")


def test_sources(real: Path, assignment: str, notebook: str) -> list[str]:
    """The sources of the autograded test cells, exactly as nbgrader will run them."""
    with open_gradebook(real) as gb:
        found = gb.find_notebook(notebook, assignment)
        sources = {cell.name: cell.source for cell in found.source_cells}
        solutions = {cell.name for cell in found.solution_cells}
        return [sources[cell.name] for cell in found.grade_cells if cell.cell_type == "code" and cell.name not in solutions]


def max_score(real: Path, assignment: str) -> float:
    with open_gradebook(real) as gb:
        return float(gb.find_assignment(assignment).max_score)


def merge(real: Path, assignment: str, student: str, worker: Path | None, changed_answers: set[str]) -> None:
    """Record one student's grading run; hand grades and comments stay as graders left them."""
    from nbgrader.api import MissingEntry

    automatic: dict[tuple[str, str], tuple] = {}
    timestamp = None
    if worker is not None:
        with open_gradebook(worker) as gb:
            submitted = gb.find_submission(assignment, student)
            timestamp = submitted.timestamp
            for notebook in submitted.notebooks:
                for grade in notebook.grades:
                    automatic[(notebook.name, grade.name)] = (grade.auto_score, grade.needs_manual_grade)
                for comment in notebook.comments:
                    automatic[(notebook.name, "comment:" + comment.name)] = (comment.auto_comment,)
    with open_gradebook(real) as gb:
        gb.update_or_create_student(student)
        try:
            submitted = gb.find_submission(assignment, student)
        except MissingEntry:
            submitted = gb.add_submission(assignment, student)
        submitted.timestamp = timestamp
        for notebook in submitted.notebooks:
            for grade in notebook.grades:
                auto, needs = automatic.get((notebook.name, grade.name), (0.0, False))
                grade.auto_score = auto
                if grade.manual_score is None:
                    grade.needs_manual_grade = bool(needs)
                else:  # a grader's score stays; an answer changed since is flagged until a grader saves it again
                    grade.needs_manual_grade = bool(grade.needs_manual_grade) or grade.name in changed_answers
            for comment in notebook.comments:
                comment.auto_comment = automatic.get((notebook.name, "comment:" + comment.name), (None,))[0]
        gb.db.commit()


def grades(real: Path, assignment: str, student: str) -> list[CellGrade] | None:
    """Every graded cell of a student's submission, as the gradebook has it now."""
    from nbgrader.api import MissingEntry

    with open_gradebook(real) as gb:
        try:
            submitted = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        found = []
        for notebook in submitted.notebooks:
            comments = {c.name: (c.manual_comment or "") for c in notebook.comments}
            for grade in notebook.grades:
                cell = grade.cell
                kind = "test" if cell.cell_type == "code" and grade.name not in comments else ("written" if cell.cell_type == "markdown" else "code answer")
                found.append(CellGrade(
                    notebook.name, grade.name, kind, float(grade.score or 0), float(grade.max_score or 0),
                    grade.auto_score, grade.manual_score, bool(grade.needs_manual_grade), comments.get(grade.name, ""),
                ))
        return found


# -------------------------------------------------------------------------------------
# Exports


def _write(path: Path, rows: list[list]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue())
    return path


def export_exercises(real: Path, assignment: str, students: list[str], exercises: dict[str, str], path: Path) -> Path:
    """One row per student and graded cell: who graded it, its score, the grader's comment."""
    rows = [["student", "notebook", "grade_id", "exercise", "kind", "score", "max_score", "graded_by", "comment"]]
    for student in students:
        for cell in grades(real, assignment, student) or []:
            graded_by = "hand" if cell.manual is not None else ("pending" if cell.needs_manual else "auto")
            rows.append([student, cell.notebook, cell.grade_id, exercises.get(cell.grade_id, ""), cell.kind,
                         f"{cell.score:g}", f"{cell.max_score:g}", graded_by, cell.comment])
    return _write(path, rows)


def export_lms(real: Path, assignment: str, students: list[str], manifest: dict, path: Path, style: str = "canvas") -> Path:
    """The totals as an LMS gradebook import: Canvas's columns, or a plain id/score table."""
    total = max_score(real, assignment)
    if style == "canvas":
        rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{assignment} ({total:g} points)"],
                ["Points Possible", "", "", "", "", f"{total:g}"]]
    else:
        rows = [["student_id", "name", "score", "max_score"]]
    for student in students:
        cells = grades(real, assignment, student) or []
        score = sum(c.score for c in cells)
        name = str(manifest.get(student, {}).get("name", student))
        rows.append([name, student, "", "", "", f"{score:g}"] if style == "canvas" else [student, name, f"{score:g}", f"{total:g}"])
    return _write(path, rows)
