"""The student kit: what a student receives, written from the instructor's course folder.

It holds the release notebooks and their data files, the runtime package ``course``
(nothing of ``course_tools``), its own ``pyproject.toml`` (runtime and ``lab`` extra, so
``pip install '.[lab]'``, a wheel or a git URL installs it), a student README, a Makefile,
the students' nbgrader and JupyterLab settings (no instructor panels, smoke-mode Validate).
No source ``.md``, solution, hidden test or mark scheme: those live in ``source/``, which
the kit never reads except to refuse an out-of-date ``release/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import tomllib
import zipfile
from pathlib import Path

from course.config import course_dir
from course.work import released_assignments

TEMPLATE = Path(__file__).with_name("kit_template")
RUNTIME = "course"


class KitError(Exception):
    """A kit that cannot be written, explained in one line."""


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def kit_pyproject(root: Path) -> str:
    """The kit's ``pyproject.toml``: the course's runtime dependencies and ``lab`` extra, package ``course`` only."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    dependencies = "".join(f"    {json.dumps(d)},\n" for d in project["dependencies"])
    return (
        "# The student kit of the CNN course: `pip install '.[lab]'` installs the notebooks' runtime\n"
        "# package `course` and JupyterLab with nbgrader's Validate button.\n"
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = {json.dumps(project["name"])}\nversion = {json.dumps(project["version"])}\n'
        f'description = "Student kit: the notebooks and their runtime package, course"\nreadme = "README.md"\n'
        f'requires-python = {json.dumps(project["requires-python"])}\nlicense = {{ text = {json.dumps(project["license"]["text"])} }}\n'
        f"dependencies = [\n{dependencies}]\n\n"
        f'[project.optional-dependencies]\nlab = {_toml_list(project["optional-dependencies"]["lab"])}\n\n'
        '[project.scripts]\ncourse = "course.cli:main"\n\n'
        f'[tool.setuptools]\npackages = ["{RUNTIME}"]\n\n'
        "# Marks this folder as a course folder (course.config.course_dir).\n[tool.course]\n"
    )


def _assignment_table(root: Path) -> str:
    rows = []
    for name in released_assignments(root):
        notebook = json.loads((root / "release" / name / f"{name}.ipynb").read_text())
        title = next((c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"), name)
        heading = next((line.lstrip("# ").strip() for line in title.splitlines() if line.startswith("#")), name)
        rows.append(f"| `{name}` | {heading} |")
    return "| folder | assignment |\n| --- | --- |\n" + "\n".join(rows)


def _write_folder(root: Path, target: Path) -> None:
    shutil.copytree(TEMPLATE, target, ignore=shutil.ignore_patterns("__pycache__"))
    readme = target / "README.md"
    readme.write_text(readme.read_text().replace("{assignments}", _assignment_table(root)))
    (target / "pyproject.toml").write_text(kit_pyproject(root))
    (target / RUNTIME).mkdir()
    for module in sorted((root / RUNTIME).glob("*.py")):
        shutil.copy(module, target / RUNTIME)
    for name in released_assignments(root):
        shutil.copytree(root / "release" / name, target / "release" / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


def _git(folder: Path, *args: str) -> None:
    command = ["git", "-c", "user.name=Course kit", "-c", "user.email=kit@course.invalid", "-c", "init.defaultBranch=main", *args]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if result.returncode != 0:
        raise KitError(f"git {args[0]} failed: {(result.stderr.strip().splitlines() or ['no output'])[-1]}")


def write_kit(output: Path, root: Path | None = None, archive: bool = False, git: bool = False) -> Path:
    """Write the kit to the folder ``output`` (or ``output.zip``); return what was written."""
    from course_tools.build import build

    root = Path(root or course_dir()).resolve()
    output = Path(output).resolve()
    final = output.with_suffix(".zip") if archive else output
    if final.exists():
        raise KitError(f"{final} already exists; give a new name (the kit never writes over anything)")
    if not released_assignments(root):
        raise KitError(f"no release/ in {root}; run `make course` first")
    stale = build(root, check=True).stale
    if stale:
        raise KitError(f"release/ is out of date with source/ ({stale[0]}...); run `make course` first")
    final.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="course-kit-", dir=final.parent) as scratch:
        folder = Path(scratch) / output.name
        _write_folder(root, folder)
        if git:
            _git(folder, "init", "-q")
            _git(folder, "add", "-A")
            _git(folder, "commit", "-q", "-m", "Student kit of the CNN course")
        if archive:
            staged = Path(scratch) / "kit.zip"
            with zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as bundle:
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        bundle.write(path, Path(output.name) / path.relative_to(folder))
            staged.rename(final)
        else:
            folder.rename(final)
    return final
