"""Fixtures for tests against the real portal (registered from tests/conftest.py).

`pg`: the private cluster with a migrated template, once per session. `served_portal`: one
copy of the template served by gunicorn, once per session. `portal`: for one test, branch
BR01 registered afresh on it (a new token) behind its own chaos proxy; afterwards the branch
is renamed and its events deleted, so the next test registers BR01 again on the same
database. Django is only set up by the first test that asks for one of these.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.liveportal.branch_view import BranchPortal
from tests.liveportal.served import (
    LivePortal,
    PortalCluster,
    PortalDatabase,
    current_database,
    database_copy,
    serving,
    started_cluster,
    use_database,
)
from tests.sync.chaos_proxy import ChaosProxy
from warranty_desk.storage.database import Database


@dataclass(frozen=True)
class ServedPortal:
    """The session's served portal and the database it serves."""

    db: PortalDatabase
    live: LivePortal


@pytest.fixture(scope="session")
def pg() -> Iterator[PortalCluster]:
    """The private cluster running, with a migrated template database."""
    with started_cluster() as running:
        yield running


@pytest.fixture(scope="session")
def served_portal(pg: PortalCluster, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[ServedPortal]:
    """gunicorn serving one database for every till test of the session."""
    log = tmp_path_factory.mktemp("served-portal") / "gunicorn.log"
    with database_copy(pg, f"portal_tills_{secrets.token_hex(4)}") as db, \
            serving(db, log, threads=8) as live:
        yield ServedPortal(db, live)


def branch_portal(served: ServedPortal, code: str = "BR01", **proxy: object
                  ) -> Iterator[BranchPortal]:
    """A branch registered afresh on the served portal, behind a proxy made with `proxy`."""
    from portal.branches.services import register_branch

    before = current_database()
    use_database(served.db.name)
    branch, token = register_branch(code)
    chaos = ChaosProxy(served.live.url, **proxy).start()  # type: ignore[arg-type]
    view = BranchPortal(chaos, served.live.url, branch.code, token, branch.pk, [branch.pk])
    try:
        yield view
    finally:
        chaos.stop()
        view.retire()
        use_database(before)


def shop_portal(served: ServedPortal, db: Database) -> Iterator[BranchPortal]:
    """The served portal with the shop's own branch code registered afresh (a till whose code
    no other test uses)."""
    from sqlalchemy import select

    from warranty_desk.models import Shop

    with db.read() as session:
        code = session.scalars(select(Shop.branch_code)).one()
    yield from branch_portal(served, code)


@pytest.fixture
def portal(served_portal: ServedPortal) -> Iterator[BranchPortal]:
    """The real portal for this test's till (branch BR01, a fresh token), through a proxy."""
    yield from branch_portal(served_portal)
