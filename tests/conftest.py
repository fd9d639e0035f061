"""Shared fixtures: a small built course folder for the build and grading tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def demo_course_template(tmp_path_factory) -> Path:
    """A course folder holding the TensorFlow-free ``demo`` assignment, built once."""
    from course_tools.build import build

    root = tmp_path_factory.mktemp("demo-course-template")
    shutil.copytree(FIXTURES / "demo", root / "source" / "demo")
    shutil.copy(REPO / "nbgrader_config.py", root)
    build(root=root)
    return root


@pytest.fixture
def demo_course(demo_course_template, tmp_path) -> Path:
    """A fresh copy of the built demo course that a test may change."""
    root = tmp_path / "course"
    shutil.copytree(demo_course_template, root)
    return root
