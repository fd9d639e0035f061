"""Students' work is sacred: their copies live in work/<assignment>/, which no command writes.

`course work` makes each copy once, from release/; a newer release goes beside it. Then, in
a copy of this repository, a student's edit survives every target of the Makefile, the
build, nbgrader's own generate_assignment (formgrader's Generate button) and a new release.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from course import work
from course.cli import lab_environment
from course.config import data_dir


def release_notebook(root: Path, name: str, release: str | None, text: str) -> Path:
    folder = root / "release" / name
    folder.mkdir(parents=True, exist_ok=True)
    metadata = {"course": {"release": release}} if release else {}
    notebook = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": text}], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(notebook))
    (folder / "data.txt").write_text("a data file")
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_work_copies_each_release_once(tmp_path):
    release_notebook(tmp_path, "demo", "aaa", "first release")
    assert work.update(tmp_path) == ["demo: your copy is work/demo/demo.ipynb (new, from release/demo)"]
    assert tree(tmp_path / "work" / "demo") == tree(tmp_path / "release" / "demo")
    assert work.update(tmp_path) == []


def test_a_newer_release_goes_beside_the_students_copy(tmp_path):
    release_notebook(tmp_path, "demo", "aaa", "first release")
    work.update(tmp_path)
    mine = tmp_path / "work" / "demo" / "demo.ipynb"
    mine.write_text(mine.read_text().replace("first release", "my answers"))
    (tmp_path / "work" / "demo" / "notes.txt").write_text("mine")
    before = tree(tmp_path / "work" / "demo")
    release_notebook(tmp_path, "demo", "bbb", "second release")
    lines = work.update(tmp_path)
    assert lines == ["demo: a newer release is in work/demo-release-bbb/; your work/demo/ is untouched (copy your answers across when you are ready)"]
    assert tree(tmp_path / "work" / "demo") == before
    assert "second release" in (tmp_path / "work" / "demo-release-bbb" / "demo.ipynb").read_text()
    assert work.update(tmp_path) == lines, "the reminder stays; nothing is written again"
    assert tree(tmp_path / "work" / "demo") == before


def test_a_copy_that_says_nothing_of_its_release_is_left_alone(tmp_path):
    release_notebook(tmp_path, "demo", "aaa", "first release")
    work.update(tmp_path)
    mine = tmp_path / "work" / "demo" / "demo.ipynb"
    mine.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    release_notebook(tmp_path, "demo", "bbb", "second release")
    assert work.update(tmp_path) == [] and sorted(p.name for p in (tmp_path / "work").iterdir()) == ["demo"]


def test_course_work_without_a_release_is_a_one_line_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "course", "work", "--course-dir", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.startswith("error: no release/") and len(result.stderr.splitlines()) == 1


def repository_copy(destination: Path) -> Path:
    """The working tree as git sees it (tracked and new files), with the build cache."""
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, destination / name)
    if (REPO / ".build-cache.json").is_file():
        shutil.copy2(REPO / ".build-cache.json", destination)
    return destination


def make_targets(makefile: Path) -> set[str]:
    return set(re.search(r"^\.PHONY:(.*)$", makefile.read_text(), re.M).group(1).split())


@pytest.mark.workflow
@pytest.mark.notebooks
def test_a_students_edit_survives_every_make_target_the_build_and_a_new_release(tmp_path):
    root = repository_copy(tmp_path / "course")
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("COURSE_DIR", "MAKEFLAGS")}
    env["TFDS_DATA_DIR"] = str(data_dir())

    def run(*command: str, environment: dict | None = None) -> str:
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=environment or env, timeout=1800)
        assert done.returncode == 0, f"{' '.join(command)}: {done.stdout[-1500:]}{done.stderr[-1500:]}"
        return done.stdout

    def make(target: str, *overrides: str) -> str:
        # The environment running this test (SETUP= : no installation into it).
        return run("make", "--no-print-directory", target, f"VENV={sys.prefix}", "SETUP=", *overrides)

    make("work")
    mine = root / "work" / "mnist_cnn" / "mnist_cnn.ipynb"
    notebook = json.loads(mine.read_text())
    answer = next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code")
    answer["source"] = "# my answer, typed by hand\n"
    mine.write_text(json.dumps(notebook, indent=1))
    (mine.parent / "my-notes.txt").write_text("notes")
    edited = tree(root / "work")

    overrides = {
        "help": [],
        "data": [],
        "build": [],
        "course": [],
        "work": [],
        "lab": ["LAB_ARGS=--version"],
        "kit": [f"KIT={tmp_path / 'kit'}"],
        "test": ["PYTEST_ARGS=tests/test_environment.py -q -p no:cacheprovider"],
        "test-browser": ["PYTEST_ARGS=--collect-only -q -p no:cacheprovider"],
        "bench": [f"BENCH_ARGS=--quick --only notebooks --output {tmp_path / 'bench.json'}"],
        "clean": [f"VENV={tmp_path / 'a-venv-to-remove'}"],
    }
    assert make_targets(root / "Makefile") == overrides.keys(), "a Makefile target this test does not run"
    for target, extra in overrides.items():
        if target != "clean":
            make(target, *extra)
            assert tree(root / "work") == edited, f"`make {target}` changed work/"
    run(sys.executable, "-m", "course", "build", "--check")
    # As formgrader's Generate button, or a terminal of `make lab`, runs it: in the lab's environment.
    run(sys.executable, "-m", "nbgrader", "generate_assignment", "mnist_cnn", "--force", environment=lab_environment(root) | {"TFDS_DATA_DIR": env["TFDS_DATA_DIR"]})
    assert tree(root / "work") == edited and (root / "nbgrader-release" / "mnist_cnn").is_dir()

    # A new release of assignment 1: beside the student's copy, never on top.
    source = root / "source" / "mnist_cnn" / "mnist_cnn.md"
    source.write_text(source.read_text().replace("\n## ", "\nA sentence added in the new release.\n\n## ", 1))
    make("course")
    said = make("work")
    (beside,) = [p for p in (root / "work").iterdir() if p.name.startswith("mnist_cnn-release-")]
    assert f"a newer release is in work/{beside.name}/" in said
    assert "A sentence added in the new release." in (beside / "mnist_cnn.ipynb").read_text()
    assert {k: v for k, v in tree(root / "work").items() if not k.startswith(beside.name)} == edited
    make("clean", *overrides["clean"])
    assert {k: v for k, v in tree(root / "work").items() if not k.startswith(beside.name)} == edited, "`make clean` changed work/"
