"""Make a submitted notebook safe to hand to nbgrader, before it is executed for grading.

- A notebook that is not valid JSON, or not a notebook, is refused with a one-line reason.
- The kernel is always the course's Python kernel, whatever the notebook names.
- A graded cell whose grade_id was edited gets it back (cell ids are the grade_ids, see
  ``course_tools.build``); an unknown grade_id loses its nbgrader metadata instead of
  failing the whole submission.
- A first cell is added that, before every test cell, restores the assertion helpers
  and built-ins student code could have rebound (``numpy.testing``, ``numpy``,
  ``math``, ``builtins``, and names that shadow built-ins).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat

GUARD_MARK = "# Added by `course grade`"
GUARD_TEMPLATE = '''# Added by `course grade`, not by the student: before each test cell runs, restore
# the assertion helpers and built-ins that code above could have rebound.
def _course_guard(test_cells={tests!r}):
    import builtins, hashlib, math, sys
    import numpy, numpy.testing

    modules = (builtins, math, numpy, numpy.testing)
    saved = [(module, dict(vars(module))) for module in modules]
    shell = get_ipython()

    def restore(info):
        for module, attributes in saved:
            sys.modules[module.__name__] = module
            for name, value in attributes.items():
                if getattr(module, name, None) is not value:
                    setattr(module, name, value)
        if hashlib.sha256(info.raw_cell.encode()).hexdigest() in test_cells:
            namespace = shell.user_ns
            for name in [n for n in namespace if not n.startswith("_") and hasattr(builtins, n)]:
                del namespace[name]
            for alias in ("np", "numpy"):
                if alias in namespace:
                    namespace[alias] = numpy

    shell.events.register("pre_run_cell", restore)


_course_guard()
del _course_guard
'''


class SubmissionError(Exception):
    """A submitted notebook that cannot be graded at all, in one line."""


def cell_hash(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def prepare(path: Path, test_sources: list[str], grade_ids: set[str]) -> list[str]:
    """Rewrite the notebook at ``path`` for grading; return notes on what was repaired."""
    try:
        notebook = nbformat.reads(Path(path).read_text(encoding="utf-8", errors="replace"), as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as error:
        raise SubmissionError(f"{Path(path).name} is not valid JSON (truncated or not a notebook): {str(error)[:80]}") from None
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds for malformed notebooks
        raise SubmissionError(f"{Path(path).name} is not a readable notebook ({error.__class__.__name__})") from None
    notes = []
    if notebook.metadata.get("kernelspec", {}).get("name") != "python3":
        notes.append("kernel set to python3")
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader")
        if not isinstance(meta, dict) or meta.get("grade_id") in grade_ids:
            continue
        if cell.get("id") in grade_ids:
            notes.append(f"restored grade_id {cell['id']}")
            meta["grade_id"] = cell["id"]
        else:
            notes.append("ignored a cell with an unknown grade_id")
            del cell.metadata["nbgrader"]
    guard = nbformat.v4.new_code_cell(GUARD_TEMPLATE.format(tests=sorted({cell_hash(s) for s in test_sources})))
    guard.id = "course-grade-guard"
    notebook.cells = [c for c in notebook.cells if not c.source.startswith(GUARD_MARK)]
    notebook.cells.insert(0, guard)
    nbformat.write(notebook, path)
    return notes
