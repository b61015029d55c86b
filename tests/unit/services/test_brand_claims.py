"""Brand claims through the real services: batches of claims and units for one supplier, the
brand's statuses, supplier terms, settlements, write-offs, stock moves and who may do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import TODAY, actor, sqlite_rows, stand_on
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, NotFound, PermissionDenied, RuleBlocked
from warranty_desk.permissions import Actor, Role
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.services import brand_claims, brand_stock, claims, decisions, returns
from warranty_desk.services import settlements as settle
from warranty_desk.services.board import BoardFilters, board
from warranty_desk.services.brand_claim_views import brand_claim
from warranty_desk.services.brand_claim_views import brand_claims as listed
from warranty_desk.services.brand_packet import packet
from warranty_desk.services.supplier_terms import (
    TermsInput,
    get_settlement_limit,
    set_settlement_limit,
    set_terms,
)
from warranty_desk.storage.database import Database

SALES, TECH, MANAGER, STORE, FINANCE, SUPPORT = (
    actor(Role.SALES), actor(Role.TECHNICIAN), actor(Role.MANAGER),
    actor(Role.STOREKEEPER, "Kim Store"), actor(Role.FINANCE, "Fin Finance"),
    actor(Role.SUPPORT))
LUMEN = "Lumen"  # the test catalogue names no supplier: the brand stands for it


def _claim(db: Database, serial: str, invoice: str, sku: str = "LAP-100", *,
           costs: tuple[tuple[str, int, bool], ...] = (("parts", 4_000, True),)) -> str:
    code = sell(db, invoice, sku=sku, serials=(serial,)).warranty_codes[0]
    number = claims.start_claim(db, SALES, claims.StartClaim(code, "Dead on power-up")).number
    for kind, amount, recoverable in costs:
        decisions.post_cost(db, TECH, number, decisions.CostLine(kind, amount, "", recoverable))
    returns.receive(db, STORE, number)
    return number


def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    return sqlite_rows(db.path, sql)


def test_a_brand_claim_groups_three_units_and_expects_what_the_terms_cover(
    shop: Database,
) -> None:
    set_terms(shop, MANAGER, TermsInput(LUMEN, frozenset({"parts", "shipping"})))
    a = _claim(shop, "SN-A", "INV-1", costs=(("parts", 4_000, True), ("labour", 2_500, True)))
    b = _claim(shop, "SN-B", "INV-2", costs=(("parts", 3_000, True), ("shipping", 800, True)))
    c = _claim(shop, "SN-C", "INV-3", costs=(("parts", 1_000, False),))
    view = brand_claims.open_brand_claim(shop, STORE, [a, "sn-b", c], external_id="LUM-RMA-1")
    assert view.number.endswith("-BC-2026-000001") and view.supplier == LUMEN
    assert [line.claim_number for line in view.lines] == [a, b, c]
    # Labour is not in these terms; claim c's part was posted as the shop's own cost.
    assert [line.expected_minor for line in view.lines] == [4_000, 3_800, 0]
    assert view.expected_minor == 7_800 and view.status == "submitted"
    assert {line.place for line in view.lines} == {"in returns stock"}
    # The units are packed: no supplier parcel may take them as well.
    assert {u.status for u in returns.returns_stock(shop, STORE)} == {"packed"}


def test_a_claim_of_another_supplier_or_in_another_brand_claim_is_refused(
    shop: Database,
) -> None:
    a = _claim(shop, "SN-A", "INV-1")
    phone = _claim(shop, "SN-P", "INV-2", sku="PHN-200")
    with pytest.raises(BadInput, match="one brand and supplier"):
        brand_claims.open_brand_claim(shop, STORE, [a, phone])
    first = brand_claims.open_brand_claim(shop, STORE, [a])
    with pytest.raises(BadInput, match=f"already brand claim {first.number}"):
        brand_claims.add_claims(shop, STORE, first.number, [a])
    with pytest.raises(BadInput, match="comes from Orbit, not Lumen"):
        brand_claims.add_claims(shop, STORE, first.number, [phone])
    with pytest.raises(BadInput, match=f"in another brand claim {first.number}"):
        brand_claims.open_brand_claim(shop, STORE, [a])


def test_a_claim_outside_the_suppliers_window_adds_nothing_and_says_why(
    shop: Database,
) -> None:
    set_terms(shop, MANAGER, TermsInput(LUMEN, window_days=10))
    a = _claim(shop, "SN-A", "INV-1")  # sold 2026-11-01, lodged on TODAY
    view = brand_claims.open_brand_claim(shop, STORE, [a])
    (line,) = view.lines
    late = (TODAY - date(2026, 11, 1)).days - 10
    assert line.expected_minor == 0
    assert line.not_recoverable == (f"lodged {late} days after the supplier's 10-day window "
                                    "from the sale")


def test_each_status_records_who_when_and_from_where(shop: Database) -> None:
    a = _claim(shop, "SN-A", "INV-1")
    number = brand_claims.open_brand_claim(shop, STORE, [a]).number
    stand_on(shop, TODAY + timedelta(days=2))
    view = brand_claims.update_status(shop, SUPPORT, number, "acknowledged", note="Rang them")
    (update,) = view.updates
    assert (update.status, update.from_status, update.source, update.entered_by, update.note) == (
        "acknowledged", "submitted", "desk", SUPPORT.name, "Rang them")
    assert update.at.date() == TODAY + timedelta(days=2)
    assert view.approval == "pending"
    assert brand_claims.update_status(shop, STORE, number, "approved").approval == "approved"
    with pytest.raises(BadInput, match="approved already"):
        brand_claims.update_status(shop, STORE, number, "approved")
    with pytest.raises(BadInput, match="'fixed' is not a brand status"):
        brand_claims.update_status(shop, STORE, number, "fixed")
    timeline = _rows(shop, "SELECT reason FROM claim_events WHERE kind='brand' ORDER BY at")
    assert "from submitted to acknowledged (the brand has received the claim): Rang them" in (
        timeline[-2][0])


def test_partial_settlements_add_up_and_the_final_one_closes_the_brand_claim(
    shop: Database,
) -> None:
    a = _claim(shop, "SN-A", "INV-1", costs=(("parts", 6_000, True),))
    number = brand_claims.open_brand_claim(shop, STORE, [a]).number
    part = settle.record_settlement(shop, FINANCE, number, settle.SettlementInput(
        2_000, "PAY-1"))
    assert (part.settled_minor, part.outstanding_minor, part.closed) == (2_000, 4_000, False)
    done = settle.record_settlement(shop, FINANCE, number, settle.SettlementInput(
        4_000, "CN-7", kind="credit_note", final=True))
    assert (done.settled_minor, done.outstanding_minor, done.closed) == (6_000, 0, True)
    assert [(s.kind, s.reference, s.recorded_by) for s in done.settlements] == [
        ("payment", "PAY-1", None), ("credit_note", "CN-7", None)]
    with pytest.raises(RuleBlocked, match="closed already"):
        settle.record_settlement(shop, FINANCE, number, settle.SettlementInput(1, "X"))


def test_a_settlement_that_differs_needs_a_reason_and_past_the_limit_a_manager(
    shop: Database,
) -> None:
    a = _claim(shop, "SN-A", "INV-1", costs=(("parts", 20_000, True),))
    number = brand_claims.open_brand_claim(shop, STORE, [a]).number
    small = settle.SettlementInput(18_000, "PAY-1", final=True)
    with pytest.raises(BadInput, match=r"€20\.00 less than the €200\.00 expected: say why"):
        settle.record_settlement(shop, FINANCE, number, small)
    low = settle.SettlementInput(10_000, "PAY-1", final=True, reason="Labour capped by brand")
    with pytest.raises(PermissionDenied, match="Ask a warranty manager"):
        settle.record_settlement(shop, FINANCE, number, low)
    over = settle.SettlementInput(21_000, "PAY-2")
    with pytest.raises(BadInput, match=r"€10\.00 more than"):
        settle.record_settlement(shop, FINANCE, number, over)
    view = settle.record_settlement(shop, MANAGER, number, low)
    assert view.closed and view.settlements[0].reason == "Labour capped by brand"
    assert _rows(shop, "SELECT agreed_by_id IS NULL FROM settlements") == [(1,)]  # test actor


def test_the_manager_limit_on_a_settlement_difference_is_the_shops_setting(
    shop: Database,
) -> None:
    assert get_settlement_limit(shop, FINANCE) == 5_000
    with pytest.raises(PermissionDenied):
        set_settlement_limit(shop, MANAGER, 20_000)
    with pytest.raises(BadInput, match=r"give €0\.00 to €100,000\.00"):
        set_settlement_limit(shop, actor(Role.OWNER), -1)
    set_settlement_limit(shop, actor(Role.OWNER), 20_000)
    a = _claim(shop, "SN-A", "INV-1", costs=(("parts", 20_000, True),))
    number = brand_claims.open_brand_claim(shop, STORE, [a]).number
    # €100 short: past the old €50 constant, within the shop's €200.
    view = settle.record_settlement(shop, FINANCE, number, settle.SettlementInput(
        10_000, "PAY-1", final=True, reason="Labour capped by brand"))
    assert view.closed and view.settlements[0].agreed_by is None
    assert _rows(shop, "SELECT action FROM audit_entries WHERE action = 'shop.settlement_limit'"
                 ) == [("shop.settlement_limit",)]


def test_writing_off_needs_its_own_permission_and_posts_a_write_off_cost(
    shop: Database,
) -> None:
    a = _claim(shop, "SN-A", "INV-1", costs=(("parts", 3_000, True),))
    b = _claim(shop, "SN-B", "INV-2", costs=(("parts", 1_000, True),))
    number = brand_claims.open_brand_claim(shop, STORE, [a, b]).number
    settle.record_settlement(shop, FINANCE, number, settle.SettlementInput(2_000, "PAY-1"))
    with pytest.raises(PermissionDenied, match="may not write off"):
        settle.write_off(shop, FINANCE, number, "Brand went bust")
    view = settle.write_off(shop, MANAGER, number, "Brand went bust")
    assert (view.written_off_minor, view.outstanding_minor, view.closed) == (2_000, 0, True)
    assert _rows(shop, "SELECT amount_minor, recoverable FROM cost_postings "
                       "WHERE kind='write_off' ORDER BY amount_minor") == [(500, 0), (1_500, 0)]


def test_units_go_to_the_supplier_and_back_by_scan_and_their_place_is_known(
    shop: Database,
) -> None:
    a = _claim(shop, "SN-A", "INV-1")
    b = _claim(shop, "SN-B", "INV-2")
    other = _claim(shop, "SN-C", "INV-3")
    number = brand_claims.open_brand_claim(shop, STORE, [a, b]).number
    moved = brand_stock.send_unit(shop, STORE, number, "SN-A")
    assert (moved.claim_number, moved.place) == (a, "at Lumen")
    with pytest.raises(RuleBlocked, match="already sent"):
        brand_stock.send_unit(shop, STORE, number, "SN-A")
    with pytest.raises(BadInput, match="not in brand claim"):
        brand_stock.send_unit(shop, STORE, number, "SN-C")
    places = {line.claim_number: line.place for line in brand_claim(shop, STORE, number).lines}
    assert places == {a: f"at the supplier ({number})", b: "in returns stock"}
    assert brand_stock.receive_back(shop, STORE, "SN-A").place == "back in returns stock"
    assert brand_claim(shop, STORE, number).lines[0].place == "back in returns stock"
    with pytest.raises(RuleBlocked, match="was not sent to a supplier"):
        brand_stock.receive_back(shop, STORE, other)
    assert _rows(shop, "SELECT kind, reference FROM stock_movements WHERE kind LIKE '%supplier'"
                 " ORDER BY at") == [("to_supplier", number), ("back_from_supplier", number)]


def test_a_brand_claim_goes_stale_after_the_suppliers_days_without_news(
    shop: Database,
) -> None:
    set_terms(shop, MANAGER, TermsInput(LUMEN, stale_after_days=5))
    number = brand_claims.open_brand_claim(shop, STORE, [_claim(shop, "SN-A", "INV-1")]).number
    stand_on(shop, TODAY + timedelta(days=5))
    assert not brand_claim(shop, STORE, number).stale
    stand_on(shop, TODAY + timedelta(days=6))
    assert brand_claim(shop, STORE, number).stale
    assert [r.stale for r in listed(shop, STORE)] == [True]
    brand_claims.update_status(shop, STORE, number, "in_repair")
    assert not brand_claim(shop, STORE, number).stale


def test_the_claims_board_flags_claims_in_a_stale_brand_claim(shop: Database) -> None:
    set_terms(shop, MANAGER, TermsInput(LUMEN, stale_after_days=5))
    a, b = _claim(shop, "SN-A", "INV-1"), _claim(shop, "SN-B", "INV-2")
    number = brand_claims.open_brand_claim(shop, STORE, [a]).number
    stand_on(shop, TODAY + timedelta(days=6))
    rows = {r.number: r.stale_brand_claim for r in board(shop, MANAGER, BoardFilters()).rows}
    assert rows == {a: number, b: None}
    brand_claims.update_status(shop, STORE, number, "acknowledged")
    assert {r.stale_brand_claim for r in board(shop, MANAGER, BoardFilters()).rows} == {None}


def test_sending_a_claim_to_the_manufacturer_lodges_it_in_a_brand_claim(
    shop: Database,
) -> None:
    a = _claim(shop, "SN-A", "INV-1")
    claims.advance(shop, MANAGER, a, ClaimState.REVIEWING)
    for n, kind in enumerate(("proof_of_purchase", "photo_of_fault")):
        claims.attach_evidence(shop, SALES, a, kind=kind, sha256=f"{n:064x}",
                               media_type="image/jpeg", size=10)
    claims.advance(shop, MANAGER, a, ClaimState.INSPECTING)
    claims.advance(shop, MANAGER, a, ClaimState.AT_MANUFACTURER)
    (row,) = listed(shop, STORE)
    assert row.claims == 1 and row.supplier == LUMEN
    assert [line.claim_number for line in brand_claim(shop, STORE, row.number).lines] == [a]


def _supplier(name: str = "Sid Supplier", supplier: str = "Lumen") -> Actor:
    return Actor(staff_id=None, name=name, role=Role.SUPPLIER, supplier=supplier)


def test_a_supplier_contact_reads_and_updates_only_their_suppliers_brand_claims(
    shop: Database,
) -> None:
    lumen = brand_claims.open_brand_claim(shop, STORE, [_claim(shop, "SN-A", "INV-1")]).number
    orbit = brand_claims.open_brand_claim(
        shop, STORE, [_claim(shop, "SN-P", "INV-2", sku="PHN-200")]).number
    sid = _supplier()
    assert [r.number for r in listed(shop, sid)] == [lumen]
    assert brand_claims.update_status(shop, sid, lumen, "in_repair").updates[0].entered_by == (
        "Sid Supplier")
    # Another supplier's brand claim answers as missing, so its existence does not leak.
    with pytest.raises(NotFound, match=f"No brand claim {orbit}"):
        brand_claim(shop, sid, orbit)
    with pytest.raises(NotFound, match=f"No brand claim {orbit}"):
        brand_claims.update_status(shop, sid, orbit, "in_repair")
    with pytest.raises(NotFound, match=f"No brand claim {orbit}"):
        packet(shop, sid, orbit)
    brand_claims.set_details(shop, STORE, orbit, external_id="ORB-77")
    with pytest.raises(BadInput, match="ORB-77 is on another brand claim already") as taken:
        brand_claims.set_details(shop, sid, lumen, external_id="ORB-77")
    assert orbit not in str(taken.value)
    with pytest.raises(PermissionDenied, match="may not manage brand claims"):
        brand_claims.add_claims(shop, sid, lumen, ["SN-A"])
    with pytest.raises(PermissionDenied, match="may not record supplier settlements"):
        settle.record_settlement(shop, sid, lumen, settle.SettlementInput(1, "X"))
    with pytest.raises(PermissionDenied, match="may not look up warranties"):
        from warranty_desk.services.lookup import lookup
        lookup(shop, sid, "SN-A")


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.STOREKEEPER, True), (Role.MANAGER, True), (Role.TECHNICIAN, False),
    (Role.SUPPORT, False), (Role.SALES, False), (Role.FINANCE, False), (Role.SUPPLIER, False)])
def test_only_the_storekeeper_and_managers_open_brand_claims(
    shop: Database, role: Role, allowed: bool
) -> None:
    a = _claim(shop, "SN-A", "INV-1")
    who = actor(role) if role is not Role.SUPPLIER else _supplier()
    if allowed:
        assert brand_claims.open_brand_claim(shop, who, [a]).lines
    else:
        with pytest.raises(PermissionDenied, match="may not manage brand claims"):
            brand_claims.open_brand_claim(shop, who, [a])


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.TECHNICIAN, True), (Role.SUPPORT, True), (Role.FINANCE, True), (Role.SALES, False),
    (Role.ADMIN, False)])
def test_who_may_read_a_brand_claim(shop: Database, role: Role, allowed: bool) -> None:
    number = brand_claims.open_brand_claim(shop, STORE, [_claim(shop, "SN-A", "INV-1")]).number
    if allowed:
        assert brand_claim(shop, actor(role), number).number == number
    else:
        with pytest.raises(PermissionDenied, match="may not read brand claims"):
            brand_claim(shop, actor(role), number)


def test_technicians_and_finance_may_not_type_a_brand_status(shop: Database) -> None:
    number = brand_claims.open_brand_claim(shop, STORE, [_claim(shop, "SN-A", "INV-1")]).number
    for role in (Role.TECHNICIAN, Role.FINANCE, Role.SALES):
        with pytest.raises(PermissionDenied, match="may not enter a brand's status"):
            brand_claims.update_status(shop, actor(role), number, "in_repair")


def test_an_unknown_brand_claim_number_is_named_in_the_refusal(shop: Database) -> None:
    with pytest.raises(NotFound, match="No brand claim BR01-BC-2026-000999"):
        brand_claim(shop, STORE, "BR01-BC-2026-000999")
