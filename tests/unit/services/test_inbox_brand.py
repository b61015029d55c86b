"""A supplier contact's update from head office (a brand_status item) at the till: the brand's
claim id, its report filed on every claim, a settlement proposal kept for finance; nothing of an
item applied when any of it cannot be."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import actor
from tests.unit.services.helpers import sell
from tests.unit.services.test_inbox import PDF, Portal, apply, sha
from warranty_desk.models import (
    BrandStatusUpdate,
    EvidenceDocument,
    OutboxEvent,
    Settlement,
)
from warranty_desk.permissions import Role
from warranty_desk.services import brand_claims, claims
from warranty_desk.services.brand_claim_views import brand_claim
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

MANAGER = actor(Role.MANAGER)
FROM = "head office portal, supplier contact care@lumen.example"


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path / "documents")


def _lodged(shop: Database, *serials: str, invoice: str = "INV-1001") -> tuple[str, list[str]]:
    codes = sell(shop, invoice, serials=serials).warranty_codes
    numbers = [claims.start_claim(shop, MANAGER, claims.StartClaim(c, "Dead")).number
               for c in codes]
    return brand_claims.open_brand_claim(shop, actor(Role.STOREKEEPER), numbers).number, numbers


def _events(shop: Database, topic: str) -> list[dict[str, object]]:
    with shop.read() as session:
        return [json.loads(p) for p in session.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.topic == topic)
            .order_by(OutboxEvent.seq))]


def _count(shop: Database, model: object) -> int:
    with shop.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[arg-type]


def test_a_report_waits_for_its_download_then_is_filed_on_every_claim_with_the_status(
    shop: Database, store: DocumentStore,
) -> None:
    number, numbers = _lodged(shop, "SN-1", "SN-2")
    item = {"claim_number": number, "status": "in_repair", "entered_by": FROM,
            "entered_at": "2026-11-22T12:00:00+00:00",
            "document": {"sha256": sha(PDF), "name": "Service report <77>.pdf"}}
    portal = Portal(PDF)
    portal.down = True
    waiting = apply(shop, store, "supplier-1", "brand_status", item, portal)
    assert waiting.status == "waiting" and "could not be downloaded" in waiting.result
    # The status in the same item waits with the report: nothing of it is applied twice.
    assert brand_claim(shop, MANAGER, number).status == "submitted"
    portal.down = False
    done = apply(shop, store, "supplier-1", "brand_status", item, portal)
    assert done.result == (f"brand claim {number}: in_repair; the brand's report Service report "
                           "<77>.pdf on 2 claims")
    with shop.read() as session:
        filed = session.execute(select(EvidenceDocument.kind, EvidenceDocument.original_name)
                                .order_by(EvidenceDocument.added_at)).all()
    assert filed == [("technician_report", "Service report <77>.pdf")] * 2
    view = brand_claim(shop, MANAGER, number)
    assert view.updates[-1].origin == f"{FROM}, entered 2026-11-22T12:00:00+00:00, inbox item " \
                                      "supplier-1"
    added = _events(shop, "brand_claim.report_added")
    assert [(e["sha256"], e["inbox_item"], e["entered_by"]) for e in added] == [
        (sha(PDF), "supplier-1", FROM)]
    assert _events(shop, "brand_claim.status_changed")[-1]["inbox_item"] == "supplier-1"
    assert numbers == list(view.lines[i].claim_number for i in range(2))


def test_a_settlement_proposal_is_kept_for_finance_and_settles_nothing(
    shop: Database, store: DocumentStore,
) -> None:
    number, _ = _lodged(shop, "SN-1")
    before = brand_claim(shop, MANAGER, number)
    done = apply(shop, store, "supplier-2", "brand_status", {
        "claim_number": number, "entered_by": FROM,
        "proposal": {"amount_minor": 18_50, "reference": "GUT-<9>", "note": "Parts only"}})
    assert done.status == "applied" and "settlement proposal of" in done.result
    after = brand_claim(shop, MANAGER, number)
    assert (after.status, after.settled_minor, after.outstanding_minor) == (
        before.status, 0, before.outstanding_minor)
    assert _count(shop, Settlement) == 0
    note = after.updates[-1]
    assert (note.status, note.from_status, note.source) == ("submitted", "submitted",
                                                            "head_office")
    assert "proposes to settle" in note.note and "18.50" in note.note
    assert "GUT-<9>" in note.note and "Parts only" in note.note
    assert note.origin == f"{FROM}, inbox item supplier-2"
    proposed = _events(shop, "brand_claim.proposal_received")
    assert [(e["amount_minor"], e["reference"], e["inbox_item"]) for e in proposed] == [
        (18_50, "GUT-<9>", "supplier-2")]


def test_the_brands_claim_id_is_set_and_one_on_another_brand_claim_is_refused_unnamed(
    shop: Database, store: DocumentStore,
) -> None:
    mine, _ = _lodged(shop, "SN-1")
    theirs, _ = _lodged(shop, "SN-9", invoice="INV-1002")
    brand_claims.set_details(shop, MANAGER, theirs, external_id="TAKEN-1")
    done = apply(shop, store, "supplier-3", "brand_status",
                 {"claim_number": mine, "set_brand_claim_id": "KTL-<77> 修理"})
    assert done.result == f"brand claim {mine}: brand's claim id set to KTL-<77> 修理"
    assert brand_claim(shop, MANAGER, mine).external_id == "KTL-<77> 修理"
    assert _events(shop, "brand_claim.details_set")[-1]["inbox_item"] == "supplier-3"
    taken = apply(shop, store, "supplier-4", "brand_status",
                  {"claim_number": mine, "set_brand_claim_id": "TAKEN-1", "status": "approved"})
    assert taken.status == "problem" and theirs not in taken.result
    assert "TAKEN-1 is on another brand claim at this branch" in taken.result
    assert (brand_claim(shop, MANAGER, mine).external_id,
            brand_claim(shop, MANAGER, mine).status) == ("KTL-<77> 修理", "submitted")


@pytest.mark.parametrize(("payload", "said"), [
    ({}, "no status, claim id, report or proposal"),
    ({"proposal": {"amount_minor": "12.00"}}, "no whole amount above nothing"),
    ({"proposal": {"amount_minor": 0}}, "no whole amount above nothing"),
    ({"proposal": "twelve"}, "no whole amount above nothing"),
    ({"document": {"sha256": "not-a-hash", "name": "r.pdf"}}, "not a document reference"),
    ({"document": "r.pdf"}, "the report is not a document reference"),
    ({"status": "repaired"}, "which this till does not know"),
])
def test_a_malformed_supplier_update_is_a_problem_that_changes_nothing(
    shop: Database, store: DocumentStore, payload: dict[str, object], said: str,
) -> None:
    number, _ = _lodged(shop, "SN-1")
    updates = _count(shop, BrandStatusUpdate)
    result = apply(shop, store, "supplier-5", "brand_status",
                   {"claim_number": number, "status": "approved", **payload}
                   if "status" not in payload and payload else
                   {"claim_number": number, **payload})
    assert result.status == "problem" and said in result.result, result.result
    assert _count(shop, BrandStatusUpdate) == updates
    assert brand_claim(shop, MANAGER, number).status == "submitted"


def test_a_supplier_contacts_long_note_reaches_the_status_whole(
    shop: Database, store: DocumentStore,
) -> None:
    number, _ = _lodged(shop, "SN-1")
    note = ("Λεπτομέρειες <b>" * 80)[:1000]  # as long as head office lets a contact write
    done = apply(shop, store, "supplier-6", "brand_status",
                 {"claim_number": number, "status": "acknowledged", "note": note})
    assert done.status == "applied", done.result
    assert brand_claim(shop, MANAGER, number).updates[-1].note == " ".join(note.split())
