"""The student kit: only what a student needs, nothing that gives an answer away, and a set-up
that works from the kit alone.

"From the kit alone": the kit is installed by its own Makefile (`pip install '.[lab]'` from
the kit folder) into a fresh virtual environment, and as a wheel built from a git URL of it
into another, with PYTHONPATH cleared. To save the minutes and gigabytes of installing
TensorFlow again, each fresh environment sees this test environment's third-party packages
through a `.pth` file naming a folder of links to them, from which this course's own
packages (`course`, `course_tools`, their editable-install hooks and metadata) are left
out: `course` can only come from the kit, pip still resolves the kit's declared
dependencies against what it sees (it would download any that were missing), and
`pip check` confirms them. The notebooks, holding a student's answers (the reference
solutions), then run in smoke mode in that environment, and in the same kernels every public
callable of the installed `course` is tried as each function an answer defines: none may
pass the test cells that grade it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import REPO
from course_tools import build, kit

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME", "END MARK SCHEME")
REGIONS = (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"), ("BEGIN MARK SCHEME", "END MARK SCHEME"))
ASSIGNMENTS = build.assignments(REPO)
# mnist_cnn saves the model that inside_cnn opens, so it runs first.
ORDER = sorted(ASSIGNMENTS, key=lambda a: (a != "mnist_cnn", a))
# What a student's kit may hold at its top level.
TOP_LEVEL = {".gitignore", "Makefile", "README.md", "pyproject.toml", "nbgrader_config.py", "jupyter-config", "course", "release"}


@pytest.fixture(scope="module")
def kits(tmp_path_factory):
    """The kit as a git repository and as a zip, written from the repository."""
    out = tmp_path_factory.mktemp("kits")
    return kit.write_kit(out / "cnn-kit", root=REPO, git=True), kit.write_kit(out / "cnn-kit-zip", root=REPO, archive=True)


def kit_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".git" not in p.relative_to(folder).parts}


def secret_lines() -> dict[str, str]:
    """Lines of solutions, hidden tests, mark schemes and model written answers (at least 16
    characters) that appear nowhere else in the sources: line -> where it comes from."""
    secret, public = {}, set()
    for assignment in ASSIGNMENTS:
        for cell in nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4).cells:
            nbgrader = cell.metadata.get("nbgrader", {})
            written_answer = cell.cell_type == "markdown" and nbgrader.get("solution")
            inside = None
            for line in cell.source.splitlines():
                text = line.strip()
                begins = [end for begin, end in REGIONS if begin in text]
                if begins:
                    inside = begins[0]
                elif inside and inside in text:
                    inside = None
                elif (inside or written_answer) and len(text) >= 16 and text != "YOUR ANSWER HERE":
                    secret[text] = f"{assignment}:{nbgrader.get('grade_id')}"
                else:
                    public.add(text)
    return {line: where for line, where in secret.items() if line not in public}


def test_the_kit_holds_only_what_a_student_needs(kits):
    folder, _ = kits
    files = kit_files(folder)
    assert {name.split("/")[0] for name in files} == TOP_LEVEL
    assert {p.parent.name for p in folder.glob("release/*/*.ipynb")} == set(ASSIGNMENTS)
    markdown = [name for name in files if name.endswith(".md") and name != "README.md"]
    assert markdown == [], "markdown sources in the kit"
    python = {name for name in files if name.endswith(".py")}
    assert python == {"nbgrader_config.py"} | {f"course/{p.name}" for p in (REPO / "course").glob("*.py")}
    assert 'packages = ["course"]' in files["pyproject.toml"].decode()
    for name in ("gradebook.db", "source", "autograded", "feedback", "submitted", "course_tools", "tests", "work"):
        assert not (folder / name).exists(), name


def leaks(files: dict[str, bytes], secrets: dict[str, str]) -> list[str]:
    """Every nbgrader marker, and every whole line of a solution, hidden test or mark scheme, in ``files``."""
    found = []
    for name, data in files.items():
        text = data.decode(errors="ignore")
        found += [f"{name}: marker {m}" for m in MARKERS if m in text]
        found += [f"{name}: {secrets[line]}: {line}" for line in sorted(lines_of(name, text) & secrets.keys())]
    return found


def test_no_file_of_the_kit_leaks_a_solution_hidden_test_or_mark_scheme(kits):
    folder, zipped = kits
    secrets = secret_lines()
    assert len(secrets) > 50, "the sources' solutions were not found"
    with zipfile.ZipFile(zipped) as bundle:
        zip_files = {name.split("/", 1)[1]: bundle.read(name) for name in bundle.namelist() if not name.endswith("/")}
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=folder, capture_output=True, text=True, check=True).stdout.split("\0")
    git_files = {name: (folder / name).read_bytes() for name in tracked if name}
    for label, files in (("folder", kit_files(folder)), ("zip", zip_files), ("git", git_files)):
        assert files.keys() == kit_files(folder).keys(), f"the {label} kit holds other files than the folder"
        assert leaks(files, secrets) == [], f"the {label} kit leaks"


def test_the_leak_check_finds_a_planted_hidden_test_and_solution(kits):
    folder, _ = kits
    secrets = secret_lines()
    hidden = next(line for line, where in secrets.items() if "assert" in line)
    solution = next(line for line, where in secrets.items() if "assert" not in line and "=" in line)
    files = kit_files(folder)
    files["course/models.py"] += f"\n    {solution}\n".encode()
    notebook = json.loads(files["release/mnist_cnn/mnist_cnn.ipynb"])
    notebook["cells"][-1]["source"] = [hidden + "\n"]
    files["release/mnist_cnn/mnist_cnn.ipynb"] = json.dumps(notebook).encode()
    found = leaks(files, secrets)
    assert len(found) == 2 and {f.split(":")[0] for f in found} == {"course/models.py", "release/mnist_cnn/mnist_cnn.ipynb"}


def lines_of(name: str, text: str) -> set[str]:
    """The stripped lines of a file; of a notebook, the lines of its cells and outputs."""
    if name.endswith(".ipynb"):
        notebook = json.loads(text)
        pieces = []
        for cell in notebook["cells"]:
            pieces.append("".join(cell["source"]))
            for output in cell.get("outputs", []):
                pieces.append("".join(output.get("text", "")) + json.dumps(output.get("data", {})))
        text = "\n".join(pieces)
    return {line.strip() for line in text.splitlines()}


def test_the_git_kit_is_one_fresh_commit(kits):
    folder, _ = kits
    log = subprocess.run(["git", "log", "--format=%s"], cwd=folder, capture_output=True, text=True, check=True).stdout.splitlines()
    assert log == ["Student kit of the CNN course"]
    assert subprocess.run(["git", "status", "--porcelain"], cwd=folder, capture_output=True, text=True).stdout == ""


def test_the_kit_refuses_an_out_of_date_release_and_an_existing_target(demo_course, tmp_path):
    (demo_course / "pyproject.toml").write_bytes((REPO / "pyproject.toml").read_bytes())
    (demo_course / "course").mkdir()
    source = demo_course / "source" / "demo" / "demo.md"
    source.write_text(source.read_text().replace("A two-exercise notebook", "An edited notebook"))
    with pytest.raises(kit.KitError, match="out of date"):
        kit.write_kit(tmp_path / "k", root=demo_course)
    build.build(demo_course)
    (tmp_path / "taken").mkdir()
    with pytest.raises(kit.KitError, match="already exists"):
        kit.write_kit(tmp_path / "taken", root=demo_course)
    assert kit.write_kit(tmp_path / "k", root=demo_course).is_dir()


# ---------------------------------------------------------------------------------------
# Installed from the kit alone: every notebook runs, and no function of the runtime answers


def answer_names(source: str) -> list[str]:
    """The functions and classes an answer cell defines (what its test cells call)."""
    tree = ast.parse(re.sub(r"^\s*###.*$", "", source, flags=re.M))
    names = [s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    names += [t.id for s in tree.body if isinstance(s, ast.Assign) and isinstance(s.value, ast.Lambda) for t in s.targets if isinstance(t, ast.Name)]
    return names


def probes(assignment: str) -> list[dict]:
    """For each function an answer defines: the test cells that grade it, and the answer (to restore)."""
    from test_assignments import load_mutants, nbgrader_cells, reference

    cells = nbgrader_cells(reference(assignment))
    tests_of: dict[str, set[str]] = {}
    for mutant in load_mutants(assignment):
        tests_of.setdefault(mutant["answer"], set()).update(mutant["tests"])
    return [
        {"name": name, "tests": sorted(tests), "test_sources": [cells[t].source for t in sorted(tests)], "answer_source": cells[answer].source}
        for answer, tests in sorted(tests_of.items())
        for name in answer_names(cells[answer].source)
    ]


# Runs in the fresh environment: each work/ notebook cell by cell, a check of where `course`
# comes from, then (same kernel) each public callable of the installed runtime as each
# function an answer defines, followed by the test cells that grade it.
RUN_FROM_THE_KIT = r'''
import json, sys, nbformat
from pathlib import Path
from nbclient import NotebookClient

kit, venv, plan = Path(sys.argv[1]), Path(sys.argv[2]).resolve(), json.loads(Path(sys.argv[3]).read_text())
WHERE = (
    "import sys, importlib.util, pathlib, course\n"
    f"assert sys.prefix == {str(venv)!r}, sys.prefix\n"
    f"assert course.__file__.startswith({str(venv)!r}), course.__file__\n"
    "assert importlib.util.find_spec('course_tools') is None, 'course_tools is importable'\n"
    f"assert course.course_dir() == pathlib.Path({str(kit.resolve())!r}), course.course_dir()\n"
)
CALLABLES = (
    "import importlib, json, pkgutil, course\n"
    "_names = []\n"
    "for _info in pkgutil.iter_modules(course.__path__):\n"
    "    if not _info.name.startswith('_'):\n"
    "        _module = importlib.import_module('course.' + _info.name)\n"
    "        _names += ['course.%s.%s' % (_info.name, _n) for _n, _v in vars(_module).items()\n"
    "                   if not _n.startswith('_') and callable(_v) and getattr(_v, '__module__', '').startswith('course')]\n"
    "print(json.dumps(sorted(_names)))\n"
)
# The stand-in's warning is meant to be loud (CI runs on the stand-in): every other red line is a fault.
# course.data makes that warning "always" when imported, so the filter must come after it (the
# import loads no TensorFlow: the notebook's own first cell still meets TensorFlow's start-up).
STAND_IN_WARNING_OFF = ("import sys, warnings, course.data\nassert 'tensorflow' not in sys.modules, 'course.data loaded TensorFlow'\n"
                        "warnings.simplefilter('ignore', course.data.SyntheticDataWarning)\n")
TRY_EACH = """
import importlib as _importlib, json as _json, signal as _signal

def _too_slow(*_):
    raise TimeoutError("over 60 s")

_signal.signal(_signal.SIGALRM, _too_slow)
_outcomes = {{}}
for _qualified in {callables!r}:
    _module, _, _attribute = _qualified.rpartition(".")
    globals()[{name!r}] = getattr(_importlib.import_module(_module), _attribute)
    _signal.alarm(60)
    try:
        for _test in {tests!r}:
            exec(compile(_test, "<test cell>", "exec"), globals())
        _outcomes[_qualified] = "passed"
    except BaseException as _error:  # a failed assertion, a crash, SystemExit: it did not pass
        _outcomes[_qualified] = type(_error).__name__
    finally:
        _signal.alarm(0)
print(_json.dumps(_outcomes))
"""


def run(client, notebook, source):
    cell = nbformat.v4.new_code_cell(source)
    notebook.cells.append(cell)
    client.execute_cell(cell, len(notebook.cells) - 1)
    return "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout").strip().splitlines()


report = {}
for name, assignment_probes in plan.items():
    folder = kit / "work" / name
    notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=900, resources={"metadata": {"path": str(folder)}})
    result = report[name] = {"error": None, "tried": 0, "passed": [], "red": []}
    with client.setup_kernel():
        try:
            cells = list(notebook.cells)
            run(client, notebook, STAND_IN_WARNING_OFF)
            for index, cell in enumerate(cells):
                client.execute_cell(cell, index)
                result["red"] += [o["text"][:300] for o in cell.get("outputs", []) if o.get("name") == "stderr"]
            run(client, notebook, WHERE)
        except Exception as error:
            result["error"] = str(error)[-1500:]
            continue
        callables = json.loads(run(client, notebook, CALLABLES)[-1])
        for probe in assignment_probes:
            outcomes = json.loads(run(client, notebook, TRY_EACH.format(callables=callables, name=probe["name"], tests=probe["test_sources"]))[-1])
            result["tried"] += len(outcomes)
            result["passed"] += [f"{q} as {probe['name']} passes {', '.join(probe['tests'])}" for q, o in outcomes.items() if o == "passed"]
            run(client, notebook, probe["answer_source"])
print(json.dumps(report))
'''


def fresh_venv(path: Path, layer: Path) -> Path:
    """A new virtual environment that sees the third-party packages in ``layer``."""
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(path)], check=True, capture_output=True)
    python = path / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "third_party_layer.pth").write_text(f"{layer}\n")
    return python


def third_party_layer(folder: Path) -> Path:
    """Links to this environment's site-packages, without this course's own packages."""
    folder.mkdir()
    own = re.compile(r"^(course|course_tools|cnn_course.*|__editable__.*cnn_course.*|.*\.pth)$")
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not own.match(entry.name):
            (folder / entry.name).symlink_to(entry)
    return folder


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "COURSE_DIR", "COURSE_MODELS_DIR")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed_kit(kits, tmp_path_factory):
    """The git kit, set up by its own Makefile in a fresh environment; then its notebooks,
    holding a student's answers (the reference solutions), run there with the probes."""
    base = tmp_path_factory.mktemp("installed-kit")
    folder = base / "kit"  # a copy: a student's clone of the published kit
    shutil.copytree(kits[0], folder, symlinks=True)
    layer = third_party_layer(base / "layer")
    venv = base / "venv"
    python = fresh_venv(venv, layer)
    made = subprocess.run(
        ["make", "--no-print-directory", "work", f"VENV={venv}", "PIP_FLAGS=--no-build-isolation"],
        cwd=folder, capture_output=True, text=True, env=clean_env(), timeout=900,
    )
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]
    for assignment in ASSIGNMENTS:
        reference = nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in reference.cells if "nbgrader" in c.metadata}
        path = folder / "work" / assignment / f"{assignment}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]
        nbformat.write(notebook, path)
    plan = base / "plan.json"
    plan.write_text(json.dumps({assignment: probes(assignment) for assignment in ORDER}))
    script = base / "run_from_the_kit.py"
    script.write_text(RUN_FROM_THE_KIT)
    env = clean_env(COURSE_MODE="smoke", MPLBACKEND="Agg")
    ran = subprocess.run([python, script, folder, venv, plan], cwd=base, capture_output=True, text=True, env=env, timeout=3600)
    assert ran.returncode == 0, ran.stderr[-3000:]
    return {"folder": folder, "python": python, "layer": layer, "report": json.loads(ran.stdout.strip().splitlines()[-1])}


@pytest.mark.workflow
@pytest.mark.notebooks
def test_the_kit_installs_alone_with_its_own_makefile(installed_kit):
    assert sorted(p.name for p in (installed_kit["folder"] / "work").iterdir()) == sorted(ASSIGNMENTS)
    checked = subprocess.run([installed_kit["python"], "-m", "pip", "check"], capture_output=True, text=True, env=clean_env())
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.workflow
@pytest.mark.notebooks
def test_every_kit_notebook_runs_from_the_kit_alone(installed_kit):
    errors = {name: r["error"] for name, r in installed_kit["report"].items() if r["error"]}
    assert sorted(installed_kit["report"]) == sorted(ASSIGNMENTS) and errors == {}


@pytest.mark.workflow
@pytest.mark.notebooks
def test_kit_notebooks_show_no_red_lines(installed_kit):
    """No cell writes to stderr (Jupyter shows it red); the stand-in's deliberate warning is switched off."""
    red = {name: r["red"] for name, r in installed_kit["report"].items() if r["red"]}
    assert red == {}, red


@pytest.mark.workflow
@pytest.mark.notebooks
def test_no_runtime_function_passes_a_graded_test_cell(installed_kit):
    """For every autograded test cell: each public callable of the kit's `course`, as each
    function the answer defines, after the notebook ran with the reference answers."""
    report = installed_kit["report"]
    assert all(r["tried"] > 0 for r in report.values() if not r["error"]), report
    passed = [line for r in report.values() for line in r["passed"]]
    assert passed == [], "the runtime answers graded exercises: " + "; ".join(passed)


@pytest.mark.workflow
@pytest.mark.notebooks
def test_the_kit_installs_as_a_wheel_built_from_its_git_url(installed_kit, tmp_path):
    folder, layer = installed_kit["folder"], installed_kit["layer"]
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [installed_kit["python"], "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", wheels, f"git+file://{folder}"],
        capture_output=True, text=True, env=clean_env(), timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("cnn_course-*.whl")
    with zipfile.ZipFile(wheel) as bundle:
        assert {name.split("/")[0] for name in bundle.namelist() if not name.split("/")[0].endswith(".dist-info")} == {"course"}
    python = fresh_venv(tmp_path / "venv", layer)
    installed = subprocess.run([python, "-m", "pip", "install", "--quiet", f"{wheel}[lab]"], capture_output=True, text=True, env=clean_env(), timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    student = tmp_path / "student"
    shutil.copytree(folder, student, ignore=shutil.ignore_patterns(".git", "course", "work"))
    work = subprocess.run([python, "-m", "course", "work"], cwd=student / "release", capture_output=True, text=True, env=clean_env())
    assert work.returncode == 0, work.stderr
    assert (student / "work" / "mnist_cnn" / "mnist_cnn.ipynb").is_file()
    probe = "import course, importlib.util; print(course.__file__); print(importlib.util.find_spec('course_tools'))"
    where = subprocess.run([python, "-c", probe], cwd=tmp_path, capture_output=True, text=True, env=clean_env()).stdout.split()
    assert where[0].startswith(str(tmp_path / "venv")) and where[1] == "None"
