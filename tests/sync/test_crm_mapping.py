"""What reaches the CRM: customer records and party notes, from plain and from real events."""

from __future__ import annotations

import pytest

from sync.crm import mapping
from sync.crm.mapping import CrmCustomer, MappingError, to_crm
from tests.conftest import actor, stand_on
from tests.sync.conftest_crm import AT, claim_decided, customer_created, event, outbox_events
from tests.unit.services.helpers import sell
from warranty_desk.permissions import Role
from warranty_desk.storage.database import Database


def test_a_new_customer_becomes_a_crm_customer_with_reference_contacts_and_segment() -> None:
    record = to_crm(customer_created("BR01-CU-000001", email="ada@example.org",
                                     phone="+442079460958", segment="vip"))
    assert record is not None
    assert record.kind == "customer"
    assert record.customer == CrmCustomer("BR01-CU-000001", "Ada Lovelace", "ada@example.org",
                                          "+442079460958", "vip", None)
    assert record.note == ""


def test_a_segment_change_carries_the_new_segment_and_notes_the_change() -> None:
    record = to_crm(event("customer.updated", {
        "reference": "BR01-CU-000001", "name": "Ada Lovelace", "phone": "", "email": "",
        "segment": "vip", "retention_follow_up": False, "from": "retail", "to": "vip"}))
    assert record is not None
    assert record.customer.segment == "vip"
    assert record.customer.retention_follow_up is False
    assert record.note == "Segment changed from retail to vip."


def test_a_retention_flag_is_carried_with_its_reason_in_the_note() -> None:
    record = to_crm(event("customer.updated", {
        "reference": "BR01-CU-000001", "name": "Ada Lovelace", "phone": "", "email": "",
        "segment": "retail", "retention_follow_up": True, "flag": True,
        "reason": "Second claim this month"}))
    assert record is not None
    assert record.customer.retention_follow_up is True
    assert record.note == "Retention follow-up requested: Second claim this month"
    assert record.details == {"flag": True, "reason": "Second claim this month"}


def test_a_purchase_names_product_serial_invoice_and_cover() -> None:
    record = to_crm(event("warranty.activated", {
        "code": "BR01-W-2026-000001", "serial": "SN-LAP-0001", "product": "Lumen 14 Laptop",
        "sku": "LAP-100", "customer": "BR01-CU-000001", "invoice": "INV-1001",
        "status": "active", "start": "2026-11-01", "end": "2028-11-01", "layers": []}))
    assert record is not None
    assert (record.kind, record.customer) == ("purchase", CrmCustomer("BR01-CU-000001"))
    assert record.note == ("Bought Lumen 14 Laptop (serial SN-LAP-0001) on invoice INV-1001; "
                           "warranty BR01-W-2026-000001 runs 2026-11-01 to 2028-11-01.")


def test_an_anonymous_sale_has_nothing_for_the_crm() -> None:
    assert to_crm(event("warranty.activated", {"code": "W1", "customer": None})) is None


def test_a_claim_outcome_notes_the_verdict_reason_and_replacement() -> None:
    record = to_crm(claim_decided("BR01-C-2026-000001", "BR01-CU-000001", outcome="replace",
                                  reason="Dead mainboard", new_serial="SN-LAP-0099",
                                  new_warranty="BR01-W-2026-000002", end="2027-11-01"))
    assert record is not None
    assert record.kind == "claim_outcome"
    assert record.note == ("Claim BR01-C-2026-000001 replaced (serial SN-LAP-0001). "
                           "Reason: Dead mainboard. Replacement serial SN-LAP-0099, warranty "
                           "BR01-W-2026-000002 until 2027-11-01.")


def test_a_refund_notes_the_amount_and_the_pos_reference() -> None:
    record = to_crm(claim_decided("C-2", "CU-2", outcome="refund", reason="Unit unrepairable",
                                  amount="899.00", currency="GBP", refund_reference="R-77"))
    assert record is not None
    assert record.note.endswith("Refunded 899.00 GBP (POS R-77).")


def test_a_claim_outcome_without_a_customer_reference_is_refused_with_the_reason() -> None:
    payload = dict(claim_decided("C-3", None).payload)
    del payload["customer"]
    with pytest.raises(MappingError, match="names no customer"):
        to_crm(event("claim.decided", payload))


def test_a_customer_given_as_an_object_brings_name_and_contacts() -> None:
    record = to_crm(event("complaint.logged", {
        "customer": {"reference": "CU-9", "name": "Bo", "email": "bo@example.org"},
        "channel": "phone", "claim": "C-9", "text": "Nobody called back"}))
    assert record is not None
    assert record.customer == CrmCustomer("CU-9", "Bo", "bo@example.org")
    assert record.note == "Complaint (phone) about claim C-9: Nobody called back"


def test_an_unknown_segment_is_refused() -> None:
    with pytest.raises(MappingError, match="unknown segment 'gold'"):
        to_crm(customer_created("CU-1", segment="gold"))


@pytest.mark.parametrize("topic", ["message.queued", "claim.opened", "stock.moved",
                                   "claim.status_changed", "shop.updated"])
def test_topics_of_no_interest_to_a_crm_are_not_wanted(topic: str) -> None:
    assert not mapping.wants(topic)
    assert to_crm(event(topic, {"customer": "CU-1"})) is None


def test_the_webhook_shape_leaves_out_what_the_event_did_not_say() -> None:
    record = to_crm(claim_decided("C-1", "CU-1"))
    assert record is not None
    body = record.as_json()
    assert body["customer"] == {"reference": "CU-1"}
    assert body["occurred_at"] == AT.isoformat()
    assert set(body) == {"id", "topic", "kind", "occurred_at", "customer", "note", "details"}


def _core_events(db: Database) -> dict[str, list[mapping.CrmRecord | None]]:
    from warranty_desk.services import customer_view

    sell(db)
    ref = customer_view.find_customers(db, actor(Role.SALES), "Ada")[0].reference
    support = actor(Role.SUPPORT)
    customer_view.set_segment(db, support, ref, "vip")
    customer_view.set_retention_follow_up(db, support, ref, True, "Second claim this month")
    by_topic: dict[str, list[mapping.CrmRecord | None]] = {}
    for e in outbox_events(db):
        if mapping.wants(e.topic):
            by_topic.setdefault(e.topic, []).append(to_crm(e))
    return by_topic


def test_the_cores_own_customer_and_sale_events_map_without_loss(shop: Database) -> None:
    by_topic = _core_events(shop)
    [created] = by_topic["customer.created"]
    assert created is not None
    assert created.customer.name == "Ada Lovelace"
    assert created.customer.email == "ada@example.org"
    assert created.customer.phone.endswith("2079460958")
    [purchase] = by_topic["warranty.activated"]
    assert purchase is not None
    assert purchase.customer.reference == created.customer.reference
    assert "Lumen 14 Laptop" in purchase.note and "SN-LAP-0001" in purchase.note
    segment, retention = by_topic["customer.updated"]
    assert segment is not None and retention is not None
    assert segment.customer.segment == "vip"
    assert retention.customer.retention_follow_up is True
    assert retention.note.endswith("Second claim this month")


def test_the_cores_claim_decision_names_its_customer(shop: Database) -> None:
    from warranty_desk.rules.claim_states import Outcome
    from warranty_desk.services import claims, decisions

    code = sell(shop).warranty_codes[0]
    stand_on(shop, AT.date())
    claim = claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(code, "Cracked case"))
    number = claim.number
    decisions.decide(shop, actor(Role.MANAGER), number,
                     decisions.Decision(Outcome.REJECT, "Accidental damage"))
    [decided] = [e for e in outbox_events(shop) if e.topic == "claim.decided"]
    record = to_crm(decided)
    assert record is not None and record.customer.reference.startswith("BR01-CU-")
