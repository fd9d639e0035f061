"""Hostile and broken submissions: each does one bad thing and gets the grade it deserves.

All of them are graded in one run beside an honest student, whose grade must be exactly
what it is when graded alone. The demo assignment has 2 + 1 autograded points (and one
written answer graded by hand): a correct ReLU earns 1, a correct output_size earns 2.
"""

from __future__ import annotations

import json
import time

import pytest

from course_tools import grading
from test_grading import OUTPUT_SIZE_WRONG, RELU_WRONG

LIMITS = grading.Limits(cell_timeout=20, notebook_timeout=240, memory_mb=2048)
CORRECT_SIZE = "def output_size(size, kernel, padding=0, stride=1):\n    return (size - kernel + 2 * padding) // stride + 1\n"


def reference(course) -> dict:
    return json.loads((course / "source" / "demo" / "demo.ipynb").read_text())


def cell(notebook, grade_id) -> dict:
    return next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def answer(course, grade_id, source) -> dict:
    notebook = reference(course)
    cell(notebook, grade_id)["source"] = source
    return notebook


def hostile_class(course) -> dict[str, tuple[dict | str, float, str]]:
    """student -> (notebook, expected score, text expected in the reason)."""
    cases = {}
    cases["honest"] = (answer(course, "relu-answer", RELU_WRONG), 2, "")
    cases["never_returns"] = (answer(course, "output-size-answer", "while True:\n    pass\n"), 1, "cell limit")
    cases["kills_kernel"] = (answer(course, "output-size-answer", "import os\nos._exit(1)\n"), 0, "the kernel died")
    cases["eats_memory"] = (answer(course, "output-size-answer", "hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))\n"), 1, "")
    cases["floods_output"] = (answer(course, "output-size-answer", CORRECT_SIZE + "for _ in range(200_000):\n    print('spam ' * 40)\n"), 3, "")

    deleted = reference(course)
    deleted["cells"] = [c for c in deleted["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") != "relu-tests"]
    cases["deletes_test_cell"] = (deleted, 2, "")

    edited = answer(course, "relu-answer", RELU_WRONG)
    cell(edited, "relu-tests")["source"] = "pass"
    cell(edited, "relu-statement")["source"] = "Nothing to do here."
    cases["edits_locked_cells"] = (edited, 2, "")

    points = answer(course, "relu-answer", RELU_WRONG)
    cell(points, "relu-tests")["metadata"]["nbgrader"]["points"] = 100
    cell(points, "output-size-tests")["metadata"]["nbgrader"]["points"] = 50
    cases["changes_points"] = (points, 2, "")

    renamed = answer(course, "relu-answer", RELU_WRONG)
    cell(renamed, "relu-tests")["metadata"]["nbgrader"]["grade_id"] = "bonus-tests"
    cases["renames_grade_id"] = (renamed, 2, "")

    cases["rebinds_helpers"] = (
        answer(course, "relu-answer", RELU_WRONG + "np.testing.assert_array_equal = lambda *args, **kwargs: None\n"),
        2,
        "",
    )
    cases["wrong_kernel"] = (reference(course) | {"metadata": {"kernelspec": {"name": "julia-1.9", "display_name": "Julia", "language": "julia"}}}, 3, "")
    snoop = (
        "import glob, os, pathlib, urllib.request\n"
        "found = []\n"
        f"for path in {[str(course / n) for n in ('submitted', 'source', 'autograded', 'gradebook.db')]!r}"
        " + ['../../../gradebook.db', '../../../source', '../../../submitted']:\n"
        "    if os.path.isdir(path):\n"
        "        found += os.listdir(path)\n"
        "    elif os.path.isfile(path) and os.path.getsize(path):\n"
        "        found.append(path)\n"
        f"found += glob.glob('{grading.scratch_root()}/work/*/*') + glob.glob('{grading.scratch_root()}/stage/*/*/course/submitted/*')\n"
        "try:\n"
        "    urllib.request.urlopen('https://pypi.org/simple/six/', timeout=5)\n"
        "    found.append('network')\n"
        "except OSError:\n"
        "    pass\n"
        "pathlib.Path('snooped.txt').write_text('\\n'.join(found) + '\\nchecked')\n"
    )
    cases["snoops"] = (answer(course, "output-size-answer", OUTPUT_SIZE_WRONG + snoop), 1, "")
    return cases


@pytest.fixture(scope="module")
def hostile_run(demo_course_template, tmp_path_factory):
    import shutil

    course = tmp_path_factory.mktemp("hostile") / "course"
    shutil.copytree(demo_course_template, course)
    inbox = course.parent / "inbox"
    inbox.mkdir()
    cases = hostile_class(course)
    for student, (notebook, _, _) in cases.items():
        (inbox / f"{student}.ipynb").write_text(notebook if isinstance(notebook, str) else json.dumps(notebook))
    # nbgrader's folder layout, with a second notebook that is not part of the assignment.
    extra = inbox / "extra_notebook" / "demo"
    extra.mkdir(parents=True)
    (extra / "demo.ipynb").write_text(json.dumps(reference(course)))
    (extra / "scratch.ipynb").write_text(json.dumps(answer(course, "relu-answer", "raise SystemExit")))
    cases["extra_notebook"] = (None, 3, "ignored extra notebook scratch.ipynb")
    started = time.monotonic()
    results = {r.student: r for r in grading.grade("demo", root=course, submissions=inbox, jobs=2, limits=LIMITS, progress=False)}
    elapsed = time.monotonic() - started

    alone = tmp_path_factory.mktemp("alone") / "course"
    shutil.copytree(demo_course_template, alone)
    (alone.parent / "inbox").mkdir()
    (alone.parent / "inbox" / "honest.ipynb").write_text(json.dumps(cases["honest"][0]))
    honest_alone = grading.grade("demo", root=alone, submissions=alone.parent / "inbox", limits=LIMITS, progress=False)[0]
    return course, cases, results, honest_alone, elapsed


CASES = ["never_returns", "kills_kernel", "eats_memory", "floods_output", "deletes_test_cell", "edits_locked_cells",
         "changes_points", "renames_grade_id", "rebinds_helpers", "wrong_kernel", "snoops", "extra_notebook"]


@pytest.mark.parametrize("student", CASES)
def test_hostile_submission_gets_the_grade_it_deserves(hostile_run, student):
    _, cases, results, _, _ = hostile_run
    _, expected, reason = cases[student]
    result = results[student]
    assert (result.score, result.max_score) == (expected, 4), f"{student}: {result.reason}"
    assert reason in result.reason


def test_honest_student_is_unaffected(hostile_run):
    _, _, results, honest_alone, _ = hostile_run
    honest = results["honest"]
    assert (honest.score, honest.cells) == (honest_alone.score, honest_alone.cells)


def test_flooded_output_is_trimmed(hostile_run):
    course, _, _, _, _ = hostile_run
    graded = course / "autograded" / "floods_output" / "demo" / "demo.ipynb"
    assert graded.stat().st_size < 1_000_000


def test_snooping_finds_no_classmate_solution_gradebook_or_network(hostile_run):
    course, _, _, _, _ = hostile_run
    snooped = (course / "autograded" / "snoops" / "demo" / "snooped.txt").read_text()
    assert snooped == "\nchecked", f"a submission could see: {snooped.split()}"


def test_summary(hostile_run, capsys):
    _, _, results, _, elapsed = hostile_run
    held = sum(results[s].score == hostile_class_expected(hostile_run, s) for s in CASES)
    with capsys.disabled():
        print(f"\nhostile submissions: {len(CASES)} tried, {held} held, graded in {elapsed:.0f} s with --jobs 2")
    assert held == len(CASES)


def hostile_class_expected(hostile_run, student):
    return hostile_run[1][student][1]
