"""The SQLite engine: pragmas on every connection, and sessions for reads and for writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from warranty_desk.storage import search

# Milliseconds a connection waits for another writer (the sync worker, a second till) before
# giving up; long enough for any single user action's transaction.
BUSY_TIMEOUT_MS = 5000

# Every connection gets these. synchronous=FULL because this is the ledger of record: a power
# cut at the counter must not lose a committed refund. trusted_schema=OFF stops a tampered file
# from running SQL functions through views or triggers.
PRAGMAS: tuple[tuple[str, str], ...] = (
    ("journal_mode", "WAL"),
    ("foreign_keys", "ON"),
    ("busy_timeout", str(BUSY_TIMEOUT_MS)),
    ("synchronous", "FULL"),
    ("trusted_schema", "OFF"),
    # 64 MiB page cache: lookups on a million warranties stay in memory after the first scan.
    ("cache_size", "-65536"),
    ("temp_store", "MEMORY"),
)

_WRITE_OPTION = "warranty_desk_write"


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy's begin event below; pysqlite's own implicit
    # BEGIN would otherwise defer locking until the first write.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for name, value in PRAGMAS:
        cursor.execute(f"PRAGMA {name}={value}")
    cursor.close()


def _on_begin(connection: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that reads and then writes
    # fails with SQLITE_BUSY at once, without waiting, if another writer committed in between.
    if connection.get_execution_options().get(_WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


class Database:
    """One SQLite file with its engines and session factories; made by the composition root."""

    def __init__(self, path: Path, *, echo: bool = False) -> None:
        self.path = path
        self.engine: Engine = create_engine(f"sqlite:///{path}", echo=echo)
        event.listen(self.engine, "connect", _on_connect)
        event.listen(self.engine, "begin", _on_begin)
        writer = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        self._writes = sessionmaker(writer, expire_on_commit=False)
        search.install(self._writes)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for one read-only action; rolled back at the end."""
        with self._reads() as session, session.begin():
            yield session
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one change: commits at the end, or rolls everything back on error."""
        with self._writes() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection (before a restore replaces the file)."""
        self.engine.dispose()
