"""A reopened claim reaches the CRM, so the rejection is not the last word there."""

from __future__ import annotations

from sync.crm.mapping import to_crm, wants
from tests.conftest import actor
from tests.sync.conftest_crm import outbox_events
from tests.unit.services.helpers import sell
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import claims, decisions
from warranty_desk.storage.database import Database


def test_the_reopen_the_core_writes_becomes_a_note_on_the_customer(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    number = claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(code, "No power")).number
    decisions.decide(shop, actor(Role.MANAGER), number,
                     decisions.Decision(Outcome.REJECT, "Liquid damage"))
    decisions.reopen(shop, actor(Role.MANAGER), number, "Dry-room report shows no liquid")
    reopened = [e for e in outbox_events(shop) if e.topic == "claim.reopened"]
    assert len(reopened) == 1 and wants("claim.reopened")
    record = to_crm(reopened[0])
    assert record is not None and record.kind == "claim_outcome"
    assert record.customer.reference == reopened[0].payload["customer"]
    assert record.note == (f"Claim {number} reopened: a manager is looking at it again. "
                           "Reason: Dry-room report shows no liquid.")
