"""The schema revision this build expects, checked without loading Alembic."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from warranty_desk.storage.database import Database

# The newest migration in warranty_desk/migrations/versions (a test keeps the two equal).
HEAD = "0025"


def file_at_head(path: Path) -> bool:
    """Whether the database file is already at HEAD; False for a missing or new, empty file.

    Read with plain sqlite3, read-only: the app asks before it builds its engine, and
    Alembic with its migration scripts costs about a fifth of a second to import, while most
    starts find nothing to do.
    """
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.OperationalError:  # no file yet
        return False
    try:
        found = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError:  # no version table yet (or not a database: let Alembic say)
        return False
    finally:
        connection.close()
    return [row[0] for row in found] == [HEAD]


def at_head(db: Database) -> bool:
    """Whether the database is already at HEAD, so the caller can skip loading Alembic."""
    return file_at_head(db.path)
