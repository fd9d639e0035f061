"""course_tools.sandbox: limits and isolation for the processes that run student code."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from course_tools import sandbox

ISOLATED = sandbox.namespaces_available()


@pytest.fixture
def box(tmp_path):
    scratch, stage = tmp_path / "work" / "s", tmp_path / "stage" / "s"
    scratch.mkdir(parents=True)
    stage.mkdir(parents=True)
    (scratch / "mine.txt").write_text("mine")
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "answers.txt").write_text("42")
    return sandbox.Sandbox(scratch, stage, hidden=[secret, tmp_path / "work"], memory_mb=512)


def run_python(box, code, deadline=60.0):
    return box.run([sys.executable, "-c", code], box.scratch, {"PATH": "/usr/bin:/bin"}, time.monotonic() + deadline)


def test_memory_limit(box):
    code, log = run_python(box, "x = bytearray(2 * 1024**3)")
    assert code != 0 and "MemoryError" in log


def test_runs_in_its_folder_and_sees_its_own_files(box):
    code, log = run_python(box, "print(open('mine.txt').read())")
    assert code == 0 and log.strip() == "mine"


def test_deadline_kills_everything_it_started(box):
    marker = f"sleep {300 + int(time.time()) % 1000}"
    started = time.monotonic()
    code, _ = box.run(["sh", "-c", f"setsid {marker} & {marker}"], box.scratch, {"PATH": "/usr/bin:/bin"}, time.monotonic() + 2)
    assert code is None and time.monotonic() - started < 30
    time.sleep(0.5)
    survivors = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
    if ISOLATED:
        assert survivors == [], "a process that left the group survived the PID namespace"
    else:
        subprocess.run(["pkill", "-f", marker])


@pytest.mark.skipif(not ISOLATED, reason="needs unprivileged namespaces; grading then runs without isolation, as the README says")
def test_isolation_hides_paths_and_network(box, tmp_path):
    code, log = run_python(
        box,
        "import os, socket\n"
        f"print(os.listdir({str(tmp_path / 'secret')!r}), os.path.exists({str(tmp_path / 'work' / 's' / 'mine.txt')!r}))\n"
        "try:\n    socket.create_connection(('pypi.org', 443), timeout=3); print('online')\n"
        "except OSError:\n    print('offline')\n",
    )
    assert code == 0, log
    assert log.split() == ["[]", "False", "offline"]


def test_kernel_spec_names_a_python_kernel(box, tmp_path):
    name = box.kernel_spec(tmp_path / "jupyter", [tmp_path / "secret"])
    spec = (tmp_path / "jupyter" / "kernels" / name / "kernel.json").read_text()
    assert "ipykernel_launcher" in spec and "{connection_file}" in spec
