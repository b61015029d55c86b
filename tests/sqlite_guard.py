"""A test fails if it leaves an sqlite3 connection open: a plugin, loaded by pyproject's addopts.

Why: on Python 3.11 an unclosed connection is freed only by the cycle collector (it and its
statement cache refer to each other), and sqlite3 does not warn about it. Left open on a WAL
file it keeps a shared lock, so whether a later restore or put-back found the file "open in
another program" depended on whether the collector had run: a flaky test, never a failing one.

Every connection made through sqlite3.connect (SQLAlchemy's pool connects through
sqlite3.dbapi2.connect) while a test and its function-scoped fixtures run is kept, strongly,
until the test's teardown: so a connection left open is always found, whether or not the
collector ran. Connections a module- or session-scoped fixture makes are that fixture's to
close and are not counted.

Loaded for every run (pyproject's addopts). A connection idle in the pool of a Database made
before the test began is not counted: a module's shop builds its engine on first use, often in
a test, and is disposed of by its fixture. tests/unit/test_sqlite_guard_plugin.py holds what
it fails and what it lets pass. Its cost is a microsecond per connection and well under a
millisecond per test.
"""

from __future__ import annotations

import sqlite3
import sqlite3.dbapi2
import sys
import weakref
from collections.abc import Generator, Iterator
from typing import Any

import pytest

_REAL_CONNECT = sqlite3.connect
_HERE = __file__.removesuffix("c")

# The connections made since the running test started, each with where it was made;
# None outside a test (collection, session fixtures), when nothing is kept.
_kept: list[tuple[sqlite3.Connection, str]] | None = None


def _where() -> str:
    """The innermost caller in the project's own code (tests or product), as file:line."""
    frame = sys._getframe(2)
    first = None
    while frame is not None:
        name = frame.f_code.co_filename
        if first is None and name != _HERE:
            first = frame
        if not name.startswith("<") and "/site-packages/" not in name \
                and "/lib/python3" not in name and name != _HERE:
            return f"{name}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return "?" if first is None else f"{first.f_code.co_filename}:{first.f_lineno}"


def _connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    connection = _REAL_CONNECT(*args, **kwargs)
    if _kept is not None:
        _kept.append((connection, _where()))
    return connection


# What SQLAlchemy's pools hold: each connection a pool made, by the connection's id, with
# its owner's id (its Database, else its pool) and whether it is back in the pool. A
# connection idle in the pool of a Database made before the test began (a module's shop,
# whose engine is built on first use, maybe in this test) is that Database's to close when it
# is disposed: the test only used it.
_in_pool: dict[int, tuple[int, bool]] = {}
_owners: weakref.WeakSet[Any] = weakref.WeakSet()


def _watch_pools() -> None:
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    from warranty_desk.storage import database

    made_database = database.Database.__init__

    def init(self: database.Database, *args: Any, **kwargs: Any) -> None:
        made_database(self, *args, **kwargs)
        _owners.add(self)

    database.Database.__init__ = init  # type: ignore[method-assign]

    def owner(record: Any) -> int:
        # The connect event of database.py puts its Database in the record's info.
        found = record.info.get(database.DATABASE_KEY)
        return id(found if found is not None else record._ConnectionRecord__pool)

    def made(connection: Any, record: Any) -> None:
        _owners.add(record._ConnectionRecord__pool)
        _in_pool[id(connection)] = (owner(record), False)

    def back(connection: Any, record: Any) -> None:
        if connection is not None:
            _in_pool[id(connection)] = (owner(record), True)

    def out(connection: Any, record: Any, _proxy: Any) -> None:
        _in_pool[id(connection)] = (owner(record), False)

    def gone(connection: Any, _record: Any) -> None:
        _in_pool.pop(id(connection), None)

    event.listen(Pool, "connect", made)
    event.listen(Pool, "checkin", back)
    event.listen(Pool, "checkout", out)
    event.listen(Pool, "close", gone)
    event.listen(Pool, "close_detached", gone)


def _pool_keeps(connection: sqlite3.Connection, older: set[int]) -> bool:
    """Whether the connection is idle in the pool of a Database (or a pool) made before the
    test began."""
    who, checked_in = _in_pool.get(id(connection), (0, False))
    return checked_in and who in older


def _is_open(connection: sqlite3.Connection) -> bool:
    # Reading in_transaction checks only that the connection is open, from any thread.
    try:
        connection.in_transaction  # noqa: B018
    except sqlite3.ProgrammingError:
        return False
    return True


def pytest_configure(config: pytest.Config) -> None:
    """Route sqlite3.connect, and the dbapi2 module's own name for it, through _connect."""
    sqlite3.connect = _connect  # type: ignore[assignment]
    sqlite3.dbapi2.connect = _connect  # type: ignore[assignment]
    _watch_pools()


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any]) -> Generator[None, None, None]:
    """A wider-scoped fixture set up while a test runs keeps its connections for later tests."""
    global _kept
    if fixturedef.scope == "function" or _kept is None:
        yield
        return
    paused, _kept = _kept, None
    try:
        yield
    finally:
        _kept = paused


@pytest.fixture(autouse=True)
def _sqlite_closed() -> Iterator[None]:
    """Fail the test if a connection it (or a function-scoped fixture) opened is still open."""
    global _kept
    kept: list[tuple[sqlite3.Connection, str]] = []
    older = {id(o) for o in _owners}
    _kept = kept
    try:
        yield
    finally:
        _kept = None
    # Those left open are not closed here: one a pool still holds would then log an error
    # when the collector finalises it, in whichever later test that happens.
    left = [where for connection, where in kept
            if _is_open(connection) and not _pool_keeps(connection, older)]
    if left:
        lines = "\n".join(f"  {where}" for where in left)
        pytest.fail(f"the test left {len(left)} sqlite3 connection(s) open, made at:\n{lines}",
                    pytrace=False)
