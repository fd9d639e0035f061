"""The README's set-up command is idempotent: a second `make course` is quick and changes nothing."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO


def tracked_state() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "source", "release"], cwd=REPO, capture_output=True, text=True).stdout


def mtimes() -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for top in ("source", "release", "data") for p in (REPO / top).rglob("*") if p.is_file()}


def test_readme_names_the_two_commands():
    readme = (REPO / "README.md").read_text()
    assert "make course" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_make_course_twice_changes_nothing():
    venv = Path(sys.prefix)
    command = ["make", "--no-print-directory", "course", f"VENV={venv}"]
    first = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-2000:]
    before, status = mtimes(), tracked_state()
    started = time.monotonic()
    second = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    assert second.returncode == 0, second.stderr[-2000:]
    assert "0 file(s) written" in second.stdout
    assert mtimes() == before and tracked_state() == status
    assert elapsed < 120, f"a no-op `make course` took {elapsed:.0f} s"
