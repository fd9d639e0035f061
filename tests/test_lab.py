"""`python -m course lab`: the environment JupyterLab gets, and a gradebook formgrader can open."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from course.cli import lab_environment
from course_tools.lab import complete_gradebook, is_half_created


def test_lab_puts_the_environments_scripts_on_path_and_the_course_settings_last(tmp_path, monkeypatch):
    (tmp_path / "jupyter-config").mkdir()
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/etc/hub-settings")
    env = lab_environment(tmp_path)
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == ["/etc/hub-settings", str(tmp_path / "jupyter-config")]


def test_a_half_created_gradebook_is_completed_and_keeps_its_grades(tmp_path):
    """What nbgrader leaves when `alembic` is not on PATH: tables, no schema version."""
    gradebook = tmp_path / "gradebook.db"
    script = (
        "import os, sys\n"
        "os.environ['PATH'] = '/nonexistent'\n"
        "from nbgrader.api import Gradebook\n"
        "try:\n"
        f"    Gradebook('sqlite:///{gradebook}')\n"
        "except FileNotFoundError:\n"
        "    sys.exit(0)\n"
        "sys.exit('nbgrader created the gradebook without alembic')\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    with sqlite3.connect(gradebook) as db:
        db.execute("insert into student (id, first_name, last_name, email, lms_user_id) values ('kept', '', '', '', '')")
    assert is_half_created(gradebook)
    assert complete_gradebook(gradebook) and not is_half_created(gradebook)
    assert not complete_gradebook(gradebook), "a complete gradebook is left alone"
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{gradebook}") as opened:
        assert [s.id for s in opened.students] == ["kept"]
