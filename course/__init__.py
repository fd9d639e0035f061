"""The student runtime of the CNN course: run modes, data loading, plotting, metrics, kernels.

Every notebook's setup cell starts with ``import course``, which first keeps TensorFlow's
start-up log lines out of the notebook (see ``course._quiet``), then ``course.setup()``.
The command line is ``python -m course --help``.
"""

from course import _quiet

_quiet.install()

from course.config import course_dir, data_dir, is_smoke, mode, model_path, pick, setup  # noqa: E402

__all__ = ["course_dir", "data_dir", "is_smoke", "mode", "model_path", "pick", "setup"]
