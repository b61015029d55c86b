"""The schema revision this build expects, checked without loading Alembic."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from warranty_desk.storage.database import Database

# The newest migration in warranty_desk/migrations/versions (a test keeps the two equal).
HEAD = "0008"


def at_head(db: Database) -> bool:
    """Whether the database file is already at HEAD, so the app can skip loading Alembic.

    Alembic and its migration scripts cost about a fifth of a second to import; most starts
    find nothing to do.
    """
    try:
        with db.engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except OperationalError:  # a new, empty file: no version table yet
        return False
    return [row[0] for row in found] == [HEAD]
