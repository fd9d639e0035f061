"""`course build`: .ipynb and release/ are generated, deterministic, leak-free and up to date."""

from __future__ import annotations

import json

from conftest import REPO
from course_tools import build

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME")


def test_repository_notebooks_and_release_are_up_to_date():
    report = build.build(REPO, check=True, cache=False)
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


def test_source_notebooks_are_paired_and_release_notebooks_are_not():
    from course_tools.release import release_id

    for path in (REPO / "source").glob("*/*.ipynb"):
        assert json.loads(path.read_text())["metadata"]["jupytext"]["formats"] == "ipynb,md", path
    for path in (REPO / "release").glob("*/*.ipynb"):
        notebook = json.loads(path.read_text())
        assert "jupytext" not in notebook["metadata"], f"{path} is paired: its first save would write a .md beside it"
        import nbformat

        assert notebook["metadata"]["course"]["release"] == release_id(nbformat.reads(path.read_text(), as_version=4))


def test_nbgraders_own_generate_assignment_makes_the_same_release_elsewhere(demo_course):
    """formgrader's Generate button runs this: it must neither touch release/ nor differ from it."""
    before = (demo_course / "release" / "demo" / "demo.ipynb").read_bytes()
    result = build.nbgrader("generate_assignment", "demo", "--no-db", root=demo_course)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (demo_course / "nbgrader-release" / "demo" / "demo.ipynb").read_bytes() == before
    assert (demo_course / "release" / "demo" / "demo.ipynb").read_bytes() == before


def test_a_broken_nbgrader_config_is_an_error_not_a_silent_default(demo_course):
    import pytest

    with open(demo_course / "nbgrader_config.py", "a") as config:
        config.write("\nc.Nothing = undefined_name\n")
    with pytest.raises(build.BuildError, match="could not load"):
        build.build(demo_course, cache=False)


def test_a_no_op_build_runs_no_nbgrader_and_a_hand_edit_is_still_found(demo_course, monkeypatch):
    assert build.build(demo_course).written == []  # records the cache
    calls = []
    original = build.generate_release
    monkeypatch.setattr(build, "generate_release", lambda *a, **k: calls.append(a) or original(*a, **k))
    assert build.build(demo_course).written == [] and calls == []
    release = demo_course / "release" / "demo" / "demo.ipynb"
    release.write_text(release.read_text().replace("Demo assignment", "Edited by hand"))
    assert build.build(demo_course, check=True).stale == ["release/demo/demo.ipynb"]
    assert build.build(demo_course).written == ["release/demo/demo.ipynb"] and len(calls) == 2
    assert "Edited by hand" not in release.read_text()


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
