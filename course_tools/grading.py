"""Grade a class with nbgrader: in parallel, resumable, every submission in its own sandbox.

``grade`` runs ``nbgrader autograde`` for each submission in a scratch course folder (a copy
of the gradebook without any student, the assignment's data files and that student's
cleaned notebook), inside ``course_tools.sandbox``, with the notebook in the hardened
grading kernel (``course_tools.grading_kernel``), in smoke mode. The main process alone
writes the real gradebook, one student at a time, keeping every hand grade and comment
(``course_tools.gradebook``), then records the student in a journal. A run that is killed
and started again regrades only what the journal lacks; a run over unchanged submissions
executes nothing. Every run re-reads the gradebook: totals, the CSV and feedback include
the grades given in formgrader since the last run, and feedback is rewritten for exactly
the students whose grades or comments changed.

A failure of one submission at any stage is that submission's zero with its reason; the
scratch folders are removed when the run ends, however it ends (a run killed outright
leaves them to the next run, which removes them first).
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import importlib.util
import io
import json
import os
import shutil
import stat
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from course_tools import build, collect, feedback, gradebook, sandbox, submission
from course_tools.build import generate_release
from course_tools.sandbox import Limits
from course.config import course_dir, data_dir

JOURNAL_VERSION = 2
ASSIGNMENT_IGNORE = (".ipynb", ".md")  # source files that never reach a kernel
CODE_FILES = (Path(__file__).parent / name for name in ("grading.py", "sandbox.py", "submission.py", "grading_kernel.py", "gradebook.py"))
GRADER_VERSION = hashlib.sha256(b"".join(p.read_bytes() for p in CODE_FILES)).hexdigest()[:16]
FEEDBACK_VERSION = hashlib.sha256(
    (Path(__file__).parent / "feedback.py").read_bytes() + (feedback.TEMPLATES / "feedback" / "index.html.j2").read_bytes()
).hexdigest()[:16]


class GradingError(Exception):
    """A grading run that cannot start (bad arguments, unknown assignment, missing isolation), in one line."""


@dataclass
class Result:
    student: str
    status: str  # graded, failed, missing
    score: float
    max_score: float
    reason: str = ""
    cells: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    limits: list[str] = field(default_factory=list)


# -------------------------------------------------------------------------------------
# Course folder layout


@dataclass(frozen=True)
class Course:
    root: Path

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def source(self, assignment: str) -> Path:
        return self.root / "source" / assignment

    def submitted(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment

    def autograded(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment

    def feedback(self, student: str, assignment: str) -> Path:
        return self.root / "feedback" / student / assignment

    def journal(self, assignment: str) -> Path:
        return self.root / "autograded" / f".journal-{assignment}.json"

    def scores_csv(self, assignment: str) -> Path:
        return self.root / "autograded" / f"scores-{assignment}.csv"

    def isolation_file(self, assignment: str) -> Path:
        return self.root / "autograded" / f"isolation-{assignment}.txt"

    def exports(self, assignment: str) -> Path:
        return self.root / "exports" / assignment

    def notebook_names(self, assignment: str) -> list[str]:
        names = sorted(p.stem for p in self.source(assignment).glob("*.ipynb"))
        if not names:
            raise GradingError(f"unknown assignment {assignment!r}: no notebook in {self.source(assignment)}; run `make course` first")
        return names

    def students(self, assignment: str) -> list[str]:
        folder = self.root / "submitted"
        if not folder.is_dir():
            return []
        return sorted(p.parent.name for p in folder.glob(f"*/{assignment}") if p.is_dir() and not p.parent.is_symlink()
                      and collect.STUDENT_ID.fullmatch(p.parent.name))


def tool_env() -> dict[str, str]:
    """The environment of trusted nbgrader commands (``build.tool_env``), this package importable too."""
    env = build.tool_env()
    env["PYTHONPATH"] = os.pathsep.join([str(sandbox.PACKAGE_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def worker_env(scratch: Path, jobs: int) -> dict[str, str]:
    """Smoke mode for a notebook run outside the sandbox (``nbgrader validate`` of a student's copy)."""
    env = tool_env()
    path = env["PATH"]
    env.update(sandbox.kernel_environment(str(scratch / "home"), str(scratch / "tmp"), str(data_dir()), max(1, (os.cpu_count() or 1) // max(jobs, 1))))
    env.pop("TMPDIR")
    env["PATH"] = path
    return env


def _write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` through a temporary file; return False if it was already so."""
    if path.is_file() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    scratch.write_text(text)
    os.replace(scratch, path)
    return True


def _copy_regular(source: Path, target: Path) -> None:
    """Copy the regular files under ``source`` to a fresh ``target`` (never following a link)."""
    for root, dirs, files in os.walk(source, followlinks=False):
        for name in files:
            origin = Path(root) / name
            if stat.S_ISREG(os.lstat(origin).st_mode):
                destination = target / origin.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(origin, destination, follow_symlinks=False)
    target.mkdir(parents=True, exist_ok=True)


def _replace_tree(new: Path, target: Path) -> None:
    """Put the regular files of ``new`` at ``target``, removing what was there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(staged, ignore_errors=True)
    _copy_regular(new, staged)
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)


# -------------------------------------------------------------------------------------
# Scratch folders


def scratch_root() -> Path:
    """Where this user's grading runs keep their scratch folders (readable by this user only)."""
    root = Path(tempfile.gettempdir()) / f"course-grading-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    os.chmod(root, 0o700)
    return root


def _sweep(root: Path) -> None:
    """Remove the scratch folders of runs that died without cleaning up."""
    for run in root.glob("run-*"):
        try:
            with open(run / ".lock", "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live run holds it (or it is not ours to judge)
        shutil.rmtree(run, ignore_errors=True)


@contextmanager
def run_directory():
    root = scratch_root()
    _sweep(root)
    run = Path(tempfile.mkdtemp(prefix="run-", dir=root))
    lock = open(run / ".lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        yield run
    finally:
        shutil.rmtree(run, ignore_errors=True)
        lock.close()


# -------------------------------------------------------------------------------------
# Grading one submission


@dataclass
class Context:
    """What every submission of one run shares."""

    course: Course
    assignment: str
    limits: Limits
    isolation: sandbox.Isolation
    run_dir: Path
    template_db: Path
    references: dict[str, submission.Reference]
    finisher: submission.Finisher
    jobs: int


@dataclass
class Outcome:
    """One grading run of one submission, before it is merged into the course."""

    status: str
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)
    work: Path | None = None  # the scratch course folder, when graded
    answers: dict[str, str] = field(default_factory=dict)
    answered: int = 0
    seconds: float = 0.0


def fingerprint(course: Course, student: str | None, assignment: str, limits: Limits, backend: str = "") -> str:
    """Changes whenever the submission (if a student is named), the assignment, the limits or the grader change."""
    digest = hashlib.sha256(f"{limits.key()}|{backend}|{GRADER_VERSION}".encode())
    folders = [course.source(assignment)] + ([course.submitted(student, assignment)] if student else [])
    for folder in folders:
        for root, dirs, files in os.walk(folder, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                path = Path(root) / name
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes() if stat.S_ISREG(os.lstat(path).st_mode) else b"<not a file>")
    return digest.hexdigest()


def _shadowed_module(name: str) -> str | None:
    """The module a student's ``name`` (``numpy.py``, a ``numpy/`` package) would shadow, if any."""
    stem = Path(name).stem if name.endswith(".py") else name
    if not stem.isidentifier():
        return None
    if stem in sys.stdlib_module_names or stem in ("course", "course_tools", "course_grading_kernel"):
        return stem
    try:
        return stem if importlib.util.find_spec(stem) is not None else None
    except (ImportError, ValueError):
        return None


def _nbgrader_config(ctx: Context, root: Path) -> str:
    limits = ctx.limits
    preprocessors = ["course_tools.submission.CappedExecute", "nbgrader.preprocessors.IgnorePattern",
                     "nbconvert.preprocessors.ClearMetadataPreprocessor", "nbgrader.preprocessors.LimitOutput",
                     "nbgrader.preprocessors.SaveAutoGrades", "nbgrader.preprocessors.AssignLatePenalties",
                     "nbgrader.preprocessors.CheckCellMetadata"]
    return "\n".join([
        "c = get_config()  # noqa: F821 - written by course grade for one submission",
        f"c.CourseDirectory.root = {str(root)!r}",
        "c.CourseDirectory.ignore = ['.ipynb_checkpoints', '*.pyc', '__pycache__', 'feedback', '.*', '*.md']",
        "c.Execute.kernel_name = 'course-grading'",
        f"c.Execute.timeout = {limits.cell_timeout}",
        "c.Execute.startup_timeout = 300",
        "c.Execute.interrupt_on_timeout = True",
        "c.Execute.store_widget_state = False",
        "c.Execute.iopub_timeout = 30",
        "c.Execute.raise_on_iopub_timeout = False  # a late output is lost, never the verdict: the reply carries errors",
        "c.Execute.extra_arguments = []",
        f"c.CappedExecute.output_bytes = {limits.output_kb * 1000}",
        f"c.CappedExecute.output_lines = {limits.output_lines}",
        f"c.Autograde.autograde_preprocessors = {preprocessors!r}",
        f"c.LimitOutput.max_lines = {limits.output_lines}",
        "c.LimitOutput.max_traceback = 100",
        "",
    ])


def _failure_reason(log: str) -> str:
    if "DeadKernelError" in log or "Kernel died" in log:
        return "the kernel died (the notebook stopped its own process, or it crashed); no later cell ran"
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for pattern in ("course sandbox:", "DeadKernelError", "Kernel died", "CellTimeoutError", "NotJSONError", "ERROR"):
        for line in reversed(lines):
            if pattern in line:
                return line[:200]
    return (lines[-1] if lines else "no output")[:200]


def _limit_notes(events: list[dict]) -> list[str]:
    return [f"{e['limit']} limit hit: {e.get('detail', '')}" for e in events]


def grade_one(ctx: Context, student: str) -> Outcome:
    """Autograde one student in a scratch course folder; never raises."""
    started = time.monotonic()
    try:
        outcome = _grade_one(ctx, student, started)
    except Exception as error:  # noqa: BLE001 - one submission's failure is its own zero, never the run's end
        outcome = Outcome("failed", f"could not be graded: {error.__class__.__name__}: {str(error)[:160]}")
    outcome.seconds = time.monotonic() - started
    return outcome


def _grade_one(ctx: Context, student: str, started: float) -> Outcome:
    course, assignment = ctx.course, ctx.assignment
    submitted = course.submitted(student, assignment)
    notebooks = course.notebook_names(assignment)
    present = [n for n in notebooks if (submitted / f"{n}.ipynb").is_file() and not (submitted / f"{n}.ipynb").is_symlink()]
    notes: list[str] = []
    extra = sorted(p.name for p in submitted.glob("*.ipynb") if p.stem not in notebooks)
    if extra:
        notes.append(f"ignored extra notebook {', '.join(extra)}")
    if not present:
        return Outcome("missing", f"no {notebooks[0]}.ipynb submitted" + "".join(f"; {n}" for n in notes))

    scratch = ctx.run_dir / student
    work = scratch / "course"
    source_dir, target, kernel_input = work / "source" / assignment, work / "submitted" / student / assignment, scratch / "kernel-input"
    for folder in (source_dir, target, kernel_input, scratch / "home", scratch / "runtime"):
        folder.mkdir(parents=True)
    for file in sorted(course.source(assignment).iterdir()):
        if file.is_file() and not file.is_symlink() and file.suffix not in ASSIGNMENT_IGNORE:
            shutil.copyfile(file, source_dir / file.name)
            shutil.copyfile(file, kernel_input / file.name)
    for root, dirs, files in os.walk(submitted, followlinks=False):
        for name in sorted(files):
            origin = Path(root) / name
            relative = origin.relative_to(submitted)
            if not stat.S_ISREG(os.lstat(origin).st_mode) or origin.suffix == ".ipynb":
                if not stat.S_ISREG(os.lstat(origin).st_mode):
                    notes.append(f"ignored {relative} (not a regular file)")
                continue
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, target / relative)
            shadowed = _shadowed_module(relative.parts[0])
            if shadowed and relative.parts[0] != "timestamp.txt":
                notes.append(f"refused {relative}: it has the name of the module {shadowed}")
            elif (source_dir / relative).exists() or str(relative) == "timestamp.txt":
                continue
            else:
                (kernel_input / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(origin, kernel_input / relative)
        for name in list(dirs):
            if (Path(root) / name).is_symlink():
                notes.append(f"ignored {(Path(root) / name).relative_to(submitted)}/ (a link)")
                dirs.remove(name)
    prepared = {}
    for name in present:
        try:
            prepared[name] = submission.prepare(submitted / f"{name}.ipynb", target / f"{name}.ipynb", ctx.references[name])
        except submission.SubmissionError as error:
            return Outcome("failed", f"could not be graded: {error}", notes)
        notes.extend(prepared[name].notes)
    shutil.copyfile(ctx.template_db, work / "gradebook.db")
    (work / "nbgrader_config.py").write_text(_nbgrader_config(ctx, work))

    mode = {"namespaces": "namespaces", "docker": "container", "podman": "container"}.get(ctx.isolation.backend, "limits")
    threads = max(1, (os.cpu_count() or 1) // max(ctx.jobs, 1))
    settings = {"test_hashes": [], "preload": [], "aliases": {}}
    for reference in ctx.references.values():
        kernel = reference.kernel_settings()
        settings["test_hashes"] += kernel["test_hashes"]
        settings["preload"] += [m for m in kernel["preload"] if m not in settings["preload"]]
        settings["aliases"].update(kernel["aliases"])
    import course as runtime

    sensitive = [course.root.resolve(), sandbox.PACKAGE_ROOT, ctx.run_dir.parent.resolve()]
    data = None
    try:
        data = data_dir()
    except Exception:  # noqa: BLE001 - a course without datasets grades without them
        pass
    config, _ = sandbox.kernel_config(mode, scratch, kernel_input, assignment, settings, ctx.limits, sensitive,
                                      Path(runtime.__file__).resolve().parent, data, threads)
    (scratch / "kernel.json").write_text(json.dumps(config))
    spec = scratch / "jupyter" / "kernels" / "course-grading"
    spec.mkdir(parents=True)
    if mode == "container":
        os.chmod(scratch, 0o700)  # the kernel's user in the container cannot enter it
        argv = ["python3", "-I", "-c", sandbox.BOOT, sandbox.CONTAINER_PACKAGE, "kernel", f"{sandbox.CONTAINER_SCRATCH}/kernel.json", "{connection_file}"]
        (work / "nbgrader_config.py").write_text(_nbgrader_config(ctx, Path(sandbox.CONTAINER_SCRATCH) / "course"))
    else:
        argv = sandbox.boot_command("kernel", str(scratch / "kernel.json"), "{connection_file}")
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "Python 3 (graded)", "language": "python"}))
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(scratch / "home"),
        "PYTHONPATH": str(sandbox.PACKAGE_ROOT),
        "JUPYTER_PATH": str(scratch / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(scratch / "home" / ".jupyter"),
        "JUPYTER_DATA_DIR": str(scratch / "home" / ".local"),
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    deadline = started + ctx.limits.notebook_timeout
    if mode == "container":
        name = "course-grade-" + hashlib.sha256(str(scratch).encode()).hexdigest()[:16]
        command = ["python3", "-m", "nbgrader", "autograde", assignment, "--student", student, "--force"]
        code, log = sandbox.run_container(ctx.isolation.backend, ctx.isolation.notes[0], name, scratch, ctx.limits, data, command, deadline)
    else:
        command = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--student", student, "--force"]
        code, log = sandbox.run(command, work, env, deadline, isolated=mode == "namespaces")
    events = sandbox.read_status(scratch)
    limit_names = [e["limit"] for e in events]
    notes += _limit_notes(events)
    if code is None:
        return Outcome("failed", f"timed out: the whole notebook took over {ctx.limits.notebook_timeout} s", notes, limit_names + ["time"])
    graded_dir = work / "autograded" / student / assignment
    if code != 0 or not graded_dir.is_dir() or not (work / "gradebook.db").is_file():
        return Outcome("failed", f"could not be graded: {_failure_reason(log)}", notes, limit_names)
    if "DeadKernelError" in log or "Kernel died" in log:
        notes.append("the kernel died while running it (a memory limit, or it stopped itself); later cells did not run")
    if "CellTimeoutError" in log or "Timeout waiting for execute reply" in log:
        notes.append(f"a cell ran past the {ctx.limits.cell_timeout} s cell limit and was stopped")
    if events:
        notes.append(ctx.isolation.line(ctx.limits))
    for name in present:
        ctx.finisher.finish(graded_dir / f"{name}.ipynb", prepared[name], ctx.references[name], notes)
    answers = {gid: digest for p in prepared.values() for gid, digest in p.answer_hashes.items()}
    answered = sum(p.answered for p in prepared.values())
    return Outcome("graded", "", notes, limit_names, work, answers, answered)


# -------------------------------------------------------------------------------------
# The course side


def prepare_gradebook(course: Course, assignment: str) -> None:
    """Record the assignment's cells, tests and points in the gradebook (nothing in release/ changes)."""
    with tempfile.TemporaryDirectory(prefix="course-gradebook-") as scratch:
        generate_release(assignment, Path(scratch), root=course.root, use_db=True)


def _load_journal(course: Course, assignment: str) -> dict:
    try:
        journal = json.loads(course.journal(assignment).read_text())
        if journal.get("version") == JOURNAL_VERSION:
            return journal
    except (OSError, ValueError, AttributeError):
        pass
    return {"version": JOURNAL_VERSION, "students": {}}


def _save_journal(course: Course, assignment: str, journal: dict) -> None:
    _write_atomic(course.journal(assignment), json.dumps(journal, indent=1, sort_keys=True) + "\n")


def references(course: Course, assignment: str) -> dict[str, submission.Reference]:
    refs = {}
    for name in course.notebook_names(assignment):
        tests = gradebook.test_sources(course.gradebook, assignment, name)
        release = course.root / "release" / assignment / f"{name}.ipynb"
        refs[name] = submission.reference(course.source(assignment) / f"{name}.ipynb", tests, release)
    return refs


def scrub_paths(course: Course) -> dict[str, str]:
    """Paths of the instructor's machine that must not reach a student, and what replaces them."""
    import site

    paths = {str(course.root.resolve()): "<course>", str(sandbox.PACKAGE_ROOT): "<course>", str(scratch_root()): "<scratch>",
             sys.prefix: "<python>", sys.base_prefix: "<python>", str(Path.home()): "<home>"}
    for folder in site.getsitepackages():
        paths[folder] = "<site-packages>"
    try:
        paths[str(data_dir())] = "<data>"
    except Exception:  # noqa: BLE001
        pass
    return {k: v for k, v in paths.items() if k not in ("/", "")}


def _reason(entry: dict, cells: list[gradebook.CellGrade]) -> str:
    parts = []
    if entry["status"] != "graded":
        parts.append(entry.get("failure", ""))
    else:
        total = entry.get("answers_total", 0)
        tests = [c for c in cells if c.kind == "test"]
        failed = [c.grade_id for c in tests if c.score < c.max_score]
        if total and entry.get("answered", 0) == 0:
            parts.append(f"blank: none of the {total} answers was changed from the release")
        elif tests:
            parts.append(f"{len(tests) - len(failed)} of {len(tests)} tests passed" + (f" (failed: {', '.join(failed)})" if failed else ""))
        pending = [c for c in cells if c.needs_manual and c.manual is None]
        if pending:
            parts.append(f"{len(pending)} written answer(s) await hand grading" if len(pending) > 1 else "1 written answer awaits hand grading")
        hand = [c for c in cells if c.manual is not None]
        if hand:
            parts.append("hand-graded: " + ", ".join(f"{c.grade_id} {c.manual:g}/{c.max_score:g}" for c in hand))
        for c in hand:
            if c.needs_manual:
                parts.append(f"{c.grade_id} changed since it was hand-graded: check it again (its score and comment are kept)")
    parts += [n for n in entry.get("notes", []) if not n.startswith("isolation:")]
    return "; ".join(p for p in parts if p)


def scores_table(results: list[Result]) -> str:
    width = max([len(r.student) for r in results] + [7])
    lines = [f"{'student':{width}s}  {'score':>11s}  {'status':8s}  reason", f"{'-' * width}  {'-' * 11}  {'-' * 8}  {'-' * 6}"]
    for r in sorted(results, key=lambda r: r.student):
        lines.append(f"{r.student:{width}s}  {r.score:5g} / {r.max_score:<3g}  {r.status:8s}  {r.reason}")
    return "\n".join(lines)


def write_csv(course: Course, assignment: str, results: list[Result]) -> Path:
    cell_names = sorted({name for r in results for name in r.cells})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "score", "max_score", "status", "reason", "limits", *cell_names])
    for r in sorted(results, key=lambda r: r.student):
        writer.writerow([r.student, f"{r.score:g}", f"{r.max_score:g}", r.status, r.reason, " ".join(r.limits),
                         *[f"{r.cells.get(c, [0])[0]:g}" for c in cell_names]])
    path = course.scores_csv(assignment)
    _write_atomic(path, buffer.getvalue())
    return path


def _feedback_stamp(course: Course, assignment: str, student: str, entry: dict, cells) -> str:
    digest = hashlib.sha256(f"{FEEDBACK_VERSION}|{entry['status']}|{entry.get('failure', '')}".encode())
    folder = course.autograded(student, assignment)
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        digest.update(path.read_bytes())
    for c in cells or []:
        digest.update(repr((c.grade_id, c.score, c.manual, c.needs_manual, c.comment)).encode())
    return digest.hexdigest()


def refresh(course: Course, assignment: str, journal: dict, students: list[str], say: Callable[[str], None],
            progress: bool = False) -> list[Result]:
    """Read every student's grades back from the gradebook; rewrite the feedback that changed."""
    maximum = gradebook.max_score(course.gradebook, assignment)
    notebook = course.notebook_names(assignment)[0]
    results, stale = [], []
    for student in students:
        entry = journal["students"][student]
        cells = gradebook.grades(course.gradebook, assignment, student) or []
        result = Result(student, entry["status"], sum(c.score for c in cells), maximum, _reason(entry, cells),
                        {c.grade_id: [c.score, c.max_score] for c in cells}, round(entry.get("seconds", 0.0), 1), entry.get("limits", []))
        results.append(result)
        stamp = _feedback_stamp(course, assignment, student, entry, cells)
        if entry.get("feedback") != stamp or not course.feedback(student, assignment).is_dir():
            stale.append((student, entry, stamp))
    failures = {}
    graded = [s for s, e, _ in stale if e["status"] == "graded"]
    if graded:
        from tqdm import tqdm

        with tqdm(total=len(graded), desc=f"feedback {assignment}", unit="page", disable=not progress or len(graded) < 10, leave=False) as bar:
            failures = feedback.generate(course.root, assignment, graded, done=bar.update)
    for student, entry, stamp in stale:
        if entry["status"] != "graded":
            feedback.failure_page(course.root, assignment, student, notebook, maximum, entry.get("failure", ""))
        elif student in failures:
            continue
        entry["feedback"] = stamp
    if stale:
        _save_journal(course, assignment, journal)
        say(f"feedback: {len(stale) - len(failures)} page(s) written in {course.root / 'feedback'}"
            + (f"; {len(failures)} failed: " + "; ".join(f"{s}: {r}" for s, r in failures.items()) if failures else ""))
    return results


def grade(
    assignment: str,
    root: Path | None = None,
    submissions: Path | None = None,
    jobs: int = 1,
    limits: Limits = Limits(),
    force: bool = False,
    progress: bool = True,
    sandbox_backend: str = "auto",
    require_isolation: bool = False,
    say: Callable[[str], None] | None = None,
    image: str | None = None,
) -> list[Result]:
    """Grade every submission of ``assignment``; return one result per student, read from the gradebook."""
    from tqdm import tqdm

    say = say or (lambda line: None)
    course = Course(Path(root) if root is not None else course_dir())
    notebooks = course.notebook_names(assignment)
    isolation = sandbox.detect(sandbox_backend, image)
    if (require_isolation or sandbox_backend in ("docker", "podman", "namespaces")) and not isolation.isolated:
        flag = "--require-isolation" if require_isolation else f"--sandbox {sandbox_backend}"
        raise GradingError(f"{flag}: {isolation.reason}; fix: {isolation.fix}")
    say(isolation.line(limits))
    problems = collect.load_problems(course.root, assignment)
    if submissions is not None:
        try:
            report = collect.import_submissions(course.root, assignment, submissions, notebooks[0])
        except collect.CollectError as error:
            raise GradingError(str(error)) from None
        problems = report.problems
        say(report.line(str(submissions)))
    students = sorted(set(course.students(assignment)) | set(problems))
    if not students:
        raise GradingError(f"no submissions for {assignment} in {course.root / 'submitted'}")
    journal = _load_journal(course, assignment)
    source_stamp = fingerprint(course, None, assignment, Limits())
    if journal.get("source") != source_stamp or not course.gradebook.is_file():
        prepare_gradebook(course, assignment)
        journal["source"] = source_stamp
    todo = []
    for student in students:
        if student in problems:
            stamp = f"problem:{problems[student]}"
        else:
            stamp = fingerprint(course, student, assignment, limits, isolation.backend)
        known = journal["students"].get(student)
        if force or not known or known.get("fingerprint") != stamp:
            todo.append((student, stamp))
    started = time.monotonic()
    if todo:
        with run_directory() as run_dir:
            template = run_dir / "template.db"
            gradebook.template(course.gradebook, template)
            ctx = Context(course, assignment, limits, isolation, run_dir, template, references(course, assignment),
                          submission.Finisher(limits, scrub_paths(course)), max(1, jobs))
            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                futures = {}
                for student, stamp in todo:
                    if student in problems:
                        futures[pool.submit(Outcome, "failed", f"not imported: {problems[student]}")] = (student, stamp)
                    else:
                        futures[pool.submit(grade_one, ctx, student)] = (student, stamp)
                bar = tqdm(total=len(futures), desc=f"grading {assignment}", unit="submission", disable=not progress, leave=False)
                for future in as_completed(futures):
                    student, stamp = futures[future]
                    _record(course, assignment, journal, student, stamp, future.result())
                    shutil.rmtree(run_dir / student, ignore_errors=True)
                    bar.update()
                bar.close()
        say(f"graded {len(todo)} submission(s) in {time.monotonic() - started:.0f} s"
            + (f"; {len(students) - len(todo)} unchanged" if len(students) > len(todo) else ""))
    else:
        say(f"nothing to grade: {len(students)} submission(s) unchanged")
    results = refresh(course, assignment, journal, students, say, progress)
    write_csv(course, assignment, results)
    _write_atomic(course.isolation_file(assignment), isolation.line(limits) + "\n")
    return results


def _record(course: Course, assignment: str, journal: dict, student: str, stamp: str, outcome: Outcome) -> None:
    """Merge one submission's grading into the course: gradebook, autograded notebook, journal."""
    previous = journal["students"].get(student, {})
    changed = sorted(gid for gid, digest in outcome.answers.items() if previous.get("answers", {}).get(gid, digest) != digest)
    try:
        worker = outcome.work / "gradebook.db" if outcome.work is not None else None
        gradebook.merge(course.gradebook, assignment, student, worker, set(changed))
        if outcome.work is not None:
            _replace_tree(outcome.work / "autograded" / student / assignment, course.autograded(student, assignment))
        else:
            shutil.rmtree(course.autograded(student, assignment), ignore_errors=True)
    except Exception as error:  # noqa: BLE001 - this student's zero, not the run's end
        outcome = Outcome("failed", f"could not be recorded: {error.__class__.__name__}: {str(error)[:160]}", outcome.notes, outcome.limits)
        gradebook.merge(course.gradebook, assignment, student, None, set())
    entry = {
        "fingerprint": stamp, "status": outcome.status, "failure": outcome.reason, "notes": outcome.notes,
        "limits": outcome.limits, "seconds": round(outcome.seconds, 1), "answers": outcome.answers or previous.get("answers", {}),
        "answered": outcome.answered, "answers_total": len(outcome.answers),
    }
    journal["students"][student] = entry
    _save_journal(course, assignment, journal)


def feedback_only(assignment: str, root: Path | None = None, say: Callable[[str], None] | None = None, progress: bool = False) -> list[Result]:
    """Re-read the gradebook (hand grades from formgrader) and rewrite the feedback and CSV that changed."""
    course = Course(Path(root) if root is not None else course_dir())
    course.notebook_names(assignment)
    journal = _load_journal(course, assignment)
    students = sorted(journal["students"])
    if not students:
        raise GradingError(f"nothing graded yet for {assignment}: run `course grade {assignment}` first")
    results = refresh(course, assignment, journal, students, say or (lambda line: None), progress)
    write_csv(course, assignment, results)
    return results
