"""Hostile and broken submissions: each does one bad thing and gets the grade it deserves.

They are all graded in one run beside honest classmates, whose grades in the table, the CSV
and the real gradebook must equal their grades when graded alone, and nothing of the course
may change. The demo assignment has 2 + 1 autograded points and a written answer graded by
hand: a correct output_size earns 2, a correct relu 1. Almost every hostile case answers
output_size correctly and relu wrongly (np.abs), then attacks the grading of relu: holding
means scoring exactly 2.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from course_tools import collect, gradebook, grading, sandbox
from test_grading import RELU_WRONG

LIMITS = sandbox.Limits(cell_timeout=20, notebook_timeout=240, memory_mb=1024, tasks=64, cpu_seconds=120, disk_mb=64)
SECRET = "course-secret-7f3a9c"  # set in the grader's environment: no submission may see it
MARK = "course-leftover-mark"  # a name for files left in /tmp and /dev/shm
CORRECT_RELU = "def relu(x):\n    return np.maximum(np.asarray(x), 0)\n"


def reference(course) -> dict:
    return json.loads((course / "source" / "demo" / "demo.ipynb").read_text())


def cell(notebook, grade_id) -> dict:
    return next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def answer(course, grade_id, source) -> dict:
    notebook = reference(course)
    cell(notebook, grade_id)["source"] = source
    return notebook


def wrong(course, extra: str) -> dict:
    """A wrong relu, and ``extra`` run when the answer cell runs."""
    return answer(course, "relu-answer", RELU_WRONG + extra)


def inside(course, body: str) -> dict:
    """A wrong relu that runs ``body`` each time a test calls it (its prints land in the test's output)."""
    indented = "".join(f"    {line}\n" for line in body.splitlines())
    return answer(course, "relu-answer", f"def relu(x):\n{indented}    return np.abs(x)\n")


HONEST = {"honest_wrong": 2, "honest_correct": 3, "honest_blank": 0}


def honest_class(course) -> dict[str, dict]:
    release = json.loads((course / "release" / "demo" / "demo.ipynb").read_text())
    return {"honest_wrong": answer(course, "relu-answer", RELU_WRONG), "honest_correct": reference(course), "honest_blank": release}


def hostile_class(course) -> dict[str, tuple[dict, float, str]]:
    """student -> (notebook, expected score, text expected in the reason)."""
    course_root = str(course)
    cases = {}
    # Runaway code and the kernel's own process.
    cases["never_returns"] = (answer(course, "output-size-answer", "while True:\n    pass\n"), 1, "cell limit")
    cases["kills_kernel"] = (answer(course, "output-size-answer", "import os\nos._exit(1)\n"), 0, "the kernel died")
    cases["eats_memory"] = (answer(course, "output-size-answer", "hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))\n"), 1, "")
    # IPython machinery the reset restores.
    cases["pre_run_hook"] = (wrong(course, "def _h(*a):\n    import numpy.testing as t\n    t.assert_array_equal = lambda *a, **k: None\nget_ipython().events.register('pre_run_cell', _h)\n"), 2, "")
    cases["post_run_hook"] = (wrong(course, "def _h(*a):\n    import numpy.testing as t\n    t.assert_array_equal = lambda *a, **k: None\nget_ipython().events.register('post_run_cell', _h)\n_h()\n"), 2, "")
    cases["input_transformer"] = (wrong(course, "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n"), 2, "")
    cases["ast_transformer"] = (wrong(course, (
        "import ast\nclass _Drop(ast.NodeTransformer):\n    def visit_Expr(self, node):\n        return ast.Pass()\n"
        "    def visit_Assert(self, node):\n        return ast.Pass()\nget_ipython().ast_transformers.append(_Drop())\n")), 2, "")
    cases["interactivity"] = (wrong(course, "get_ipython().ast_node_interactivity = 'none'\nget_ipython().set_custom_exc((AssertionError,), lambda *a, **k: None)\n"), 2, "")
    cases["showtraceback"] = (wrong(course, "get_ipython().showtraceback = lambda *a, **k: None\nget_ipython()._showtraceback = lambda *a, **k: None\n"), 2, "")
    cases["settrace"] = (wrong(course, (
        "import sys, threading\ndef _t(frame, event, arg):\n    if event == 'line' and 'assert' in str(frame.f_code.co_filename):\n        frame.f_lineno += 1\n    return _t\n"
        "threading.settrace(_t)\ntry:\n    sys.settrace(_t)\nexcept Exception:\n    pass\ntry:\n    sys.setprofile(lambda *a: None)\nexcept Exception:\n    pass\n")), 2, "")
    # Patches below the level a guard restores, and answers that fool comparisons.
    cases["private_internals"] = (wrong(course, "import numpy.testing._private.utils as _u\n_u.assert_array_compare = lambda *a, **k: None\n"), 2, "")
    cases["code_swap"] = (wrong(course, "import numpy.testing as _t\ntry:\n    _t.assert_array_equal.__code__ = (lambda *a, **k: None).__code__\nexcept Exception:\n    pass\n"), 2, "")
    cases["module_class"] = (wrong(course, (
        "import types, numpy.testing as _t\nclass _M(types.ModuleType):\n    def __getattribute__(self, name):\n"
        "        return (lambda *a, **k: None) if name.startswith('assert') else types.ModuleType.__getattribute__(self, name)\n"
        "try:\n    _t.__class__ = _M\nexcept Exception:\n    pass\n")), 2, "")
    cases["rebinds_helpers"] = (wrong(course, "np.testing.assert_array_equal = lambda *args, **kwargs: None\nimport builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.type = lambda *a: np.ndarray\n"), 2, "")
    cases["fake_numpy"] = (wrong(course, "class _F:\n    def __getattr__(self, name):\n        return _F()\n    def __call__(self, *a, **k):\n        return None\nnp = _F()\n"), 2, "")
    cases["patch_while_tested"] = (inside(course, "import numpy.testing._private.utils as u\nu.assert_array_compare = lambda *a, **k: None"), 2, "")
    cases["always_equal"] = (answer(course, "output-size-answer", (
        "class _Equal(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\n"
        "def output_size(size, kernel, padding=0, stride=1):\n    return _Equal(0)\n")), 1, "")
    cases["always_equal_array"] = (answer(course, "relu-answer", (
        "class _Equal:\n    __array_priority__ = 1000\n    def __eq__(self, other):\n        return True\n    def __array__(self, *a, **k):\n        return np.array([0.0, 0.0, 2.0])\n"
        "def relu(x):\n    return _Equal()\n")), 2, "")
    cases["kernel_patch"] = (wrong(course, (
        "from ipykernel.ipkernel import IPythonKernel\nasync def _fake(self, code, *a, **k):\n    return {'status': 'ok', 'execution_count': 1, 'user_expressions': {}, 'payload': []}\n"
        "IPythonKernel.do_execute = _fake\ntype(get_ipython().kernel).do_execute = _fake\nget_ipython().kernel.do_execute = _fake.__get__(get_ipython().kernel)\n")), 2, "")
    cases["thread_repatches"] = (wrong(course, (
        "import threading, time, numpy.testing as _t\ndef _go():\n    while True:\n        try:\n            _t.assert_array_equal = lambda *a, **k: None\n            time.sleep(0.001)\n        except BaseException:\n            pass\n"
        "threading.Thread(target=_go, daemon=True).start()\n")), 2, "")
    # Cell metadata the executor would honour, and tampering with graded cells.
    tagged = wrong(course, "")
    for gid in ("relu-tests", "output-size-tests"):
        cell(tagged, gid)["metadata"]["tags"] = ["skip-execution", "raises-exception"]
    cell(tagged, "relu-tests")["metadata"]["nbgrader"].update(grade=False, solution=True)
    cases["tags_and_flags"] = (tagged, 2, "")
    deleted = reference(course)
    deleted["cells"] = [c for c in deleted["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") != "relu-tests"]
    cases["deletes_test_cell"] = (deleted, 2, "missing from the submission")
    edited = wrong(course, "")
    cell(edited, "relu-tests")["source"] = "pass"
    cell(edited, "relu-statement")["source"] = "Nothing to do here."
    cases["edits_locked_cells"] = (edited, 2, "")
    points = wrong(course, "")
    cell(points, "relu-tests")["metadata"]["nbgrader"]["points"] = 100
    cell(points, "output-size-tests")["metadata"]["nbgrader"]["points"] = 50
    cases["changes_points"] = (points, 2, "")
    renamed = wrong(course, "")
    cell(renamed, "relu-tests")["metadata"]["nbgrader"]["grade_id"] = "bonus-tests"
    cases["renames_grade_id"] = (renamed, 2, "restored the edited grade_id")
    cases["wrong_kernel"] = (reference(course) | {"metadata": {"kernelspec": {"name": "julia-1.9", "display_name": "Julia", "language": "julia"}}}, 3, "")
    malformed = reference(course)
    malformed["metadata"] = {"kernelspec": "python3", "language_info": ["not", "a", "dict"]}
    malformed["cells"][0]["metadata"] = ["not", "a", "dict"]
    malformed["cells"][0]["source"] = 42
    malformed["cells"][1]["outputs"] = "not a list"
    malformed["cells"][1]["metadata"] = {"nbgrader": "not a dict", "tags": "skip-execution"}
    cases["malformed_metadata"] = (malformed, 3, "")
    # Reaching the grader: its processes, files, environment, mounts and network.
    cases["reads_grader"] = (inside(course, (
        "import glob, os, socket\nfound = []\n"
        f"for path in ['/proc/1/cwd', '/proc/1/root', '/proc/%d/cwd' % os.getppid(), {course_root!r}, '/tmp', '/work']:\n"
        "    try:\n        found += [path + ':' + ','.join(os.listdir(path))[:200]]\n    except OSError as e:\n        pass\n"
        "for top in ('/home', '/tmp', '/run', '/opt', '/data', '/root', '/work', '/dev/shm'):\n"
        "    found += glob.glob(top + '/**/gradebook.db', recursive=True) + glob.glob(top + '/**/source/demo', recursive=True)\n"
        "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n    found.append('network')\nexcept OSError:\n    pass\n"
        "print('SNOOPED', sorted(os.environ), found, 'END')")), 2, "")
    cases["unmounts"] = (inside(course, (
        "import ctypes, os, subprocess\nlibc = ctypes.CDLL(None, use_errno=True)\ndone = []\n"
        "for line in open('/proc/self/mounts').read().splitlines():\n    point = line.split()[1]\n"
        "    if libc.umount2(point.encode(), 2) == 0:\n        done.append(point)\n"
        "for args in (['mount', '-o', 'remount,rw', '/usr'], ['unshare', '-rm', 'sh', '-c', 'umount -l /usr'], ['mount', '-t', 'tmpfs', 't', '/home']):\n"
        "    if subprocess.run(args, capture_output=True).returncode == 0:\n        done.append(' '.join(args))\n"
        "print('UNMOUNTED', done, 'END')")), 2, "")
    cases["edits_config"] = (inside(course, (
        "import os\nwritten = []\n"
        f"for path in [{course_root + '/nbgrader_config.py'!r}, {course_root + '/source/demo/demo.md'!r}, "
        f"{str(REPO / 'course' / 'config.py')!r}, '/opt/course/runtime/course/config.py', '/proc/1/cwd/nbgrader_config.py']:\n"
        "    try:\n        open(path, 'a').write('\\nc.Execute.timeout = 1\\n')\n        written.append(path)\n    except OSError:\n        pass\n"
        "print('WROTE', written, 'END')")), 2, "")
    cases["links_out"] = (inside(course, (
        "import os\nfor name, target in (('root', '/'), ('source', '../../source'), ('loop', 'loop')):\n"
        "    try:\n        os.symlink(target, name)\n    except OSError:\n        pass\n")), 2, "")
    # Limits of the whole submission.
    cases["worker_pool"] = (wrong(course, (
        "import os, time\n_kids = []\nfor _ in range(4):\n    _pid = os.fork()\n    if _pid == 0:\n"
        "        _b = bytearray(400 * 2**20)\n        for _i in range(0, len(_b), 4096):\n            _b[_i] = 1\n        time.sleep(30)\n        os._exit(0)\n    _kids.append(_pid)\n"
        "for _pid in _kids:\n    os.waitpid(_pid, 0)\n")), 2, "memory limit hit")
    cases["fork_bomb"] = (inside(course, (
        "import os, time\ncount = 0\ntry:\n    for _ in range(10_000):\n        if os.fork() == 0:\n            time.sleep(120)\n            os._exit(0)\n        count += 1\n"
        "except OSError:\n    pass\nprint('FORKED', count, 'END')")), 2, "")
    cases["many_threads"] = (inside(course, (
        "import threading, time\ncount = 0\ntry:\n    for _ in range(5000):\n        threading.Thread(target=time.sleep, args=(120,), daemon=True).start()\n        count += 1\n"
        "except RuntimeError:\n    pass\nprint('THREADS', count, 'END')")), 2, "")
    cases["fills_disk"] = (inside(course, (
        "written = 0\nfor path in ('big.bin', '/tmp/big.bin', '/dev/shm/big.bin'):\n    try:\n        with open(path, 'wb') as out:\n"
        "            for _ in range(2000):\n                out.write(b'x' * 2**20)\n                written += 2**20\n    except OSError:\n        pass\n"
        "print('WROTE_MB', written // 2**20, 'END')")), 2, "")
    cases["leaves_files"] = (wrong(course, f"for _path in ('/tmp/{MARK}', '/dev/shm/{MARK}', '{MARK}'):\n    open(_path, 'w').write('left behind')\n"), 2, "")
    # Output floods: while the tests run, and in the notebook as submitted.
    cases["floods_line"] = (inside(course, "print('x' * 20_000_000)"), 2, "")
    cases["floods_displays"] = (inside(course, (
        "from IPython.display import HTML, display\nfor _ in range(5000):\n    display(HTML('<b>flood</b><script>alert(\"xss\")</script>'))")), 2, "")
    submitted_flood = reference(course)
    figure = next(c for c in submitted_flood["cells"] if c["cell_type"] == "code" and "plt.plot" in "".join(c["source"]))
    figure["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "y" * 20_000_000},
                         *[{"output_type": "display_data", "metadata": {}, "data": {"text/html": "<script>alert('xss')</script><b>x</b>", "text/plain": "x"}}] * 5000]
    cases["floods_submitted_outputs"] = (submitted_flood, 3, "")
    cases["script_in_answer"] = (answer(course, "relu-written", "Linear maps compose.<script>alert('xss')</script><img src=x onerror=alert(1)>"), 3, "")
    return cases


def printed(course: Path, student: str, marker: str) -> str:
    """What a case printed between ``marker`` and END while its tests ran (the test cells' outputs)."""
    notebook = json.loads((course / "autograded" / student / "demo" / "demo.ipynb").read_text())
    text = "".join("".join(o.get("text", "")) for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade")
                   for o in c.get("outputs", []) if o.get("output_type") == "stream")
    start = text.index(marker) + len(marker)
    return text[start: text.index("END", start)].strip()


def course_state(course: Path) -> dict[str, str]:
    """Hashes of everything of the course a submission must not change (grading outputs aside)."""
    skipped = {"autograded", "feedback", "submitted", "downloaded", "gradebook.db"}
    state = {}
    for path in sorted(course.rglob("*")):
        if path.is_file() and path.relative_to(course).parts[0] not in skipped:
            state[str(path.relative_to(course))] = hashlib.sha256(path.read_bytes()).hexdigest()
    for package in ("course", "course_tools"):
        for path in sorted((REPO / package).rglob("*.py")):
            state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def leftovers() -> list[str]:
    found = [str(p) for folder in ("/tmp", "/dev/shm") for p in Path(folder).glob(f"*{MARK}*")]
    return found + [str(p) for p in grading.scratch_root().glob("run-*")]


def write_inbox(course: Path, inbox: Path, cases: dict, honest: dict) -> Path:
    """The class as an LMS-style zip, with ambiguous and duplicate entries; links come separately."""
    inbox.mkdir()
    bundle = inbox / "class.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        for student, notebook in [*((s, n) for s, (n, _, _) in cases.items()), *honest.items()]:
            archive.writestr(f"{student}.ipynb", json.dumps(notebook))
        ref = json.dumps(reference(course))
        archive.writestr("dave.ipynb", ref)
        archive.writestr("dave.ipynb", json.dumps(answer(course, "relu-answer", RELU_WRONG)))
        archive.writestr("alice.ipynb", ref)
        archive.writestr("alice_demo.ipynb", ref)
        archive.writestr("bob.ipynb", ref)
        archive.writestr("bob/demo/demo.ipynb", ref)
        archive.writestr("frank.ipynb/numpy.py", "testing = None\n")
        archive.writestr("frank.ipynb/demo.ipynb", ref)
        # nbgrader's folder layout: a module that would shadow numpy, and an extra notebook.
        archive.writestr("shadows_numpy/demo/demo.ipynb", json.dumps(answer(course, "relu-answer", RELU_WRONG + "import numpy\n")))
        archive.writestr("shadows_numpy/demo/numpy.py", "class testing:\n    assert_array_equal = staticmethod(lambda *a, **k: None)\n")
        archive.writestr("extra_notebook/demo/demo.ipynb", ref)
        archive.writestr("extra_notebook/demo/scratch.ipynb", json.dumps(answer(course, "relu-answer", "raise SystemExit")))
    return bundle


def plant_links(course: Path) -> None:
    """Links and loops left in submitted/ itself (as nbgrader's own collect could leave them)."""
    folder = course / "submitted" / "links_in_folder" / "demo"
    folder.mkdir(parents=True)
    (folder / "demo.ipynb").write_text(json.dumps(answer(course, "relu-answer", RELU_WRONG)))
    (folder / "source_link").symlink_to(course / "source")
    (folder / "etc_link").symlink_to("/etc")
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder)


EXTRA = {
    "dave": (0, "twice in the archive"),
    "alice": (0, "ambiguous"),
    "bob": (0, "ambiguous"),
    "frank": (0, "a folder, not a notebook"),
    "shadows_numpy": (2, "refused numpy.py"),
    "extra_notebook": (3, "ignored extra notebook scratch.ipynb"),
    "links_in_folder": (2, "(a link)"),
}


@pytest.fixture(scope="module")
def hostile_run(demo_course_template, tmp_path_factory):
    course = tmp_path_factory.mktemp("hostile") / "course"
    shutil.copytree(demo_course_template, course)
    cases = hostile_class(course)
    honest = honest_class(course)
    bundle = write_inbox(course, course.parent / "inbox", cases, honest)
    plant_links(course)
    before = course_state(course)
    os.environ["COURSE_TEST_SECRET"] = SECRET
    started = time.monotonic()
    try:
        results = {r.student: r for r in grading.grade("demo", root=course, submissions=bundle, jobs=2, limits=LIMITS, progress=False)}
    finally:
        os.environ.pop("COURSE_TEST_SECRET", None)
    elapsed = time.monotonic() - started
    after = course_state(course)

    alone = tmp_path_factory.mktemp("alone") / "course"
    shutil.copytree(demo_course_template, alone)
    (alone.parent / "inbox").mkdir()
    for student, notebook in honest.items():
        (alone.parent / "inbox" / f"{student}.ipynb").write_text(json.dumps(notebook))
    honest_alone = {r.student: r for r in grading.grade("demo", root=alone, submissions=alone.parent / "inbox", limits=LIMITS, progress=False)}
    return course, cases, results, honest_alone, alone, elapsed, (before, after)


def expected(hostile_run, student):
    _, cases, *_ = hostile_run
    return cases[student][1] if student in cases else EXTRA[student][0]


def _case_names() -> list[str]:
    names = ["never_returns", "kills_kernel", "eats_memory", "pre_run_hook", "post_run_hook", "input_transformer",
             "ast_transformer", "interactivity", "showtraceback", "settrace", "private_internals", "code_swap", "module_class",
             "rebinds_helpers", "fake_numpy", "patch_while_tested", "always_equal", "always_equal_array", "kernel_patch",
             "thread_repatches", "tags_and_flags", "deletes_test_cell", "edits_locked_cells", "changes_points", "renames_grade_id",
             "wrong_kernel", "malformed_metadata", "reads_grader", "unmounts", "edits_config", "links_out", "worker_pool",
             "fork_bomb", "many_threads", "fills_disk", "leaves_files", "floods_line", "floods_displays",
             "floods_submitted_outputs", "script_in_answer"]
    return names + sorted(EXTRA)


CASES = _case_names()


@pytest.mark.parametrize("student", CASES)
def test_hostile_submission_gets_the_grade_it_deserves(hostile_run, student):
    _, cases, results, *_ = hostile_run
    reason = cases[student][2] if student in cases else EXTRA[student][1]
    result = results[student]
    assert (result.score, result.max_score) == (expected(hostile_run, student), 4), f"{student}: {result.reason}"
    assert reason in result.reason, f"{student}: {result.reason}"


def test_honest_classmates_get_their_grades_alone(hostile_run):
    course, _, results, honest_alone, alone, _, _ = hostile_run
    for student, score in HONEST.items():
        assert (results[student].score, results[student].cells) == (honest_alone[student].score, honest_alone[student].cells) == (score, honest_alone[student].cells)

    def rows(root):
        with open(root / "autograded" / "scores-demo.csv") as handle:
            return {row["student"]: {k: v for k, v in row.items() if k != "limits"} for row in csv.DictReader(handle) if row["student"] in HONEST}

    assert rows(course) == rows(alone)
    for student in HONEST:
        cells = lambda root: [(c.grade_id, c.score, c.auto, c.manual) for c in gradebook.grades(root / "gradebook.db", "demo", student)]  # noqa: E731
        assert cells(course) == cells(alone)


def test_nothing_of_the_course_changed(hostile_run):
    *_, (before, after) = hostile_run
    assert after == before


def test_no_leftovers_in_tmp_shm_or_scratch(hostile_run):
    assert leftovers() == []


def test_submissions_saw_nothing_of_the_grader(hostile_run):
    """What the snooping cases printed (kept in their test cells' output): no secret, no gradebook, no network."""
    course, *_ = hostile_run
    snooped = printed(course, "reads_grader", "SNOOPED")
    assert SECRET not in snooped and "COURSE_TEST_SECRET" not in snooped
    assert "gradebook.db" not in snooped and "source/demo" not in snooped and "network" not in snooped
    assert str(course) not in snooped and str(REPO) not in snooped
    assert printed(course, "unmounts", "UNMOUNTED") == "[]"
    assert printed(course, "edits_config", "WROTE") == "[]"


def test_limits_held_and_were_reported(hostile_run):
    course, _, results, *_ = hostile_run
    assert 0 < int(printed(course, "fork_bomb", "FORKED")) < LIMITS.tasks
    assert 0 < int(printed(course, "many_threads", "THREADS")) < LIMITS.tasks
    assert 0 < int(printed(course, "fills_disk", "WROTE_MB")) <= LIMITS.disk_mb
    assert "memory" in results["worker_pool"].limits
    page = (course / "feedback" / "worker_pool" / "demo" / "demo.html").read_text()
    assert "memory limit hit" in page and "isolation: namespaces" in page


def test_outputs_are_capped_and_safe(hostile_run):
    course, *_ = hostile_run
    for case in ("floods_line", "floods_displays", "floods_submitted_outputs", "script_in_answer"):
        graded = course / "autograded" / case / "demo" / "demo.ipynb"
        page = course / "feedback" / case / "demo" / "demo.html"
        assert graded.stat().st_size < 1_000_000 and page.stat().st_size < 1_500_000, case
        # A script may stay in a code cell's source (the student's code, shown escaped), never
        # in an output or a markdown cell of the graded notebook, nor unescaped in the feedback.
        notebook = json.loads(graded.read_text())
        shown = json.dumps([c.get("outputs", []) if c["cell_type"] == "code" else c["source"] for c in notebook["cells"]])
        html = page.read_text()
        assert "alert(" not in shown and "<script>alert(" not in html and "onerror=alert" not in html, case


def test_grader_collected_no_link_and_no_kernel_file(hostile_run):
    course, *_ = hostile_run
    for student in ("links_out", "links_in_folder", "fills_disk", "leaves_files"):
        folder = course / "autograded" / student / "demo"
        assert all(p.is_file() and not p.is_symlink() for p in folder.rglob("*")), student
        assert sorted(p.name for p in folder.iterdir()) == ["demo.ipynb"], student


def test_feedback_hides_grading_machinery_and_instructor_paths(hostile_run):
    course, *_ = hostile_run
    for student in ("honest_correct", "honest_wrong", "honest_blank", "kills_kernel", "never_returns"):
        page = (course / "feedback" / student / "demo" / "demo.html").read_text()
        assert "Mark scheme" not in page and "_course_guard" not in page
        for path in (course, REPO, grading.scratch_root(), Path(sys.prefix), Path(sys.base_prefix)):
            assert str(path) not in page, (student, path)
        assert "Exercise 2: ReLU" in page or student == "kills_kernel"


def test_fallback_without_namespaces(demo_course_template, tmp_path, monkeypatch):
    """The same grading with the namespace probe forced off: limits only, said so, and the reset still holds."""
    monkeypatch.setenv("COURSE_SANDBOX_PROBE", "off")
    sandbox.probe_namespaces.cache_clear()
    try:
        course = tmp_path / "course"
        shutil.copytree(demo_course_template, course)
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        cases = hostile_class(course)
        chosen = {name: cases[name] for name in ("pre_run_hook", "private_internals", "patch_while_tested", "worker_pool", "fills_disk")}
        capped_bomb = inside(course, "import os, time\nfor _ in range(300):\n    if os.fork() == 0:\n        time.sleep(60)\n        os._exit(0)")
        chosen["fork_bomb"] = (capped_bomb, 0, "tasks limit hit")
        chosen["fills_disk"] = (chosen["fills_disk"][0], 0, "disk limit hit")  # without a tmpfs, the only stop is to kill it
        for student, (notebook, _, _) in chosen.items():
            (inbox / f"{student}.ipynb").write_text(json.dumps(notebook))
        for student, notebook in honest_class(course).items():
            (inbox / f"{student}.ipynb").write_text(json.dumps(notebook))
        lines = []
        limits = sandbox.Limits(**{**LIMITS.__dict__, "disk_mb": 64})
        results = {r.student: r for r in grading.grade("demo", root=course, submissions=inbox, jobs=2, limits=limits, progress=False, say=lines.append)}
        assert lines[0].startswith("isolation: NONE (turned off by COURSE_SANDBOX_PROBE=off)")
        for student, (_, score, reason) in chosen.items():
            assert results[student].score == score and reason in results[student].reason, f"{student}: {results[student].reason}"
        for student, score in HONEST.items():
            assert results[student].score == score
        assert "memory" in results["worker_pool"].limits and "disk" in results["fills_disk"].limits
        with pytest.raises(grading.GradingError, match="--require-isolation: .*; fix: "):
            grading.grade("demo", root=course, require_isolation=True, progress=False)
    finally:
        sandbox.probe_namespaces.cache_clear()


def test_summary(hostile_run, capsys):
    _, _, results, _, _, elapsed, _ = hostile_run
    held = sum(results[s].score == expected(hostile_run, s) for s in CASES)
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    with capsys.disabled():
        print(f"\nhostile submissions: {len(CASES)} tried, {held} held, beside {len(HONEST)} honest classmates,"
              f" graded in {elapsed:.0f} s with --jobs 2 (load average {load}); {sandbox.detect().backend}")
    assert held == len(CASES)
