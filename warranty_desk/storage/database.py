"""The SQLite engine: pragmas on every connection, and sessions for reads and for writes.

SQLAlchemy and the models load when the engine is first needed, not when a Database is made:
the app's start reads its shop row and staff list through the driver (driver_read) and shows
the sign-in page before SQLAlchemy (about a third of a second to import and map) has loaded.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from warranty_desk.clock import Clock
from warranty_desk.errors import DatabaseDamaged, DiskFull
from warranty_desk.ids import IdMaker
from warranty_desk.storage.private import private_file

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session, sessionmaker
    from sqlalchemy.pool import PoolProxiedConnection

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

# Prepared statements each connection keeps by their text (the driver's default is 128). An IN
# list of each length is a text of its own (the ORM's "expanding" IN too), so reads with lists of
# varying length pushed one another out, and preparing a many-table read again costs more than
# running it: the verdict read over 1 to 200 keys took 0.61 ms of CPU a read with 128 kept,
# 0.45 ms with all kept. A kept statement costs up to 26 KB (that seven-table read): 512 of them
# at most 13 MB a connection.
CACHED_STATEMENTS = 512

_WRITE_OPTION = "warranty_desk_write"

# Where a pooled connection keeps the Database it belongs to (set on connect), so a column
# default stamps from that database's injected clock (warranty_desk/models/base.py).
DATABASE_KEY = "warranty_desk.database"


def _set_up(dbapi_connection: sqlite3.Connection) -> None:
    # Hand transaction control to SQLAlchemy's begin event below (or to driver_read's own
    # BEGIN); pysqlite's implicit BEGIN would otherwise defer locking until the first write.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for name, value in PRAGMAS:
        cursor.execute(f"PRAGMA {name}={value}")
    cursor.close()


def _on_connect(database: Database, dbapi_connection: sqlite3.Connection, record: Any) -> None:
    # Column defaults (created_at and the like) stamp from the database's clock through this.
    record.info[DATABASE_KEY] = database
    _set_up(dbapi_connection)


def _on_begin(connection: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that reads and then writes
    # fails with SQLITE_BUSY at once, without waiting, if another writer committed in between.
    # On the driver itself: SQLAlchemy's statement machinery took 20 us of CPU for each, two
    # per sale and its slip, where the statement takes 1.5 us.
    driver = driver_of_pooled(connection.connection)
    driver.execute("BEGIN IMMEDIATE" if connection.get_execution_options().get(_WRITE_OPTION)
                   else "BEGIN")


class Database:
    """One SQLite file with its engines and session factories; made by the composition root."""

    def __init__(self, path: Path, *, clock: Clock, echo: bool = False) -> None:
        self.path = path
        # The one clock every service stamps and compares dates with; tests pin it, the demo
        # moves it through its history.
        self.clock = clock
        # Ids head office dates (events, the branch epoch) come from this database's clock;
        # its own maker, so a test moving one database's clock leaves another's ids alone.
        self.ids = IdMaker()
        # Set when a check after start finds the file damaged: every write is refused in
        # these words from then on (services/damage.py).
        self.refusal: str | None = None
        # Made here, owner-only, before SQLite would make it with the umask's mode: the file
        # holds customers' names and phone numbers (its -wal and -shm files follow its mode).
        private_file(path)
        self.echo = echo
        self._orm: _Orm | None = None
        # The app's loader thread may build the engine while a sign-in's task asks for it.
        self._orm_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (SQLAlchemy and the models load with the first use)."""
        return self._loaded().engine

    @property
    def loaded(self) -> bool:
        """Whether the engine is built (SQLAlchemy and the models loaded)."""
        return self._orm is not None

    def load(self) -> None:
        """Build the engine and map the models now, so the first session finds them ready
        (the app does this on a thread once its sign-in page is up)."""
        from sqlalchemy.orm import configure_mappers

        self._loaded()
        configure_mappers()

    def _loaded(self) -> _Orm:
        orm = self._orm
        if orm is None:
            with self._orm_lock:
                orm = self._orm
                if orm is None:
                    orm = self._orm = _build_orm(self)
        return orm

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for one read-only action; rolled back at the end."""
        with self._loaded().reads() as session, session.begin():
            yield session
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one change: commits at the end, or rolls everything back on error.

        A full disk is said in plain words (DiskFull): SQLite has rolled the change back whole.
        A file found damaged is not written to at all (DatabaseDamaged).
        """
        if self.refusal is not None:
            raise DatabaseDamaged(self.refusal)
        from sqlalchemy.exc import OperationalError  # loaded with the session factory below

        try:
            with self._loaded().writes() as session, session.begin():
                yield session
        except (sqlite3.OperationalError, OperationalError) as exc:
            if _disk_full(exc):
                raise DiskFull(_DISK_FULL.format(folder=self.path.parent)) from exc
            raise

    @contextmanager
    def driver_read(self) -> Iterator[sqlite3.Connection]:
        """A pooled driver connection in one read transaction; rolled back at the end.

        For the counter's hot reads (the lookup), which run their SQL straight through the
        driver: a session's transaction and connection machinery cost more than the reads.
        The connection is the pool's, set up by the same connect event as a session's.
        Before the engine is built (the app's start, before SQLAlchemy loads) it is a
        connection of its own with the same pragmas, closed at the end.
        """
        if self._orm is None:
            conn = sqlite3.connect(self.path, check_same_thread=False,
                                   cached_statements=CACHED_STATEMENTS)
            close = conn.close
            _set_up(conn)
        else:
            pooled = self._orm.engine.raw_connection()
            conn, close = driver_of_pooled(pooled), pooled.close
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")
        finally:
            close()

    def refuse_writes(self, why: str) -> None:
        """Refuse every write from now on, saying why (a damaged file found after start)."""
        self.refusal = why

    def event_id(self) -> uuid.UUID:
        """A new event id, dated now on this database's clock."""
        return self.ids.at(self.clock.now())

    def dispose(self) -> None:
        """Close every pooled connection (before a restore replaces the file)."""
        if self._orm is not None:
            self._orm.engine.dispose()


@dataclass(frozen=True, slots=True)
class _Orm:
    """The engine and the two session factories, made once per Database."""

    engine: Engine
    reads: sessionmaker[Session]
    writes: sessionmaker[Session]


def _build_orm(database: Database) -> _Orm:
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import sessionmaker

    from warranty_desk.storage import search  # brings the models

    engine = create_engine(f"sqlite:///{database.path}", echo=database.echo,
                           connect_args={"cached_statements": CACHED_STATEMENTS})
    event.listen(engine, "connect", partial(_on_connect, database))
    event.listen(engine, "begin", _on_begin)
    writer = engine.execution_options(**{_WRITE_OPTION: True})
    info = {DATABASE_KEY: database}
    writes = sessionmaker(writer, expire_on_commit=False, info=info)
    search.install(writes)
    return _Orm(engine, sessionmaker(engine, expire_on_commit=False, info=info), writes)


# What a person reads when the disk fills up mid-change: what happened, that nothing of it was
# kept, and what to do.
_DISK_FULL = ("The disk is full, so this was not saved. Nothing of it was kept: the records are "
              "as they were before. Free some space on the disk that holds {folder} (empty the "
              "recycle bin, move old files or backups elsewhere), then do it again.")


def _disk_full(exc: Exception) -> bool:
    """Whether SQLite refused a write because the disk (or its page limit) is full."""
    # Bulk inserts run on the driver itself (storage.bulk): its error arrives unwrapped.
    driver = getattr(exc, "orig", exc)
    return getattr(driver, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL


def database_of(session: Session) -> Database:
    """The Database a session was made by."""
    database = session.info.get(DATABASE_KEY)
    if not isinstance(database, Database):
        raise RuntimeError("this session was not made by a Database")
    return database


def clock_of(session: Session) -> Clock:
    """The clock of the database a session belongs to."""
    return database_of(session).clock


def session_rows(session: Session, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Plain SQL with ? markers on the session's own driver connection (its transaction),
    after the flush an ORM read would make (autoflush, unless inside no_autoflush).

    For the small reads on every activation, print and lookup: building and running an ORM
    statement costs a few hundred microseconds, the read itself a few.
    """
    if session.autoflush:
        session.flush()
    return driver_of(session).execute(sql, params).fetchall()


def driver_of(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under a session's own connection (its transaction)."""
    return driver_of_pooled(session.connection().connection)


def driver_of_pooled(pooled: PoolProxiedConnection) -> sqlite3.Connection:
    """The sqlite3 connection a pooled connection wraps."""
    raw = pooled.dbapi_connection
    assert raw is not None  # a connection checked out of the pool always has one
    return cast(sqlite3.Connection, raw)
