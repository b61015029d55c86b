"""Claims through the real services: start, evidence, blocked moves, overrides, decisions."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.conftest import TODAY, actor, sqlite_file, sqlite_rows
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import claims, decisions, lookup
from warranty_desk.services.claim_common import Override
from warranty_desk.storage.database import Database

SALES, TECH, MANAGER, OWNER = (actor(Role.SALES), actor(Role.TECHNICIAN), actor(Role.MANAGER),
                               actor(Role.OWNER))


def _open(db: Database, code: str) -> str:
    return claims.start_claim(db, SALES, claims.StartClaim(code, "Screen flickers")).number


def _attach(db: Database, number: str, *kinds: str) -> None:
    for n, kind in enumerate(kinds):
        claims.attach_evidence(db, SALES, number, kind=kind, sha256=f"{n:064x}",
                               media_type="image/jpeg", size=100, original_name=f"{kind}.jpg")


def test_a_claim_opens_with_its_number_event_message_and_outbox_event(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    summary = claims.start_claim(shop, SALES, claims.StartClaim(code, "Will not charge"))
    assert summary.number == "BR01-C-2026-000001"
    assert summary.state == "received"
    assert summary.missing_evidence == ("proof_of_purchase", "photo_of_fault")
    with sqlite_file(shop.path) as conn:
        assert conn.execute("SELECT kind, to_state FROM claim_events").fetchall() == [
            ("opened", "received")]
        subject = conn.execute("SELECT subject FROM customer_messages").fetchone()[0]
        assert summary.number in subject
        topics = [r[0] for r in conn.execute("SELECT topic FROM outbox_events ORDER BY seq")]
        assert topics[-2:] == ["claim.opened", "message.queued"]


def test_review_cannot_move_to_inspection_without_the_policys_evidence(shop: Database) -> None:
    number = _open(shop, sell(shop).warranty_codes[0])
    claims.advance(shop, TECH, number, ClaimState.REVIEWING)
    with pytest.raises(RuleBlocked) as blocked:
        claims.advance(shop, TECH, number, ClaimState.INSPECTING)
    assert blocked.value.overridable
    assert "proof of purchase" in str(blocked.value) and "photo of the fault" in str(blocked.value)
    _attach(shop, number, "proof_of_purchase", "photo_of_fault")
    assert claims.advance(shop, TECH, number, ClaimState.INSPECTING).state == "inspecting"


def test_a_manager_override_passes_missing_evidence_and_is_recorded(shop: Database) -> None:
    number = _open(shop, sell(shop).warranty_codes[0])
    claims.advance(shop, TECH, number, ClaimState.REVIEWING)
    with pytest.raises(PermissionDenied):
        claims.advance(shop, TECH, number, ClaimState.INSPECTING,
                       override=Override(SALES, "customer is a regular"))
    with pytest.raises(BadInput):
        claims.advance(shop, TECH, number, ClaimState.INSPECTING,
                       override=Override(MANAGER, ""))
    result = claims.advance(shop, TECH, number, ClaimState.INSPECTING,
                            override=Override(MANAGER, "Receipt seen on the customer's phone"))
    assert result.state == "inspecting"
    with sqlite_file(shop.path) as conn:
        assert conn.execute("SELECT count(*) FROM audit_entries WHERE action='claim.override'"
                            ).fetchone()[0] == 1


def test_a_resolved_claim_cannot_move_again_even_with_an_override(shop: Database) -> None:
    number = _open(shop, sell(shop).warranty_codes[0])
    claims.advance(shop, TECH, number, ClaimState.REVIEWING)
    _attach(shop, number, "proof_of_purchase", "photo_of_fault")
    claims.advance(shop, TECH, number, ClaimState.INSPECTING)
    decisions.decide(shop, MANAGER, number, decisions.Decision(
        Outcome.REPAIR, "Replaced the display connector",
        costs=(decisions.CostLine("parts", 2_500, "connector"),
               decisions.CostLine("labour", 4_000, "40 minutes"))))
    with pytest.raises(RuleBlocked) as blocked:
        claims.advance(shop, TECH, number, ClaimState.REPAIRING,
                       override=Override(OWNER, "try again please"))
    assert not blocked.value.overridable
    with sqlite_file(shop.path) as conn:
        assert conn.execute("SELECT sum(amount_minor) FROM cost_postings").fetchone()[0] == 6_500


def _ready(shop: Database, serial: str = "SN-LAP-0001", invoice: str = "INV-1001") -> str:
    number = _open(shop, sell(shop, invoice, serials=(serial,)).warranty_codes[0])
    claims.advance(shop, TECH, number, ClaimState.REVIEWING)
    _attach(shop, number, "proof_of_purchase", "photo_of_fault")
    claims.advance(shop, TECH, number, ClaimState.INSPECTING)
    return number


def test_replacement_moves_the_remaining_cover_to_the_new_unit(shop: Database) -> None:
    number = _ready(shop)
    decisions.decide(shop, MANAGER, number, decisions.Decision(
        Outcome.REPLACE, "Dead mainboard", replacement_serial="SN-LAP-0099"))
    found = lookup.lookup(shop, SALES, "SN-LAP-0099")
    assert found.outcome == "found"
    new = found.matches[0]
    assert new.verdict == "in_cover" and new.start_on == TODAY
    assert new.end_on == date(2028, 10, 31)
    old = lookup.lookup(shop, SALES, "SN-LAP-0001").matches[0]
    assert old.verdict == "void" and "SN-LAP-0099" in (old.void_reason or "")
    with sqlite_file(shop.path) as conn:
        assert conn.execute("SELECT kind, serial FROM stock_movements ORDER BY at").fetchall() == [
            ("return_in", "SN-LAP-0001"), ("replacement_out", "SN-LAP-0099")]
        # The customer's letter names the new cover's end as a person writes it (the event: ISO).
        letter = conn.execute("SELECT body FROM customer_messages WHERE template = "
                              "'claim_resolved_replace'").fetchone()[0]
        assert "cover runs until 31 October 2028." in letter.replace("\n", " ")


def test_a_refund_over_the_managers_limit_is_refused_and_the_owner_may(shop: Database) -> None:
    number = _ready(shop)
    big = decisions.Decision(Outcome.REFUND, "Unit cannot be repaired", refund_minor=89_900,
                             refund_reference="POS-R-77")
    with pytest.raises(PermissionDenied) as refused:
        decisions.decide(shop, MANAGER, number, big)
    assert "A refund of €899.00 is over the limit" in str(refused.value)
    assert "(€500.00)" in str(refused.value)
    result = decisions.decide(shop, MANAGER, number, big,
                              override=Override(OWNER, "Owner approved full refund"))
    assert result.outcome == "refund"
    assert lookup.lookup(shop, SALES, "SN-LAP-0001").matches[0].verdict == "void"


def test_a_refund_larger_than_the_price_paid_is_refused(shop: Database) -> None:
    number = _ready(shop)
    with pytest.raises(RuleBlocked) as refused:
        decisions.decide(shop, OWNER, number, decisions.Decision(
            Outcome.REFUND, "Refund", refund_minor=99_900, refund_reference="R1"))
    assert str(refused.value) == "The refund €999.00 is more than the customer paid (€899.00)."


def test_a_refund_tells_the_customer_the_amount_in_the_shops_money(shop: Database) -> None:
    number = _ready(shop)
    decisions.decide(shop, OWNER, number, decisions.Decision(
        Outcome.REFUND, "Cannot be repaired", refund_minor=12_345,
        refund_reference="R-9"))
    with sqlite_file(shop.path) as conn:
        body = conn.execute("SELECT body FROM customer_messages "
                            "WHERE template='claim_resolved_refund'").fetchone()[0]
        assert "We have refunded €123.45 for your" in body
        payload = json.loads(conn.execute("SELECT payload FROM outbox_events "
                                          "WHERE topic='claim.decided'").fetchone()[0])
        assert (payload["amount"], payload["currency"]) == ("123.45", "EUR")


def test_a_refund_voids_the_warranty_as_every_other_void_does(shop: Database) -> None:
    """Head office and the audit log learn of the void, as they do for a counter void."""
    number = _ready(shop)
    decisions.decide(shop, OWNER, number, decisions.Decision(
        Outcome.REFUND, "Cannot be repaired", refund_minor=12_345, refund_reference="R-9"))
    with sqlite_file(shop.path) as conn:
        code, status, reason = conn.execute(
            "SELECT code, status, void_reason FROM warranties").fetchone()
        assert (status, reason) == ("void", f"Refunded under claim {number}")
        voided = [json.loads(p) for (p,) in conn.execute(
            "SELECT payload FROM outbox_events WHERE topic='warranty.voided'")]
        assert voided == [{"code": code, "reason": f"Refunded under claim {number}"}]
        audited = conn.execute("SELECT count(*) FROM audit_entries WHERE action='warranty.void' "
                               "AND entity_id=?", (code,)).fetchone()[0]
        assert audited == 1


def test_a_rejection_sends_the_reason_in_plain_words(shop: Database) -> None:
    number = _ready(shop)
    decisions.decide(shop, MANAGER, number, decisions.Decision(
        Outcome.REJECT, "The laptop was dropped: the case is cracked at the hinge."))
    body = sqlite_rows(
        shop.path, "SELECT body FROM customer_messages WHERE template='claim_rejected'")[0][0]
    assert "cracked at the hinge" in body


@pytest.mark.parametrize("role", list(Role))
def test_only_managers_and_owners_decide_claims(shop: Database, role: Role) -> None:
    number = _ready(shop)
    decision = decisions.Decision(Outcome.REPAIR, "Fixed the hinge")
    if role in (Role.MANAGER, Role.OWNER):
        assert decisions.decide(shop, actor(role), number, decision).state == "resolved"
    else:
        with pytest.raises(PermissionDenied):
            decisions.decide(shop, actor(role), number, decision)


def test_the_claim_limit_needs_an_override_on_the_third_claim(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    for fault in ("Fan noise", "Fan noise again"):
        number = claims.start_claim(shop, SALES, claims.StartClaim(code, fault)).number
        decisions.decide(shop, MANAGER, number, decisions.Decision(
            Outcome.REJECT, "No fault found"))
    with pytest.raises(RuleBlocked) as blocked:
        claims.start_claim(shop, SALES, claims.StartClaim(code, "Fan noise"))
    assert blocked.value.overridable and "2 of 2" in str(blocked.value)
    third = claims.start_claim(shop, SALES, claims.StartClaim(code, "Fan noise"),
                               override=Override(MANAGER, "Known fan batch problem"))
    assert third.state == "received"


def test_a_second_open_claim_on_the_same_unit_is_refused(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    first = _open(shop, code)
    with pytest.raises(RuleBlocked) as blocked:
        _open(shop, code)
    assert first in str(blocked.value)


def test_an_unknown_sale_claim_stays_unverified_until_checked(shop: Database) -> None:
    from warranty_desk.services.customers import CustomerInput

    summary = claims.start_unknown_sale_claim(shop, SALES, claims.StartUnknownSaleClaim(
        customer=CustomerInput("Grace Hopper", phone="555-0100-22"),
        product_description="Lumen 14 Laptop", serial="sn-x-1", purchased_on=date(2026, 5, 1),
        purchased_where="Online marketplace", fault="No power", proof_sha256="ab" * 32,
        proof_media_type="application/pdf", proof_size=2048, sku="LAP-100"))
    assert summary.proof_status == "unverified" and summary.warranty_code is None
    claims.advance(shop, TECH, summary.number, ClaimState.REVIEWING)
    with pytest.raises(RuleBlocked) as blocked:
        claims.advance(shop, TECH, summary.number, ClaimState.INSPECTING)
    assert "not been verified" in str(blocked.value)
    claims.verify_proof(shop, actor(Role.SUPPORT), summary.number, accepted=True,
                        note="Marketplace invoice, date and serial match")
    claims.attach_evidence(shop, SALES, summary.number, kind="photo_of_fault", sha256="cd" * 32,
                           media_type="image/png", size=10)
    assert claims.advance(shop, TECH, summary.number, ClaimState.INSPECTING).state == "inspecting"
