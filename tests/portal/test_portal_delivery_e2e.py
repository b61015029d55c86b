"""A web order whose policy starts its cover on delivery, end to end: the customer reads
"Registered, cover starts on delivery" at once and on the branch's card, Shopify's delivered
shipment reaches the till through a real pull, and the card then gives the day cover started."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from portal.customers.certificate import slip_of
from portal.inbox.models import InboxItem
from portal.projections import projector
from portal.projections.models import Warranty as Projected
from portal.webshop.shops import add_shop
from sync.inbox import PortalInbox, pull_once
from tests.conftest import actor
from tests.portal.customers import signed_in_customer, smtp
from tests.portal.office import client as office_client
from tests.portal.support import LivePortal, PortalDatabase, register
from tests.portal.till import client, push_all, till
from tests.portal.webshop import SHOPIFY_ORDER, body, recorded, send_shopify
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue, lookup
from warranty_desk.storage.documents import DocumentStore

pytestmark = pytest.mark.usefixtures("fresh_limits")
DOMAIN = "parcel-demo.myshopify.com"
EMAIL = "ada.parcel@example.org"
ON_DELIVERY = "Registered, cover starts on delivery"


def _page(address: str) -> str:
    with smtp() as box:
        customer: Client = signed_in_customer(box, address)
    return customer.get("/me/").content.decode()


def test_a_delivered_shipment_starts_the_cover_the_customer_saw_waiting(
    live_portal: LivePortal, portal_db: PortalDatabase, tmp_path: object,
) -> None:
    from pathlib import Path
    branch = register()
    home, db = till(Path(str(tmp_path)), branch)
    owner = actor(Role.OWNER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(
        name="Kettle cover", manufacturer_months=12, online_cover_from="delivery"))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="KET-1", name="Kettle", brand="Orbit", category="home", policy="Kettle cover",
        list_price_minor=5_000)])
    # Never sold yet: head office knows the kettle's policy from the catalogue alone.
    push_all(db, live_portal, branch)
    projector.catch_up(branch.pk)
    _, secret = add_shop("shopify", DOMAIN, prefix="PD", currency_code="EUR",
                            branch=branch.code)
    order = recorded(SHOPIFY_ORDER) | {"id": 7_100_000_001, "name": "#2001", "email": EMAIL}
    sent = send_shopify(live_portal, body(order), secret, domain=DOMAIN)
    assert sent.json()["status"] == "accepted", sent.text
    assert ON_DELIVERY in _page(EMAIL)  # at once, before the branch has the order

    def pull_and_push() -> None:
        pulled = pull_once(db, PortalInbox(client(live_portal, branch.token), branch.code),
                           documents=DocumentStore(home.documents))
        assert (pulled.error, pulled.problems) == ("", ()), pulled
        push_all(db, live_portal, branch)
        projector.catch_up(branch.pk)

    pull_and_push()
    projected = Projected.objects.get(branch_id=branch.pk, invoice="PD-2001")
    assert projected.awaits_delivery and projected.delivered_on is None
    page = _page(EMAIL)
    assert ON_DELIVERY in page and projected.code in page
    assert "Its cover starts on delivery, and the shop has not recorded the order" in page
    # No date of cover is shown before delivery: only the order's own date.
    assert "19 Nov 2027" not in page and "In cover" not in page
    check = office_client().get(reverse("warranty-check", args=[projected.code])
                                ).content.decode()
    assert ON_DELIVERY in check and "19 Nov 2027" not in check
    slip = slip_of(Projected.objects.prefetch_related("layers").get(pk=projected.pk))
    assert slip.layers == () and slip.cover_note == (
        "Registered, cover starts on delivery: 12 months manufacturer's warranty from the day "
        "the order arrives.")

    fulfillment = {"id": 4_100_000_001, "order_id": 7_100_000_001, "status": "success",
                   "shipment_status": "in_transit", "name": "#2001.1",
                   "created_at": "2026-11-20T16:00:00+01:00",
                   "updated_at": "2026-11-20T18:00:00+01:00", "tracking_number": "1Z999"}
    moving = send_shopify(live_portal, body(fulfillment), secret, domain=DOMAIN,
                          topic="fulfillments/update")
    assert moving.json()["status"] == "skipped" and "in_transit" in moving.json()["reason"]
    arrived = fulfillment | {"shipment_status": "delivered",
                             "updated_at": "2026-11-21T10:15:00+01:00"}
    done = send_shopify(live_portal, body(arrived), secret, domain=DOMAIN,
                        topic="fulfillments/update")
    assert done.json()["status"] == "accepted", done.text
    item = InboxItem.objects.get(branch_id=branch.pk, kind="order_delivered")
    assert item.payload == {"order_number": "PD-2001", "delivered_on": "2026-11-21"}
    pull_and_push()
    (verdict,) = lookup.lookup(db, actor(Role.SALES), projected.code).matches
    assert (verdict.verdict, verdict.start_on, verdict.end_on) == (
        "in_cover", date(2026, 11, 21), date(2027, 11, 20))
    projected.refresh_from_db()
    assert (projected.awaits_delivery, projected.delivered_on, projected.start_on) == (
        False, date(2026, 11, 21), date(2026, 11, 21))
    page = _page(EMAIL)
    assert ON_DELIVERY not in page and "21 November 2026: cover started that day" in page
    assert "In cover" in page and "20 November 2027" in page
