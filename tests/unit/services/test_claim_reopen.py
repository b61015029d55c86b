"""Reopening a rejected claim: a manager's written reason sends it back to review, on record."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from tests.conftest import actor
from tests.unit.services.helpers import rows as _one
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.permissions import MATRIX, Permission, Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import claims, decisions
from warranty_desk.services.claim_detail import claim_detail
from warranty_desk.storage.database import Database

SALES, MANAGER = actor(Role.SALES), actor(Role.MANAGER, "Maria Manager")


def _rejected(db: Database, invoice: str = "INV-1001", serial: str = "SN-LAP-0001") -> str:
    code = sell(db, invoice, serials=(serial,)).warranty_codes[0]
    number = claims.start_claim(db, SALES, claims.StartClaim(
        code, "Screen flickers", promised_on=date(2026, 11, 20))).number
    decisions.decide(db, MANAGER, number, decisions.Decision(
        Outcome.REJECT, "Liquid damage inside the case"))
    return number



def test_a_manager_reopens_a_rejected_claim_back_to_review_with_everything_on_record(
    shop: Database,
) -> None:
    number = _rejected(shop)
    summary = decisions.reopen(shop, MANAGER, number, "Customer brought the dry-room report")
    assert (summary.state, summary.outcome) == ("reviewing", None)
    assert _one(shop, "SELECT state, outcome, decision_reason, closed_at FROM claims "
                      "WHERE number = ?", number) == [("reviewing", None, None, None)]
    detail = claim_detail(shop, MANAGER, number)
    last = detail.timeline[-1]
    assert (last.kind, last.from_state, last.to_state, last.reason) == (
        "reopened", "rejected", "reviewing", "Customer brought the dry-room report")
    # The rejection stays in the history: the reopen adds to it, it does not rewrite it.
    assert any(e.to_state == "rejected" for e in detail.timeline)
    action, details = _one(shop, "SELECT action, details FROM audit_entries "
                                 "ORDER BY seq DESC LIMIT 1")[0]
    assert action == "claim.reopen"
    assert "Liquid damage inside the case" in str(details)
    topics = [t for (t,) in _one(shop, "SELECT topic FROM outbox_events ORDER BY seq")]
    assert topics[-2:] == ["claim.reopened", "message.queued"]
    subject, body = _one(shop, "SELECT subject, body FROM customer_messages "
                               "WHERE template = 'claim_reopened'")[0]
    assert number in str(subject)
    assert "Customer brought the dry-room report" in str(body)
    assert "Ada Lovelace" in str(body)
    # The old promise passed while the claim was closed: the customer gets a new date.
    (promised,) = _one(shop, "SELECT promised_on FROM claims WHERE number = ?", number)[0]
    day = date.fromisoformat(str(promised))
    assert day >= date(2026, 12, 2) and f"by {day.day} {day:%B} {day.year}." in str(body)
    # Back in review, it moves on like any claim in review.
    assert {m.target for m in detail.moves} == {"inspecting", "rejected"}


def test_only_the_roles_that_decide_claims_may_reopen_one(shop: Database) -> None:
    number = _rejected(shop)
    for role in Role:
        if role in MATRIX[Permission.DECIDE_CLAIM]:
            continue
        with pytest.raises(PermissionDenied):
            decisions.reopen(shop, actor(role), number, "Customer disagrees strongly")
    assert _one(shop, "SELECT state FROM claims WHERE number = ?", number) == [("rejected",)]


def test_a_reopen_needs_a_written_reason(shop: Database) -> None:
    number = _rejected(shop)
    with pytest.raises(BadInput, match="Write why"):
        decisions.reopen(shop, MANAGER, number, "  ok ")
    assert _one(shop, "SELECT state FROM claims WHERE number = ?", number) == [("rejected",)]


def test_an_open_or_resolved_claim_is_not_reopened(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    number = claims.start_claim(shop, SALES, claims.StartClaim(code, "No power")).number
    with pytest.raises(RuleBlocked, match="still open"):
        decisions.reopen(shop, MANAGER, number, "Customer disagrees strongly")
    claims.advance(shop, MANAGER, number, ClaimState.REVIEWING)
    for kind in ("proof_of_purchase", "photo_of_fault"):
        claims.attach_evidence(shop, SALES, number, kind=kind,
                               sha256=hashlib.sha256(kind.encode()).hexdigest(),
                               media_type="image/png", size=10)
    claims.advance(shop, MANAGER, number, ClaimState.INSPECTING)
    decisions.decide(shop, MANAGER, number, decisions.Decision(Outcome.REPAIR, "Board swapped"))
    with pytest.raises(RuleBlocked, match="new claim") as blocked:
        decisions.reopen(shop, MANAGER, number, "Customer disagrees strongly")
    assert not blocked.value.overridable


def test_a_rejected_claim_is_not_reopened_while_another_claim_is_open_on_the_unit(
    shop: Database,
) -> None:
    number = _rejected(shop)
    code = _one(shop, "SELECT w.code FROM warranties w JOIN claims c ON c.warranty_id = w.id "
                      "WHERE c.number = ?", number)[0][0]
    newer = claims.start_claim(shop, SALES, claims.StartClaim(str(code), "Screen flickers "
                                                                         "again")).number
    with pytest.raises(RuleBlocked, match=newer):
        decisions.reopen(shop, MANAGER, number, "Customer disagrees strongly")
