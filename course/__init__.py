"""Shared code for the CNN course: settings, datasets, plotting, kernels, build and grading.

Notebooks start with ``import course`` and ``course.setup()``; the command line is
``python -m course --help``.
"""

from course.config import data_dir, is_smoke, mode, model_path, pick, setup

__all__ = ["data_dir", "is_smoke", "mode", "model_path", "pick", "setup"]
