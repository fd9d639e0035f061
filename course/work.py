"""Students' own copies of the assignments: ``work/<assignment>/``, made once from ``release/``.

No command of the course ever writes into a folder that already exists under ``work/``.
When ``release/<assignment>`` changes after a student's copy was made (a newer release),
the new version is placed beside it, in ``work/<assignment>-release-<id>/``, never on top.
A release notebook records which release it is in its metadata (``course.release``).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

RELEASE_KEY = "course"


def release_id(notebook: Path) -> str | None:
    """The release a notebook was made from (``metadata.course.release``), if it says."""
    try:
        metadata = json.loads(notebook.read_text()).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return None
    value = metadata.get(RELEASE_KEY, {}).get("release") if isinstance(metadata.get(RELEASE_KEY), dict) else None
    return value if isinstance(value, str) and value else None


def released_assignments(root: Path) -> list[str]:
    """Assignments under ``root/release`` (folders holding ``<name>/<name>.ipynb``)."""
    return sorted(p.parent.name for p in (root / "release").glob("*/*.ipynb") if p.stem == p.parent.name)


def _copy_new(source: Path, target: Path) -> None:
    """Copy the folder ``source`` to ``target``, which must not exist; all or nothing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        shutil.copytree(source, staging / target.name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        (staging / target.name).rename(target)  # fails, copying nothing, if target appeared meanwhile
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def update(root: Path, only: list[str] | None = None) -> list[str]:
    """Make ``work/<a>/`` for each released assignment that has none; place newer releases beside.

    Returns one line per action. Never writes into an existing folder under ``work/``.
    """
    lines = []
    for assignment in released_assignments(root):
        if only and assignment not in only:
            continue
        released = root / "release" / assignment
        mine = root / "work" / assignment
        if not mine.exists():
            _copy_new(released, mine)
            lines.append(f"{assignment}: your copy is work/{assignment}/{assignment}.ipynb (new, from release/{assignment})")
            continue
        current, started_from = release_id(released / f"{assignment}.ipynb"), release_id(mine / f"{assignment}.ipynb")
        if current is None or started_from is None or current == started_from:
            continue
        beside = root / "work" / f"{assignment}-release-{current}"
        if not beside.exists():
            _copy_new(released, beside)
        lines.append(
            f"{assignment}: a newer release is in work/{beside.name}/; your work/{assignment}/ is untouched"
            " (copy your answers across when you are ready)"
        )
    return lines
