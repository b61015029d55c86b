"""Online returns at the branch: the claim waits for its unit, approval, scan-in, the refund."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import actor
from tests.unit.services.helpers import sell
from warranty_desk.errors import PermissionDenied, RuleBlocked
from warranty_desk.models import Shop
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import claims, decisions, inbox, online_returns, returns
from warranty_desk.services.claim_detail import claim_detail
from warranty_desk.services.inbox import AppliedResult, InboxItemInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

SALES, SUPPORT, STORE, TECH, OWNER = (actor(Role.SALES), actor(Role.SUPPORT),
                                      actor(Role.STOREKEEPER), actor(Role.TECHNICIAN),
                                      actor(Role.OWNER))
CUSTOMER = {"name": "Mary Somerville", "phone": "+44 20 7946 0018", "email": "mary@example.org"}
ORDER = {"order_number": "WEB-2001", "sold_on": "2026-11-20", "customer": CUSTOMER,
         "lines": [{"sku": "LAP-100", "quantity": 1, "unit_price_minor": 89_900,
                    "serials": ["SN-WEB-77"]}]}


def _no_documents(sha256: str) -> bytes:
    raise AssertionError(f"no document was asked for, yet {sha256} was")


def apply(db: Database, tmp_path: Path, item_id: str, kind: str, payload: dict[str, Any]
          ) -> AppliedResult:
    return inbox.apply_item(db, InboxItemInput(item_id, kind, payload),
                            documents=DocumentStore(tmp_path / "documents"),
                            fetch_document=_no_documents)


def _sql(db: Database, query: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def _address(db: Database, address: str) -> None:
    with db.write() as session:
        session.scalars(select(Shop)).one().address = address


def _online_return(db: Database, tmp_path: Path, outcome: str = "refund") -> str:
    _address(db, "12 High Street, Camden, London NW1 7JR")
    assert apply(db, tmp_path, "in-order", "online_order", ORDER).status == "applied"
    code = _sql(db, "SELECT code FROM warranties WHERE serial = 'SN-WEB-77'")[0][0]
    asked = apply(db, tmp_path, "web-return-1", "claim_started", {
        "warranty_code": code, "claim_type": "fault", "fault": "Screen stays black",
        "customer": CUSTOMER, "return": {"outcome": outcome}})
    assert asked.status == "applied", asked.result
    return str(_sql(db, "SELECT number FROM claims WHERE external_ref = 'web-return-1'")[0][0])


def _inspecting(db: Database, tmp_path: Path) -> str:
    """An online return approved, scanned in and taken to inspection by the counter's rules."""
    number = _online_return(db, tmp_path)
    online_returns.approve_return(db, SUPPORT, number)
    receipt = returns.receive(db, STORE, number)  # the label's barcode is the claim number
    assert not receipt.already_received
    assert claims.advance(db, TECH, number, ClaimState.REVIEWING).state == "reviewing"
    # The counter's evidence gate holds for an online claim too.
    with pytest.raises(RuleBlocked) as gate:
        claims.advance(db, TECH, number, ClaimState.INSPECTING)
    assert "photo of the fault" in str(gate.value)
    for n, kind in enumerate(("proof_of_purchase", "photo_of_fault")):
        claims.attach_evidence(db, SALES, number, kind=kind, sha256=f"{n:064x}",
                               media_type="image/jpeg", size=100)
    claims.advance(db, TECH, number, ClaimState.INSPECTING)
    return number


def test_an_online_order_tells_head_office_each_unit_was_sold_online(
    shop: Database, tmp_path: Path
) -> None:
    apply(shop, tmp_path, "in-order", "online_order", ORDER)
    sell(shop)  # a counter sale says nothing of a channel
    cards = [json.loads(p) for (p,) in _sql(
        shop, "SELECT payload FROM outbox_events WHERE topic = 'warranty.activated' ORDER BY seq")]
    assert [card.get("channel") for card in cards] == ["online", None]
    assert cards[0]["invoice"] == "WEB-2001"


def test_a_return_asked_online_is_an_online_claim_that_waits_for_its_unit(
    shop: Database, tmp_path: Path
) -> None:
    number = _online_return(shop, tmp_path)
    assert _sql(shop, "SELECT channel, preferred_outcome, state FROM claims") == [
        ("online", "refund", "received")]
    opened = json.loads(_sql(shop, "SELECT payload FROM outbox_events "
                                   "WHERE topic = 'claim.opened'")[0][0])
    assert (opened["channel"], opened["preferred_outcome"]) == ("online", "refund")
    with pytest.raises(RuleBlocked) as waiting:
        claims.advance(shop, TECH, number, ClaimState.REVIEWING)
    assert "The customer's unit has not arrived yet" in str(waiting.value)
    assert not waiting.value.overridable
    assert _sql(shop, "SELECT state FROM claims") == [("received",)]


def test_a_return_is_asked_only_on_a_unit_sold_online(shop: Database, tmp_path: Path) -> None:
    code = sell(shop).warranty_codes[0]
    refused = apply(shop, tmp_path, "web-return-2", "claim_started", {
        "warranty_code": code, "fault": "Screen stays black", "customer": CUSTOMER,
        "return": {"outcome": "refund"}})
    assert refused.status == "problem"
    assert "this branch did not sell it online" in refused.result
    odd = apply(shop, tmp_path, "web-return-3", "claim_started", {
        "warranty_code": code, "fault": "Screen stays black", "customer": CUSTOMER,
        "return": {"outcome": "cash"}})
    assert "asked for 'cash' on a return" in odd.result
    assert _sql(shop, "SELECT count(*) FROM claims") == [(0,)]


def test_approving_the_return_needs_the_permission_and_tells_head_office_once(
    shop: Database, tmp_path: Path
) -> None:
    number = _online_return(shop, tmp_path)
    with pytest.raises(PermissionDenied) as denied:
        online_returns.approve_return(shop, SALES, number)
    assert "may not approve online returns" in str(denied.value)
    online_returns.approve_return(shop, SUPPORT, number)
    online_returns.approve_return(shop, SUPPORT, number)  # twice: nothing more
    events = _sql(shop, "SELECT payload FROM outbox_events "
                        "WHERE topic = 'claim.return_approved'")
    assert len(events) == 1
    payload = json.loads(events[0][0])
    assert payload["number"] == number and payload["approved_by"] == SUPPORT.name
    assert set(payload["return_to"]) == {"name", "address", "phone"}
    assert _sql(shop, "SELECT kind FROM claim_events WHERE kind = 'return_approved'") == [
        ("return_approved",)]
    assert payload["return_to"]["address"] == "12 High Street, Camden, London NW1 7JR"
    counter = claims.start_claim(shop, SALES, claims.StartClaim(
        sell(shop).warranty_codes[0], "Will not charge")).number
    with pytest.raises(RuleBlocked) as not_online:
        online_returns.approve_return(shop, SUPPORT, counter)
    assert "was not asked for online" in str(not_online.value)


def test_a_return_is_not_approved_while_the_shop_has_no_address(
    shop: Database, tmp_path: Path
) -> None:
    number = _online_return(shop, tmp_path)
    _address(shop, "  ")
    with pytest.raises(RuleBlocked) as blocked:
        online_returns.approve_return(shop, SUPPORT, number)
    assert "The shop's address is not set" in str(blocked.value)
    assert "under Settings, Shop" in str(blocked.value)
    refused = apply(shop, tmp_path, "ho-approve-2", "return_approved",
                    {"claim_number": number, "approved_by": "Hannah Office"})
    assert refused.status == "problem" and "The shop's address is not set" in refused.result
    assert _sql(shop, "SELECT return_approved_at FROM claims") == [(None,)]


def test_head_office_approves_through_the_inbox(shop: Database, tmp_path: Path) -> None:
    number = _online_return(shop, tmp_path)
    done = apply(shop, tmp_path, "ho-approve-1", "return_approved",
                 {"claim_number": number, "approved_by": "Hannah Office"})
    assert done.status == "applied", done.result
    assert done.result == f"claim {number}: return approved, label sent"
    payload = json.loads(_sql(shop, "SELECT payload FROM outbox_events "
                                    "WHERE topic = 'claim.return_approved'")[0][0])
    assert payload["approved_by"] == "Hannah Office (head office)"


def test_scanned_in_the_claim_goes_on_and_a_refund_goes_back_through_the_order(
    shop: Database, tmp_path: Path
) -> None:
    number = _inspecting(shop, tmp_path)
    decisions.decide(shop, OWNER, number, decisions.Decision(
        Outcome.REFUND, "Cannot be repaired", refund_minor=89_900, refund_reference="R-55"))
    assert _sql(shop, "SELECT description FROM cost_postings WHERE kind = 'refund'") == [
        ("Refund R-55 to online order WEB-2001",)]
    subject, body = _sql(shop, "SELECT subject, body FROM customer_messages "
                               "WHERE template = 'claim_resolved_refund_online'")[0]
    assert "online order WEB-2001" in subject
    assert "goes back through your online order WEB-2001" in body.replace("\n", " ")
    decided = json.loads(_sql(shop, "SELECT payload FROM outbox_events "
                                    "WHERE topic = 'claim.decided'")[0][0])
    assert (decided["order"], decided["refund_reference"]) == ("WEB-2001", "R-55")
    # The unit was already in returns stock: the refund does not count it twice.
    assert _sql(shop, "SELECT count(*) FROM stock_movements WHERE kind = 'return_in'") == [(1,)]


def test_an_online_return_may_be_declined_before_the_unit_comes(
    shop: Database, tmp_path: Path
) -> None:
    number = _online_return(shop, tmp_path)
    declined = decisions.decide(shop, OWNER, number, decisions.Decision(
        Outcome.REJECT, "Bought more than a year ago, outside the cover"))
    assert declined.state == "rejected"


def test_the_decision_dialog_previews_the_refund_letter_that_names_the_order(
    shop: Database, tmp_path: Path
) -> None:
    detail = claim_detail(shop, OWNER, _inspecting(shop, tmp_path))
    [resolve] = [m for m in detail.moves if m.target == "resolved"]
    letters = {p.template: p for p in resolve.previews}
    assert "online order WEB-2001" in letters["claim_resolved_refund"].subject
    assert "online order" not in letters["claim_resolved_repair"].body
