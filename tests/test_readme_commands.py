"""The README's set-up command is idempotent: a second `make course` is quick and changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO
from course.config import data_dir

NO_OP_SECONDS = 10  # the README says "a few seconds"


def tracked_state() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "source", "release"], cwd=REPO, capture_output=True, text=True).stdout


def mtimes() -> dict[str, int]:
    folders = [REPO / "source", REPO / "release", data_dir()]
    return {str(p): p.stat().st_mtime_ns for top in folders for p in Path(top).rglob("*") if p.is_file()}


def test_readme_names_the_two_commands():
    readme = (REPO / "README.md").read_text()
    assert "make course" in readme and "make test" in readme
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test\n" in ci and "make test-browser" in ci


def test_make_course_twice_changes_nothing_and_the_second_is_quick():
    # The environment running this test, installed already (SETUP= : make installs nothing into it).
    command = ["make", "--no-print-directory", "course", f"VENV={sys.prefix}", "SETUP="]
    first = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-2000:]
    before, status = mtimes(), tracked_state()
    load = os.getloadavg()[0]
    started = time.monotonic()
    second = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    assert second.returncode == 0, second.stderr[-2000:]
    assert "0 file(s) written" in second.stdout
    assert mtimes() == before and tracked_state() == status
    print(f"\nno-op `make course`: {elapsed:.1f} s (load average {load:.1f})")
    assert elapsed < NO_OP_SECONDS, f"a no-op `make course` took {elapsed:.0f} s"


def test_make_course_prints_no_log_walls():
    """A no-op `make course`: one line per dataset (and the stand-in's warning), one for the build."""
    result = subprocess.run(["make", "--no-print-directory", "course", f"VENV={sys.prefix}", "SETUP="], cwd=REPO, capture_output=True, text=True)
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode == 0, lines
    assert [line.split()[0] for line in lines if not line.lstrip().startswith("WARNING: cifar10 is a synthetic stand-in")] == ["mnist", "cifar10", "built"], lines
