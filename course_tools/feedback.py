"""Feedback for students, from the gradebook: nbgrader's generate_feedback with the course's template.

The template (``templates/feedback``) lists the exercises by title with their scores, says
"awaiting hand grading" for a written answer no grader has scored yet (nbgrader would print
0), shows graders' comments, and leaves out the cells that are for graders only (mark
schemes). ``configure`` applies the same settings to any nbgrader configuration, so the
"Generate feedback" button of formgrader produces the same pages (see nbgrader_config.py).

``return_feedback`` hands the pages back per student: one folder per student and one zip,
named after the files the LMS gave (``<name>_<id>_<id>_feedback.html``) when the
submissions were collected from an LMS download.
"""

from __future__ import annotations

import html
import os
import shutil
import zipfile
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _preprocessor_class():
    from nbgrader.preprocessors import GetGrades

    class CourseGrades(GetGrades):
        """nbgrader's GetGrades, which also marks answers awaiting hand grading and drops grader-only cells."""

        def preprocess(self, nb, resources):
            nb.cells = [c for c in nb.cells if not (c.metadata.get("course") or {}).get("grader_only")]
            return super().preprocess(nb, resources)

        def _get_score(self, cell, resources):
            super()._get_score(cell, resources)
            grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id, self.assignment_id, self.student_id)
            if grade.manual_score is None and grade.needs_manual_grade:
                cell.metadata.nbgrader["score"] = None

    return CourseGrades


def __getattr__(name: str):
    if name == "CourseGrades":  # nbgrader is imported only where feedback is made
        value = _preprocessor_class()
        globals()[name] = value
        return value
    raise AttributeError(name)


def configure(c) -> None:
    """Make nbgrader's generate_feedback (and formgrader's button) use the course's feedback."""
    import nbgrader

    nbgrader_templates = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates)]
    c.GenerateFeedback.preprocessors = ["course_tools.feedback.CourseGrades", "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]


def generate(root: Path, assignment: str, students: list[str], done=lambda: None) -> dict[str, str]:
    """Write ``feedback/<student>/<assignment>/`` for each student; return the failures' reasons."""
    import logging

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]
    config.Application.log_level = logging.ERROR
    configure(config)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    failures = {}
    for student in students:
        result = api.generate_feedback(assignment, student, force=True)
        if not result.get("success"):
            lines = [line for line in str(result.get("error") or result.get("log") or "").splitlines() if line.strip()]
            failures[student] = (lines[-1] if lines else "unknown error")[:200]
        done()
    return failures


def failure_page(root: Path, assignment: str, student: str, notebook: str, max_score: float, reason: str) -> Path:
    """The feedback of a submission that could not be graded: its zero and why."""
    folder = Path(root) / "feedback" / student / assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Feedback: {a}</title></head><body>"
        "<h1>{a}</h1><p><strong>Score: 0 / {m:g}</strong></p><p>This submission could not be graded: {r}</p>"
        "<p>Check that the notebook opens, runs from top to bottom with Restart &amp; Run All, and is saved "
        "under its original name, then submit it again.</p></body></html>"
    ).format(a=html.escape(assignment), m=max_score, r=html.escape(reason))
    path = folder / f"{notebook}.html"
    path.write_text(page)
    return path


def return_feedback(root: Path, assignment: str, students: list[str], out: Path, manifest: dict) -> Path:
    """Copy each student's feedback into ``out/<student>/`` and one zip; return the zip."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    bundle = out / f"feedback-{assignment}.zip"
    staged = bundle.with_name(f".{bundle.name}.tmp-{os.getpid()}")
    with zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as archive:
        for student in students:
            folder = Path(root) / "feedback" / student / assignment
            pages = sorted(folder.glob("*.html")) if folder.is_dir() else []
            target = out / student
            shutil.rmtree(target, ignore_errors=True)
            for page in pages:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(page, target / page.name)
                lms = manifest.get(student)
                if lms and lms.get("original"):
                    name = f"{Path(lms['original']).stem}_feedback.html"
                else:
                    name = f"{student}/{page.name}"
                archive.write(page, name)
    os.replace(staged, bundle)
    return bundle
