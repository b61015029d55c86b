"""Shared set-up for the sync engine's tests: fake time, a portal destination, claim outboxes."""

from __future__ import annotations

import random
import shutil
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from sync.engine import SyncEngine
from sync.http import HttpClient
from sync.portal import PortalDestination
from tests.conftest import actor, pinned_clock, sqlite_file
from tests.liveportal.branch_view import BranchPortal
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import catalogue, claims, decisions, setup
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

TODAY = date(2026, 11, 22)


class FakeTime:
    """A clock that only moves when the engine sleeps, so backoff costs no real time."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return (self.now - datetime(2026, 1, 1, tzinfo=UTC)).total_seconds()

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


def destination(
    portal: BranchPortal, *, batch_size: int = 500, timeout: float = 5.0,
    token: str | None = None,
) -> PortalDestination:
    """A PortalDestination for the test's branch (BR01) on the real portal, by its token."""
    said = token or portal.token
    client = HttpClient(portal.url, lambda: said, timeout=timeout, connect_timeout=1.0)
    return PortalDestination(client, portal.code, batch_size=batch_size)


def wait_until(condition: Any, timeout: float = 10.0, step: float = 0.01) -> bool:
    """Poll a condition (for tests watching the portal while another process talks to it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


def engine(db: Database, *dests: Any, fake: FakeTime | None = None, **kw: Any) -> SyncEngine:
    """An engine on fake time with a seeded jitter."""
    fake = fake or FakeTime()
    return SyncEngine(db, dests, clock=fake.clock, monotonic=fake.monotonic, sleep=fake.sleep,
                      rng=random.Random(1), **kw)


def outbox(db: Database) -> list[tuple[int, str, str, str]]:
    """(seq, id, topic, aggregate_id) of every outbox event, in seq order."""
    return outbox_at(db.path)


def outbox_at(path: Path) -> list[tuple[int, str, str, str]]:
    """(seq, id, topic, aggregate_id) of every outbox event of a database file, in seq order."""
    with sqlite_file(path) as conn:
        rows = conn.execute(
            "SELECT seq, id, topic, aggregate_id FROM outbox_events ORDER BY seq").fetchall()
    return [(seq, str(uuid.UUID(bytes=bytes(uid))), topic, agg) for seq, uid, topic, agg in rows]


def make_claims(db: Database, count: int, *, serial_prefix: str = "SN") -> list[str]:
    """Open `count` claims through the services; every other one is decided at once."""
    owner, sales, manager = actor(Role.OWNER), actor(Role.SALES), actor(Role.MANAGER)
    if not catalogue_ready(db):
        catalogue.add_policy(db, owner, catalogue.PolicyInput(
            name="Sync 12", manufacturer_months=12))
        catalogue.add_products(db, owner, [catalogue.ProductInput(
            sku="SYN-1", name="Sync Phone", brand="Orbit", category="phones", policy="Sync 12",
            list_price_minor=10_000)])
    serials = tuple(f"{serial_prefix}-{i:05d}" for i in range(count))
    sale = record_sale(db, sales, SaleInput(
        f"INV-{serial_prefix}", date(2026, 11, 1),
        (LineInput("SYN-1", count, 10_000, serials, None),),
        CustomerInput("Grace Hopper", phone="+44 20 7946 0001")))
    numbers = []
    for n, code in enumerate(sale.warranty_codes):
        number = claims.start_claim(db, sales, claims.StartClaim(code, "Will not charge")).number
        numbers.append(number)
        if n % 2 == 0:
            _reject(db, manager, number)
    for number in numbers[1::2]:
        _reject(db, manager, number)
    return numbers


def _reject(db: Database, manager: Any, number: str) -> None:
    decisions.decide(db, manager, number, decisions.Decision(Outcome.REJECT, "Liquid damage"))


def catalogue_ready(db: Database) -> bool:
    with sqlite_file(db.path) as conn:
        return conn.execute("SELECT count(*) FROM products WHERE sku='SYN-1'").fetchone()[0] > 0


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def build_template(folder: Path, claim_count: int) -> Path:
    """A migrated shop database with `claim_count` claims, closed and checkpointed for copying."""
    db, _ = setup.init(Home(folder).ensure(), clock=pinned_clock())
    # Only the template is built without fsync: it is copied afterwards, never crash-tested.
    event.listen(db.engine, "connect", _no_fsync)
    db.engine.dispose()
    make_claims(db, claim_count)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return Home(folder).database


def copy_database(template: Path, folder: Path) -> Database:
    """A private copy of a template database."""
    home = Home(folder).ensure()
    shutil.copyfile(template, home.database)
    return Database(home.database, clock=pinned_clock())
