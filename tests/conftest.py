"""Shared fixtures: a real SQLite file under a temporary home folder, migrated to head."""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.disposal import dispose_made
from warranty_desk.clock import FixedClock
from warranty_desk.permissions import Actor, Role
from warranty_desk.services import setup
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

TODAY = date(2026, 11, 22)

# `pg`, `served_portal` and `portal`: the real portal, for any folder's tests that ask for it.
# The reliability figures' summary is a plugin, not tests/reliability's conftest: under
# pytest-xdist the controller, which prints the summary, loads only this conftest.
pytest_plugins = ("tests.liveportal.fixtures", "tests.reliability.figures")


@pytest.fixture
def home(tmp_path: Path) -> Home:
    """An empty home folder."""
    return Home(tmp_path / "home").ensure()


@contextmanager
def sqlite_file(path: Path | str, **options: Any) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to a test's file: committed, then closed, at the end.

    sqlite3's own `with` commits but leaves the connection open, and on Python 3.11 only the
    cycle collector frees it (a connection and its statement cache refer to each other). Left
    open on a WAL file it keeps a shared lock, so a restore or a put-back later in the test found
    the file "open in another program" whenever the collector had not run in between.
    `options` go to sqlite3.connect. tests/sqlite_guard.py fails a test leaving one open.
    """
    connection = sqlite3.connect(path, **options)
    try:
        with connection:
            yield connection
    finally:
        connection.close()


def sqlite_rows(path: Path | str, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Every row one statement returns from a test's file, read on a connection then closed."""
    with sqlite_file(path) as connection:
        return connection.execute(sql, params).fetchall()


def pinned_clock(day: date = TODAY) -> FixedClock:
    """A clock standing at noon (UTC) on a day, TODAY unless said: never the wall clock."""
    return FixedClock.on(day)


def stand_at(db: Database, when: datetime) -> None:
    """Stand a test database's clock at an instant (every test database runs on a FixedClock)."""
    assert isinstance(db.clock, FixedClock), "tests pin the clock"
    db.clock.set(when)


def stand_on(db: Database, day: date, *, hour: int = 12) -> None:
    """Stand a test database's clock at an hour (UTC) of a calendar day."""
    stand_at(db, FixedClock.on(day, hour=hour).now())


@pytest.fixture
def clock() -> FixedClock:
    """The one clock of a test: noon (UTC) on TODAY until the test moves it."""
    return pinned_clock()


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database file migrated to head, once per session (per xdist worker).

    Running every migration costs about a tenth of a second and some 1,300 tests ask for `db`:
    each copies this file instead, and setup.init then finds it at head and adds the shop row.
    """
    from warranty_desk.storage import migrate

    home = Home(tmp_path_factory.mktemp("migrated") / "home").ensure()
    database = setup.open_database(home, pinned_clock())
    migrate.upgrade(database)
    database.dispose()
    return home.database


@pytest.fixture(autouse=True)
def _dispose_made() -> Iterator[None]:
    """Databases helpers made without a fixture of their own (tests/disposal.py) are closed as
    the test ends, before tests/sqlite_guard.py looks for connections left open."""
    yield
    dispose_made()


@pytest.fixture
def db(home: Home, clock: FixedClock, migrated_file: Path) -> Iterator[Database]:
    """A migrated database with its shop row (branch BR01), on the test's clock."""
    shutil.copy(migrated_file, home.database)  # with its owner-only mode
    database, _ = setup.init(home, clock=clock)
    yield database
    database.dispose()


@pytest.fixture
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, with the smallest cost, so dozens of sign-ins run quickly."""
    from argon2 import PasswordHasher

    from warranty_desk.services import staff

    monkeypatch.setattr(staff, "HASHER",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def actor(role: Role, name: str | None = None) -> Actor:
    """An actor of a role with no staff row, for service tests."""
    return Actor(staff_id=None, name=name or f"Test {role.value}", role=role)


@pytest.fixture
def shop(db: Database) -> Database:
    """The database with a small catalogue: two policies, four products, two extension plans."""
    from warranty_desk.services import catalogue as cat

    owner = actor(Role.OWNER)
    cat.add_policy(db, owner, cat.PolicyInput(
        name="Electronics 12+12", manufacturer_months=12, shop_months=12,
        terms="Covers faults in materials and workmanship.",
        exclusions=("Accidental damage", "Liquid damage"),
        evidence_required={"fault": ("proof_of_purchase", "photo_of_fault"),
                           "dead_on_arrival": ("proof_of_purchase",)},
        claim_limit_count=2, claim_limit_period_months=12))
    cat.add_policy(db, owner, cat.PolicyInput(
        name="Accessories 6", manufacturer_months=6, serial_required=False))
    cat.add_products(db, owner, [
        cat.ProductInput(sku="LAP-100", name="Lumen 14 Laptop", brand="Lumen",
                         category="laptops", policy="Electronics 12+12", gtin="09506000134352",
                         list_price_minor=89_900),
        cat.ProductInput(sku="PHN-200", name="Orbit X Phone", brand="Orbit", category="phones",
                         policy="Electronics 12+12", list_price_minor=49_900),
        cat.ProductInput(sku="CBL-1", name="USB-C Cable", brand="Lumen", category="accessories",
                         policy="Accessories 6", serial_required=False, list_price_minor=1_500),
        cat.ProductInput(sku="TV-55", name="Vista 55 TV", brand="Vista", category="tvs",
                         policy="Electronics 12+12", list_price_minor=129_900),
    ])
    cat.add_extension_plan(db, owner, cat.ExtensionPlanInput(
        name="Care+ 24", months=24, price_minor=9_900, categories=("laptops", "phones", "tvs"),
        min_price_minor=20_000, max_days_since_sale=30))
    cat.add_extension_plan(db, owner, cat.ExtensionPlanInput(
        name="Care 12", months=12, price_minor=4_900, categories=("laptops", "phones"),
        min_price_minor=10_000, max_price_minor=100_000, max_days_since_sale=60))
    return db


class _Kept(logging.Handler):
    """Keeps every record at WARNING and above that reaches the root logger during a test."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_unexpected_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """A warning or error logged during a test fails it, unless the test says it expects it.

    A test expects log lines with `@pytest.mark.logs(r"pattern", ...)` (each kept record must
    match one), or by asking for `caplog` and asserting on the records itself.
    """
    kept = _Kept()
    root = logging.getLogger()
    root.addHandler(kept)
    try:
        yield
    finally:
        root.removeHandler(kept)
    if "caplog" in request.fixturenames:
        return
    allowed = [re.compile(p) for m in request.node.iter_markers("logs") for p in m.args]
    unexpected = [r for r in kept.records
                  if not any(p.search(r.getMessage()) for p in allowed)]
    if unexpected:
        lines = "\n".join(f"  {r.levelname} {r.name}: {r.getMessage()[:300]}" for r in unexpected)
        pytest.fail(f"the test logged what it did not expect:\n{lines}", pytrace=False)
