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

import itertools
import secrets
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
import uuid_utils

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

_made_by_machine = uuid_utils.uuid7


@pytest.fixture(scope="module", autouse=True)
def ids_on_the_pinned_clock() -> Iterator[None]:
    """Till event ids (UUIDv7) made while the portal tests run carry the portal's pinned clock.

    An id carries the machine's clock, which head office compares with its own (an id a year
    ahead is refused); here the machine's clock is the pinned one, so no test depends on the
    date the run happens on. Module-wide and first of its scope, so a module fixture's till
    gets such ids too, on a clock standing at noon again.
    """
    clock = settings.PORTAL_CLOCK
    assert isinstance(clock, FixedClock), "the portal tests pin the clock"
    clock.set(NOON)
    ticks = itertools.count()

    def stamped() -> uuid_utils.UUID:
        # A microsecond apart, so ids made one after another keep their order.
        at = clock.now() + timedelta(microseconds=next(ticks))
        return _made_by_machine(nanoseconds=int(at.timestamp()) * 10**9 + at.microsecond * 1000)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(uuid_utils, "uuid7", stamped)
        yield


@pytest.fixture(autouse=True)
def portal_clock() -> FixedClock:
    """The portal's clock in this process, standing at noon on TODAY until the test moves it."""
    clock = settings.PORTAL_CLOCK
    assert isinstance(clock, FixedClock), "the portal tests pin the clock"
    clock.set(NOON)
    return clock


@pytest.fixture(scope="module")
def portal_db(pg: PortalCluster) -> Iterator[PortalDatabase]:
    """A fresh, migrated database for one test module; Django's connection points at it."""
    with database_copy(pg, f"portal_test_{secrets.token_hex(4)}") as copy:
        use_database(copy.name)
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
