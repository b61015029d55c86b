"""A full disk, simulated on the app's own connections with SQLite's max_page_count."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event

from warranty_desk.storage.database import Database


def page_count(db: Database) -> int:
    """The database's size in pages, as its own connection sees it (WAL included)."""
    with db.read() as session:
        return int(session.connection().exec_driver_sql("PRAGMA page_count").scalar_one())


def _cap(pages: int, dbapi_connection: sqlite3.Connection, record: Any) -> None:
    dbapi_connection.execute(f"PRAGMA max_page_count={pages}")


@contextmanager
def disk_full(db: Database, *, room: int = 0) -> Iterator[int]:
    """Every connection of the app may grow the file by `room` pages only, until the block
    ends and the limit is lifted; yields the page count allowed."""
    allowed = page_count(db) + room
    listener = partial(_cap, allowed)
    # Pooled connections were made before the limit: new ones get it from their first use.
    db.engine.dispose()
    event.listen(db.engine, "connect", listener)
    try:
        yield allowed
    finally:
        event.remove(db.engine, "connect", listener)
        db.engine.dispose()


def table_digest(path: Path) -> dict[str, str]:
    """Each table's rows, hashed in rowid order: equal digests mean exactly the same rows."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        digests = {}
        for table in tables:
            digest = hashlib.sha256()
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
            digests[table] = digest.hexdigest()
        return digests
    finally:
        connection.close()


def integrity(path: Path) -> list[str]:
    """What SQLite's full integrity check and foreign key check find ([] when sound)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    # A damaged file's problems may quote names whose bytes are no UTF-8.
    connection.text_factory = lambda data: data.decode("utf-8", "replace")
    try:
        problems = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
        problems = [] if problems == ["ok"] else problems
        problems += [f"foreign key: {row}" for row in connection.execute(
            "PRAGMA foreign_key_check")]
        return problems
    finally:
        connection.close()
