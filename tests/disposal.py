"""Databases a helper made without a fixture of its own, disposed of as the running test ends.

A module of its own, not tests/conftest.py: pytest imports that conftest as `conftest`, while
helpers import it as `tests.conftest`, a second copy with a list of its own.
"""

from __future__ import annotations

from warranty_desk.storage.database import Database

_made: list[Database] = []


def closed_after_test(database: Database) -> Database:
    """The database, to be disposed of when the running test ends (tests/conftest.py)."""
    _made.append(database)
    return database


def dispose_made() -> None:
    """Dispose of every database closed_after_test was given."""
    while _made:
        _made.pop().dispose()
