"""`course build`: .ipynb and release/ are generated, deterministic, leak-free and up to date."""

from __future__ import annotations

import json

from conftest import REPO
from course_tools import build

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME")


def test_repository_notebooks_and_release_are_up_to_date():
    report = build.build(REPO, check=True)
    assert report.assignments, "no assignment found under source/"
    assert report.stale == [], "run `make course` and commit: " + ", ".join(report.stale)


def test_release_leaks_no_solution_hidden_test_or_source():
    for path in (REPO / "release").rglob("*"):
        if path.is_file():
            assert path.suffix != ".md" or path.name == "README.md", f"{path} is a markdown source"
            text = path.read_text(errors="ignore")
            assert not [m for m in MARKERS if m in text], f"{path} leaks {[m for m in MARKERS if m in text]}"


def test_generated_notebooks_carry_no_outputs():
    for path in list((REPO / "source").glob("*/*.ipynb")) + list((REPO / "release").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path


def test_check_reports_an_edited_source_and_build_repairs_it(demo_course):
    source = demo_course / "source" / "demo" / "demo.md"
    source.write_text(source.read_text().replace("A two-exercise notebook", "A two-exercise demo notebook"))
    stale = build.build(demo_course, check=True).stale
    assert stale == ["source/demo/demo.ipynb", "release/demo/demo.ipynb"]
    assert "A two-exercise notebook" in (demo_course / "release" / "demo" / "demo.ipynb").read_text()
    assert build.build(demo_course).written == stale
    assert build.build(demo_course).written == []
    assert build.build(demo_course, check=True).stale == []


def test_cell_ids_are_stable(demo_course):
    text = build.notebook_text(demo_course / "source" / "demo" / "demo.md")
    assert text == build.notebook_text(demo_course / "source" / "demo" / "demo.md")
    ids = [cell["id"] for cell in json.loads(text)["cells"]]
    assert "output-size-answer" in ids and len(set(ids)) == len(ids)


def test_release_keeps_data_files_but_not_markdown(demo_course):
    (demo_course / "source" / "demo" / "digit.png").write_bytes(b"\x89PNG fixture")
    (demo_course / "source" / "demo" / "NOTES.md").write_text("instructor notes")
    build.build(demo_course)
    assert (demo_course / "release" / "demo" / "digit.png").read_bytes() == b"\x89PNG fixture"
    assert not (demo_course / "release" / "demo" / "NOTES.md").exists()


def test_a_broken_source_is_a_one_line_error(demo_course):
    import pytest

    (demo_course / "source" / "demo" / "demo.md").write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(build.BuildError, match="demo.md"):
        build.build(demo_course, check=True)


def test_precommit_keeps_pairs_in_sync():
    config = (REPO / ".pre-commit-config.yaml").read_text()
    assert "jupytext" in config and "--sync" in config
