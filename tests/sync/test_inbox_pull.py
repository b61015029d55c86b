"""Pulling the inbox from the real portal: applied once, cursor kept and acked, crash-safe."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from sync.http import HttpClient
from sync.inbox import InboxPage, PortalInbox, PullReport, pull_once
from tests.liveportal.branch_view import BranchPortal
from tests.unit.services.helpers import sell
from warranty_desk.models import Claim, CustomerMessage, EvidenceDocument, InboxApplied, Sale
from warranty_desk.services import inbox
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

# Offline, refused and waiting cycles are logged as warnings: these tests cause them.
pytestmark = pytest.mark.logs(r"^Inbox pull stopped")

PNG = b"\x89PNG\r\n\x1a\n" + b"photo of the hinge" * 10
PNG_SHA = hashlib.sha256(PNG).hexdigest()
CUSTOMER = {"name": "Grace Hopper", "phone": "+1 202 555 0100"}
AT = "2026-11-21T18:00:00+00:00"


def item(item_id: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"id": item_id, "kind": kind, "created_at": AT, "payload": payload}


def claim_started(item_id: str, code: str) -> dict[str, Any]:
    return item(item_id, "claim_started", {"warranty_code": code, "fault": "Hinge broke",
                                           "customer": CUSTOMER, "documents": [PNG_SHA]})


def day_of_items(code: str) -> list[dict[str, Any]]:
    """What customers did online in a day: one of each kind, and one the branch cannot use."""
    return [
        claim_started("web-1", code),
        item("web-2", "document_uploaded", {"claim_ref": "web-1", "sha256": PNG_SHA,
                                            "name": "hinge.png", "kind": "photo_of_fault"}),
        item("web-3", "message_received", {"claim_ref": "web-1", "body": "Any news?"}),
        item("web-4", "online_order", {
            "order_number": "WEB-1001", "sold_on": "2026-11-20", "customer": CUSTOMER,
            "lines": [{"sku": "TV-55", "quantity": 1, "unit_price_minor": 129_900}]}),
        item("web-5", "brand_status", {"claim_number": "BR01-C-2026-999999",
                                       "status": "approved"}),
    ]


@pytest.fixture
def client(portal: BranchPortal) -> Iterator[PortalInbox]:
    http = HttpClient(portal.url, lambda: portal.token, timeout=2.0, connect_timeout=1.0)
    yield PortalInbox(http, portal.code)
    http.close()


@pytest.fixture
def store(home: Home) -> DocumentStore:
    return DocumentStore(home.documents)


def pull(db: Database, client: Any, store: DocumentStore, **kw: Any) -> PullReport:
    return pull_once(db, client, documents=store, **kw)


def count(db: Database, model: Any) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def refused_calls(portal: BranchPortal) -> list[Any]:
    return [c for c in portal.calls if c.status >= 400]


def test_every_kind_is_pulled_applied_and_the_cursor_acked(
    shop: Database, portal: BranchPortal, client: PortalInbox, store: DocumentStore
) -> None:
    portal.queue_items(day_of_items(sell(shop).warranty_codes[0]))
    portal.hold_document(PNG)
    report = pull(shop, client, store)
    assert (report.applied, report.repeated, report.waiting, report.error) == (4, 0, (), "")
    assert len(report.problems) == 1 and report.problems[0].startswith(
        "Inbox item web-5 (brand status): problem: no brand claim or claim BR01-C-2026-999999 "
        "is at this branch")
    assert report.cursor == "p5" and portal.acks == ["p5"] and portal.acked == 5
    assert inbox.stored_cursor(shop) == "p5"
    assert (count(shop, Claim), count(shop, Sale), count(shop, EvidenceDocument)) == (1, 2, 2)
    with shop.read() as session:
        claim = session.scalars(select(Claim)).one()
        assert (claim.channel, claim.external_ref) == ("portal", "web-1")
        assert session.scalars(select(CustomerMessage.body).where(
            CustomerMessage.direction == "inbound")).all() == ["Any news?"]
    assert store.exists(PNG_SHA)
    assert refused_calls(portal) == []  # every request kept to the OpenAPI file


def test_small_pages_are_read_to_the_end_and_acked_once(
    shop: Database, portal: BranchPortal, client: PortalInbox, store: DocumentStore
) -> None:
    portal.queue_items(day_of_items(sell(shop).warranty_codes[0]))
    portal.hold_document(PNG)
    report = pull(shop, client, store, page_size=2)
    assert report.pages == 3 and report.cursor == "p5" and portal.acks == ["p5"]
    again = pull(shop, client, store, page_size=2)
    assert (again.applied, again.repeated, again.cursor) == (0, 0, "p5")
    assert portal.acks == ["p5", "p5"]


def test_a_crash_between_applying_and_acking_applies_nothing_twice(
    shop: Database, portal: BranchPortal, client: PortalInbox, store: DocumentStore
) -> None:
    class PowerCut(Exception):
        pass

    class CrashBeforeAck:
        def page(self, after: str, limit: int) -> InboxPage:
            return client.page(after, limit)

        def document(self, sha256: str) -> bytes:
            return client.document(sha256)

        def ack(self, cursor: str) -> None:
            raise PowerCut

    portal.queue_items(day_of_items(sell(shop).warranty_codes[0]))
    portal.hold_document(PNG)
    with pytest.raises(PowerCut):
        pull(shop, CrashBeforeAck(), store)
    assert portal.acks == [] and inbox.stored_cursor(shop) == "p5"
    before = [count(shop, m) for m in (Claim, Sale, EvidenceDocument, CustomerMessage)]
    report = pull(shop, client, store)
    assert (report.applied, portal.acks) == (0, ["p5"])  # the lost ack is made good
    assert [count(shop, m) for m in (Claim, Sale, EvidenceDocument, CustomerMessage)] == before


def test_a_crash_in_the_middle_of_a_page_reapplies_nothing_when_read_again(
    shop: Database, portal: BranchPortal, client: PortalInbox, store: DocumentStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    portal.queue_items(day_of_items(sell(shop).warranty_codes[0]))
    portal.hold_document(PNG)
    real = inbox.apply_item
    calls = 0

    def crash_on_the_fourth(*args: Any, **kw: Any) -> inbox.AppliedResult:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise KeyboardInterrupt  # the till is switched off mid-page
        return real(*args, **kw)

    monkeypatch.setattr(inbox, "apply_item", crash_on_the_fourth)
    with pytest.raises(KeyboardInterrupt):
        pull(shop, client, store)
    assert inbox.stored_cursor(shop) == "" and count(shop, InboxApplied) == 3
    monkeypatch.setattr(inbox, "apply_item", real)
    report = pull(shop, client, store)
    assert (report.repeated, report.applied, len(report.problems)) == (3, 1, 1)
    with shop.read() as session:
        inbound = session.scalars(select(CustomerMessage.body).where(
            CustomerMessage.direction == "inbound")).all()
    assert count(shop, Claim) == 1 and inbound == ["Any news?"]
    assert count(shop, InboxApplied) == 5 and portal.acks == ["p5"]


def test_a_waiting_item_holds_the_cursor_until_it_can_be_applied(
    shop: Database, portal: BranchPortal, client: PortalInbox, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    portal.hold_document(PNG)
    portal.queue_items([
        item("web-2", "document_uploaded", {"claim_ref": "web-1", "sha256": PNG_SHA,
                                            "name": "hinge.png", "kind": "photo_of_fault"}),
        item("web-3", "message_received", {"claim_ref": "web-1", "body": "Hello?"}),
    ])
    first = pull(shop, client, store)
    assert len(first.waiting) == 2 and "claim web-1 is not at this branch yet" in first.waiting[0]
    assert first.cursor == "" and portal.acks == []
    portal.queue_items([claim_started("web-1", code)])
    second = pull(shop, client, store)
    assert second.applied == 1 and len(second.waiting) == 2 and second.cursor == ""
    third = pull(shop, client, store)
    assert (third.applied, third.repeated, third.waiting) == (2, 1, ())
    assert third.cursor == "p3" and portal.acks == ["p3"]
    assert count(shop, EvidenceDocument) == 2  # the claim's own upload and the later one


def test_a_document_the_portal_lacks_waits(
    shop: Database, portal: BranchPortal, client: PortalInbox, store: DocumentStore
) -> None:
    portal.queue_items([claim_started("web-1", sell(shop).warranty_codes[0])])
    report = pull(shop, client, store)
    assert len(report.waiting) == 1 and "could not be downloaded" in report.waiting[0]
    assert "404" in report.waiting[0] and count(shop, Claim) == 0
    portal.hold_document(PNG)
    assert pull(shop, client, store).applied == 1


def test_unreadable_items_are_listed_and_the_rest_applied(
    shop: Database, portal: BranchPortal, client: PortalInbox, store: DocumentStore
) -> None:
    code = sell(shop).warranty_codes[0]
    portal.hold_document(PNG)
    portal.queue_items([claim_started("web-1", code)])
    unreadable = [
        {"kind": "claim_started", "payload": {"fault": "x"}},  # no id
        item("web-9", "claim_started", ["not", "fields"]),  # type: ignore[arg-type]
        "garbage",
    ]

    def mangled(method: str, path: str, body: bytes) -> bytes:
        # A portal of another version, or a box on the line, hands over items this till
        # cannot read, before the one the real portal queued.
        if method != "GET" or "/inbox" not in path:
            return body
        page = json.loads(body)
        return json.dumps({**page, "items": [*unreadable, *page["items"]]}).encode()

    portal.proxy.rewrite = mangled
    report = pull(shop, client, store)
    assert report.applied == 1 and len(report.problems) == 3 and report.cursor == "p1"
    assert any("web-9" in p and "cannot read" in p for p in report.problems)
    assert sum("unreadable-" in p for p in report.problems) == 2
    # Read again without a cursor: the portal starts after what was acknowledged, and the
    # unreadable items come again under the same keys; nothing new is applied.
    inbox.save_cursor(shop, "portal", "")
    again = pull(shop, client, store)
    assert (again.repeated, again.applied) == (3, 0) and count(shop, InboxApplied) == 4


def test_a_wrong_token_stops_the_pull_with_a_plain_reason(
    shop: Database, portal: BranchPortal, store: DocumentStore
) -> None:
    portal.queue_items([claim_started("web-1", sell(shop).warranty_codes[0])])
    http = HttpClient(portal.url, lambda: "wrong", timeout=2.0, connect_timeout=1.0)
    report = pull(shop, PortalInbox(http, "BR01"), store)
    http.close()
    assert "refused the sync token" in report.error and "Settings" in report.error
    # The portal's own reason says where to look; the till does not say it a second time.
    assert report.error == ("The portal refused the sync token (401): Missing or wrong sync "
                            "token. Check the token in Settings → Sync, or ask head office for "
                            "a new one.")
    assert count(shop, InboxApplied) == 0 and report.acked == ""


def test_a_cursor_the_portal_does_not_know_is_logged_and_read_again_from_the_last_ack(
    shop: Database, portal: BranchPortal, client: PortalInbox, store: DocumentStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The contract: a cursor the portal never gave is bad_cursor; the till reads again from
    # what it last acknowledged (each item applies once), so nothing queued is skipped.
    portal.queue("message_received", {"claim_ref": "BR01-C-2026-000001", "body": "Hello"})
    inbox.save_cursor(shop, "portal", "from-another-portal")
    with caplog.at_level("WARNING", logger="sync.inbox"):
        report = pull(shop, client, store)
    assert "refused the kept inbox cursor 'from-another-portal'" in caplog.text
    assert report.error == "" and report.pages == 1
    assert report.applied + len(report.problems) + len(report.waiting) == 1
    # The message names a claim this till does not hold yet, so it waits; the refused cursor
    # is forgotten all the same, and the next pull reads from the acknowledgement again.
    assert len(report.waiting) == 1
    assert inbox.stored_cursor(shop) == report.cursor == ""
    again = pull(shop, client, store)
    assert again.error == "" and len(again.waiting) == 1


def test_an_offline_portal_stops_the_pull_and_keeps_the_cursor(
    shop: Database, portal: BranchPortal, client: PortalInbox, store: DocumentStore
) -> None:
    portal.go_offline()
    report = pull(shop, client, store)
    assert "Could not reach the portal" in report.error and report.pages == 0
