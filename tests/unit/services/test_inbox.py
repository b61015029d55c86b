"""Portal inbox items applied at the branch: each kind, once only, and bad items in plain words."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import actor
from tests.unit.services.helpers import sell
from warranty_desk.models import (
    AuditEntry,
    Brand,
    BrandClaim,
    BrandClaimItem,
    Claim,
    Customer,
    CustomerMessage,
    EvidenceDocument,
    InboxApplied,
    InboxCursor,
    OutboxEvent,
    Sale,
    Warranty,
)
from warranty_desk.permissions import Role
from warranty_desk.services import brand_claims, claims, inbox, inbox_kinds, registration
from warranty_desk.services.board import BoardFilters, board
from warranty_desk.services.brand_claim_views import brand_claim
from warranty_desk.services.claim_detail import claim_detail
from warranty_desk.services.inbox import AppliedResult, DocumentUnavailable, InboxItemInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

MANAGER = actor(Role.MANAGER)
ADMIN = actor(Role.ADMIN)
PNG = b"\x89PNG\r\n\x1a\n" + b"fault photo" * 20
PDF = b"%PDF-1.4\n% receipt from another shop\n"
CUSTOMER = {"name": "Grace Hopper", "phone": "+1 202 555 0100", "email": "grace@example.org"}


def sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


class Portal:
    """The portal's documents, handed over on request; `down` makes every download fail."""

    def __init__(self, *files: bytes) -> None:
        self.files = {sha(f): f for f in files}
        self.fetched: list[str] = []
        self.down = False

    def fetch(self, sha256: str) -> bytes:
        self.fetched.append(sha256)
        if self.down or sha256 not in self.files:
            raise DocumentUnavailable("the portal did not answer")
        return self.files[sha256]


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path / "documents")


def apply(db: Database, store: DocumentStore, item_id: str, kind: str, payload: dict[str, Any],
          portal: Portal | None = None, **kw: Any) -> AppliedResult:
    return inbox.apply_item(db, InboxItemInput(item_id, kind, payload), documents=store,
                            fetch_document=(portal or Portal()).fetch, **kw)


def counts(db: Database) -> tuple[int, ...]:
    with db.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(model)) or 0 for model in
                     (Claim, EvidenceDocument, CustomerMessage, Sale, Warranty, OutboxEvent,
                      AuditEntry, InboxApplied))


def claim_for(db: Database, item_id: str) -> Claim:
    # A write session commits without expiring, so the row stays readable afterwards.
    with db.write() as session:
        return session.scalars(select(Claim).where(Claim.external_ref == item_id)).one()


def test_a_claim_started_online_shows_on_the_board_with_channel_portal(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    portal = Portal(PNG)
    result = apply(shop, store, "in-1", "claim_started",
                   {"warranty_code": code, "fault": "Screen stays black", "customer": CUSTOMER,
                    "documents": [sha(PNG)]}, portal)
    assert result.status == "applied" and result.result.startswith("claim BR01-C-2026-")
    number = result.result.split()[1]
    rows = board(shop, MANAGER, BoardFilters(channel="portal")).rows
    assert [(r.number, r.channel) for r in rows] == [(number, "portal")]
    detail = claim_detail(shop, MANAGER, number)
    assert detail.warranty_code == code and detail.fault == "Screen stays black"
    assert [(e.kind, e.source) for e in detail.evidence] == [("customer_upload", "portal")]
    assert store.exists(sha(PNG))


def test_applying_the_same_item_twice_changes_nothing(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    payload = {"warranty_code": code, "fault": "Will not charge", "customer": CUSTOMER}
    first = apply(shop, store, "in-1", "claim_started", payload)
    before = counts(shop)
    again = apply(shop, store, "in-1", "claim_started", payload)
    assert again.repeated and not first.repeated
    assert again.result == first.result and counts(shop) == before


def test_a_serial_without_a_warranty_code_finds_the_warranty(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop, serials=("SN-LAP-0042",)).warranty_codes[0]
    apply(shop, store, "in-7", "claim_started",
          {"serial": " sn-lap-0042 ", "fault": "Fan is loud", "customer": CUSTOMER})
    claim = claim_for(shop, "in-7")
    with shop.read() as session:
        assert session.get_one(Warranty, claim.warranty_id).code == code
    assert claim.channel == "portal" and claim.proof_status == "not_needed"


def test_an_unknown_sale_opens_a_claim_with_the_upload_as_proof_to_verify(
    shop: Database, store: DocumentStore
) -> None:
    portal = Portal(PDF, PNG)
    result = apply(shop, store, "in-9", "claim_started",
                   {"product": "Orbit X Phone", "serial": "ORB-1", "fault": "Cracked speaker",
                    "customer": CUSTOMER, "documents": [sha(PDF), sha(PNG)],
                    "purchase": {"date": "2026-10-02", "where": "Orbit online store"}}, portal)
    assert result.status == "applied" and "proof to verify" in result.result
    claim = claim_for(shop, "in-9")
    assert claim.proof_status == "unverified" and claim.warranty_id is None
    assert claim.claimed_purchase == {"product": "Orbit X Phone", "purchased_on": "2026-10-02",
                                      "where": "Orbit online store"}
    detail = claim_detail(shop, MANAGER, claim.number)
    assert detail.customer_name == "Grace Hopper"
    assert sorted(e.kind for e in detail.evidence) == ["customer_upload", "proof_of_purchase"]


@pytest.mark.parametrize(("payload", "words"), [
    ({"warranty_code": "BR01-W-2026-999999", "fault": "Dead", "customer": CUSTOMER},
     "warranty code BR01-W-2026-999999, which this branch does not know"),
    ({"warranty_code": "X", "customer": CUSTOMER}, "no usable fault"),
    ({"fault": "Dead", "customer": "Grace"}, "no customer"),
    ({"fault": "Dead", "customer": CUSTOMER, "documents": ["../../etc/passwd"]},
     "not a document reference"),
    ({"fault": "Dead", "customer": CUSTOMER, "purchase": {"date": "2026-10-02"}},
     "uploaded no proof of purchase"),
    ({"fault": "Dead", "customer": CUSTOMER}, "gave no purchase date"),
])
def test_a_bad_claim_is_listed_with_a_plain_reason_and_changes_nothing_else(
    shop: Database, store: DocumentStore, payload: dict[str, Any], words: str
) -> None:
    sell(shop)
    before = counts(shop)
    result = apply(shop, store, "in-bad", "claim_started", payload)
    assert result.status == "problem" and result.settled
    assert result.result.startswith("problem: ") and words in result.result
    assert "in-bad" in result.message and "claim started" in result.message
    # Only the item's row, and the refusal head office hears of (inbox.item_refused).
    assert counts(shop) == (*before[:5], before[5] + 1, before[6], before[7] + 1)
    assert [r.item_id for r in inbox.unsettled(shop, ADMIN)] == ["in-bad"]


def test_a_refused_claim_travels_back_to_head_office_with_the_item_and_its_reason(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    apply(shop, store, "web-1", "claim_started",
          {"warranty_code": code, "fault": "No sound", "customer": CUSTOMER})
    apply(shop, store, "web-2", "claim_started",
          {"warranty_code": "BR01-W-2026-999999", "fault": "Dead", "customer": CUSTOMER})
    with shop.read() as session:
        sent = session.scalars(select(OutboxEvent).where(
            OutboxEvent.topic == "inbox.item_refused")).all()
        assert [(e.aggregate, e.aggregate_id) for e in sent] == [("inbox_item", "web-2")]
        payload = json.loads(sent[0].payload)
    assert payload["item_id"] == "web-2" and payload["kind"] == "claim_started"
    assert "BR01-W-2026-999999, which this branch does not know" in payload["reason"]
    # Applied again (a repeated page), it is not refused twice.
    apply(shop, store, "web-2", "claim_started",
          {"warranty_code": "BR01-W-2026-999999", "fault": "Dead", "customer": CUSTOMER})
    with shop.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.topic == "inbox.item_refused")) == 1


def test_bad_items_do_not_stop_the_good_ones_after_them(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    results = [apply(shop, store, "a", "claim_started", {"fault": "x"}),
               apply(shop, store, "b", "mystery_kind", {}),
               apply(shop, store, "c", "claim_started",
                     {"warranty_code": code, "fault": "No sound", "customer": CUSTOMER})]
    assert [r.status for r in results] == ["problem", "problem", "applied"]
    assert "does not know 'mystery_kind' items" in results[1].result
    with shop.read() as session:
        assert session.get_one(InboxApplied, "b").kind == "mystery_kind"


def test_a_document_reaches_the_claim_by_the_inbox_id_or_the_claim_number(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    apply(shop, store, "in-1", "claim_started",
          {"warranty_code": code, "fault": "Hinge broke", "customer": CUSTOMER})
    number = claim_for(shop, "in-1").number
    portal = Portal(PNG, PDF)
    by_item = apply(shop, store, "in-2", "document_uploaded",
                    {"claim_ref": "in-1", "sha256": sha(PNG), "name": "hinge.png",
                     "kind": "photo_of_fault"}, portal)
    by_number = apply(shop, store, "in-3", "document_uploaded",
                      {"claim_ref": number, "sha256": sha(PDF), "name": "receipt.pdf"}, portal)
    assert by_item.result == by_number.result == f"document on claim {number}"
    detail = claim_detail(shop, MANAGER, number)
    assert {(e.kind, e.original_name) for e in detail.evidence} == {
        ("photo_of_fault", "hinge.png"), ("customer_upload", "receipt.pdf")}
    assert "photo_of_fault" not in detail.missing_evidence


def test_a_document_before_its_claim_waits_and_is_applied_once_the_claim_arrives(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    portal = Portal(PNG)
    doc = {"claim_ref": "in-1", "sha256": sha(PNG), "name": "photo.png"}
    waiting = apply(shop, store, "in-2", "document_uploaded", doc, portal, cursor="c-2")
    assert waiting.status == "waiting" and not waiting.settled
    assert "claim in-1 is not at this branch yet" in waiting.result
    assert inbox.stored_cursor(shop) == ""  # the cursor never passes a waiting item
    apply(shop, store, "in-1", "claim_started",
          {"warranty_code": code, "fault": "Hinge broke", "customer": CUSTOMER})
    done = apply(shop, store, "in-2", "document_uploaded", doc, portal, cursor="c-2")
    assert done.status == "applied" and not done.repeated
    assert inbox.stored_cursor(shop) == "c-2"


def test_an_item_waiting_longer_than_the_limit_is_given_up(
    shop: Database, store: DocumentStore
) -> None:
    doc = {"claim_ref": "never", "sha256": sha(PNG), "name": "photo.png"}
    apply(shop, store, "in-2", "document_uploaded", doc, Portal(PNG))
    with shop.write() as session:
        session.get_one(InboxApplied, "in-2").applied_at -= inbox.WAIT_LIMIT + timedelta(hours=1)
    result = apply(shop, store, "in-2", "document_uploaded", doc, Portal(PNG))
    assert result.status == "problem"
    assert "not at this branch yet" in result.result and "gave up" in result.result


def test_a_document_for_a_claim_that_was_refused_is_given_up_at_once(
    shop: Database, store: DocumentStore
) -> None:
    apply(shop, store, "in-1", "claim_started",
          {"warranty_code": "NOPE", "fault": "Dead", "customer": CUSTOMER})
    result = apply(shop, store, "in-2", "document_uploaded",
                   {"claim_ref": "in-1", "sha256": sha(PNG), "name": "p.png"}, Portal(PNG))
    assert result.status == "problem" and "was never opened here" in result.result


def test_a_download_that_fails_waits_and_opens_nothing_until_it_works(
    shop: Database, store: DocumentStore
) -> None:
    portal = Portal(PDF)
    portal.down = True
    payload = {"product": "Kettle", "fault": "Leaks", "customer": CUSTOMER,
               "documents": [sha(PDF)], "purchase": {"date": "2026-09-01"}}
    first = apply(shop, store, "in-5", "claim_started", payload, portal)
    assert first.status == "waiting" and "could not be downloaded" in first.result
    with shop.read() as session:
        assert session.scalar(select(func.count()).select_from(Claim)) == 0
    portal.down = False
    assert apply(shop, store, "in-5", "claim_started", payload, portal).status == "applied"


def test_a_program_sent_as_a_document_is_refused(shop: Database, store: DocumentStore) -> None:
    code = sell(shop).warranty_codes[0]
    apply(shop, store, "in-1", "claim_started",
          {"warranty_code": code, "fault": "Hinge broke", "customer": CUSTOMER})
    program = b"MZ\x90\x00" + b"\x00" * 64
    result = apply(shop, store, "in-2", "document_uploaded",
                   {"claim_ref": "in-1", "sha256": sha(program), "name": "invoice.exe"},
                   Portal(program))
    assert result.status == "problem" and "Windows program" in result.result
    assert not store.exists(sha(program))


def test_a_customer_message_is_kept_inbound_on_the_claim_and_never_sent_back(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    apply(shop, store, "in-1", "claim_started",
          {"warranty_code": code, "fault": "Hinge broke", "customer": CUSTOMER})
    number = claim_for(shop, "in-1").number
    with shop.read() as session:
        queued_before = session.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.topic == "message.queued"))
    result = apply(shop, store, "in-2", "message_received",
                   {"claim_ref": number, "body": "Can I bring it on Saturday?"})
    assert result.result == f"message on claim {number}"
    detail = claim_detail(shop, MANAGER, number)
    inbound = [m for m in detail.messages if m.direction == "inbound"]
    assert [(m.body, m.state) for m in inbound] == [("Can I bring it on Saturday?", "received")]
    assert any("Saturday" in t.reason for t in detail.timeline)
    with shop.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.topic == "message.queued")) == queued_before


def test_an_online_order_activates_warranties_even_without_serials(
    shop: Database, store: DocumentStore
) -> None:
    order = {"order_number": "WEB-1001", "sold_on": "2026-11-20", "customer": CUSTOMER,
             "lines": [{"sku": "LAP-100", "quantity": 2, "unit_price_minor": 89_900},
                       {"sku": "PHN-200", "quantity": 1, "unit_price_minor": 49_900,
                        "serials": ["SN-WEB-1"], "extension_plan": "CAREPLUS-24"}]}
    result = apply(shop, store, "in-1", "online_order", order)
    assert result.result == "sale WEB-1001: 3 warranties", result.result
    with shop.read() as session:
        sale = session.scalars(select(Sale)).one()
        assert (sale.source, sale.invoice_number) == ("online", "WEB-1001")
        serials = sorted(str(s) for s in session.scalars(select(Warranty.serial)))
    assert serials == ["None", "None", "SN-WEB-1"]  # a registration gap, not a refusal
    before = counts(shop)
    again = apply(shop, store, "in-1b", "online_order", order)
    assert "already recorded; nothing changed" in again.result and again.status == "applied"
    assert counts(shop)[:-1] == before[:-1]
    # Packing at the branch: the laptops' serials are scanned onto the order, as for any
    # imported sale opened to capture them.
    sales = actor(Role.SALES)
    capture = registration.sale_for_capture(shop, sales, "WEB-1001")
    gaps = [u.warranty_code for line in capture.lines for u in line.units if not u.serial]
    assert len(gaps) == 2
    registration.capture_sale(shop, sales, "WEB-1001",
                              serials=[(gaps[0], "SN-PACK-1"), (gaps[1], "SN-PACK-2")])
    with shop.read() as session:
        assert sorted(str(s) for s in session.scalars(select(Warranty.serial))) == [
            "SN-PACK-1", "SN-PACK-2", "SN-WEB-1"]


def test_an_online_order_with_an_unknown_product_is_listed_as_a_problem(
    shop: Database, store: DocumentStore
) -> None:
    result = apply(shop, store, "in-1", "online_order",
                   {"order_number": "WEB-7", "sold_on": "2026-11-20", "customer": CUSTOMER,
                    "lines": [{"sku": "NOPE-1", "quantity": 1, "unit_price_minor": 100}]})
    assert result.status == "problem"
    assert "order WEB-7 was not recorded" in result.result and "'NOPE-1'" in result.result


def test_an_online_order_keys_a_national_phone_and_refuses_one_that_is_no_number(
    shop: Database, store: DocumentStore
) -> None:
    line = [{"sku": "CBL-1", "quantity": 1, "unit_price_minor": 1_500}]
    national = {"name": "Ravi Kelly", "phone": "07700 900596"}
    done = apply(shop, store, "in-1", "online_order",
                 {"order_number": "WEB-8", "sold_on": "2026-11-20", "customer": national,
                  "lines": line})
    assert done.status == "applied", done.result
    with shop.read() as session:
        assert session.scalar(select(Customer.phone)) == "+447700900596"
    bad = apply(shop, store, "in-2", "online_order",
                {"order_number": "WEB-9", "sold_on": "2026-11-20",
                 "customer": {"name": "Tom Typo", "phone": "12"}, "lines": line})
    assert bad.status == "problem"
    assert "order WEB-9 was not recorded" in bad.result
    assert "'12' is not a phone number: it has too few digits" in bad.result


def test_a_brand_status_updates_the_brand_claim_and_the_timeline(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    apply(shop, store, "in-1", "claim_started",
          {"warranty_code": code, "fault": "Hinge broke", "customer": CUSTOMER})
    claim = claim_for(shop, "in-1")
    with shop.write() as session:
        brand = session.scalars(select(Brand).where(Brand.name == "Lumen")).one()
        row = BrandClaim(claim_id=claim.id, brand_id=brand.id, external_id="LUM-77",
                         claimed_minor=12_000)
        session.add(row)
        session.flush()
        session.add(BrandClaimItem(brand_claim_id=row.id, claim_id=claim.id))
    result = apply(shop, store, "in-2", "brand_status",
                   {"claim_number": claim.number, "brand_claim_id": "LUM-77",
                    "status": "approved", "note": "Credit note follows"})
    assert result.result == "brand claim LUM-77: approved"
    detail = claim_detail(shop, MANAGER, claim.number)
    assert [b.external_status for b in detail.brand_claims] == ["approved"]
    assert any("submitted to approved" in t.reason for t in detail.timeline)
    missing = apply(shop, store, "in-3", "brand_status",
                    {"claim_number": claim.number, "brand_claim_id": "OTHER", "status": "paid"})
    assert missing.status == "problem"
    assert "enter the brand's status at the returns desk under Brand claims" in missing.result


def test_a_brand_status_finds_a_batch_brand_claim_by_its_number_or_the_brands_id(
    shop: Database, store: DocumentStore
) -> None:
    codes = sell(shop, serials=("SN-1", "SN-2")).warranty_codes
    numbers = [claims.start_claim(shop, MANAGER, claims.StartClaim(c, "Dead")).number
               for c in codes]
    view = brand_claims.open_brand_claim(shop, actor(Role.STOREKEEPER), numbers,
                                         external_id="LUM-RMA-9")
    by_number = apply(shop, store, "in-1", "brand_status",
                      {"claim_number": view.number, "status": "acknowledged"})
    assert by_number.result == f"brand claim {view.number}: acknowledged"
    by_id = apply(shop, store, "in-2", "brand_status",
                  {"claim_number": numbers[1], "brand_claim_id": "LUM-RMA-9",
                   "status": "in_repair", "note": "At the bench"})
    assert by_id.result == f"brand claim {view.number}: in_repair"
    again = apply(shop, store, "in-3", "brand_status",
                  {"claim_number": view.number, "status": "in_repair"})
    assert again.status == "applied" and "nothing changed" in again.result
    updates = brand_claim(shop, MANAGER, view.number).updates
    assert [(u.status, u.source, u.origin, u.note) for u in updates] == [
        ("acknowledged", "head_office", "inbox item in-1", ""),
        ("in_repair", "head_office", "inbox item in-2", "At the bench")]


def test_a_brand_status_for_an_unknown_brand_claim_is_kept_for_staff_not_lost(
    shop: Database, store: DocumentStore
) -> None:
    result = apply(shop, store, "in-1", "brand_status",
                   {"claim_number": "BR01-BC-2026-000404", "brand_claim_id": "NOPE-1",
                    "status": "paid"})
    assert result.status == "problem"
    assert result.result.startswith("problem: no brand claim or claim BR01-BC-2026-000404 is "
                                    "at this branch (the brand's claim id NOPE-1)")
    with shop.read() as session:
        kept = session.get_one(InboxApplied, "in-1")
        assert kept.result.startswith("problem: no brand claim") and kept.handled_at is None
    assert inbox.open_problem_count(shop) == 1


def test_the_cursor_is_kept_with_a_settled_item_and_with_a_repeated_one(
    shop: Database, store: DocumentStore
) -> None:
    apply(shop, store, "in-1", "claim_started", {"fault": "x"}, cursor="c-1")
    assert inbox.stored_cursor(shop) == "c-1"
    apply(shop, store, "in-1", "claim_started", {"fault": "x"}, cursor="c-9")
    assert inbox.stored_cursor(shop) == "c-9"
    with shop.read() as session:
        assert session.get_one(InboxCursor, "portal").cursor == "c-9"


@pytest.mark.logs(r"^Inbox item .* failed")
def test_a_bug_in_one_item_makes_it_wait_instead_of_stopping_the_inbox(
    shop: Database, store: DocumentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_ctx: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setitem(inbox_kinds.HANDLERS, "brand_status", broken)
    result = apply(shop, store, "in-1", "brand_status", {"claim_number": "X", "status": "y"})
    assert result.status == "waiting" and "error inside Warranty Desk" in result.result


def test_a_claim_is_not_held_back_for_good_by_a_photo_that_never_comes(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    payload = {"warranty_code": code, "fault": "No picture", "customer": CUSTOMER,
               "documents": [sha(PNG)]}
    assert apply(shop, store, "in-1", "claim_started", payload).status == "waiting"
    with shop.write() as session:
        session.get_one(InboxApplied, "in-1").applied_at -= inbox.WAIT_LIMIT
    result = apply(shop, store, "in-1", "claim_started", payload)
    assert result.status == "applied" and result.result.startswith("claim BR01-C-2026-")
    assert "left out: document" in result.result and "upload it again" in result.result
    assert claim_for(shop, "in-1").channel == "portal"


def test_a_claim_started_online_on_a_known_warranty_keeps_the_holder_and_who_claimed(
    shop: Database, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]  # sold to Ada Lovelace
    result = apply(shop, store, "in-who", "claim_started",
                   {"warranty_code": code, "fault": "Hinge cracked", "customer": CUSTOMER})
    number = result.result.split()[1]
    detail = claim_detail(shop, MANAGER, number)
    # The warranty's holder stays the claim's customer; the person who claimed online is kept.
    assert (detail.customer_name, detail.customer_phone) == ("Ada Lovelace", "+442079460958")
    assert (detail.claimant_name, detail.claimant_phone) == ("Grace Hopper", "+1 202 555 0100")
    with shop.read() as session:
        names = sorted(session.scalars(select(Customer.name)))
    assert names == ["Ada Lovelace"]  # nobody's details were overwritten or added


@pytest.mark.parametrize("purchase", [
    {"date_of_purchase": "2026-10-02", "store": "Orbit online store"},
    {"purchased_on": "2026-10-02", "where": "Orbit online store"},
    {"date": "2026-10-02", "shop": "Orbit online store"},
])
def test_the_purchase_keys_the_contract_allows_open_the_claim(
    shop: Database, store: DocumentStore, purchase: dict[str, str]
) -> None:
    result = apply(shop, store, "in-keys", "claim_started",
                   {"product": "Orbit X Phone", "fault": "Cracked speaker", "customer": CUSTOMER,
                    "documents": [sha(PDF)], "purchase": purchase}, Portal(PDF))
    assert result.status == "applied", result.result
    assert claim_for(shop, "in-keys").claimed_purchase == {
        "product": "Orbit X Phone", "purchased_on": "2026-10-02", "where": "Orbit online store"}


def test_an_unusable_item_stays_listed_until_a_person_says_it_is_dealt_with(
    shop: Database, store: DocumentStore
) -> None:
    from tests.conftest import stand_at
    from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked

    apply(shop, store, "in-bad", "claim_started", {"fault": "Dead", "customer": CUSTOMER})
    applied = apply(shop, store, "in-good", "claim_started",
                    {"warranty_code": sell(shop).warranty_codes[0], "fault": "Dead",
                     "customer": CUSTOMER})
    assert applied.status == "applied"
    # A month on, nobody has looked: it is still listed and still counted.
    stand_at(shop, shop.clock.now() + timedelta(days=30))
    assert [r.item_id for r in inbox.unsettled(shop, ADMIN)] == ["in-bad"]
    assert inbox.open_problem_count(shop) == 1

    with pytest.raises(PermissionDenied):
        inbox.mark_handled(shop, MANAGER, "in-bad", "Started at the counter")
    with pytest.raises(BadInput, match="what was done"):
        inbox.mark_handled(shop, ADMIN, "in-bad", " ")
    with pytest.raises(RuleBlocked, match="was applied"):
        inbox.mark_handled(shop, ADMIN, "in-good", "Nothing to do")
    done = inbox.mark_handled(shop, ADMIN, "in-bad", "Called the customer; claim at the counter")
    assert done.item_id == "in-bad" and done.status == "problem"
    assert inbox.unsettled(shop, ADMIN) == () and inbox.open_problem_count(shop) == 0
    with shop.read() as session:
        entity, details = session.execute(select(AuditEntry.entity_id, AuditEntry.details).where(
            AuditEntry.action == "sync.inbox_handled")).one()
    assert entity == "in-bad" and "Called the customer" in details
    with pytest.raises(RuleBlocked, match="already"):
        inbox.mark_handled(shop, ADMIN, "in-bad", "Again")
