"""Keep TensorFlow's start-up log lines out of notebooks and commands.

TensorFlow's C++ runtime writes lines such as "WARNING: All log messages before
absl::InitializeLog() is called are written to STDERR", "Could not find cuda drivers"
and "failed call to cuInit" straight to file descriptor 2 while it loads and looks for a
GPU, before ``TF_CPP_MIN_LOG_LEVEL`` is read, and Jupyter's kernel forwards that
descriptor into the notebook as red text. ``install()`` (run by ``import course``) wraps
the first ``import tensorflow`` and its device discovery so that those lines are dropped
and anything else printed meanwhile is passed on, sets TensorFlow's Python logger to
errors only and drops Keras's notice that ``fit`` ignores ``shuffle`` for a dataset.
``TF_CPP_MIN_LOG_LEVEL=0`` keeps them all.
It also drops Matplotlib's one-time notice that it is building its font cache.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import logging
import os
import re
import sys
import tempfile
import warnings

LEVEL_VARIABLE = "TF_CPP_MIN_LOG_LEVEL"
# A C++ log line: severity (Info, Warning, Error), date, time, thread id, file:line].
_LOG_LINE = re.compile(r"^[IWE]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [^\s\]]+:\d+\] ")
# Second lines of multi-line start-up messages.
_CONTINUATIONS = ("To enable the following instructions:",)
# Keras 3's notice at every fit on a dataset, which shuffles itself (a regular expression).
_SHUFFLE_IGNORED = r"`shuffle=True` was passed, but will be ignored"
_PRE_INIT = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"


def drop_startup_lines(text: str) -> str:
    """``text`` without TensorFlow's C++ log lines (and the known lines that continue them)."""
    kept, in_log_message = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith(_PRE_INIT) or _LOG_LINE.match(line):
            in_log_message = True
        elif not (in_log_message and line.startswith(_CONTINUATIONS)):
            in_log_message = False
            kept.append(line)
    return "".join(kept)


@contextlib.contextmanager
def startup_lines_dropped():
    """Capture what is written to descriptor 2 meanwhile; pass on all but the start-up log."""
    if os.environ.get(LEVEL_VARIABLE, "").strip() == "0":
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            rest = drop_startup_lines(capture.read().decode(errors="replace"))
            if rest:
                sys.stderr.write(rest)


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with startup_lines_dropped():
            self._loader.exec_module(module)
            module.config.list_physical_devices()  # the GPU probe logs too: do it now, quietly
        _python_warnings_off()

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` as the other finders would, with a loader that keeps it quiet.

    It stays in place until TensorFlow is imported: a mere ``importlib.util.find_spec``
    (libraries use it to see whether TensorFlow is installed) must not use it up.
    """

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow" or "tensorflow" in sys.modules:
            return None
        for finder in sys.meta_path:
            spec = None if finder is self or not hasattr(finder, "find_spec") else finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _QuietLoader(spec.loader)
                return spec
        return None


def _python_warnings_off() -> None:
    """TensorFlow's Python warnings (retracing notices and the like) go to stderr, which
    nbgrader counts as a failed test cell: keep errors only, unless all logs are asked for.
    Keras 3 also warns at every ``fit`` on a ``tf.data.Dataset`` that its default
    ``shuffle=True`` is ignored (the dataset shuffles itself): that notice goes too."""
    if os.environ.get(LEVEL_VARIABLE, "").strip() != "0":
        logging.getLogger("tensorflow").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", message=_SHUFFLE_IGNORED, category=UserWarning)


class _NoFontCacheNotice(logging.Filter):
    """Matplotlib's one-time "building the font cache" notice, which notebooks show in red."""

    def filter(self, record):
        return "building the font cache" not in record.getMessage()


def install() -> None:
    """Quiet TensorFlow's start-up from now on, and its Python warnings (now if it is imported)."""
    os.environ.setdefault(LEVEL_VARIABLE, "2")
    font_manager = logging.getLogger("matplotlib.font_manager")
    if not any(isinstance(f, _NoFontCacheNotice) for f in font_manager.filters):
        font_manager.addFilter(_NoFontCacheNotice())
    if "tensorflow" in sys.modules:
        _python_warnings_off()
    elif not any(isinstance(f, _QuietTensorFlowFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowFinder())
