"""Collecting submissions: nothing is guessed, nothing unsafe is extracted, nothing is lost."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from course_tools import collect


def notebook(text: str = "x") -> str:
    return json.dumps({"cells": [], "metadata": {"marker": text}, "nbformat": 4, "nbformat_minor": 5})


def make_zip(path: Path, entries: list[tuple[str, str]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return path


def test_ambiguous_entries_are_reported_not_resolved(tmp_path):
    bundle = make_zip(tmp_path / "class.zip", [
        ("alice.ipynb", notebook("a1")), ("alice_demo.ipynb", notebook("a2")),
        ("bob.ipynb", notebook()), ("bob/demo/demo.ipynb", notebook()),
        ("dave.ipynb", notebook("d1")), ("dave.ipynb", notebook("d2")),
        ("frank.ipynb/numpy.py", "x = 1"), ("frank.ipynb/demo.ipynb", notebook()),
        ("carol_demo.ipynb", notebook("c")), ("erin/demo/demo.ipynb", notebook("e")), ("notes.txt", "hello"),
    ])
    report = collect.import_submissions(tmp_path, "demo", bundle, "demo")
    assert report.students == ["carol", "erin"]
    assert sorted(report.problems) == ["alice", "bob", "dave", "frank"]
    assert "alice.ipynb and alice_demo.ipynb" in report.problems["alice"]
    assert "twice in the archive" in report.problems["dave"] and "a folder, not a notebook" in report.problems["frank"]
    assert report.ignored == ["notes.txt"]
    assert not (tmp_path / "submitted" / "alice").exists() and not (tmp_path / "submitted" / "frank").exists()
    assert json.loads((tmp_path / "submitted" / "carol" / "demo" / "demo.ipynb").read_text())["metadata"]["marker"] == "c"
    assert collect.load_problems(tmp_path, "demo") == report.problems


def test_an_id_with_a_trailing_newline_is_refused(tmp_path):
    bundle = make_zip(tmp_path / "class.zip", [("eve\n.ipynb", notebook()), ("ok.ipynb", notebook())])
    with pytest.raises(collect.CollectError, match="cannot tell whose 'eve\\\\n.ipynb' is"):
        collect.import_submissions(tmp_path, "demo", bundle, "demo")
    assert not (tmp_path / "submitted").exists()


@pytest.mark.parametrize("name,text,message", [
    ("../../evil.ipynb", "{}", "escapes the archive"),
    ("/abs.ipynb", "{}", "escapes the archive"),
    ("a\\b.ipynb", "{}", "escapes the archive"),
])
def test_unsafe_archives_are_refused_whole(tmp_path, name, text, message):
    bundle = make_zip(tmp_path / "class.zip", [(name, text), ("ok.ipynb", notebook())])
    with pytest.raises(collect.CollectError, match=message):
        collect.import_submissions(tmp_path, "demo", bundle, "demo")
    assert not (tmp_path / "submitted").exists()


def test_links_in_an_archive_are_refused(tmp_path):
    bundle = tmp_path / "class.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        info = zipfile.ZipInfo("alice.ipynb")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(collect.CollectError, match="is a link"):
        collect.import_submissions(tmp_path, "demo", bundle, "demo")


def test_a_folder_import_never_follows_links(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "gina" / "demo").mkdir(parents=True)
    (inbox / "gina" / "demo" / "demo.ipynb").write_text(notebook("g"))
    (inbox / "gina" / "demo" / "etc").symlink_to("/etc")
    (inbox / "gina" / "demo" / "loop").symlink_to(inbox / "gina" / "demo" / "loop")
    (inbox / "hank.ipynb").symlink_to(inbox / "gina" / "demo" / "demo.ipynb")
    report = collect.import_submissions(tmp_path / "course", "demo", inbox, "demo")
    assert report.students == ["gina"] and report.ignored == ["hank.ipynb (a link)"]
    copied = sorted(p.name for p in (tmp_path / "course" / "submitted" / "gina" / "demo").iterdir())
    assert copied == ["demo.ipynb"]


def test_an_unchanged_import_rewrites_nothing(tmp_path):
    bundle = make_zip(tmp_path / "class.zip", [("ivy.ipynb", notebook("i"))])
    collect.import_submissions(tmp_path, "demo", bundle, "demo")
    target = tmp_path / "submitted" / "ivy" / "demo" / "demo.ipynb"
    before = target.stat().st_mtime_ns
    collect.import_submissions(tmp_path, "demo", bundle, "demo")
    assert target.stat().st_mtime_ns == before


def test_lms_plan_matches_canvas_names_and_reports_duplicates(tmp_path):
    for name in ("smithalice_1001_5001_demo.ipynb", "jonesbob_1002_5002_demo.ipynb", "jonesbob_1002_5003_demo-1.ipynb",
                 "leecarol_LATE_1003_5004_Demo.ipynb", "syllabus.pdf", "doe_abc_1_demo.ipynb"):
        (tmp_path / name).write_text("{}")
    plan, problems, ignored = collect.plan_lms(tmp_path, collect._pattern("canvas"), ["demo"])
    assert sorted(info["student_id"] for info in plan.values()) == ["1001", "1003"]
    assert "jonesbob_1002_5002_demo.ipynb and jonesbob_1002_5003_demo-1.ipynb" in problems["1002"]
    assert sorted(ignored) == ["doe_abc_1_demo.ipynb", "syllabus.pdf"]


def test_a_custom_pattern_needs_the_named_groups():
    with pytest.raises(collect.CollectError, match="needs the named groups"):
        collect._pattern(r"(?P<who>\w+)\.ipynb")
    with pytest.raises(collect.CollectError, match="not a regular expression"):
        collect._pattern(r"(unclosed")
