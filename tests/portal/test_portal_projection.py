"""The projection: stored events become customers, warranties, claims and messages; again alike."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from sqlalchemy import select

from portal.branches.models import Branch
from portal.projections import projector
from portal.projections.models import (
    Claim,
    ClaimDocument,
    ClaimEvent,
    Customer,
    Message,
    Product,
    ProjectionCursor,
    ProjectionProblem,
    Warranty,
    WarrantyLayer,
)
from portal.projections.sales_counts import recount
from portal.receiver import events as receiver
from portal.receiver.events import store_batch
from tests.conftest import actor
from tests.portal.support import (
    LivePortal,
    RegisteredBranch,
    claims_rolled,
    numbered_id,
    register,
    sales_counted,
)
from tests.portal.till import push_all, till
from tests.sync.engine_helpers import outbox
from warranty_desk.models import Claim as TillClaim
from warranty_desk.models import Warranty as TillWarranty
from warranty_desk.permissions import Role
from warranty_desk.services import activation, catalogue, claims
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

PHOTO = b"\x89PNG\r\n\x1a\n" + b"dent on the lid" * 30


def _history(home: Home, db: Database) -> None:
    """Beyond the sale and claims: an extension, a voided warranty and a photo on a claim."""
    owner = actor(Role.OWNER)
    catalogue.add_extension_plan(db, owner, catalogue.ExtensionPlanInput(
        name="Care +24", months=24, price_minor=4_900))
    with db.read() as session:
        codes = sorted(session.scalars(select(TillWarranty.code)))
        number = session.scalars(select(TillClaim.number).order_by(TillClaim.number)).first()
    assert number is not None
    activation.sell_extension(db, owner, codes[-1], "Care +24")
    activation.void_warranty(db, owner, codes[-2], "Sold by mistake")
    photo = DocumentStore(home.documents).put(PHOTO, name="lid.png")
    claims.attach_evidence(db, actor(Role.SALES), number, kind="photo_of_fault",
                           sha256=photo.sha256, media_type=photo.media_type, size=photo.size)


def snapshot(branch_id: int) -> dict[str, Any]:
    """Every read model of a branch by natural keys: database ids differ after a rebuild."""
    claims_ = Claim.objects.filter(branch_id=branch_id)
    return {
        "customers": sorted(Customer.objects.filter(branch_id=branch_id).values_list(
            "reference", "name", "phone", "email", "segment", "merged_into", "seq")),
        "products": sorted(Product.objects.filter(branch_id=branch_id).values_list(
            "sku", "name", "gtin", "brand", "category", "list_price_minor", "currency",
            "locale", "policy_ref", "serial_required", "described", "seq")),
        "warranties": sorted(Warranty.objects.filter(branch_id=branch_id).values_list(
            "code", "serial", "product__sku", "customer__reference", "invoice", "status",
            "start_on", "end_on", "seq")),
        "layers": sorted(WarrantyLayer.objects.filter(warranty__branch_id=branch_id)
                         .values_list("warranty__code", "position", "kind", "start_on",
                                      "end_on", "plan")),
        "claims": sorted(claims_.values_list(
            "number", "warranty__code", "customer__reference", "state", "outcome", "channel",
            "claim_type", "fault", "serial", "opened_at", "decision_reason", "proof_status",
            "seq")),
        "timeline": sorted((str(a), b, c, d, e, f) for a, b, c, d, e, f in
                           ClaimEvent.objects.filter(claim__branch_id=branch_id).values_list(
                               "event_id", "claim__number", "seq", "topic", "from_state",
                               "to_state")),
        "documents": sorted(ClaimDocument.objects.filter(claim__branch_id=branch_id)
                            .values_list("claim__number", "sha256", "kind", "media_type",
                                         "size")),
        "messages": sorted(Message.objects.filter(branch_id=branch_id).values_list(
            "message_id", "claim__number", "customer__reference", "template", "subject",
            "body")),
        "problems": sorted(ProjectionProblem.objects.filter(branch_id=branch_id)
                           .values_list("topic", "reason")),
    }


def test_a_tills_history_is_projected_into_what_head_office_reads(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch, claims=4)
    _history(home, db)
    push_all(db, live_portal, branch)
    assert projector.catch_up(branch.pk) == len(outbox(db))

    [customer] = Customer.objects.filter(branch_id=branch.pk)
    assert (customer.name, customer.phone) == ("Grace Hopper", "+442079460001")
    warranties = {w.code: w for w in Warranty.objects.filter(branch_id=branch.pk)}
    assert len(warranties) == 4
    assert all(w.product is not None and w.product.name == "Sync Phone"
               for w in warranties.values())
    extended, voided = warranties[sorted(warranties)[-1]], warranties[sorted(warranties)[-2]]
    assert [layer.kind for layer in extended.layers.all()] == ["manufacturer", "extension"]
    assert extended.end_on is not None and extended.start_on == date(2026, 11, 1)
    assert voided.status == "void"

    claim_rows = Claim.objects.filter(branch_id=branch.pk).order_by("number")
    assert [c.state for c in claim_rows] == ["rejected"] * 4
    first = claim_rows[0]
    assert first.customer == customer and first.warranty is not None
    assert first.decision_reason == "Liquid damage"
    topics = [e.topic for e in first.timeline.all()]
    assert topics[0] == "claim.opened" and "claim.decided" in topics
    assert "claim.evidence_added" in topics
    assert [(d.kind, d.media_type) for d in first.documents.all()] == [
        ("photo_of_fault", "image/png")]
    assert Message.objects.filter(claim=first).exists()
    assert not ProjectionProblem.objects.filter(branch_id=branch.pk).exists()


def test_wiping_the_projections_and_rebuilding_from_stored_events_gives_the_same_rows(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch, claims=5)
    _history(home, db)
    push_all(db, live_portal, branch, batch_size=9)
    projector.catch_up(branch.pk)
    before = snapshot(branch.pk)
    assert before["claims"] and before["timeline"] and before["layers"]

    assert projector.rebuild([branch.pk]) == len(outbox(db))
    assert snapshot(branch.pk) == before
    cursor = ProjectionCursor.objects.get(branch_id=branch.pk)
    assert cursor.applied + cursor.skipped == len(outbox(db))
    # The metric page's sales roll-up, kept by triggers through the wipe and the projecting
    # again, is what a recount from the warranties makes.
    kept = sales_counted()
    assert any(row[1] == branch.pk for row in kept)
    recount()
    assert sales_counted() == kept
    # So is the claims' roll-up, one row a claim as its view defines them.
    rolled = claims_rolled()
    assert any(row[1] == branch.pk for row in rolled)
    assert rolled == claims_rolled("projections_claimroll_source")


def _claim_event(n: int, seq: int, topic: str, state: str, **extra: Any) -> dict[str, Any]:
    return {"id": numbered_id(n), "seq": seq, "topic": topic, "aggregate": "claim",
            "aggregate_id": "X-C-1", "occurred_at": f"2026-11-22T09:00:{seq:02d}+00:00",
            "payload": {"number": "X-C-1", "state": state, "channel": "counter",
                        "claim_type": "fault", "fault": "Dead",
                        "opened_at": "2026-11-22T09:00:00+00:00", **extra}}


def test_a_claims_fields_never_move_back_to_an_older_event_that_arrives_late(
    portal_db: object,
) -> None:
    code = register().code
    branch = Branch.objects.get(code=code)
    store_batch(branch, [_claim_event(1, 1, "claim.opened", "received", fault="Dead"),
                         _claim_event(3, 3, "claim.decided", "resolved", outcome="refund",
                                      reason="Refunded")])
    store_batch(branch, [_claim_event(2, 2, "claim.status_changed", "reviewing")])
    projector.catch_up(branch.pk)
    claim = Claim.objects.get(branch=branch, number="X-C-1")
    assert (claim.state, claim.outcome, claim.fault, claim.seq) == ("resolved", "refund",
                                                                    "Dead", 3)
    assert [e.seq for e in claim.timeline.all()] == [1, 2, 3]  # every line is kept, in order


def test_a_claims_owner_and_backup_follow_its_newest_event_and_an_older_till_keeps_them(
    portal_db: object,
) -> None:
    code = register().code
    branch = Branch.objects.get(code=code)
    store_batch(branch, [
        _claim_event(41, 1, "claim.opened", "received", owner="Sam Sales", backup=None),
        _claim_event(42, 2, "claim.status_changed", "reviewing", owner="Sue Support",
                     backup="Maria Manager"),
        # A till from before owners were sent says nothing of them: what is known stays.
        _claim_event(43, 3, "claim.status_changed", "inspecting")])
    projector.catch_up(branch.pk)
    claim = Claim.objects.get(branch=branch, number="X-C-1")
    assert (claim.owner, claim.backup, claim.state) == ("Sue Support", "Maria Manager",
                                                        "inspecting")


def _shop_event(n: int, seq: int, **payload: Any) -> dict[str, Any]:
    return {"id": numbered_id(n), "seq": seq, "topic": "shop.updated", "aggregate": "shop",
            "aggregate_id": "X", "occurred_at": f"2026-11-22T09:00:{seq:02d}+00:00",
            "payload": payload}


def test_a_branchs_time_zone_is_its_tills_newest_and_a_rebuild_keeps_it(
    portal_db: object,
) -> None:
    branch = Branch.objects.get(code=register().code)
    assert branch.time_zone == ""  # no shop.updated yet: head office counts its days in UTC
    store_batch(branch, [_shop_event(61, 1, timezone="Europe/Paris"),
                         _shop_event(63, 3, timezone="Pacific/Auckland"),
                         # A change of name alone, and a zone this portal does not know.
                         _shop_event(64, 4, name="Shop by the sea"),
                         _shop_event(65, 5, timezone="Mars/Olympus_Mons")])
    store_batch(branch, [_shop_event(62, 2, timezone="Asia/Kathmandu")])  # arrives late
    projector.catch_up(branch.pk)
    branch.refresh_from_db()
    assert (branch.time_zone, branch.time_zone_seq) == ("Pacific/Auckland", 3)
    projector.rebuild([branch.pk])
    branch.refresh_from_db()
    assert (branch.time_zone, branch.time_zone_seq) == ("Pacific/Auckland", 3)


def test_an_event_that_cannot_be_projected_is_set_aside_and_the_rest_go_on(
    portal_db: object, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Stored as if from before head office checked payloads against the contract.
    monkeypatch.setattr(receiver, "payload_problem", lambda *_: None)
    branch = Branch.objects.get(code=register().code)
    bad = {"id": numbered_id(10), "seq": 1, "topic": "warranty.extended", "aggregate": "warranty",
           "aggregate_id": "X-W-1", "occurred_at": "2026-11-22T09:00:00+00:00",
           "payload": {"code": "X-W-1", "end": "the twelfth of never"}}
    store_batch(branch, [bad, _claim_event(11, 2, "claim.opened", "received")])
    projector.catch_up(branch.pk)
    [problem] = ProjectionProblem.objects.filter(branch_id=branch.pk)
    assert problem.topic == "warranty.extended" and "ValueError" in problem.reason
    assert Claim.objects.filter(branch=branch, number="X-C-1", state="received").exists()
    assert ProjectionCursor.objects.get(branch_id=branch.pk).received_no == 2
    assert problem.event_id == uuid.UUID(bad["id"])
    line = Claim.objects.get(branch=branch, number="X-C-1").timeline.get()
    assert timezone.is_aware(line.occurred_at)


def test_projecting_in_chunks_or_one_event_at_a_time_gives_the_same_rows(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch, claims=6)
    _history(home, db)
    push_all(db, live_portal, branch)
    assert projector.catch_up(branch.pk, chunk=1) == len(outbox(db))
    one_by_one = snapshot(branch.pk)
    assert projector.rebuild([branch.pk]) == len(outbox(db))  # chunks of CHUNK
    assert snapshot(branch.pk) == one_by_one


def _sale(n: int, seq: int, ids: int) -> list[dict[str, Any]]:
    """A customer and their warranty with two layers, then a claim with a photo on it (event
    ids from `ids` + seq on: each test its own).
    """
    at = f"2026-11-22T09:{seq // 60 % 60:02d}:{seq % 60:02d}+00:00"
    ref, code, number = f"C-{n}", f"X-W-{n:06d}", f"X-C-{n:06d}"

    def event(offset: int, topic: str, aggregate: str, key: str,
              payload: dict[str, Any]) -> dict[str, Any]:
        return {"id": numbered_id(ids + seq + offset), "seq": seq + offset, "topic": topic,
                "aggregate": aggregate, "aggregate_id": key, "occurred_at": at,
                "payload": payload}

    return [
        event(0, "customer.created", "customer", ref,
              {"reference": ref, "name": f"Person {n}", "phone": f"+44 20 7946 {n:04d}",
               "email": "", "segment": "retail"}),
        event(1, "warranty.activated", "warranty", code, {
            "code": code, "serial": f"SN{n:08d}", "sku": f"SKU-{n % 7}", "product": "Phone",
            "customer": ref, "start": "2026-11-22", "end": "2028-11-21", "status": "active",
            "layers": [{"kind": "manufacturer", "start": "2026-11-22", "end": "2027-11-21"},
                       {"kind": "shop", "start": "2027-11-22", "end": "2028-11-21"}]}),
        event(2, "claim.opened", "claim", number, {
            "number": number, "state": "received", "warranty": code, "customer": ref,
            "fault": "Dead", "opened_at": at, "channel": "counter", "claim_type": "fault"}),
        event(3, "claim.evidence_added", "claim", number, {
            "number": number, "sha256": f"{n:064d}", "kind": "photo_of_fault",
            "media_type": "image/png", "size": 100 + n}),
    ]


def test_a_chunk_is_read_and_written_in_a_few_statements_whatever_its_size(
    portal_db: object,
) -> None:
    branch = Branch.objects.get(code=register().code)
    events = [e for n in range(100) for e in _sale(n, 4 * n + 1, ids=1000)]
    store_batch(branch, events[:400])
    with CaptureQueriesContext(connection) as seen:
        assert projector.catch_up(branch.pk) == 400
    # Cursor, events, 4 tables read, 4 upserted, layers, documents, timeline, messages...
    assert len(seen) <= 30, len(seen)
    assert Warranty.objects.filter(branch=branch).count() == 100
    assert WarrantyLayer.objects.filter(warranty__branch=branch).count() == 200
    assert ClaimEvent.objects.filter(claim__branch=branch).count() == 200
    claim = Claim.objects.select_related("warranty__customer").get(branch=branch,
                                                                     number="X-C-000042")
    assert claim.warranty is not None and claim.warranty.customer is not None
    assert claim.warranty.customer.phone_digits == "442079460042"


def test_a_value_the_database_refuses_sets_aside_only_its_own_event(portal_db: object) -> None:
    branch = Branch.objects.get(code=register().code)
    events = [e for n in range(3) for e in _sale(n, 4 * n + 1, ids=2000)]
    events[7]["payload"]["size"] = 10**30  # past bigint: only PostgreSQL says no
    store_batch(branch, events)
    assert projector.catch_up(branch.pk) == 12
    [problem] = ProjectionProblem.objects.filter(branch_id=branch.pk)
    assert problem.event_id == uuid.UUID(events[7]["id"]) and "out of range" in problem.reason
    assert ClaimDocument.objects.filter(claim__branch=branch).count() == 2
    assert Claim.objects.filter(branch=branch).count() == 3
    cursor = ProjectionCursor.objects.get(branch_id=branch.pk)
    assert (cursor.applied, cursor.skipped, cursor.received_no) == (11, 0, 12)
