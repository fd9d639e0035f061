"""Run mode (smoke or full), the dataset directory, seeds and version banner."""

from __future__ import annotations

import os
import platform
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODE_VARIABLE = "COURSE_MODE"
MODES = ("full", "smoke")


def mode() -> str:
    """The run mode: ``full`` (default, what a student runs) or ``smoke`` (CI and grading)."""
    value = os.environ.get(MODE_VARIABLE, "").strip().lower() or "full"
    if value not in MODES:
        raise ValueError(f"{MODE_VARIABLE}={value!r} is not a run mode; use 'full' or 'smoke'")
    return value


def is_smoke() -> bool:
    return mode() == "smoke"


def pick(*, full, smoke):
    """Return ``full`` or ``smoke`` according to the run mode, e.g. ``pick(full=10, smoke=1)``."""
    return smoke if is_smoke() else full


def data_dir() -> Path:
    """Where prepared TFDS datasets live: ``$TFDS_DATA_DIR`` if set, else ``data/`` in the repo."""
    configured = os.environ.get("TFDS_DATA_DIR", "").strip()
    return Path(configured).expanduser().resolve() if configured else ROOT / "data"


def model_path(name: str) -> Path:
    """Where a notebook saves (and later notebooks look for) a trained model.

    ``$COURSE_MODELS_DIR`` if set (grading gives each submission its own), else
    ``models/<mode>/`` in the repo, so a smoke run never replaces a full-mode model.
    """
    configured = os.environ.get("COURSE_MODELS_DIR", "").strip()
    folder = Path(configured) if configured else ROOT / "models" / mode()
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
