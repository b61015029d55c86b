"""The claims board and the claim detail view, on the demo shop and on the small test shop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from tests.conftest import TODAY, actor, pinned_clock, stand_on
from tests.unit.services.helpers import sell
from warranty_desk.demo.story import build_demo_shop
from warranty_desk.errors import BadInput, NotFound, PermissionDenied
from warranty_desk.models import Brand, BrandClaim, BrandClaimItem, Claim, Settlement
from warranty_desk.permissions import Actor, Permission, Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import board as board_service
from warranty_desk.services import claims, decisions, setup, staff
from warranty_desk.services.board import OPEN, BoardFilters, board
from warranty_desk.services.claim_detail import ClaimDetail, claim_detail
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

MANAGER, TECH, SALES = actor(Role.MANAGER), actor(Role.TECHNICIAN), actor(Role.SALES)
ALL_STATES = {s.value for s in ClaimState}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo shop, built once for this module; the tests here only read it."""
    with pytest.MonkeyPatch.context() as patch:
        # The real PIN hasher costs a tenth of a second per staff member.
        patch.setattr(staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024,
                                                      parallelism=1))
        home = Home(tmp_path_factory.mktemp("board") / "home")
        db, _ = setup.init(home, clock=pinned_clock())
        build_demo_shop(db)
    yield db
    db.dispose()


def _number_in(db: Database, state: str) -> str:
    rows = board(db, MANAGER, BoardFilters(state=state)).rows
    assert rows, f"the demo has no claim in state {state}"
    return rows[0].number


def _open_claim(db: Database, serial: str = "SN-LAP-0001", *, promised: date | None = None,
                invoice: str = "INV-1001") -> str:
    code = sell(db, invoice, serials=(serial,)).warranty_codes[0]
    return claims.start_claim(db, SALES, claims.StartClaim(code, "Screen flickers",
                                                           promised_on=promised)).number


# --- The board ---------------------------------------------------------------------------------


def test_the_board_counts_every_state_whatever_state_tab_is_chosen(demo_db: Database) -> None:
    everything = board(demo_db, MANAGER, BoardFilters())
    reviewing = board(demo_db, MANAGER, BoardFilters(state="reviewing"))
    assert set(everything.counts) == ALL_STATES
    assert everything.counts == reviewing.counts
    assert everything.total == sum(everything.counts.values()) == len(everything.rows) == 14
    assert reviewing.total == everything.counts["reviewing"] == 1
    assert [r.state for r in reviewing.rows] == ["reviewing"]


def test_open_claims_come_first_oldest_first_then_the_latest_closed(demo_db: Database) -> None:
    rows = board(demo_db, MANAGER, BoardFilters()).rows
    open_rows = [r for r in rows if r.state in board_service.OPEN_STATES]
    assert rows[:len(open_rows)] == tuple(open_rows)
    assert [r.opened_on for r in open_rows] == sorted(r.opened_on for r in open_rows)
    closed = rows[len(open_rows):]
    assert [r.opened_on for r in closed] == sorted((r.opened_on for r in closed), reverse=True)


def test_the_open_tab_lists_only_claims_still_being_handled(demo_db: Database) -> None:
    result = board(demo_db, MANAGER, BoardFilters(state=OPEN))
    assert {r.state for r in result.rows} <= set(board_service.OPEN_STATES)
    assert result.total == sum(result.counts[s] for s in board_service.OPEN_STATES) == 7


def test_filters_narrow_by_brand_channel_and_age(demo_db: Database) -> None:
    lumen = board(demo_db, MANAGER, BoardFilters(brand="Lumen"))
    assert lumen.rows and {r.brand for r in lumen.rows} == {"Lumen"}
    assert sum(lumen.counts.values()) == lumen.total < 14
    phone = board(demo_db, MANAGER, BoardFilters(channel="phone"))
    assert phone.rows and {r.channel for r in phone.rows} == {"phone"}
    old = board(demo_db, MANAGER, BoardFilters(min_age_days=10))
    assert old.rows and min(r.age_days for r in old.rows) >= 10
    young = [r for r in board(demo_db, MANAGER, BoardFilters()).rows
             if r.age_days < 10]
    assert old.total + len(young) == 14


def test_the_branch_filter_keeps_only_that_branchs_claim_numbers(demo_db: Database) -> None:
    assert board(demo_db, MANAGER, BoardFilters(branch="BR01")).total == 14
    other = board(demo_db, MANAGER, BoardFilters(branch="BR99"))
    assert other.total == 0 and other.rows == () and set(other.counts) == ALL_STATES


def test_the_board_offers_the_brands_and_staff_to_filter_by(demo_db: Database) -> None:
    result = board(demo_db, MANAGER, BoardFilters())
    assert {"Lumen", "Orbit", "Vista"} <= set(result.brands)
    assert "Maria Manager" in result.assignees


def test_a_claim_past_its_promised_date_is_overdue_until_it_is_closed(shop: Database) -> None:
    late = _open_claim(shop, promised=TODAY - timedelta(days=1))
    on_time = _open_claim(shop, "SN-LAP-0002", invoice="INV-1002", promised=TODAY)
    rows = {r.number: r for r in board(shop, MANAGER, BoardFilters()).rows}
    assert rows[late].overdue and not rows[on_time].overdue
    decisions.decide(shop, MANAGER, late, decisions.Decision(Outcome.REJECT, "No fault found"))
    rows = {r.number: r for r in board(shop, MANAGER, BoardFilters()).rows}
    assert rows[late].state == "rejected" and not rows[late].overdue


def test_search_finds_a_claim_by_serial_customer_name_phone_and_number(shop: Database) -> None:
    number = _open_claim(shop)
    for query in ("SN-LAP-0001", "sn-lap-0001", "Lovelace", "ada", "+44 20 7946 0958", number):
        rows = board(shop, MANAGER, BoardFilters(search=query)).rows
        assert [r.number for r in rows] == [number], query
    for query in ("Babbage", "\"*'", "SN-LAP-9999"):
        nothing = board(shop, MANAGER, BoardFilters(search=query))
        assert nothing.rows == () and nothing.total == 0, query


@pytest.mark.parametrize("typed", ["C-2026-000001", "c-2026-1", "C-1", "1", "000001"])
def test_search_finds_a_claim_by_the_end_of_its_number(shop: Database, typed: str) -> None:
    number = _open_claim(shop)
    other = _open_claim(shop, "SN-LAP-0002", invoice="INV-1002")
    assert (number, other) == ("BR01-C-2026-000001", "BR01-C-2026-000002")
    rows = board(shop, MANAGER, BoardFilters(search=typed)).rows
    assert [r.number for r in rows] == [number]


def test_a_row_carries_the_customer_product_brand_and_age(shop: Database) -> None:
    number = _open_claim(shop)
    # The claim is opened on the real clock; its age is counted from that day.
    opened_on = board(shop, MANAGER, BoardFilters()).rows[0].opened_on
    stand_on(shop, opened_on + timedelta(days=3))
    row = board(shop, MANAGER, BoardFilters()).rows[0]
    assert (row.number, row.customer, row.product, row.brand, row.serial) == (
        number, "Ada Lovelace", "Lumen 14 Laptop", "Lumen", "SN-LAP-0001")
    assert row.age_days == 3


def test_the_board_lists_at_most_its_row_limit_but_counts_everything(
    shop: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(4):
        _open_claim(shop, f"SN-LAP-10{n}", invoice=f"INV-20{n}")
    monkeypatch.setattr(board_service, "ROW_LIMIT", 3)
    result = board(shop, MANAGER, BoardFilters())
    assert len(result.rows) == 3 and result.total == 4


def test_an_unknown_state_or_a_negative_age_is_refused_in_plain_words(shop: Database) -> None:
    with pytest.raises(BadInput, match="Unknown claim state"):
        board(shop, MANAGER, BoardFilters(state="lost"))
    with pytest.raises(BadInput, match="cannot be negative"):
        board(shop, MANAGER, BoardFilters(min_age_days=-1))


# --- One claim ---------------------------------------------------------------------------------


def _detail(db: Database, state: str, who: Actor = MANAGER) -> ClaimDetail:
    return claim_detail(db, who, _number_in(db, state))


def test_the_detail_carries_facts_cover_timeline_evidence_and_messages(demo_db: Database) -> None:
    d = _detail(demo_db, "at_manufacturer")
    assert d.state == "at_manufacturer" and d.channel == "online_order"
    assert d.customer_name and d.customer_reference and d.warranty_code and d.serial
    assert d.cover is not None and d.cover.warranty_code == d.warranty_code
    assert d.cover.verdict == "in_cover"
    assert [e.to_state for e in d.timeline if e.kind == "status"] == [
        "reviewing", "inspecting", "at_manufacturer"]
    assert {"Sue Support", "Tariq Tech"} <= {e.staff for e in d.timeline}
    assert {e.kind for e in d.evidence} == {"proof_of_purchase", "photo_of_fault"}
    assert all(len(e.sha256) == 64 and e.size > 0 and e.label for e in d.evidence)
    assert d.messages and all(d.number in m.subject for m in d.messages)


def test_the_detail_totals_costs_and_what_can_be_recovered(demo_db: Database) -> None:
    d = _detail(demo_db, "at_manufacturer")
    # The story's claim at the manufacturer: the bench diagnosis, then the courier.
    assert [(c.kind, c.amount_minor, c.recoverable, c.posted_by) for c in d.costs] == [
        ("labour", 4_200, True, "Fin Finance"), ("shipping", 1_800, True, "Fin Finance")]
    assert d.cost_total_minor == d.recoverable_total_minor == 6_000


def test_a_replacement_shows_both_stock_moves_and_the_new_serial(demo_db: Database) -> None:
    rows = board(demo_db, MANAGER, BoardFilters(state="resolved")).rows
    number = next(r.number for r in rows if r.outcome == "replace")
    d = claim_detail(demo_db, MANAGER, number)
    assert [m.kind for m in d.stock_moves] == ["return_in", "replacement_out"]
    assert d.replacement_serial and d.stock_moves[1].serial == d.replacement_serial
    assert d.moves == ()


def test_a_brand_claim_shows_what_the_brand_has_settled(shop: Database) -> None:
    number = _open_claim(shop)
    with shop.write() as session:
        claim = session.scalars(select(Claim).where(Claim.number == number)).one()
        brand = session.scalars(select(Brand).where(Brand.name == "Lumen")).one()
        brand_claim = BrandClaim(claim_id=claim.id, brand_id=brand.id, external_id="LUM-77",
                                 claimed_minor=5_000)
        session.add(brand_claim)
        session.flush()
        session.add(BrandClaimItem(brand_claim_id=brand_claim.id, claim_id=claim.id))
        session.add(Settlement(brand_claim_id=brand_claim.id, amount_minor=3_000,
                               settled_on=TODAY))
    (item,) = claim_detail(shop, MANAGER, number).brand_claims
    assert (item.brand, item.external_id, item.claimed_minor, item.settled_minor) == (
        "Lumen", "LUM-77", 5_000, 3_000)


def test_inspection_is_blocked_by_the_missing_photo_and_a_manager_may_override(
    demo_db: Database
) -> None:
    d = _detail(demo_db, "reviewing", TECH)
    assert d.missing_evidence == ("photo_of_fault",)
    moves = {m.target: m for m in d.moves}
    assert set(moves) == {"inspecting", "rejected"}
    inspect = moves["inspecting"]
    assert inspect.permitted and not inspect.allowed and inspect.overridable
    assert inspect.needs_permission == Permission.ADVANCE_CLAIM.value
    assert any("photo of the fault" in b for b in inspect.blockers)


def test_decisions_are_not_the_technicians_but_are_the_managers(demo_db: Database) -> None:
    tech = {m.target: m for m in _detail(demo_db, "inspecting", TECH).moves}
    manager = {m.target: m for m in _detail(demo_db, "inspecting", MANAGER).moves}
    for target in ("resolved", "rejected"):
        assert not tech[target].permitted and not tech[target].allowed
        assert manager[target].permitted and manager[target].allowed
        assert manager[target].needs_permission == Permission.DECIDE_CLAIM.value
    assert tech["repairing"].allowed and tech["at_manufacturer"].allowed


def test_a_sales_person_sees_the_moves_but_may_take_none(demo_db: Database) -> None:
    moves = _detail(demo_db, "received", SALES).moves
    assert moves and not any(m.permitted or m.allowed for m in moves)


def test_each_move_previews_the_message_the_customer_would_get(demo_db: Database) -> None:
    d = _detail(demo_db, "inspecting")
    previews = {m.target: m.previews for m in d.moves}
    (repairing,) = previews["repairing"]
    assert repairing.template == "claim_repairing" and d.number in repairing.subject
    assert d.customer_name is not None and d.customer_name in repairing.body
    assert {p.template for p in previews["resolved"]} == {
        "claim_resolved_repair", "claim_resolved_replace", "claim_resolved_refund"}
    (rejected,) = previews["rejected"]
    assert "[the reason you write]" in rejected.body


def test_an_unknown_sale_claim_shows_the_claimed_purchase_and_no_cover(
    demo_db: Database
) -> None:
    rows = board(demo_db, MANAGER, BoardFilters(search="Grace Okafor")).rows
    d = claim_detail(demo_db, MANAGER, rows[0].number)
    assert d.warranty_code is None and d.cover is None and d.proof_status == "unverified"
    assert dict(d.claimed_purchase)["product"] == "Orbit X Phone"
    review = {m.target: m for m in d.moves}["reviewing"]
    assert review.allowed and review.blockers == ()


def test_an_unknown_claim_number_is_a_plain_not_found(shop: Database) -> None:
    with pytest.raises(NotFound, match="No claim"):
        claim_detail(shop, MANAGER, "BR01-C-2026-999999")


def test_the_board_and_detail_need_the_lookup_permission(
    shop: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warranty_desk import permissions

    monkeypatch.setitem(permissions.MATRIX, Permission.LOOKUP, frozenset({Role.OWNER}))
    with pytest.raises(PermissionDenied):
        board(shop, SALES, BoardFilters())
    with pytest.raises(PermissionDenied):
        claim_detail(shop, SALES, "BR01-C-2026-000001")
