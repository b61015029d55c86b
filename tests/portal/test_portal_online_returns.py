"""A return asked online, end to end over live HTTP: a web order at a real till, the customer
asks to send the unit back, head office approves, the label's barcode is the claim, the till
scans it in and refunds through the order, and the customer follows each step.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from sqlalchemy import select

from portal.branches.models import Branch
from portal.customers.models import OnlineClaim
from portal.customers.timeline import steps
from portal.inbox.models import InboxItem
from portal.inbox.services import queue_item
from portal.projections.models import Claim as ProjectedClaim
from portal.projections.models import ClaimEvent, Warranty
from portal.webshop.models import RefundPaid
from sync.runner import run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import actor
from tests.portal.customers import Mailbox, photo
from tests.portal.live_customer import (  # noqa: F401 (fixtures)
    csrf,
    live_signed_in,
    mail_box,
    no_keyring,
    served_portal,
)
from tests.portal.office import signed_in as staff_signed_in
from tests.portal.support import PortalDatabase, RegisteredBranch, run_worker
from tests.portal.till import till
from warranty_desk.config import SyncSettings
from warranty_desk.models import Claim, Shop
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import catalogue, claims, decisions, returns
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.usefixtures("fresh_limits")


def _steps(page: str) -> list[str]:
    return re.findall(r'<p class="step-head"><strong>([^<]+)</strong>', page)


def _web_shop(tmp_path: Path, branch: RegisteredBranch, order: str, email: str
              ) -> tuple[Home, Database, SyncSettings]:
    """A till with a laptop in its catalogue and one web order queued for it at head office."""
    home, db = till(tmp_path, branch)
    with db.write() as session:  # where the customer's label sends the unit
        session.scalars(select(Shop)).one().address = "1 Market Square, York YO1 8AA"
    owner = actor(Role.OWNER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Laptops",
                                                          manufacturer_months=24))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="LAP-9", name="Lumen 14\" <Laptop>", brand="Lumen", category="laptops",
        policy="Laptops", list_price_minor=89_900)])
    queue_item(Branch.objects.get(code=branch.code), "online_order", {
        "order_number": order, "sold_on": "2026-11-20",
        "customer": {"name": "Mary Somerville", "email": email},
        "lines": [{"sku": "LAP-9", "quantity": 1, "unit_price_minor": 89_900,
                   "serials": [f"SN-{branch.code}-WEB"]}]}, item_id=f"order-{order}")
    set_secret(home, PORTAL_TOKEN, branch.token)
    return home, db, SyncSettings(portal_url="")


def _sync(home: Home, db: Database, base: str, portal_db: PortalDatabase) -> None:
    report = run_cycle(home, db, SyncSettings(portal_url=f"{base}/api/v1"))
    assert report.complete, report.message
    run_worker(portal_db)


def _pdf_barcodes(pdf: bytes, tmp_path: Path) -> list[str]:
    (tmp_path / "label.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "label.pdf"),
                    str(tmp_path / "label")], check=True)
    read = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "label-1.png")],
                          capture_output=True, text=True, check=False)
    return read.stdout.split()


def test_a_decision_from_a_real_till_is_one_step_on_the_customers_timeline(
    branch: RegisteredBranch,
) -> None:
    """A till's decision moves the claim and says so: two events, one step."""
    at = datetime(2026, 11, 22, 10, tzinfo=UTC)
    claim = ProjectedClaim.objects.create(branch_id=branch.pk, number="CL-R1", state="resolved")
    moves = [("claim.opened", "", "received"), ("claim.status_changed", "received", "reviewing"),
             ("claim.status_changed", "reviewing", "inspecting"),
             ("claim.status_changed", "inspecting", "resolved"),
             ("claim.decided", "inspecting", "resolved")]
    for seq, (topic, before, after) in enumerate(moves, 1):
        ClaimEvent.objects.create(claim=claim, event_id=uuid.uuid4(), seq=seq,
                                  occurred_at=at + timedelta(hours=seq), topic=topic,
                                  from_state=before, to_state=after, details={})
    assert [s.title for s in steps(claim)] == ["Received", "Reviewing", "Inspecting",
                                                "Resolved"]


def test_a_return_asked_online_is_approved_labelled_scanned_in_and_refunded(
    portal: str, mail: Mailbox, portal_db: PortalDatabase, branch: RegisteredBranch,
    tmp_path: Path,
) -> None:
    order, email = f"WEB-{branch.code}", f"mary-{branch.code.lower()}@example.org"
    home, db, _ = _web_shop(tmp_path, branch, order, email)
    _sync(home, db, portal, portal_db)  # the order is pulled, its warranty pushed back
    _sync(home, db, portal, portal_db)
    warranty = Warranty.objects.get(branch__code=branch.code, invoice=order)
    assert warranty.sale_channel == "online"

    # The customer: the unit bought online offers "Return it by post".
    browser = live_signed_in(portal, mail, email)
    landing = browser.get(f"{portal}/me/", timeout=20).text
    path = reverse("customers:return_it", args=[branch.code, warranty.code])
    assert f'href="{path}"' in landing
    form = browser.get(portal + path, timeout=20).text
    # Nothing chosen: said plainly, nothing queued.
    refused = browser.post(portal + path, timeout=20, data={
        "csrfmiddlewaretoken": csrf(form), "fault": "other", "other": "Screen stays black"})
    assert refused.status_code == 400
    assert "Choose what you would like" in refused.text
    assert "Write the address you send the parcel from" in refused.text
    assert not OnlineClaim.objects.filter(warranty=warranty).exists()
    sent = browser.post(portal + path, timeout=30, data={
        "csrfmiddlewaretoken": csrf(refused.text), "fault": "other",
        "other": "Screen stays black", "outcome": "refund",
        "sender_name": "Mary <b>Somerville</b>",
        "sender_address": "4 Elm Row\nEdinburgh\nEH7 4AA"},
        files={"photo_of_fault": ("black.jpg", photo(), "image/jpeg")})
    assert sent.status_code == 200 and "/me/claims/" in sent.url, sent.text[:3000]
    assert _steps(sent.text) == ["Return requested"]
    assert "Return requested" in sent.text and "asked for a refund" in sent.text

    # The till opens it as an online claim waiting for its unit; head office sees it.
    _sync(home, db, portal, portal_db)
    _sync(home, db, portal, portal_db)
    with db.read() as session:
        claim = session.scalars(select(Claim).where(Claim.channel == "online")).one()
        number = claim.number
        assert claim.preferred_outcome == "refund"
    page = browser.get(sent.url, timeout=20)
    assert page.url.endswith(f"/me/claims/{branch.code}/{number}/")
    label_url = reverse("customers:return_label", args=[branch.code, number])
    assert label_url not in page.text
    assert browser.get(portal + label_url, timeout=20).status_code == 404

    # Head office support approves; an auditor may not.
    auditor, _ = staff_signed_in("auditor")
    approve = reverse("office:approve-return", args=[branch.code, number])
    assert auditor.post(approve).status_code == 403
    support, _ = staff_signed_in("support")
    office_page = support.get(reverse("office:claim", args=[branch.code, number]))
    assert approve in office_page.content.decode()
    assert support.post(approve).status_code == 302
    approved = " ".join(browser.get(page.url, timeout=20).text.split())
    assert _steps(approved) == ["Return requested", "Return approved"]
    assert "as soon as the shop confirms where the parcel goes" in approved
    assert support.post(approve).status_code == 302  # twice: nothing more is queued
    assert InboxItem.objects.filter(branch_id=branch.pk, kind="return_approved").count() == 1

    # The till records it and says where the unit goes: the label is ready.
    _sync(home, db, portal, portal_db)
    _sync(home, db, portal, portal_db)
    page = browser.get(page.url, timeout=20)
    assert _steps(page.text) == ["Return requested", "Return approved", "Return label ready"]
    assert label_url in page.text
    assert "Print the label, stick it on the parcel and send it." in page.text
    label = browser.get(portal + label_url, timeout=20)
    assert label.status_code == 200 and label.headers["Content-Type"] == "application/pdf"
    assert _pdf_barcodes(label.content, tmp_path) == [number]
    text = subprocess.run(["pdftotext", str(tmp_path / "label.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert f"Shop {branch.code}" in text and "Mary <b>Somerville</b>" in text
    assert "EH7 4AA" in text and "1 Market Square" in text and "York YO1 8AA" in text

    # The parcel arrives: the label scanned at the returns desk; the claim goes on; refunded.
    returns.receive(db, actor(Role.STOREKEEPER), number)
    claims.advance(db, actor(Role.TECHNICIAN), number, ClaimState.REVIEWING)
    claims.advance(db, actor(Role.TECHNICIAN), number, ClaimState.INSPECTING)
    decisions.decide(db, actor(Role.OWNER), number, decisions.Decision(
        Outcome.REFUND, "The screen cannot be repaired", refund_minor=89_900,
        refund_reference="R-1"))
    _sync(home, db, portal, portal_db)
    page = browser.get(page.url, timeout=20)
    assert _steps(page.text) == ["Return requested", "Return approved", "Return label ready",
                                 "Unit received", "Reviewing", "Inspecting", "Resolved"]
    assert f"online order {order}" in " ".join(page.text.split())

    # Head office pays it back on the web shop and says so; an auditor sees it, may not mark.
    refunds = reverse("office:web-orders")
    paid_url = reverse("office:refund-paid", args=[branch.code, number])
    listed = " ".join(auditor.get(refunds).content.decode().split())
    assert order in listed and number in listed and "899.00" in listed
    assert paid_url not in listed and "not yet" in listed
    assert auditor.post(paid_url, {"reference": "re_1"}).status_code == 403
    assert support.post(paid_url, {"reference": " "}).status_code == 302  # refused in words
    assert not RefundPaid.objects.exists()
    assert support.post(paid_url, {"reference": "Shopify refund <77>"}).status_code == 302
    again = support.post(paid_url, {"reference": "twice"}, follow=True).content.decode()
    assert "marked paid already" in again
    (paid,) = RefundPaid.objects.all()
    assert (paid.order_number, paid.reference) == (order, "Shopify refund <77>")
    shown = support.get(refunds).content.decode()
    assert "Shopify refund &lt;77&gt;" in shown and paid_url not in shown
