"""The schema revision this build expects, checked without loading Alembic."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `--version` and the app's start read the revision before SQLAlchemy loads
    from warranty_desk.storage.database import Database

# The newest migration in warranty_desk/migrations/versions (a test keeps the two equal).
HEAD = "0033"


def file_revisions(path: Path) -> list[str] | None:
    """The revisions the database file's version table names; None for a missing or new,
    empty file (or one that is not a database: Alembic says so when it opens it).

    Read with plain sqlite3, read-only, creating nothing: the app asks before it builds its
    engine, and Alembic with its migration scripts costs about a fifth of a second to import,
    while most starts find nothing to do.
    """
    # Even read-only, SQLite makes a WAL-mode file's -wal and -shm beside it. With no -wal
    # there is nothing to read outside the file itself, so it is opened as immutable, which
    # makes nothing: `--version` on a closed shop leaves the folder as it was.
    wal = path.with_name(f"{path.name}-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
    except sqlite3.OperationalError:  # no file yet
        return None
    try:
        found = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError:  # no version table yet (or not a database)
        return None
    finally:
        connection.close()
    return [str(row[0]) for row in found]


def file_at_head(path: Path) -> bool:
    """Whether the database file is already at HEAD; False for a missing or new, empty file."""
    return file_revisions(path) == [HEAD]


def at_head(db: Database) -> bool:
    """Whether the database is already at HEAD, so the caller can skip loading Alembic."""
    return file_at_head(db.path)
