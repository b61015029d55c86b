"""Portal fixtures: the private PostgreSQL cluster, a fresh database per module, a live portal.

The cluster is the repository's own (.pg/, started by the session fixture `pg` of
tests/liveportal/fixtures.py if it is not running, and stopped again at the end if this
session started it). A template database is migrated once per session; each test module
gets a copy of it (CREATE DATABASE ... TEMPLATE, a fraction of a second) and, where it asks
for one, a real gunicorn serving that copy on a loopback port.

Every portal process of the run stands its clock at noon (UTC) on TODAY, like the tills' (a
started one through PORTAL_CLOCK_AT); a test moves this process's clock with `portal_clock`,
which stands again at noon on TODAY before each test.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.liveportal.served import database_copy, django_ready, serving, use_database
from tests.portal.support import (
    NOON,
    TEMPLATE,
    LivePortal,
    PortalCluster,
    PortalDatabase,
    RegisteredBranch,
    register,
)
from warranty_desk.clock import FixedClock

if TYPE_CHECKING:  # the records need Django set up (below) before they are imported
    from tests.portal.customers import Shops

# Django is set up when this folder is collected, before its test modules import models; it
# connects to nothing until the session fixture `pg` (tests/liveportal/fixtures.py) has the
# cluster running.
django_ready()
from django.conf import settings  # noqa: E402  (after Django is set up)


def _at_noon() -> FixedClock:
    """This process's portal clock, stood at noon on TODAY again."""
    clock = settings.PORTAL_CLOCK
    assert isinstance(clock, FixedClock), "the portal tests pin the clock"
    clock.set(NOON)
    return clock


@pytest.fixture(autouse=True)
def portal_clock() -> FixedClock:
    """The portal's clock in this process, standing at noon on TODAY until the test moves it."""
    return _at_noon()


@pytest.fixture(autouse=True)
def fresh_query_log() -> None:
    """Each test's counted queries start from an empty log.

    A test that ran many queries under CaptureQueriesContext leaves the log full (9,000), and
    reading it full warns; the next test in that process then failed on the warning, so a
    count depended on which tests had run before it.
    """
    from django.db import reset_queries

    reset_queries()


@pytest.fixture(scope="module")
def portal_db(pg: PortalCluster) -> Iterator[PortalDatabase]:
    """A fresh, migrated database for one test module; Django's connection points at it.

    The module's own fixtures (a till pushing, a shop's records) run on the clock at noon too.
    """
    from django.db import connection

    with database_copy(pg, f"portal_test_{secrets.token_hex(4)}") as copy:
        use_database(copy.name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT task_name, status FROM procrastinate_jobs")
            left = cursor.fetchall()
        # A job left in the template by an earlier module would run in this module's worker.
        assert left == [], f"the template holds jobs: {left}"
        _at_noon()
        yield copy
        use_database(TEMPLATE)


@pytest.fixture(scope="module")
def live_portal(portal_db: PortalDatabase, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LivePortal]:
    """`warranty-desk-portal serve` on a free loopback port, for the module's database."""
    with serving(portal_db, tmp_path_factory.mktemp("portal-log") / "gunicorn.log") as live:
        yield live


@pytest.fixture
def branch(portal_db: PortalDatabase) -> RegisteredBranch:
    """A freshly registered branch."""
    return register()


@pytest.fixture(scope="module")
def records(portal_db: PortalDatabase) -> Shops:
    """Two shops' customers (tests/portal/customers.py) in the module's database."""
    from tests.portal.customers import shops

    return shops()


@pytest.fixture
def fresh_limits(portal_db: PortalDatabase) -> None:
    """Sign-in rate limits start again: allauth counts per address and IP in the cache, the
    text sign-in counts its requests in the database."""
    from django.core.cache import cache

    from portal.customers.models import CodeRequest

    cache.clear()
    CodeRequest.objects.all().delete()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each of schemathesis's generated tests its own node id, `name[METHOD path]`.

    schemathesis 4 names each operation's test apart but passes the bare function name as
    `originalname`, from which pytest 9.2 builds the node id: all nine operations then share
    one id, and pytest-xdist, which schedules by id, runs only one of them.
    """
    for item in items:
        base = getattr(item, "originalname", None)
        if (isinstance(item, pytest.Function) and base and item.name.startswith(f"{base}[")
                and item.nodeid.endswith(f"::{base}")):
            item._id = item.parent.id.child(base).with_params(  # type: ignore[union-attr]
                item.name[len(base) + 1:-1])
