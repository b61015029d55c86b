"""Every free-text field a person types at the till keeps no card number: a decision's reason,
a cost's description, a hand-back's condition and collector's proof, a reply to the customer, a
brand claim's notes, a void reason, a proof check, a reason given to the CRM. Each is typed with a
card number through its service; then the whole database file (events and audit included) is
scanned by tests/privacy/scanner.py, which is written apart from the app's masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import actor
from tests.privacy.scanner import Scan, scan_sqlite
from tests.unit.services.helpers import inspected, sell
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import (
    activation,
    audit,
    brand_claims,
    claim_messages,
    claims,
    decisions,
    inbox,
)
from warranty_desk.services import hand_back as hb
from warranty_desk.services.inbox import InboxItemInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

CARD = "4929 1803 5544 7269"
SALES, TECH, MANAGER, STORE, SUPPORT = (
    actor(Role.SALES, "Sam Sales"), actor(Role.TECHNICIAN), actor(Role.MANAGER),
    actor(Role.STOREKEEPER, "Kim Store"), actor(Role.SUPPORT))
IDENTIFIERS = {("warranties", "serial"), ("products", "gtin"), ("claims", "serial")}


def leaks(db: Database) -> list[str]:
    """Where the planted card number (or any card-like number) stands in the till's file."""
    scan = Scan()
    scan_sqlite(scan, db.path, {"card number": CARD, "card digits": CARD.replace(" ", "")},
                IDENTIFIERS, set())
    return scan.leaks


def _claim(db: Database, serial: str, invoice: str) -> str:
    code = sell(db, invoice, serials=(serial,)).warranty_codes[0]
    return claims.start_claim(db, SALES, claims.StartClaim(code, "Dead on power-up")).number


def test_a_decision_reason_and_a_reopen_reason_keep_no_card_number(shop: Database) -> None:
    number = inspected(shop, "SN-LAP-0101", "INV-101")
    decisions.decide(shop, MANAGER, number, decisions.Decision(
        Outcome.REJECT, f"Bought elsewhere, paid with {CARD}"))
    decisions.reopen(shop, MANAGER, number, f"Receipt shows {CARD} after all")
    assert leaks(shop) == []


def test_a_cost_description_keeps_no_card_number(shop: Database) -> None:
    number = inspected(shop, "SN-LAP-0102", "INV-102")
    decisions.post_cost(shop, MANAGER, number, decisions.CostLine(
        "parts", 1250, f"screen, paid to supplier on {CARD}"))
    assert decisions.CostLine("parts", 1, CARD).description == (
        "[card number removed, ending 7269]")
    assert leaks(shop) == []


def test_a_hand_back_condition_and_collectors_proof_keep_no_card_number(shop: Database) -> None:
    number = inspected(shop, "SN-LAP-0103", "INV-103")
    decisions.decide(shop, MANAGER, number, decisions.Decision(Outcome.REPAIR, "Board swapped"))
    done = hb.hand_back(shop, SALES, hb.HandBackRequest(
        number, "SN-LAP-0103", condition=f"As received; {CARD}",
        collector="Grace Hopper", collector_proof=f"showed the card {CARD}",
        signed_on_paper=True))
    assert done.condition == "As received; [card number removed, ending 7269]"
    assert leaks(shop) == []


def test_a_reply_to_the_customer_keeps_no_card_number(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0104", "INV-104")
    claim_messages.reply(shop, SUPPORT, number, f"We refunded {CARD} today.")
    assert leaks(shop) == []


def test_brand_claim_notes_and_status_notes_keep_no_card_number(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0105", "INV-105")
    lodged = brand_claims.open_brand_claim(shop, STORE, [number], note=f"Paid on {CARD}")
    brand_claims.update_status(shop, SUPPORT, lodged.number, "acknowledged",
                               note=f"Rang them, read out {CARD}")
    assert leaks(shop) == []


def test_a_void_reason_keeps_no_card_number(shop: Database) -> None:
    code = sell(shop, "INV-106", serials=("SN-LAP-0106",)).warranty_codes[0]
    activation.void_warranty(shop, MANAGER, code, f"Refunded to {CARD}")
    assert leaks(shop) == []


def test_every_reason_the_audit_log_asks_for_is_masked() -> None:
    # audit.kept_words serves the erasure reason, a dismissed event's reason, a handled inbox
    # item's note, an audit sample's follow-up note and the hand-back's words.
    assert audit.kept_words(f" asked by phone, card {CARD} ", "say why") == (
        "asked by phone, card [card number removed, ending 7269]")


@pytest.mark.parametrize("typed", [CARD, CARD.replace(" ", "-"), CARD.replace(" ", "")])
def test_the_portals_typed_text_keeps_no_card_number(typed: str) -> None:
    from portal.customers.messages import check_body
    from portal.staff.supplier import _note
    from portal.staff.views.health import ResolveForm
    from portal.staff.views.records import RelayForm

    assert check_body(f"Paid with {typed}\r\n") == "Paid with [card number removed, ending 7269]"
    assert _note(f"status from {typed}") == "status from [card number removed, ending 7269]"
    relay = RelayForm({"body": f"Customer read {typed}"})
    resolve = ResolveForm({"note": f"found {typed}"})
    assert relay.is_valid() and resolve.is_valid()
    assert relay.cleaned_data["body"] == "Customer read [card number removed, ending 7269]"
    assert resolve.cleaned_data["note"] == "found [card number removed, ending 7269]"


def test_a_customers_message_from_the_portal_and_a_claimants_name_keep_no_card_number(
    shop: Database, tmp_path: Path,
) -> None:
    code = sell(shop, "INV-107", serials=("SN-LAP-0107",)).warranty_codes[0]
    number = claims.start_claim(shop, SALES, claims.StartClaim(
        code, "Dead", claimant_name=f"Ann Other {CARD}", claimant_phone="07700 900417")).number
    # Queued at head office before it masked: the till masks what it applies as well.
    inbox.apply_item(shop, InboxItemInput("in-cards", "message_received",
                                          {"claim_ref": number, "body": f"My card is {CARD}"}),
                     documents=DocumentStore(tmp_path / "docs"), fetch_document=lambda s: b"")
    assert leaks(shop) == []


def test_a_refund_reference_typed_as_the_card_refunded_to_keeps_no_card_number(
    shop: Database,
) -> None:
    number = inspected(shop, "SN-LAP-0108", "INV-108")
    decisions.decide(shop, actor(Role.OWNER), number, decisions.Decision(
        Outcome.REFUND, "Cannot be repaired", refund_minor=12_345, refund_reference=CARD))
    assert leaks(shop) == []
