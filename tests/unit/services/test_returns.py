"""The returns desk through the real services: scan in, hand over, supplier batches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.conftest import TODAY, actor, sqlite_file, sqlite_rows, stand_on
from tests.unit.services.helpers import inspect, sell
from warranty_desk.errors import BadInput, NotFound, PermissionDenied, RuleBlocked
from warranty_desk.models import Base
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import claims, decisions, returns
from warranty_desk.storage.database import Database

SALES, TECH, MANAGER, STORE = (actor(Role.SALES), actor(Role.TECHNICIAN), actor(Role.MANAGER),
                               actor(Role.STOREKEEPER, "Kim Store"))


def _claim(db: Database, serial: str, invoice: str, sku: str = "LAP-100") -> str:
    code = sell(db, invoice, sku=sku, serials=(serial,)).warranty_codes[0]
    return claims.start_claim(db, SALES, claims.StartClaim(code, "Dead on power-up")).number


def _replace(db: Database, number: str, new_serial: str) -> None:
    inspect(db, number)
    decisions.decide(db, MANAGER, number, decisions.Decision(
        Outcome.REPLACE, "Dead mainboard", replacement_serial=new_serial))


def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    return sqlite_rows(db.path, sql)


def test_scanning_a_claim_ticket_puts_its_unit_in_returns_stock_once(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0001", "INV-1")
    first = returns.receive(shop, STORE, number)
    assert (first.claim_number, first.serial, first.already_received) == (
        number, "SN-LAP-0001", False)
    second = returns.receive(shop, STORE, number.lower())
    assert second.already_received and second.received_at == first.received_at
    assert _rows(shop, "SELECT kind, reference FROM stock_movements") == [("return_in", number)]
    assert _rows(shop, "SELECT count(*) FROM audit_entries WHERE action='stock.return_in'"
                 ) == [(1,)]
    assert ("stock.moved",) in _rows(shop, "SELECT topic FROM outbox_events")


def test_scanning_the_units_serial_finds_its_open_claim(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0002", "INV-2")
    receipt = returns.receive(shop, STORE, " sn-lap-0002 ")
    assert receipt.claim_number == number and receipt.product_name == "Lumen 14 Laptop"
    assert receipt.customer_name == "Ada Lovelace"


def test_a_unit_with_no_open_claim_is_refused_with_what_to_do(shop: Database) -> None:
    sell(shop, "INV-3", serials=("SN-LAP-0003",))
    with pytest.raises(BadInput) as refused:
        returns.receive(shop, STORE, "SN-LAP-0003")
    assert "No open claim for serial SN-LAP-0003" in str(refused.value)
    assert "Start a claim" in str(refused.value)
    with pytest.raises(NotFound):
        returns.receive(shop, STORE, "BR01-C-2026-000999")
    assert _rows(shop, "SELECT count(*) FROM stock_movements") == [(0,)]


def test_a_replacement_decision_counts_the_faulty_unit_only_once(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0004", "INV-4")
    returns.receive(shop, STORE, number)
    _replace(shop, number, "SN-LAP-0404")
    assert returns.receive(shop, STORE, "SN-LAP-0004").already_received
    assert _rows(shop, "SELECT kind FROM stock_movements ORDER BY at") == [
        ("return_in",), ("replacement_out",)]


def test_only_the_replacement_the_manager_chose_can_be_handed_over_and_only_once(
    shop: Database,
) -> None:
    number = _claim(shop, "SN-LAP-0005", "INV-5")
    with pytest.raises(RuleBlocked) as early:
        returns.issue_replacement(shop, STORE, number, "SN-LAP-0505")
    assert "not resolved as a replacement" in str(early.value)
    _replace(shop, number, "SN-LAP-0505")
    with pytest.raises(BadInput) as wrong:
        returns.issue_replacement(shop, STORE, number, "SN-LAP-9999")
    assert "SN-LAP-0505" in str(wrong.value)
    handed = returns.issue_replacement(shop, STORE, number, "sn-lap-0505")
    assert handed.serial == "SN-LAP-0505" and handed.warranty_code is not None
    with pytest.raises(RuleBlocked) as again:
        returns.issue_replacement(shop, STORE, number, "SN-LAP-0505")
    assert "already handed over" in str(again.value)
    assert _rows(shop, "SELECT count(*) FROM stock_movements WHERE kind='replacement_out'"
                 ) == [(1,)]
    assert _rows(shop, "SELECT count(*) FROM claim_events WHERE kind='handed_over'") == [(1,)]


def test_a_handover_records_the_replacement_out_when_the_decision_did_not(
    shop: Database,
) -> None:
    number = _claim(shop, "SN-LAP-0006", "INV-6")
    _replace(shop, number, "SN-LAP-0606")
    with sqlite_file(shop.path) as conn:
        conn.execute("DELETE FROM stock_movements WHERE kind='replacement_out'")
    returns.issue_replacement(shop, STORE, number, "SN-LAP-0606")
    assert _rows(shop, "SELECT serial FROM stock_movements WHERE kind='replacement_out'") == [
        ("SN-LAP-0606",)]


def test_returns_stock_shows_each_units_age_in_days(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0007", "INV-7")
    returns.receive(shop, STORE, number)
    later = TODAY + timedelta(days=9)
    stand_on(shop, later)
    (unit,) = returns.returns_stock(shop, STORE)
    assert (unit.claim_number, unit.status, unit.supplier) == (number, "received", "Lumen")
    assert unit.age_days == (later - unit.received_on).days


def test_faulty_units_are_grouped_by_supplier(shop: Database) -> None:
    laptops = [_claim(shop, f"SN-LAP-01{n}", f"INV-1{n}") for n in range(2)]
    phone = _claim(shop, "SN-PHN-0001", "INV-20", sku="PHN-200")
    for number in [*laptops, phone]:
        returns.receive(shop, STORE, number)
    groups = returns.faulty_units(shop, STORE)
    assert [(g.supplier, [u.claim_number for u in g.units]) for g in groups] == [
        ("Lumen", laptops), ("Orbit", [phone])]


def test_a_batch_goes_to_the_supplier_and_comes_back_with_movements_and_audit(
    shop: Database,
) -> None:
    first, second = (_claim(shop, f"SN-LAP-02{n}", f"INV-2{n}") for n in range(2))
    for number in (first, second):
        returns.receive(shop, STORE, number)
    batch = returns.create_batch(shop, STORE, "lumen", [first, second])
    assert batch == "BR01-SB-2026-000001"
    assert {u.status for u in returns.returns_stock(shop, STORE)} == {"packed"}
    assert returns.faulty_units(shop, STORE) == ()
    sent = returns.mark_sent(shop, STORE, batch)
    assert sent.state == "sent" and sent.sent_at is not None
    assert returns.returns_stock(shop, STORE) == ()
    back = returns.mark_back(shop, STORE, batch, outcome_per_claim={second: "credited"})
    assert back.state == "back" and dict(back.outcomes) == {first: "returned",
                                                             second: "credited"}
    (unit,) = returns.returns_stock(shop, STORE)
    assert (unit.claim_number, unit.status, unit.batch) == (first, "back", batch)
    assert _rows(shop, "SELECT kind, count(*) FROM stock_movements WHERE reference="
                 f"'{batch}' GROUP BY kind ORDER BY kind") == [
        ("back_from_supplier", 1), ("to_supplier", 2)]
    assert [r[0] for r in _rows(shop, "SELECT action FROM audit_entries WHERE "
                                "entity='supplier_batch' ORDER BY seq")] == [
        "supplier_batch.create", "supplier_batch.sent", "supplier_batch.back"]
    topics = {r[0] for r in _rows(shop, "SELECT topic FROM outbox_events")}
    assert {"supplier_batch.created", "supplier_batch.sent", "supplier_batch.back"} <= topics


def test_a_batch_refuses_units_of_another_supplier_or_not_in_stock(shop: Database) -> None:
    laptop = _claim(shop, "SN-LAP-0301", "INV-31")
    phone = _claim(shop, "SN-PHN-0301", "INV-32", sku="PHN-200")
    returns.receive(shop, STORE, phone)
    with pytest.raises(BadInput) as refused:
        returns.create_batch(shop, STORE, "Lumen", [laptop, phone])
    assert f"Claim {laptop}'s unit is not in returns stock" in str(refused.value)
    assert "comes from Orbit, not Lumen" in str(refused.value)
    assert _rows(shop, "SELECT count(*) FROM supplier_batches") == [(0,)]


def test_a_batch_cannot_be_sent_twice_or_come_back_before_it_left(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0401", "INV-41")
    returns.receive(shop, STORE, number)
    batch = returns.create_batch(shop, STORE, "Lumen", [number])
    with pytest.raises(RuleBlocked):
        returns.mark_back(shop, STORE, batch)
    returns.mark_sent(shop, STORE, batch)
    with pytest.raises(RuleBlocked):
        returns.mark_sent(shop, STORE, batch)
    with pytest.raises(BadInput):
        returns.mark_back(shop, STORE, batch, outcome_per_claim={number: "lost"})
    with pytest.raises(NotFound):
        returns.mark_sent(shop, STORE, "BR01-SB-2026-000099")


def test_sales_staff_may_not_touch_returns_stock(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0501", "INV-51")
    with pytest.raises(PermissionDenied):
        returns.receive(shop, SALES, number)
    with pytest.raises(PermissionDenied):
        returns.returns_stock(shop, SALES)


def test_the_migrated_supplier_batches_table_matches_the_model(db: Database) -> None:
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    # A missing table or column shows up here as an add_table / add_column naming it.
    assert [d for d in diff if "supplier_batches" in repr(d)] == []


def test_a_unit_without_a_serial_goes_into_returns_stock_within_the_sync_contract(
    shop: Database
) -> None:
    # A cable is sold without a serial: its stock.moved carries serial null, which the contract
    # refused (the autouse payload check fails the test), so head office would refuse the batch.
    code = sell(shop, "INV-CBL", sku="CBL-1", serials=()).warranty_codes[0]
    number = claims.start_claim(shop, SALES, claims.StartClaim(code, "Frayed plug")).number
    receipt = returns.receive(shop, STORE, number)
    assert (receipt.claim_number, receipt.serial) == (number, None)
    assert _rows(shop, "SELECT kind, serial FROM stock_movements") == [("return_in", None)]
