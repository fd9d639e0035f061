"""Run mode (smoke or full), the course folder, the dataset folder, seeds and version banner.

No path here depends on where the package is installed: the course folder is found from
the working directory (or ``$COURSE_DIR``), the datasets from ``$TFDS_DATA_DIR`` or
TFDS's own default, ``~/tensorflow_datasets``.
"""

from __future__ import annotations

import os
import platform
import tomllib
from pathlib import Path

MODE_VARIABLE = "COURSE_MODE"
MODES = ("full", "smoke")
COURSE_DIR_VARIABLE = "COURSE_DIR"
DEFAULT_DATA_DIR = Path("~/tensorflow_datasets")  # where TFDS itself keeps datasets by default
# nbgrader sets this while it executes a notebook (validate, autograde): checks run in smoke mode.
NBGRADER_VARIABLE = "NBGRADER_EXECUTION"


def mode() -> str:
    """The run mode: ``full`` (what a student runs) or ``smoke`` (tiny slices, for checks).

    ``$COURSE_MODE`` decides; when it is unset, notebooks run in full mode, except under
    nbgrader (the Validate button, ``nbgrader validate``, grading), which runs smoke mode.
    """
    value = os.environ.get(MODE_VARIABLE, "").strip().lower()
    if not value:
        return "smoke" if os.environ.get(NBGRADER_VARIABLE) else "full"
    if value not in MODES:
        raise ValueError(f"{MODE_VARIABLE}={value!r} is not a run mode; use 'full' or 'smoke'")
    return value


def is_smoke() -> bool:
    return mode() == "smoke"


def pick(*, full, smoke):
    """Return ``full`` or ``smoke`` according to the run mode, e.g. ``pick(full=10, smoke=1)``."""
    return smoke if is_smoke() else full


def is_course_dir(folder: Path) -> bool:
    """Whether ``folder`` holds a course: a ``pyproject.toml`` with a ``[tool.course]`` table."""
    try:
        with open(folder / "pyproject.toml", "rb") as handle:
            return "course" in tomllib.load(handle).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False


def course_dir(start: Path | None = None) -> Path:
    """The course folder: ``$COURSE_DIR``, else the nearest folder at or above ``start``
    (the working directory) that holds a course, else ``start`` itself."""
    configured = os.environ.get(COURSE_DIR_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    here = Path(start or os.getcwd()).resolve()
    return next((folder for folder in (here, *here.parents) if is_course_dir(folder)), here)


def data_dir() -> Path:
    """Where prepared TFDS datasets live: ``$TFDS_DATA_DIR`` if set, else ``~/tensorflow_datasets``."""
    configured = os.environ.get("TFDS_DATA_DIR", "").strip()
    return Path(configured or DEFAULT_DATA_DIR).expanduser().resolve()


def model_path(name: str) -> Path:
    """Where a notebook saves (and later notebooks look for) a trained model.

    ``$COURSE_MODELS_DIR`` if set (grading gives each submission its own), else
    ``models/<mode>/`` in the course folder, so a smoke run never replaces a full-mode model.
    """
    configured = os.environ.get("COURSE_MODELS_DIR", "").strip()
    folder = Path(configured).expanduser() if configured else course_dir() / "models" / mode()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.keras"


def setup(seed: int = 0) -> str:
    """Seed Python, NumPy and TensorFlow, print the versions and settings, return the mode."""
    import keras
    import tensorflow as tf
    import tensorflow_datasets as tfds

    keras.utils.set_random_seed(seed)
    devices = [d.device_type for d in tf.config.list_physical_devices()]
    accelerator = "GPU" if "GPU" in devices else "CPU only"
    print(
        f"Python {platform.python_version()} | TensorFlow {tf.__version__} | Keras {keras.__version__}"
        f" | TFDS {tfds.__version__} | {accelerator}\n"
        f"Mode: {mode()} (set {MODE_VARIABLE}=smoke or full) | seed {seed} | data: {data_dir()}"
    )
    return mode()
