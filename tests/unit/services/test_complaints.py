"""Complaints: kept in the customer's words, tied to their claim, settled, audited, sent on."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.conftest import actor
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.models import AuditEntry, Customer, OutboxEvent
from warranty_desk.permissions import Role
from warranty_desk.services import claims, complaints, customer_view
from warranty_desk.storage.database import Database

SUPPORT = actor(Role.SUPPORT)


def _customer_and_claim(db: Database) -> tuple[str, str]:
    code = sell(db).warranty_codes[0]
    number = claims.start_claim(db, actor(Role.SALES), claims.StartClaim(code, "No picture")).number
    with db.read() as session:
        reference = session.scalars(select(Customer.reference)).one()
    return reference, number


def test_a_complaint_about_a_claim_is_kept_shown_audited_and_sent_to_the_crm(
        shop: Database) -> None:
    reference, number = _customer_and_claim(shop)
    view = complaints.log_complaint(shop, SUPPORT, reference.lower(),
                                    "  Nobody called back   in a week ", channel="phone",
                                    claim_number=number)
    assert (view.text, view.claim_number, view.channel) == (
        "Nobody called back in a week", number, "phone")
    profile = customer_view.customer_profile(shop, SUPPORT, reference)
    assert [c.text for c in profile.complaints] == ["Nobody called back in a week"]
    with shop.read() as session:
        payload = json.loads(session.scalars(select(OutboxEvent.payload).where(
            OutboxEvent.topic == "complaint.logged")).one())
        assert session.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "complaint.log")).one()
    assert payload == {"id": view.id, "customer": reference, "claim": number,
                       "channel": "phone", "text": "Nobody called back in a week"}


def test_a_complaint_is_settled_once_with_how(shop: Database) -> None:
    reference, _ = _customer_and_claim(shop)
    view = complaints.log_complaint(shop, SUPPORT, reference, "Rude on the phone")
    settled = complaints.resolve_complaint(shop, SUPPORT, view.id, "Apologised; voucher given")
    assert settled.resolved_at is not None and settled.resolution == "Apologised; voucher given"
    with pytest.raises(BadInput, match="already settled"):
        complaints.resolve_complaint(shop, SUPPORT, view.id, "Again")


@pytest.mark.parametrize(("text", "kwargs", "words"), [
    ("bad", {}, "a few words"),
    ("Waited too long", {"channel": "fax"}, "Unknown channel"),
    ("Waited too long", {"claim_number": "BR01-C-2026-999999"}, "not one of"),
])
def test_a_complaint_that_cannot_be_kept_is_refused_in_plain_words(
        shop: Database, text: str, kwargs: dict[str, str], words: str) -> None:
    reference, _ = _customer_and_claim(shop)
    with pytest.raises(BadInput, match=words):
        complaints.log_complaint(shop, SUPPORT, reference, text, **kwargs)


def test_technicians_do_not_log_complaints(shop: Database) -> None:
    reference, _ = _customer_and_claim(shop)
    with pytest.raises(PermissionDenied):
        complaints.log_complaint(shop, actor(Role.TECHNICIAN), reference, "Too slow overall")
