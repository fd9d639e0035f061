"""Grade a class with nbgrader: in parallel, resumable, one isolated process per submission.

Each submission is autograded in its own scratch course folder (a copy of the gradebook,
the assignment's data files, that student's notebook and nothing else), under time,
memory and output limits, in smoke mode. The main process alone writes the real
gradebook, one student at a time, then records the student in a journal; a run that is
killed and started again regrades only what the journal lacks, and a run over unchanged
submissions changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from course_tools.build import _tool_env, generate_release
from course_tools import sandbox, submission
from course.config import course_dir, data_dir

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
JOURNAL_VERSION = 1


class GradingError(Exception):
    """A grading run that cannot start (bad arguments, unknown assignment), in one line."""


@dataclass(frozen=True)
class Limits:
    """What one submission may use while it is graded."""

    cell_timeout: int = 300
    notebook_timeout: int = 900
    memory_mb: int = 8192

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass
class Result:
    student: str
    status: str  # graded, failed, missing
    score: float
    max_score: float
    reason: str = ""
    cells: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------
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

    def notebook_names(self, assignment: str) -> list[str]:
        names = sorted(p.stem for p in self.source(assignment).glob("*.ipynb"))
        if not names:
            raise GradingError(f"no notebook in {self.source(assignment)}; run `make course` first")
        return names

    def students(self, assignment: str) -> list[str]:
        folder = self.root / "submitted"
        return sorted(p.parent.name for p in folder.glob(f"*/{assignment}") if p.is_dir()) if folder.is_dir() else []


def _write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` through a temporary file; return False if it was already so."""
    if path.is_file() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    scratch.write_text(text)
    os.replace(scratch, path)
    return True


def _replace_tree(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target``, removing what was there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(new, staged)
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# Collecting submissions


def _safe_extract_zip(archive: Path, destination: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as bundle:
            for info in bundle.infolist():
                parts = PurePosixPath(info.filename).parts
                if info.filename.startswith(("/", "\\")) or ".." in parts or (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise GradingError(f"{archive}: entry {info.filename!r} escapes the archive or is a link; refusing it")
                if not info.is_dir():
                    target = destination.joinpath(*parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(bundle.read(info))
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise GradingError(f"{archive}: not a readable zip archive ({error})") from None


def import_submissions(course: Course, assignment: str, source: Path) -> list[str]:
    """Copy submissions into ``submitted/<student>/<assignment>/``; return the students found.

    ``source`` is a zip or a folder, either in nbgrader's layout
    (``<student>/<assignment>/*.ipynb``) or flat (``<student>.ipynb``, optionally
    ``<student>_<assignment>.ipynb``).
    """
    source = Path(source)
    if not source.exists():
        raise GradingError(f"{source}: no such file or folder")
    with tempfile.TemporaryDirectory(prefix="course-import-") as scratch:
        if source.is_file():
            _safe_extract_zip(source, Path(scratch))
            source = Path(scratch)
        notebook = course.notebook_names(assignment)[0]
        found: dict[str, Path] = {}
        for folder in sorted(p for p in source.glob(f"*/{assignment}") if p.is_dir()):
            found[folder.parent.name] = folder
        flat = {}
        for file in sorted(source.glob("*.ipynb")):
            student = re.sub(rf"[_-]{re.escape(assignment)}$", "", file.stem)
            flat[student] = file
        imported = []
        for student, origin in {**flat, **found}.items():
            if not STUDENT_ID.match(student):
                raise GradingError(f"{origin}: {student!r} is not a usable student id (letters, digits, _ . @ -)")
            target = course.submitted(student, assignment)
            target.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                for file in origin.rglob("*"):
                    if file.is_file() and not file.is_symlink():
                        destination = target / file.relative_to(origin)
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        if not destination.is_file() or destination.read_bytes() != file.read_bytes():
                            shutil.copyfile(file, destination)
            else:
                destination = target / f"{notebook}.ipynb"
                if not destination.is_file() or destination.read_bytes() != origin.read_bytes():
                    shutil.copyfile(origin, destination)
            imported.append(student)
    return sorted(imported)


# ---------------------------------------------------------------------------------------
# Grading one submission in isolation


def fingerprint(course: Course, student: str | None, assignment: str, limits: Limits) -> str:
    """Changes whenever the submission (if a student is named), the assignment or the limits change."""
    digest = hashlib.sha256(limits.key().encode())
    folders = [course.source(assignment)] + ([course.submitted(student, assignment)] if student else [])
    for folder in folders:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(file.relative_to(folder)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def worker_env(scratch: Path, jobs: int) -> dict[str, str]:
    """Environment of a grading process: smoke mode, its own HOME and models, shared CPUs."""
    env = _tool_env()
    threads = str(max(1, (os.cpu_count() or 1) // max(jobs, 1)))
    env.update(
        COURSE_MODE="smoke",
        COURSE_MODELS_DIR=str(scratch / "models"),
        MPLBACKEND="Agg",
        TFDS_DATA_DIR=str(data_dir()),  # HOME changes below, and with it the default data folder
        TF_CPP_MIN_LOG_LEVEL="2",
        TF_NUM_INTRAOP_THREADS=threads,
        TF_NUM_INTEROP_THREADS="1",
        OMP_NUM_THREADS=threads,
        HOME=str(scratch / "home"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _failure_reason(log: str) -> str:
    if "DeadKernelError" in log or "Kernel died" in log:
        return "the kernel died (the notebook stopped its own process, or it crashed); no later cell ran"
    return _last_error(log)


def _last_error(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for pattern in ("NotJSONError", "Notebook does not appear to be JSON", "DeadKernelError", "Kernel died", "CellTimeoutError", "ERROR"):
        for line in reversed(lines):
            if pattern in line:
                return re.sub(r"^\[\w+ \| \w+\]\s*", "", line)[:200]
    return (lines[-1] if lines else "no output")[:200]


def _read_grades(gradebook: Path, assignment: str, student: str) -> dict[str, list[float]] | None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{gradebook}") as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        cells = {}
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                cells[grade.name] = [float(grade.score or 0), float(grade.max_score or 0), bool(grade.needs_manual_grade)]
        return cells


def scratch_root() -> Path:
    """Where every grading run of this user keeps its submissions' scratch folders.

    ``work/<run>/<student>`` holds a submission; it is seen inside its sandbox at
    ``stage/<run>/<student>`` while ``work/`` (every other run and student) is hidden.
    """
    root = Path(tempfile.gettempdir()) / f"course-grading-{os.getuid()}"
    for part in ("work", "stage"):
        (root / part).mkdir(parents=True, exist_ok=True)
    return root


def _hidden_paths(course: Course, run_dir: Path) -> list[Path]:
    """What a submission must not see: other submissions, gradebooks, solutions, results."""
    paths = [run_dir.parent]
    for root in {course.root, course_dir()}:
        paths += [root / name for name in ("submitted", "autograded", "feedback", "source", "gradebook.db")]
    return paths


def _graded_cells(course: Course, assignment: str) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Per notebook: the sources of its test cells, and every grade_id in it."""
    import nbformat

    tests, grade_ids = {}, {}
    for name in course.notebook_names(assignment):
        notebook = nbformat.read(course.source(assignment) / f"{name}.ipynb", as_version=4)
        graded = [c for c in notebook.cells if "nbgrader" in c.metadata]
        tests[name] = [c.source for c in graded if c.cell_type == "code" and c.metadata["nbgrader"].get("grade")]
        grade_ids[name] = {c.metadata["nbgrader"]["grade_id"] for c in graded}
    return tests, grade_ids


def _stage_dir(run_dir: Path) -> Path:
    return run_dir.parent.parent / "stage" / run_dir.name


def grade_one(
    course: Course, assignment: str, student: str, limits: Limits, run_dir: Path, graded_cells: tuple, jobs: int = 1
) -> tuple[Result, Path | None]:
    """Autograde one student in a scratch course folder; return the result and that folder.

    ``graded_cells`` is ``_graded_cells(course, assignment)``, read once per run.
    """
    started = time.monotonic()
    submitted = course.submitted(student, assignment)
    notebooks = course.notebook_names(assignment)
    present = [n for n in notebooks if (submitted / f"{n}.ipynb").is_file()]
    extra = sorted(p.name for p in submitted.glob("*.ipynb") if p.stem not in notebooks)
    notes = [f"ignored extra notebook {', '.join(extra)}"] if extra else []
    if not present:
        return Result(student, "missing", 0.0, 0.0, f"no {notebooks[0]}.ipynb submitted" + "".join(f"; {n}" for n in notes)), None

    scratch, stage = run_dir / student, _stage_dir(run_dir) / student
    stage.mkdir(parents=True)
    work = scratch / "course"
    (work / "source" / assignment).mkdir(parents=True)
    for file in course.source(assignment).iterdir():
        if file.is_file() and file.suffix not in (".ipynb", ".md"):
            shutil.copy(file, work / "source" / assignment)
    shutil.copy(course.root / "nbgrader_config.py", work)
    shutil.copy(course.gradebook, work / "gradebook.db")
    target = work / "submitted" / student / assignment
    target.mkdir(parents=True)
    for file in submitted.rglob("*"):
        relative = file.relative_to(submitted)
        if file.is_file() and not file.is_symlink() and not (file.suffix == ".ipynb" and file.stem not in notebooks):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(file, target / relative)
    (scratch / "home").mkdir()
    tests, grade_ids = graded_cells
    for name in present:
        try:
            notes.extend(submission.prepare(target / f"{name}.ipynb", tests[name], grade_ids[name]))
        except submission.SubmissionError as error:
            shutil.rmtree(scratch, ignore_errors=True)
            return Result(student, "failed", 0.0, 0.0, f"could not be graded: {error}", seconds=time.monotonic() - started), None

    box = sandbox.Sandbox(scratch, stage, hidden=_hidden_paths(course, run_dir), memory_mb=limits.memory_mb)
    env = worker_env(box.inside(scratch), jobs)
    # The kernel runs student code: it must not read the hidden tests in the gradebook copy.
    inside = box.inside(work)
    kernel = box.kernel_spec(scratch / "jupyter", [inside / "gradebook.db", inside / "source", inside / "submitted"])
    env["JUPYTER_PATH"] = str(box.inside(scratch / "jupyter"))
    deadline = started + limits.notebook_timeout
    autograde = [
        sys.executable, "-m", "nbgrader", "autograde", assignment, "--student", student, "--force",
        f"--Execute.timeout={limits.cell_timeout}", "--Execute.interrupt_on_timeout=True",
        f"--Execute.kernel_name={kernel}",
    ]
    code, log = box.run(autograde, work, env, deadline)
    seconds = time.monotonic() - started
    if code is None:
        shutil.rmtree(scratch, ignore_errors=True)
        reason = f"timed out: the whole notebook took over {limits.notebook_timeout} s"
        return Result(student, "failed", 0.0, 0.0, reason, seconds=seconds), None
    cells = _read_grades(work / "gradebook.db", assignment, student)
    graded_dir = work / "autograded" / student / assignment
    if code != 0 or cells is None or not graded_dir.is_dir():
        shutil.rmtree(scratch, ignore_errors=True)
        return Result(student, "failed", 0.0, 0.0, f"could not be graded: {_failure_reason(log)}", seconds=seconds), None
    if "DeadKernelError" in log or "Kernel died" in log:
        notes.append("the kernel died while running it (memory limit or a crash); later cells did not run")
    if "CellTimeoutError" in log or "Timeout waiting for execute reply" in log:
        notes.append(f"a cell ran past the {limits.cell_timeout} s cell limit and was stopped")
    feedback_code, feedback_log = box.run(
        [sys.executable, "-m", "nbgrader", "generate_feedback", assignment, "--student", student, "--force"], work, env, deadline
    )
    if feedback_code != 0:
        notes.append(f"feedback not generated: {_last_error(feedback_log)}")
    manual = sum(1 for v in cells.values() if v[2])
    if manual:
        notes.append(f"{manual} answer(s) await manual grading")
    cells = {name: v[:2] for name, v in cells.items()}
    score = sum(v[0] for v in cells.values())
    maximum = sum(v[1] for v in cells.values())
    return Result(student, "graded", score, maximum, "; ".join(notes), cells, time.monotonic() - started), work


# ---------------------------------------------------------------------------------------
# Writing results into the real course folder


def _merge_into_gradebook(course: Course, assignment: str, result: Result, worker_db: Path | None) -> None:
    """Replace the student's submission in the real gradebook with the worker's grades."""
    import warnings

    from nbgrader.api import Gradebook, MissingEntry

    warnings.filterwarnings("ignore", module="nbgrader.api")  # SQLAlchemy noise from nbgrader's own API
    with Gradebook(f"sqlite:///{course.gradebook}") as gb:
        gb.update_or_create_student(result.student)
        try:
            gb.remove_submission(assignment, result.student)
        except MissingEntry:
            pass
        submission = gb.add_submission(assignment, result.student)
        grades = {}
        if worker_db is not None:
            with Gradebook(f"sqlite:///{worker_db}") as worker:
                for notebook in worker.find_submission(assignment, result.student).notebooks:
                    for grade in notebook.grades:
                        grades[(notebook.name, grade.name)] = (grade.auto_score, grade.manual_score, grade.needs_manual_grade)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                auto, manual, needs_manual = grades.get((notebook.name, grade.name), (0.0, None, False))
                grade.auto_score, grade.manual_score, grade.needs_manual_grade = auto, manual, needs_manual
        gb.db.commit()


def _failure_feedback(course: Course, assignment: str, result: Result) -> None:
    folder = course.feedback(result.student, assignment)
    shutil.rmtree(folder, ignore_errors=True)
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Feedback: {a}</title></head><body>"
        "<h1>{a}: {s}</h1><p><strong>Score: 0 / {m:g}</strong></p><p>This submission could not be graded: {r}</p>"
        "<p>Check that the notebook opens, runs from top to bottom with Restart &amp; Run All, and is saved "
        "under its original name.</p></body></html>"
    ).format(a=html.escape(assignment), s=html.escape(result.student), m=result.max_score, r=html.escape(result.reason))
    _write_atomic(folder / f"{course.notebook_names(assignment)[0]}.html", page)


def _max_score(course: Course, assignment: str) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.gradebook}") as gb:
        return float(gb.find_assignment(assignment).max_score)


def _load_journal(course: Course, assignment: str) -> dict:
    try:
        journal = json.loads(course.journal(assignment).read_text())
        return journal if journal.get("version") == JOURNAL_VERSION else {"version": JOURNAL_VERSION, "students": {}}
    except (OSError, ValueError):
        return {"version": JOURNAL_VERSION, "students": {}}


def _save_journal(course: Course, assignment: str, journal: dict) -> None:
    _write_atomic(course.journal(assignment), json.dumps(journal, indent=1, sort_keys=True) + "\n")


def prepare_gradebook(course: Course, assignment: str) -> None:
    """Record the assignment's cells, tests and points in the gradebook (nothing in release/ changes)."""
    with tempfile.TemporaryDirectory(prefix="course-gradebook-") as scratch:
        generate_release(assignment, Path(scratch), root=course.root, use_db=True)


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
    writer.writerow(["student", "score", "max_score", "status", "reason", *cell_names])
    for r in sorted(results, key=lambda r: r.student):
        writer.writerow([r.student, f"{r.score:g}", f"{r.max_score:g}", r.status, r.reason, *[f"{r.cells.get(c, [0])[0]:g}" for c in cell_names]])
    path = course.scores_csv(assignment)
    _write_atomic(path, buffer.getvalue())
    return path


def grade(
    assignment: str,
    root: Path | None = None,
    submissions: Path | None = None,
    jobs: int = 1,
    limits: Limits = Limits(),
    force: bool = False,
    progress: bool = True,
) -> list[Result]:
    """Grade every submission of ``assignment``; return one result per student."""
    from tqdm import tqdm

    course = Course(Path(root or course_dir()))
    if not (course.source(assignment) / f"{assignment}.ipynb").is_file() and not list(course.source(assignment).glob("*.ipynb")):
        raise GradingError(f"unknown assignment {assignment!r}: no notebook in {course.source(assignment)}")
    if submissions is not None:
        import_submissions(course, assignment, submissions)
    students = course.students(assignment)
    if not students:
        raise GradingError(f"no submissions for {assignment} in {course.root / 'submitted'}")
    journal = _load_journal(course, assignment)
    source_stamp = fingerprint(course, None, assignment, Limits())
    if journal.get("source") != source_stamp or not course.gradebook.is_file():
        prepare_gradebook(course, assignment)
        journal["source"] = source_stamp
    maximum = _max_score(course, assignment)
    results: dict[str, Result] = {}
    todo = []
    for student in students:
        stamp = fingerprint(course, student, assignment, limits)
        known = journal["students"].get(student)
        if not force and known and known["fingerprint"] == stamp:
            results[student] = Result(**known["result"])
        else:
            todo.append((student, stamp))

    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=scratch_root() / "work"))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        cells = _graded_cells(course, assignment)
        futures = {pool.submit(grade_one, course, assignment, s, limits, run_dir, cells, jobs): (s, stamp) for s, stamp in todo}
        bar = tqdm(total=len(futures), desc=f"grading {assignment}", unit="student", disable=not progress or not futures)
        for future in as_completed(futures):
            student, stamp = futures[future]
            result, work = future.result()
            result.max_score = result.max_score or maximum
            try:
                _merge_into_gradebook(course, assignment, result, work / "gradebook.db" if work else None)
                if work is not None:
                    _replace_tree(work / "autograded" / student / assignment, course.autograded(student, assignment))
                    feedback = work / "feedback" / student / assignment
                    if feedback.is_dir():
                        _replace_tree(feedback, course.feedback(student, assignment))
                else:
                    shutil.rmtree(course.autograded(student, assignment), ignore_errors=True)
                    _failure_feedback(course, assignment, result)
                record = asdict(result)
                record["seconds"] = round(record["seconds"], 1)
                journal["students"][student] = {"fingerprint": stamp, "result": record}
                _save_journal(course, assignment, journal)
            finally:
                shutil.rmtree(run_dir / student, ignore_errors=True)
            results[student] = result
            bar.update()
        bar.close()
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.rmtree(_stage_dir(run_dir), ignore_errors=True)
    ordered = [results[s] for s in students]
    write_csv(course, assignment, ordered)
    return ordered
