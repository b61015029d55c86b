"""customer.erased through the signed webhook: what the receiver is told, and in what order."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from sync.crm.mapping import ERASURE_NOTE, to_crm, wants
from sync.crm.webhook import WebhookConnector
from sync.engine import SyncEngine
from tests.conftest import actor, pinned_clock
from tests.erasure.till_story import TRACES, tell
from tests.sync.conftest_crm import AT, event, outbox_events
from tests.sync.webhook_receiver import Receiver, Scheme, Scripted, webhook_receiver
from warranty_desk.permissions import Role
from warranty_desk.rules.erasure import pseudonym
from warranty_desk.services import erasure, sync_admin
from warranty_desk.storage.database import Database

SECRET = "whsec-erasure-test-77ab"  # a test value, not a real secret
REF = "BR01-CU-000042"


@pytest.fixture(params=["standard", "older"])
def receiver(request: pytest.FixtureRequest) -> Iterator[Receiver]:
    scheme: Scheme = request.param
    with webhook_receiver(SECRET, scheme=scheme) as server:
        yield server


@pytest.fixture
def connector(receiver: Receiver) -> Iterator[WebhookConnector]:
    hook = WebhookConnector(receiver.url, SECRET, timeout=5, clock=pinned_clock())
    yield hook
    hook.close()


def test_the_receiver_is_told_to_erase_in_a_signed_event(
    connector: WebhookConnector, receiver: Receiver,
) -> None:
    erased = event("customer.erased", {"reference": REF, "pseudonym": pseudonym(REF),
                                       "merged_references": ["BR01-CU-000007"]})
    assert [o.status for o in connector.send([erased])] == ["accepted"]
    assert receiver.answers == [200]  # its signature held, by either scheme
    assert receiver.stored[erased.id] == {
        "id": erased.id, "topic": "customer.erased", "kind": "erasure",
        "occurred_at": AT.isoformat(),
        "customer": {"reference": REF, "name": pseudonym(REF), "email": "", "phone": ""},
        "note": ERASURE_NOTE,
        "details": {"pseudonym": pseudonym(REF), "merged_references": ["BR01-CU-000007"]}}
    # Sent again (a lost answer): the same id, which the receiver already has.
    assert [o.status for o in connector.send([erased])] == ["duplicate"]


@pytest.mark.parametrize("payload", [{"reference": REF}, {"pseudonym": "Erased customer 1"},
                                     {"reference": REF, "pseudonym": "Erased customer 1",
                                      "merged_references": "BR01-CU-000007"}])
def test_an_erasure_without_whom_or_their_new_name_is_parked_with_a_reason(
    connector: WebhookConnector, receiver: Receiver, payload: dict[str, object],
) -> None:
    broken = event("customer.erased", payload, aggregate_id=" ")
    [outcome] = connector.send([broken])
    assert outcome.status == "rejected"
    assert "no customer reference or pseudonym" in outcome.reason
    assert receiver.stored == {}


def test_the_cores_own_erasure_event_maps_to_an_erasure(shop: Database) -> None:
    story = tell(shop)
    erasure.erase(shop, actor(Role.MANAGER), story.reference, "Asked at the counter")
    [erased] = [e for e in outbox_events(shop) if e.topic == "customer.erased"]
    assert wants(erased.topic)
    record = to_crm(erased)
    assert record is not None and record.kind == "erasure"
    assert (record.customer.reference, record.customer.name) == (
        story.reference, pseudonym(story.reference))
    assert record.details == {"pseudonym": pseudonym(story.reference), "merged_references": []}


def test_an_erasure_queued_behind_the_customers_own_events_arrives_after_them_without_a_trace(
    shop: Database, connector: WebhookConnector, receiver: Receiver,
) -> None:
    story = tell(shop)
    erasure.erase(shop, actor(Role.MANAGER), story.reference, "Asked at the counter")
    # Nothing was sent before the erasure: the customer's events and it wait together.
    report = SyncEngine(shop, [connector]).push_once()
    assert report.destinations[0].parked == 0
    bodies = list(receiver.stored.values())
    topics = [b["topic"] for b in bodies]
    assert topics[0] == "customer.created" and topics[-1] == "customer.erased"
    assert bodies[0]["customer"] == {"reference": story.reference,
                                     "name": pseudonym(story.reference), "segment": "retail"}
    said = json.dumps(bodies, ensure_ascii=False)
    assert [t for t in TRACES if t in said] == []


def test_a_customer_the_receiver_has_is_erased_by_the_next_push(
    shop: Database, connector: WebhookConnector, receiver: Receiver,
) -> None:
    story = tell(shop)
    SyncEngine(shop, [connector]).push_once()
    assert any(t in json.dumps(list(receiver.stored.values())) for t in TRACES)
    before = len(receiver.stored)
    erasure.erase(shop, actor(Role.MANAGER), story.reference, "Asked at the counter")
    SyncEngine(shop, [connector]).push_once()
    [last] = list(receiver.stored.values())[before:]
    assert last["topic"] == "customer.erased"
    assert last["customer"]["reference"] == story.reference


def test_a_customer_created_before_the_erasure_maps_without_its_words(shop: Database) -> None:
    # The erasure scrubs the outbox too: a late customer.created names the pseudonym only.
    story = tell(shop)
    erasure.erase(shop, actor(Role.MANAGER), story.reference, "Asked at the counter")
    [created] = [e for e in outbox_events(shop) if e.topic == "customer.created"]
    record = to_crm(created)
    assert record is not None
    assert (record.customer.name, record.customer.email, record.customer.phone) == (
        pseudonym(story.reference), "", "")


def test_a_refused_customer_record_sent_again_after_the_erasure_brings_back_no_words(
    shop: Database, connector: WebhookConnector, receiver: Receiver,
) -> None:
    story = tell(shop)
    # The receiver refuses the customer's record (the first event): parked for a person.
    receiver.script.append(Scripted(422, {"error": "Phone number not accepted"}))
    SyncEngine(shop, [connector]).push_once()
    [refused] = [p for p in sync_admin.parked(shop, "crm") if p.kind == "rejected"]
    assert refused.topic == "customer.created"
    before = len(receiver.stored)  # the sale and the claim went: the receiver erases them
    erasure.erase(shop, actor(Role.MANAGER), story.reference, "Asked at the counter")
    SyncEngine(shop, [connector]).push_once()
    # The erasure waits behind the customer's refused record, as every later event of theirs.
    assert "customer.erased" not in [b["topic"] for b in receiver.stored.values()]
    sync_admin.retry_parked(shop, actor(Role.OWNER), "crm", refused.seq)
    SyncEngine(shop, [connector]).push_once()
    late = [b for b in receiver.stored.values() if b["customer"]["reference"] == story.reference
            and b["kind"] in ("customer", "erasure")]
    assert [b["topic"] for b in late] == ["customer.created", "customer.erased"]
    assert late[0]["customer"]["name"] == pseudonym(story.reference)
    said = json.dumps(list(receiver.stored.values())[before:], ensure_ascii=False)
    assert [t for t in TRACES if t in said] == []
    assert sync_admin.parked(shop, "crm") == []
