"""Formgrader shows the grader each written answer's mark scheme.

nbgrader removes mark schemes from everything it generates; they stay in the instructor's
``source/<assignment>/<notebook>.ipynb``. This preprocessor, configured only for the
instructor's JupyterLab (``jupyter-config/nbgrader_config.py``), puts each one under its
answer in formgrader's page. It acts only on formgrader's pages (which carry a
``submission_id``), never on feedback or anything a student receives.
"""

from __future__ import annotations

from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from course.config import course_dir

BEGIN, END = "BEGIN MARK SCHEME", "END MARK SCHEME"


def mark_schemes(source_notebook: Path) -> dict[str, str]:
    """grade_id -> the text between the mark scheme delimiters, for every cell that has one."""
    import nbformat

    schemes = {}
    for cell in nbformat.read(source_notebook, as_version=4).cells:
        lines = cell.source.splitlines()
        starts = [i for i, line in enumerate(lines) if BEGIN in line]
        ends = [i for i, line in enumerate(lines) if END in line]
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id and starts and ends and ends[0] > starts[0]:
            schemes[grade_id] = "\n".join(lines[starts[0] + 1 : ends[0]]).strip()
    return schemes


class ShowMarkSchemes(Preprocessor):
    """After each answer that has a mark scheme in the source, a markdown cell holding it."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        if "submission_id" not in resources or not resources.get("assignment_id") or not resources.get("notebook_id"):
            return nb, resources
        source = course_dir() / "source" / resources["assignment_id"] / f"{resources['notebook_id']}.ipynb"
        if not source.is_file():
            return nb, resources
        import nbformat

        schemes = mark_schemes(source)
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            scheme = schemes.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
            if scheme:
                cells.append(nbformat.v4.new_markdown_cell(f"**Mark scheme** (shown to graders only)\n\n{scheme}"))
        nb.cells = cells
        return nb, resources
