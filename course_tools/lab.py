"""What the instructor's JupyterLab needs before it starts (``python -m course lab``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def _tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}


def is_half_created(gradebook: Path) -> bool:
    """Whether nbgrader created ``gradebook``'s tables but stopped before recording their
    schema version (it runs the ``alembic`` command for it, which fails when not on PATH)."""
    try:
        with sqlite3.connect(f"file:{gradebook}?mode=ro", uri=True) as db:
            tables = _tables(db)
            return bool(tables) and ("alembic_version" not in tables or not db.execute("select count(*) from alembic_version").fetchone()[0])
    except sqlite3.DatabaseError:
        return False  # not a database we can judge: nbgrader reports it


def complete_gradebook(gradebook: Path) -> bool:
    """Record the schema version nbgrader failed to record; its tables are the current schema.

    Returns whether anything was repaired. Grades already in the gradebook are kept.
    """
    if not is_half_created(gradebook):
        return False
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    head = ScriptDirectory(ALEMBIC_DIR).get_current_head()
    with sqlite3.connect(gradebook) as db:
        if "alembic_version" not in _tables(db):
            db.execute("create table alembic_version (version_num varchar(32) not null)")
        db.execute("insert into alembic_version (version_num) values (?)", (head,))
    return True


def before_lab(root: Path) -> None:
    """Complete a half-created ``gradebook.db`` so that formgrader opens on it."""
    gradebook = root / "gradebook.db"
    if gradebook.is_file() and complete_gradebook(gradebook):
        print(f"{gradebook.name}: completed its half-finished creation (schema version recorded; grades kept)")
