"""A test fails if it leaves an sqlite3 connection open: a plugin, `pytest -p tests.sqlite_guard`.

Why: on Python 3.11 an unclosed connection is freed only by the cycle collector (it and its
statement cache refer to each other), and sqlite3 does not warn about it. Left open on a WAL
file it keeps a shared lock, so whether a later restore or put-back found the file "open in
another program" depended on whether the collector had run: a flaky test, never a failing one.

Every connection made through sqlite3.connect (SQLAlchemy's pool connects through
sqlite3.dbapi2.connect) while a test and its function-scoped fixtures run is kept, strongly,
until the test's teardown: so a connection left open is always found, whether or not the
collector ran. Connections a module- or session-scoped fixture makes are that fixture's to
close and are not counted.

Not loaded by default yet: tests/unit, ui, e2e, sync, security, erasure, privacy and fuzz pass
with it; tests/portal and deploy have not been run whole with it since their shops
(tests/portal/till.py) are disposed of; printing, packaging and bench not at all. Its cost is
a microsecond per connection and well under a millisecond per test.
"""

from __future__ import annotations

import sqlite3
import sqlite3.dbapi2
import sys
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
    _kept = kept
    try:
        yield
    finally:
        _kept = None
    # Those left open are not closed here: one a pool still holds would then log an error
    # when the collector finalises it, in whichever later test that happens.
    left = [where for connection, where in kept if _is_open(connection)]
    if left:
        lines = "\n".join(f"  {where}" for where in left)
        pytest.fail(f"the test left {len(left)} sqlite3 connection(s) open, made at:\n{lines}",
                    pytrace=False)
