"""Bring submissions into ``submitted/<student>/<assignment>/``, never guessing whose a file is.

Two ways in:

- ``import_submissions``: a zip or folder of ``<student>.ipynb`` (or
  ``<student>_<assignment>.ipynb``) files, or of nbgrader's ``<student>/<assignment>/``
  folders (``course grade --submissions``);
- ``collect_lms``: an LMS download (Canvas, Moodle, or any file-name pattern) through
  nbgrader's ``zip_collect``: the archive is extracted safely into
  ``downloaded/<assignment>/extracted/``, each file is matched against the pattern, and
  nbgrader's collector plugin mechanism (``PlannedCollector``) transfers what matched.

Both refuse an archive entry that is a link, leaves the archive or is too large. A student
with two candidate files (``alice.ipynb`` beside ``alice_demo.ipynb``, a folder beside a
file, two entries with one name, a Canvas resubmission beside the original) is not
imported: the student is reported, with the files, and graded as a failure with that reason
until the ambiguity is resolved. A file that cannot be attributed to a student at all stops
the import with a one-line error naming it. A student's previous submission is replaced
only by a complete new copy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
MAX_ENTRY = 200 * 1024 * 1024  # bytes one archive entry may hold once extracted
MAX_ARCHIVE = 4 * 1024 * 1024 * 1024  # bytes a whole archive may hold once extracted
MAX_SUBMISSION = 100 * 1024 * 1024  # bytes one student's submission may hold
PATTERNS = {
    # lastnamefirstname_12345_67890_notebook.ipynb (late: lastnamefirstname_LATE_12345_...),
    # and a resubmitted file gets -1, -2 before its extension.
    "canvas": r"(?P<name>[^_]+?)_(?:LATE_)?(?P<student_id>\d+)_(?P<submission_id>\d+)_(?P<file_id>.+?)(?:-\d+)?\.ipynb",
    # Firstname Lastname_12345_assignsubmission_file_notebook.ipynb
    "moodle": r"(?P<name>.+?)_(?P<student_id>\d+)_assignsubmission_file_(?P<file_id>.+?)\.ipynb",
}


class CollectError(Exception):
    """Submissions that cannot be collected, explained in one line."""


@dataclass
class CollectReport:
    students: list[str] = field(default_factory=list)  # imported or unchanged
    problems: dict[str, str] = field(default_factory=dict)  # student -> why they were not imported
    ignored: list[str] = field(default_factory=list)  # files that are no one's submission

    def line(self, what: str) -> str:
        parts = [f"{len(self.students)} submission(s) from {what}"]
        if self.problems:
            parts.append(f"{len(self.problems)} not imported: " + "; ".join(f"{s} ({r})" for s, r in sorted(self.problems.items())))
        if self.ignored:
            parts.append(f"ignored {len(self.ignored)} file(s): {', '.join(sorted(self.ignored)[:5])}")
        return "collected " + " | ".join(parts)


def problems_file(root: Path, assignment: str) -> Path:
    """Students a collect could not import, kept so that grading reports them."""
    return Path(root) / "downloaded" / assignment / "problems.json"


def manifest_file(root: Path, assignment: str) -> Path:
    """What the LMS called each collected student and file (for the LMS CSV and returned feedback)."""
    return Path(root) / "downloaded" / assignment / "manifest.json"


def _save_problems(root: Path, assignment: str, problems: dict[str, str]) -> None:
    path = problems_file(root, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(problems, indent=1, sort_keys=True) + "\n")


def load_problems(root: Path, assignment: str) -> dict[str, str]:
    try:
        data = json.loads(problems_file(root, assignment).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def load_manifest(root: Path, assignment: str) -> dict[str, dict]:
    try:
        data = json.loads(manifest_file(root, assignment).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# -------------------------------------------------------------------------------------
# Safe extraction


def safe_extract(archive: Path, destination: Path) -> list[str]:
    """Extract a zip into ``destination``; return the names of entries that appear twice."""
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise CollectError(f"{archive}: not a readable zip archive ({error})") from None
    with bundle:
        infos = bundle.infolist()
        if len(infos) > 100_000:
            raise CollectError(f"{archive}: {len(infos)} entries is more than a class could submit; refusing it")
        total, names, duplicates = 0, set(), []
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name).parts
            if name.startswith(("/", "\\")) or "\\" in name or "\x00" in name or ".." in parts or re.match(r"^[A-Za-z]:", name):
                raise CollectError(f"{archive}: entry {name!r} escapes the archive; refusing it")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise CollectError(f"{archive}: entry {name!r} is a link; refusing it")
            if info.file_size > MAX_ENTRY:
                raise CollectError(f"{archive}: entry {name!r} holds {info.file_size // 2**20} MB; refusing it")
            total += info.file_size
            key = name.rstrip("/")
            if key in names and not info.is_dir():
                duplicates.append(key)
            names.add(key)
        if total > MAX_ARCHIVE:
            raise CollectError(f"{archive}: {total // 2**20} MB once extracted is too much; refusing it")
        for info in infos:
            if info.is_dir() or info.filename.rstrip("/") in duplicates:
                continue
            target = destination.joinpath(*PurePosixPath(info.filename).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(info) as source, open(target, "xb") as out:
                written = 0
                while chunk := source.read(1 << 20):
                    written += len(chunk)
                    if written > MAX_ENTRY:
                        raise CollectError(f"{archive}: entry {info.filename!r} is larger than it says; refusing it")
                    out.write(chunk)
    return sorted(set(duplicates))


def _regular_files(folder: Path) -> list[Path]:
    """Every regular file under ``folder``, never through a link."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in files:
            path = Path(root) / name
            if stat.S_ISREG(os.lstat(path).st_mode):
                found.append(path)
    return sorted(found)


def _copy_submission(files: dict[str, Path], target: Path) -> str | None:
    """Put ``files`` (relative name -> origin) at ``target`` as one complete copy; return a problem, if any."""
    if sum(p.stat().st_size for p in files.values()) > MAX_SUBMISSION:
        return f"larger than {MAX_SUBMISSION // 2**20} MB"
    if target.is_dir() and sorted(str(p.relative_to(target)) for p in _regular_files(target)) == sorted(files) and all(
        (target / name).read_bytes() == origin.read_bytes() for name, origin in files.items()
    ):
        return None
    staged = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(staged, ignore_errors=True)
    for name, origin in files.items():
        (staged / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, staged / name, follow_symlinks=False)
    staged.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)
    return None


# -------------------------------------------------------------------------------------
# course grade --submissions


def import_submissions(root: Path, assignment: str, source: Path, notebook: str) -> CollectReport:
    """Copy submissions from a zip or folder into ``submitted/``; see the module's docstring."""
    source = Path(source)
    if not source.exists():
        raise CollectError(f"{source}: no such file or folder")
    with tempfile.TemporaryDirectory(prefix="course-import-") as scratch:
        duplicates: list[str] = []
        if source.is_file():
            duplicates = safe_extract(source, Path(scratch))
            source = Path(scratch)
        entries = [p for p in source.iterdir() if not p.name.startswith(".")]
        if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink() and not (entries[0] / assignment).is_dir():
            source = entries[0]  # a zip of one folder holding the submissions
        candidates: dict[str, list[tuple[str, Path]]] = {}
        report = CollectReport()
        suffix = re.compile(rf"(?P<student>.+?)(?:[_-]{re.escape(assignment)})?\.ipynb", re.S)
        for entry in sorted(source.iterdir()):
            if entry.name.startswith(".") or entry.is_symlink():
                if entry.is_symlink():
                    report.ignored.append(f"{entry.name} (a link)")
                continue
            if entry.is_dir():
                match = suffix.fullmatch(entry.name)
                if match:
                    candidates.setdefault(match["student"], []).append((f"{entry.name}/ (a folder, not a notebook)", entry))
                elif (entry / assignment).is_dir():
                    candidates.setdefault(entry.name, []).append((f"{entry.name}/{assignment}/", entry / assignment))
                else:
                    report.ignored.append(f"{entry.name}/")
                continue
            match = suffix.fullmatch(entry.name)
            if match is None:
                report.ignored.append(entry.name)
            else:
                candidates.setdefault(match["student"], []).append((entry.name, entry))
        for name in duplicates:
            match = suffix.fullmatch(PurePosixPath(name).name)
            if match:
                candidates.setdefault(match["student"], []).append((f"{name} (twice in the archive)", None))
                candidates[match["student"]].append((name, None))
        unattributed = [repr(origins[0][0]) for student, origins in sorted(candidates.items()) if not STUDENT_ID.fullmatch(student)]
        if unattributed:
            raise CollectError(
                f"cannot tell whose {', '.join(unattributed)} is: a student id is letters, digits and _ . @ - (rename it <student>.ipynb)"
            )
        for student, origins in sorted(candidates.items()):
            labels = [label for label, _ in origins]
            if len(origins) > 1:
                report.problems[student] = f"ambiguous: {' and '.join(sorted(set(labels)))}; keep one"
                continue
            label, origin = origins[0]
            if origin is None or (origin.is_dir() and label.endswith("(a folder, not a notebook)")):
                report.problems[student] = f"{label}"
                continue
            if origin.is_dir():
                files = {str(p.relative_to(origin)): p for p in _regular_files(origin)}
            else:
                files = {f"{notebook}.ipynb": origin}
            problem = _copy_submission(files, Path(root) / "submitted" / student / assignment)
            if problem:
                report.problems[student] = problem
            else:
                report.students.append(student)
    _save_problems(root, assignment, report.problems)
    return report


# -------------------------------------------------------------------------------------
# LMS downloads, through nbgrader zip_collect


def _pattern(pattern: str) -> re.Pattern:
    text = PATTERNS.get(pattern, pattern)
    try:
        compiled = re.compile(text)
    except re.error as error:
        raise CollectError(f"--pattern {pattern!r} is not a regular expression ({error})") from None
    if not {"student_id", "file_id"} <= set(compiled.groupindex):
        raise CollectError(f"--pattern {pattern!r} needs the named groups (?P<student_id>...) and (?P<file_id>...)")
    return compiled


def plan_lms(extracted: Path, pattern: re.Pattern, notebooks: list[str]) -> tuple[dict, dict, list[str]]:
    """Match every extracted file: (file -> collect info, student -> problem, ignored files)."""
    claims: dict[tuple[str, str], list[tuple[Path, dict]]] = {}
    ignored = []
    for path in _regular_files(extracted):
        match = pattern.fullmatch(path.name)
        if match is None:
            ignored.append(path.name)
            continue
        info = {k: v for k, v in match.groupdict().items() if v is not None}
        student = info["student_id"]
        if not STUDENT_ID.fullmatch(student):
            ignored.append(f"{path.name} (student id {student!r} is not usable)")
            continue
        wanted = Path(info["file_id"]).stem
        if len(notebooks) == 1:
            notebook = notebooks[0]  # one notebook per assignment: whatever the student named the file
        else:
            notebook = next((n for n in notebooks if n.lower() == wanted.lower()), None)
            if notebook is None:
                ignored.append(f"{path.name} (not one of {', '.join(notebooks)})")
                continue
        claims.setdefault((student, notebook), []).append((path, info))
    plan, problems = {}, {}
    for (student, notebook), found in sorted(claims.items()):
        if len(found) > 1:
            problems[student] = f"ambiguous: {' and '.join(sorted(p.name for p, _ in found))} are all {notebook}.ipynb; keep one"
    for (student, notebook), found in claims.items():
        if student not in problems:
            path, info = found[0]
            plan[str(path)] = {"student_id": student, "file_id": f"{notebook}.ipynb", "original": path.name,
                               **{k: v for k, v in info.items() if k not in ("student_id", "file_id")}}
    return plan, problems, ignored


def _planned_collector():
    from nbgrader.plugins import FileNameCollectorPlugin
    from traitlets import Unicode

    class PlannedCollector(FileNameCollectorPlugin):
        """nbgrader's file-name collector, following the plan ``course collect`` matched beforehand."""

        plan = Unicode("", help="JSON file: extracted file -> student_id and file_id").tag(config=True)

        def collect(self, submitted_file: str):
            with open(self.plan) as handle:
                info = json.load(handle).get(str(Path(submitted_file).resolve()))
            return {"student_id": info["student_id"], "file_id": info["file_id"]} if info else None

    return PlannedCollector


def __getattr__(name: str):
    if name == "PlannedCollector":  # nbgrader is imported only by the nbgrader process that needs it
        value = _planned_collector()
        globals()[name] = value
        return value
    raise AttributeError(name)


def collect_lms(root: Path, assignment: str, download: Path, pattern: str, notebooks: list[str], env: dict) -> CollectReport:
    """Collect an LMS download into ``submitted/`` through ``nbgrader zip_collect``."""
    root, download = Path(root), Path(download)
    compiled = _pattern(pattern)
    if not download.exists():
        raise CollectError(f"{download}: no such file or folder")
    base = root / "downloaded" / assignment
    extracted = base / "extracted"
    shutil.rmtree(extracted, ignore_errors=True)
    extracted.mkdir(parents=True)
    duplicates = []
    if download.is_dir():
        for path in _regular_files(download):
            target = extracted / path.relative_to(download)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target, follow_symlinks=False)
    else:
        duplicates = safe_extract(download, extracted)
    plan, problems, ignored = plan_lms(extracted.resolve(), compiled, notebooks)
    for name in duplicates:
        match = compiled.fullmatch(PurePosixPath(name).name)
        if match:
            problems[match["student_id"]] = f"ambiguous: {PurePosixPath(name).name} appears twice in the download; keep one"
    plan = {path: info for path, info in plan.items() if info["student_id"] not in problems}
    plan_path = base / "plan.json"
    plan_path.write_text(json.dumps(plan, indent=1))
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", "zip_collect", assignment, "--force",
         "--ZipCollectApp.collector_plugin=course_tools.collect.PlannedCollector",
         f"--PlannedCollector.plan={plan_path}", "--ZipCollectApp.archive_directory=.no-archive"],
        cwd=root, env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        lines = [line for line in (result.stdout + result.stderr).splitlines() if "ERROR" in line or "rror" in line]
        raise CollectError(f"nbgrader zip_collect failed: {(lines or ['see its output'])[-1].strip()[:200]}")
    manifest = load_manifest(root, assignment)
    for info in plan.values():
        manifest[info["student_id"]] = {k: v for k, v in info.items() if k not in ("student_id", "file_id")}
    manifest_file(root, assignment).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    _save_problems(root, assignment, problems)
    students = sorted({info["student_id"] for info in plan.values()})
    return CollectReport(students=students, problems=problems, ignored=ignored)
