"""Generate every ``.ipynb`` from its Jupytext ``.md`` and the student versions in ``release/``.

``build()`` writes only files whose content changes, so a second run touches nothing;
``build(check=True)`` writes no course file and lists what is out of date (CI fails on it).

The source notebooks keep their Jupytext pairing (``formats: ipynb,md``); the release
notebooks carry none (nbgrader's last step, ``course_tools.release.StudentVersion``).
Running nbgrader is the slow part, so each assignment's release is remembered in
``.build-cache.json`` under a fingerprint of everything it is made from; an unchanged
source whose release files still match is not regenerated (``cache=False`` always
regenerates). Only what was found or made up to date is remembered.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from course.config import course_dir

CACHE_FILE = ".build-cache.json"


class BuildError(Exception):
    """A source that cannot be built, explained in one line."""


@dataclass
class BuildReport:
    written: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    assignments: list[str] = field(default_factory=list)


def assignments(root: Path | None = None) -> list[str]:
    """Assignment folders under ``source/`` that hold ``<name>/<name>.md``."""
    root = Path(root or course_dir())
    return sorted(p.parent.name for p in (root / "source").glob("*/*.md") if p.stem == p.parent.name)


def notebook_text(source_md: Path) -> str:
    """The paired ``.ipynb`` of a Jupytext markdown source, with no outputs or counts."""
    import jupytext

    try:
        notebook = jupytext.read(source_md, fmt="md")
    except Exception as error:  # noqa: BLE001 - jupytext raises many kinds for bad input
        raise BuildError(f"{source_md}: not a readable Jupytext markdown notebook ({error})") from None
    seen: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.id = _stable_id(cell, seen)
    notebook.metadata.setdefault("jupytext", {})["formats"] = "ipynb,md"
    return jupytext.writes(notebook, fmt="ipynb")


def _stable_id(cell, seen: set[str]) -> str:
    """A cell id that depends only on the cell (its grade_id, else its text), never on chance."""
    base = cell.metadata.get("nbgrader", {}).get("grade_id") or hashlib.sha1(cell.source.encode()).hexdigest()[:10]
    candidate, n = base, 1
    while candidate in seen:
        n += 1
        candidate = f"{base}-{n}"
    seen.add(candidate)
    return candidate


def tool_env() -> dict[str, str]:
    """The environment for nbgrader subprocesses: this interpreter's scripts first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def nbgrader(*args: str, root: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the course folder ``root``."""
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=root or course_dir(),
        env=tool_env(),
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    if "while loading config file" in output:  # nbgrader would go on without the course's settings
        raise BuildError(f"nbgrader could not load {Path(root or course_dir()) / 'nbgrader_config.py'}: run `python -m nbgrader {args[0]}` there to see why")
    if check and result.returncode != 0:
        errors = [line for line in output.splitlines() if "ERROR" in line or "Error" in line]
        raise BuildError(f"nbgrader {' '.join(args[:2])} failed: {(errors or ['see nbgrader output'])[-1].strip()}")
    return result


def generate_release(assignment: str, destination: Path, root: Path | None = None, use_db: bool = False) -> Path:
    """Run nbgrader's generate_assignment for ``assignment`` into ``destination/<assignment>``."""
    args = ["generate_assignment", assignment, "--force", f"--CourseDirectory.release_directory={destination}"]
    if not use_db:
        args.append("--no-db")
    nbgrader(*args, root=root)
    return destination / assignment


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


def _hashes(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in sorted(_tree(folder))}


def _sync_tree(generated: Path, target: Path, check: bool, report: BuildReport, root: Path) -> None:
    new, old = _tree(generated), _tree(target)
    for name in sorted(new | old):
        label = str((target / name).relative_to(root))
        if name not in new:
            report.stale.append(label)
            if not check:
                (target / name).unlink()
        elif name not in old or not filecmp.cmp(generated / name, target / name, shallow=False):
            report.stale.append(label)
            if not check:
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(generated / name, target / name)
                report.written.append(label)


def _inputs(root: Path, name: str) -> str:
    """A fingerprint of everything ``source/<name>/<name>.ipynb`` and ``release/<name>`` are
    made from: the source folder, the nbgrader settings, the tools and their versions."""
    digest = hashlib.sha256()
    folder = root / "source" / name
    parts = [(f"source/{p}", (folder / p).read_bytes()) for p in sorted(_tree(folder)) if p != f"{name}.ipynb"]
    parts.append(("nbgrader_config.py", (root / "nbgrader_config.py").read_bytes()))
    tools = Path(__file__).parent
    parts += [(f"tool/{p}", (tools / p).read_bytes()) for p in ("build.py", "release.py")]
    parts += [(f"version/{d}", metadata.version(d).encode()) for d in ("nbgrader", "nbconvert", "nbformat", "jupytext")]
    for label, data in parts:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _outputs(root: Path, name: str) -> dict:
    """What the build of ``name`` left: the hashes of its source notebook and release files."""
    notebook = root / "source" / name / f"{name}.ipynb"
    return {
        "notebook": hashlib.sha256(notebook.read_bytes()).hexdigest() if notebook.is_file() else None,
        "release": _hashes(root / "release" / name),
    }


def _load_cache(root: Path) -> dict:
    try:
        cache = json.loads((root / CACHE_FILE).read_text())
        return cache if isinstance(cache, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_cache(root: Path, cache: dict) -> None:
    staging = root / f"{CACHE_FILE}.{os.getpid()}"
    staging.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    os.replace(staging, root / CACHE_FILE)


def build(root: Path | None = None, check: bool = False, only: list[str] | None = None, cache: bool = True, progress: bool = False) -> BuildReport:
    """Sync each ``.md`` to its ``.ipynb``, then regenerate ``release/`` from the notebooks."""
    root = Path(root or course_dir())
    report = BuildReport(assignments=[a for a in assignments(root) if not only or a in only])
    saved = _load_cache(root)
    known = saved if cache else {}
    fingerprints = {name: _inputs(root, name) for name in report.assignments}
    todo = [
        name
        for name in report.assignments
        if known.get(name) != {"inputs": fingerprints[name], **_outputs(root, name)}
    ]
    if todo:
        from tqdm import tqdm

        with tempfile.TemporaryDirectory(prefix="course-release-") as scratch:
            for name in tqdm(todo, desc="release (nbgrader)", unit="assignment", disable=not progress, leave=False):
                source_md = root / "source" / name / f"{name}.md"
                paired = source_md.with_suffix(".ipynb")
                text = notebook_text(source_md)
                if not paired.is_file() or paired.read_text() != text:
                    report.stale.append(str(paired.relative_to(root)))
                    if not check:
                        paired.write_text(text)
                        report.written.append(str(paired.relative_to(root)))
                # nbgrader runs on a staged copy built from the .md as it is now, so --check
                # never writes and the real course folder never gets a gradebook from building.
                staged = Path(scratch) / name
                shutil.copytree(root / "source" / name, staged / "source" / name)
                shutil.copy(root / "nbgrader_config.py", staged)
                (staged / "source" / name / f"{name}.ipynb").write_text(text)
                generated = generate_release(name, staged / "release", root=staged)
                _sync_tree(generated, root / "release" / name, check, report, root)
                if not any(s.startswith((f"source/{name}/", f"release/{name}/")) for s in report.stale) or not check:
                    saved[name] = {"inputs": fingerprints[name], **_outputs(root, name)}
        _save_cache(root, saved)
    if not only:
        for orphan in sorted(p for p in (root / "release").glob("*") if p.is_dir() and p.name not in report.assignments):
            report.stale.append(str(orphan.relative_to(root)))
            if not check:
                shutil.rmtree(orphan)
    return report
