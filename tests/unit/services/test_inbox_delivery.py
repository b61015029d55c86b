"""Inbox items about the portal's own work for a branch: email delivery and extension requests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import stand_at
from tests.unit.services.helpers import sell
from tests.unit.services.test_inbox import ADMIN, CUSTOMER, MANAGER, apply, claim_for
from warranty_desk.models import CustomerMessage, ExtensionPlan
from warranty_desk.services.claim_detail import claim_detail
from warranty_desk.services.inbox import unsettled
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path / "documents")


def _claim_message(shop: Database, store: DocumentStore) -> tuple[str, str]:
    code = sell(shop).warranty_codes[0]
    apply(shop, store, "in-1", "claim_started",
          {"warranty_code": code, "fault": "Hinge broke", "customer": CUSTOMER})
    number = claim_for(shop, "in-1").number
    with shop.read() as session:
        message = session.scalars(select(CustomerMessage).where(
            CustomerMessage.direction == "outbound")).one()
        return number, message.id.hex


def _state(shop: Database, message_id: str) -> str:
    with shop.read() as session:
        found = session.scalars(select(CustomerMessage)).all()
        return next(m.state for m in found if m.id.hex == message_id)


def test_head_office_sending_the_email_marks_the_message_sent_on_the_claim(
    shop: Database, store: DocumentStore
) -> None:
    number, message_id = _claim_message(shop, store)
    result = apply(shop, store, "in-2", "message_delivery",
                   {"message_id": message_id, "state": "sent", "at": "2026-12-01T10:00:00Z"})
    assert result.status == "applied" and result.result.endswith(f"on claim {number}: sent")
    assert _state(shop, message_id) == "sent"
    timeline = claim_detail(shop, MANAGER, number).timeline
    assert any(t.reason.startswith("Head office emailed the customer") for t in timeline)


def test_a_failed_email_says_why_and_a_late_sent_report_does_not_hide_it(
    shop: Database, store: DocumentStore
) -> None:
    number, message_id = _claim_message(shop, store)
    apply(shop, store, "in-2", "message_delivery",
          {"message_id": message_id, "state": "failed", "at": "2026-12-01T10:00:00Z",
           "reason": "the customer's mail server refused the address"})
    late = apply(shop, store, "in-3", "message_delivery",
                 {"message_id": message_id, "state": "sent", "at": "2026-12-01T10:01:00Z"})
    assert _state(shop, message_id) == "failed"
    assert late.status == "applied" and "already failed; nothing changed" in late.result
    timeline = claim_detail(shop, MANAGER, number).timeline
    assert any("refused the address; tell them another way" in t.reason for t in timeline)


def test_head_office_s_reason_for_a_failed_email_stays_on_the_message(
    shop: Database, store: DocumentStore
) -> None:
    _, message_id = _claim_message(shop, store)
    stand_at(shop, datetime(2026, 12, 1, 10, 5, tzinfo=UTC))
    apply(shop, store, "in-2", "message_delivery",
          {"message_id": message_id, "state": "bounced", "at": "2026-12-01T10:00:00Z",
           "reason": "550 no such mailbox"})
    with shop.read() as session:
        message = session.scalars(select(CustomerMessage).where(
            CustomerMessage.direction == "outbound")).one()
        # The Messages tab and the delivery report say why, and since when.
        assert (message.state, message.reason) == ("bounced", "550 no such mailbox")
        assert message.state_at == datetime(2026, 12, 1, 10, 5, tzinfo=UTC)


def test_a_delivery_report_of_a_message_the_branch_never_queued_is_a_problem(
    shop: Database, store: DocumentStore
) -> None:
    result = apply(shop, store, "in-9", "message_delivery",
                   {"message_id": "not-a-message", "state": "sent", "at": "2026-12-01T10:00:00Z"})
    assert result.status == "problem" and "not one this branch queued" in result.result


def test_an_extension_asked_for_online_waits_for_staff_saying_what_to_sell(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    with shop.read() as session:
        plan = session.scalars(select(ExtensionPlan)).first()
        assert plan is not None
        plan_code, plan_name = plan.code, plan.name
    result = apply(shop, store, "in-4", "extension_requested",
                   {"warranty_code": code.lower(), "plan_code": plan_code, "price_minor": 4900,
                    "payment": "at_shop"})
    assert result.status == "problem"
    assert f"extend {code} with {plan_name}, to be paid at the shop" in result.result
    assert f"Sell extension on {code}" in result.result
    assert [r.item_id for r in unsettled(shop, ADMIN)] == ["in-4"]
    paid = apply(shop, store, "in-5", "extension_requested",
                 {"warranty_code": code, "plan_code": "GOLD-3", "plan_name": "Gold <3 years>",
                  "price_minor": 4900, "payment": "paid_online", "payment_ref": "LOOP-1"})
    assert paid.status == "problem" and "a plan this branch does not have" in paid.result
    assert "Gold <3 years>" in paid.result
