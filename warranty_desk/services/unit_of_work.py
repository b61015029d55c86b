"""One unit of work: the transaction services run in, so several can share it and commit as one.

A service is written once, in its session form `name_in(uow, actor, ...)`: it checks the
actor's permission first, then makes the change, its audit entry and its outbox event through
`uow.session`, and never commits. `name = writes(name_in)` (or `reads`) makes the form most
callers use, `name(db, actor, ...)`, which opens a unit of work on the database, runs the
session form in it and commits (or rolls back) at the end. A caller that composes services (the
portal inbox, a capture at the counter) opens one unit and calls the session forms in turn.

The connection is taken at the first statement, not when a unit opens: a permission refused
before any SQL never waits for, nor takes, the write lock.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from warranty_desk.clock import Clock
from warranty_desk.storage.database import Database, clock_of, session_rows

# Whether some brand claim is stale, and whether the shop's zone is not the one the claims
# per shop day were counted for (services.rollup_upkeep): one statement per commit.
_NEEDS = (
    "SELECT EXISTS (SELECT 1 FROM recovery_stale), "
    "(SELECT timezone FROM shop LIMIT 1) IS NOT NULL AND "
    "(SELECT zone FROM claim_fact_zone LIMIT 1) IS NOT (SELECT timezone FROM shop LIMIT 1)")

_HAS_ROLLUP = "warranty_desk.recovery_rollup"


def _has_rollup(session: Session) -> bool:
    """Whether the file has the recovery roll-up (a database before migration 0029 does not:
    the upgrade tests write to older schemas); asked once per pooled connection."""
    info = session.connection().info
    if _HAS_ROLLUP not in info:
        info[_HAS_ROLLUP] = bool(session_rows(
            session,
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'recovery_stale'"))
    return bool(info[_HAS_ROLLUP])


P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class UnitOfWork:
    """One open transaction: its session and the database's clock."""

    __slots__ = ("clock", "session")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.clock: Clock = clock_of(session)

    @classmethod
    @contextmanager
    def write(cls, db: Database) -> Iterator[UnitOfWork]:
        """A unit that changes the database: commits when the block ends, all or nothing.

        Before it commits, brand claims its changes left stale have their recovery worked out
        again and claims counted again for a new zone (services.rollup_upkeep), so the
        dashboard reads stored rows."""
        with db.write() as session:
            yield cls(session)
            if _has_rollup(session):
                # On the driver connection: an ORM statement costs more than the read itself.
                stale, zone_moved = session_rows(session, _NEEDS)[0]
                if stale or zone_moved:
                    from warranty_desk.services import rollup_upkeep  # rare: load it only then

                    rollup_upkeep.refresh(session, stale=bool(stale), zone_moved=bool(zone_moved))

    @classmethod
    @contextmanager
    def read(cls, db: Database) -> Iterator[UnitOfWork]:
        """A unit that only reads; whatever it did is rolled back at the end."""
        with db.read() as session:
            yield cls(session)

    @contextmanager
    def step(self) -> Iterator[None]:
        """A step that may be refused alone: if it raises, only its own changes roll back (a
        savepoint), the error goes on to the caller, and the unit stays open for the rest."""
        with self.session.begin_nested():
            yield


def _own_unit(
    work: Callable[Concatenate[UnitOfWork, P], R],
    opener: Callable[[Database], AbstractContextManager[UnitOfWork]],
) -> Callable[Concatenate[Database, P], R]:
    if inspect.isgeneratorfunction(work):
        # Its unit would end as soon as the generator was made, before any row was read: the
        # rows would then stream on a connection no unit closes. `streams` keeps it open.
        raise TypeError(f"{work.__qualname__} yields its rows: wrap it with streams()")

    @functools.wraps(work)
    def in_own_unit(db: Database, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with opener(db) as uow:
            return work(uow, *args, **kwargs)

    return _named(in_own_unit, work)


def _named(form: F, work: Callable[..., Any]) -> F:
    """The database form named as its service (`name`, not `name_in`)."""
    form.__name__ = work.__name__.removesuffix("_in")
    form.__qualname__ = work.__qualname__.removesuffix("_in")
    return form


def writes(work: Callable[Concatenate[UnitOfWork, P], R]) -> Callable[Concatenate[Database, P], R]:
    """The database form of a service that changes things: runs it in a write unit of its own."""
    return _own_unit(work, UnitOfWork.write)


def reads(work: Callable[Concatenate[UnitOfWork, P], R]) -> Callable[Concatenate[Database, P], R]:
    """The database form of a service that only reads: runs it in a read unit of its own."""
    return _own_unit(work, UnitOfWork.read)


def streams(
    work: Callable[Concatenate[UnitOfWork, P], Iterator[T]],
) -> Callable[Concatenate[Database, P], Iterator[T]]:
    """The database form of a read service that yields its rows: a read unit of its own, open
    until the last row is read or the caller drops the rows (closing the generator)."""

    @functools.wraps(work)
    def in_own_unit(db: Database, /, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        with UnitOfWork.read(db) as uow:
            yield from work(uow, *args, **kwargs)

    return _named(in_own_unit, work)
