"""Staff and the customer on a claim: a message reworded before it leaves (policy allowing, both
versions audited), a reply by the same road as every claim message, and the unread mark."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import actor
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput
from warranty_desk.models import AuditEntry, Customer, OutboxEvent, Policy, Segment, SyncCursor
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue, claim_messages, claims, inbox, shop_settings
from warranty_desk.services.board import BoardFilters, board
from warranty_desk.services.claim_detail import claim_detail
from warranty_desk.services.inbox import InboxItemInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

SUPPORT = actor(Role.SUPPORT)


def _claim(db: Database) -> str:
    code = sell(db).warranty_codes[0]
    return claims.start_claim(db, SUPPORT, claims.StartClaim(code, "Screen flickers")).number


def _queued_payload(db: Database, message_id: str) -> dict[str, object]:
    with db.read() as session:
        payload = session.scalars(select(OutboxEvent.payload).where(
            OutboxEvent.topic == "message.queued",
            OutboxEvent.aggregate_id == message_id)).one()
    return dict(json.loads(payload))


def test_a_queued_message_is_reworded_and_the_audit_keeps_both_versions(
    shop: Database
) -> None:
    number = _claim(shop)
    [before] = claim_detail(shop, SUPPORT, number).messages
    assert before.editable and before.template == "claim_received"
    claim_messages.edit_message(shop, SUPPORT, number, before.id, before.subject,
                                before.body + "\n\nWe open at nine on Saturdays too.")
    [after] = claim_detail(shop, SUPPORT, number).messages
    assert after.id == before.id and after.body.endswith("nine on Saturdays too.")
    # The one event still waiting for sync carries the new words; no second message.
    assert _queued_payload(shop, before.id)["body"] == after.body
    with shop.read() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "message.edited")).one()
        details = json.loads(entry.details) if isinstance(entry.details, str) else entry.details
    assert details["before"]["body"] == before.body
    assert details["after"]["body"] == after.body
    assert any("reworded" in t.reason for t in claim_detail(shop, SUPPORT, number).timeline)


def test_a_policy_that_forbids_rewording_keeps_the_message_as_written(shop: Database) -> None:
    number = _claim(shop)
    with shop.write() as session:
        for policy in session.scalars(select(Policy)):
            policy.message_edit_allowed = False
    detail = claim_detail(shop, SUPPORT, number)
    assert not detail.message_edit_allowed
    [message] = detail.messages
    with pytest.raises(BadInput, match="does not let staff reword"):
        claim_messages.edit_message(shop, SUPPORT, number, message.id, "New", "Other words.")
    assert claim_detail(shop, SUPPORT, number).messages[0].body == message.body


def test_a_message_a_receiver_has_had_can_no_longer_be_changed(shop: Database) -> None:
    number = _claim(shop)
    with shop.write() as session:
        newest = max(session.scalars(select(OutboxEvent.seq)))
        session.add(SyncCursor(destination="portal", delivered_seq=newest))
    [message] = claim_detail(shop, SUPPORT, number).messages
    assert not message.editable
    with pytest.raises(BadInput, match="already gone"):
        claim_messages.edit_message(shop, SUPPORT, number, message.id, "New", "Other words.")


def test_an_empty_message_is_refused_in_words(shop: Database) -> None:
    number = _claim(shop)
    [message] = claim_detail(shop, SUPPORT, number).messages
    with pytest.raises(BadInput, match="subject and some words"):
        claim_messages.edit_message(shop, SUPPORT, number, message.id, message.subject, "  ")


def test_a_customers_message_marks_the_board_until_staff_reply_in_their_register(
    shop: Database, tmp_path: Path
) -> None:
    number = _claim(shop)
    with shop.write() as session:
        session.scalars(select(Customer)).one().segment = Segment.VIP
    inbox.apply_item(shop, InboxItemInput("in-9", "message_received",
                                          {"claim_ref": number, "body": "Is it ready yet?"}),
                     documents=DocumentStore(tmp_path / "docs"), fetch_document=lambda s: b"")
    row = next(r for r in board(shop, SUPPORT, BoardFilters()).rows if r.number == number)
    assert row.unread == 1
    assert [m.unread for m in claim_detail(shop, SUPPORT, number).messages] == [False, True]
    claim_messages.reply(shop, SUPPORT, number, "Yes: collect it any time after ten.")
    row = next(r for r in board(shop, SUPPORT, BoardFilters()).rows if r.number == number)
    assert row.unread == 0
    sent = claim_detail(shop, SUPPORT, number).messages[-1]
    assert (sent.direction, sent.state, sent.template) == ("outbound", "queued", "staff_reply")
    assert sent.body.startswith("Dear Ada Lovelace,")  # the VIP register
    assert "Yes: collect it any time after ten." in sent.body
    # The same road as every claim message: a message.queued event naming the claim.
    payload = _queued_payload(shop, sent.id)
    assert payload["claim"] == number and payload["template"] == "staff_reply"


def test_opening_the_claim_marks_the_customers_message_read(
    shop: Database, tmp_path: Path
) -> None:
    number = _claim(shop)
    inbox.apply_item(shop, InboxItemInput("in-10", "message_received",
                                          {"claim_ref": number, "body": "Hello?"}),
                     documents=DocumentStore(tmp_path / "docs"), fetch_document=lambda s: b"")
    assert claim_messages.mark_read(shop, SUPPORT, number) == 1
    assert claim_messages.mark_read(shop, SUPPORT, number) == 0
    assert not any(m.unread for m in claim_detail(shop, SUPPORT, number).messages)


def test_the_policy_flag_is_set_in_the_policy_settings_and_audited(shop: Database) -> None:
    number = _claim(shop)
    owner = actor(Role.OWNER)
    view = next(p for p in shop_settings.list_policies(shop) if p.name == "Electronics 12+12")
    assert view.message_edit_allowed  # allowed unless the owner says otherwise
    shop_settings.update_policy(shop, owner, view.id, catalogue.PolicyInput(
        name=view.name, manufacturer_months=view.manufacturer_months,
        shop_months=view.shop_months, terms=view.terms, exclusions=view.exclusions,
        evidence_required=view.evidence_required, serial_required=view.serial_required,
        claim_limit_count=view.claim_limit_count,
        claim_limit_period_months=view.claim_limit_period_months,
        override_roles=view.override_roles, message_edit_allowed=False))
    assert not claim_detail(shop, SUPPORT, number).message_edit_allowed
    with shop.read() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "policy.update")).one()
        details = json.loads(entry.details) if isinstance(entry.details, str) else entry.details
    assert details["after"] == {"message_edit_allowed": False}


def test_a_claim_with_no_customer_on_file_is_answered_in_its_thread(shop: Database) -> None:
    from datetime import date

    from warranty_desk.services.activation import record_sale
    from warranty_desk.services.sale_input import LineInput, SaleInput

    code = record_sale(shop, actor(Role.SALES), SaleInput(
        "INV-ANON", date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, ("SN-ANON",)),),
        None)).warranty_codes[0]
    number = claims.start_claim(shop, SUPPORT, claims.StartClaim(code, "No picture")).number
    claim_messages.reply(shop, SUPPORT, number, "Please bring the power lead.")
    sent = claim_detail(shop, SUPPORT, number).messages[-1]
    assert sent.template == "staff_reply" and sent.body.startswith("Hello customer,")
    assert _queued_payload(shop, sent.id)["claim"] == number


def test_the_received_letter_writes_the_promised_day_in_the_shops_words_not_as_iso(
    shop: Database
) -> None:
    number = _claim(shop)
    detail = claim_detail(shop, SUPPORT, number)
    promised = detail.promised_on
    assert promised is not None
    [received] = detail.messages
    # The shop is en_GB: "2 December 2026", as a person writes it.
    assert f"by {promised.day} {promised:%B} {promised.year}." in received.body
    assert promised.isoformat() not in received.body
