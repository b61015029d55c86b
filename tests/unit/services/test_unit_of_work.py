"""One unit of work: services composed in it commit or roll back as one; a step may fail alone."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests.conftest import actor
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.permissions import Role
from warranty_desk.services import activation, claims
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.storage.database import Database

SALES, MANAGER, TECH = actor(Role.SALES), actor(Role.MANAGER), actor(Role.TECHNICIAN)


def _count(db: Database, query: str) -> int:
    conn = sqlite3.connect(db.path)
    try:
        return int(conn.execute(query).fetchone()[0])
    finally:
        conn.close()


def _changes(db: Database) -> tuple[int, ...]:
    """Claims, audit entries and outbox events on file."""
    return tuple(_count(db, f"SELECT count(*) FROM {table}")
                 for table in ("claims", "audit_entries", "outbox_events"))


def test_two_services_in_one_unit_commit_together(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    claims_before, audit_before, _ = _changes(shop)
    with UnitOfWork.write(shop) as uow:
        number = claims.start_claim_in(uow, SALES, claims.StartClaim(code, "Screen flickers"))
        activation.sell_extension_in(uow, SALES, code, "Care+ 24")
    assert _changes(shop)[:2] == (claims_before + 1, audit_before + 2)
    assert _count(shop, "SELECT count(*) FROM outbox_events WHERE topic IN "
                        "('claim.opened', 'warranty.extended')") == 2
    assert claims.preview(shop, SALES, code).open_claim == number.number


def test_a_refusal_late_in_a_unit_leaves_nothing_of_the_earlier_services(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    before = _changes(shop)
    with pytest.raises(RuleBlocked), UnitOfWork.write(shop) as uow:
        claims.start_claim_in(uow, SALES, claims.StartClaim(code, "Screen flickers"))
        activation.sell_extension_in(uow, SALES, code, "Care+ 24")
        activation.sell_extension_in(uow, SALES, code, "Care+ 24")  # already extended
    assert _changes(shop) == before
    assert _count(shop, "SELECT count(*) FROM warranty_layers WHERE kind = 'extension'") == 0


def test_a_step_refused_alone_keeps_the_rest_of_the_unit(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    claims_before, _, _ = _changes(shop)
    with UnitOfWork.write(shop) as uow:
        claims.start_claim_in(uow, SALES, claims.StartClaim(code, "Screen flickers"))
        with pytest.raises(BadInput), uow.step():
            activation.sell_extension_in(uow, SALES, code, "Care+ 24")
            activation.void_warranty_in(uow, MANAGER, code, " ")  # no reason: refused
    assert _changes(shop)[0] == claims_before + 1
    assert _count(shop, "SELECT count(*) FROM warranty_layers WHERE kind = 'extension'") == 0


def test_a_service_in_a_unit_checks_the_permission_itself(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    with pytest.raises(PermissionDenied), UnitOfWork.write(shop) as uow:
        activation.sell_extension_in(uow, TECH, code, "Care+ 24")
    assert _count(shop, "SELECT count(*) FROM warranty_layers WHERE kind = 'extension'") == 0


def test_a_refused_permission_neither_waits_for_nor_takes_the_write_lock(
    shop: Database,
) -> None:
    code = sell(shop).warranty_codes[0]
    other = sqlite3.connect(shop.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another till holds the write lock
        started = time.monotonic()
        with pytest.raises(PermissionDenied):
            activation.void_warranty(shop, SALES, code, "Returned")
        # The busy timeout is five seconds: a refusal that waited for the lock would take it.
        assert time.monotonic() - started < 1
    finally:
        other.rollback()
        other.close()


def test_the_database_form_is_named_and_described_as_its_unit_form() -> None:
    assert claims.start_claim.__name__ == "start_claim"
    assert claims.start_claim.__doc__ == claims.start_claim_in.__doc__
    assert activation.void_warranty.__wrapped__ is activation.void_warranty_in  # type: ignore[attr-defined]
