"""The last step of nbgrader's ``generate_assignment`` for this course (see nbgrader_config.py).

A student's notebook must not be paired with a Jupytext file (its first save would write a
stray ``.md`` beside it), and it records which release it is, so that ``course work`` can
tell a newer release from the student's own edits.
"""

from __future__ import annotations

import hashlib
import json

from nbgrader.preprocessors import NbGraderPreprocessor

from course.work import RELEASE_KEY


def release_id(notebook) -> str:
    """A short fingerprint of a notebook's cells: sources, types and metadata."""
    cells = [[cell.cell_type, cell.source, cell.get("metadata", {})] for cell in notebook.cells]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()[:12]


class StudentVersion(NbGraderPreprocessor):
    """Drop the Jupytext pairing; record the release fingerprint in ``metadata.course``."""

    def preprocess(self, nb, resources):
        nb.metadata.pop("jupytext", None)
        nb.metadata[RELEASE_KEY] = {"release": release_id(nb)}
        return nb, resources
