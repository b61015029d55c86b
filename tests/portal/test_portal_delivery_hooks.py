"""Shopify's fulfillments/update at head office: a delivered shipment of a registered order
becomes one order_delivered item for its branch; anything else is answered and logged."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from portal.inbox.models import InboxItem
from portal.projections.handlers import policy_updated
from portal.projections.models import Policy
from portal.webshop.models import Delivery, WebOrder
from portal.webshop.shops import add_shop
from tests.portal.support import LivePortal, PortalDatabase, RegisteredBranch, register
from tests.portal.webshop import body, send_shopify

DOMAIN = "hooks-parcel.myshopify.com"


@pytest.fixture(scope="module")
def shop(portal_db: PortalDatabase) -> tuple[RegisteredBranch, str, int]:
    branch = register()
    made, secret = add_shop("shopify", DOMAIN, prefix="HP", currency_code="EUR",
                            branch=branch.code)
    WebOrder.objects.create(shop=made, platform_id="8100000001", order_number="HP-3001",
                            branch_id=branch.pk, item_id="webshop-x-8100000001",
                            email="parcel@example.org", customer_name="Ada",
                            sold_on=date(2026, 11, 20), lines=[{"sku": "KET-1"}])
    return branch, secret, made.pk


def _fulfillment(**changes: Any) -> dict[str, Any]:
    return {"id": 5_100_000_001, "order_id": 8_100_000_001, "status": "success",
            "shipment_status": "delivered", "name": "#3001.1",
            "created_at": "2026-11-20T09:00:00-05:00",
            "updated_at": "2026-11-21T17:30:00-05:00", **changes}


def _send(live: LivePortal, secret: str, payload: dict[str, Any] | bytes) -> dict[str, Any]:
    data = body(payload) if isinstance(payload, dict) else payload
    sent = send_shopify(live, data, secret, domain=DOMAIN, topic="fulfillments/update")
    found: dict[str, Any] = sent.json() | {"code": sent.status_code}
    return found


def test_a_delivered_shipment_is_sent_once_to_the_orders_branch_on_the_shops_own_day(
    live_portal: LivePortal, shop: tuple[RegisteredBranch, str, int],
) -> None:
    branch, secret, _ = shop
    first = _send(live_portal, secret, _fulfillment())
    assert (first["code"], first["status"]) == (200, "accepted"), first
    assert "order HP-3001 delivered on 2026-11-21: sent to branch" in first["reason"]
    (item,) = InboxItem.objects.filter(branch_id=branch.pk, kind="order_delivered")
    # The date as the shop wrote it (its own zone), as orders' dates are read.
    assert item.payload == {"order_number": "HP-3001", "delivered_on": "2026-11-21"}
    again = _send(live_portal, secret, _fulfillment(updated_at="2026-11-22T08:00:00-05:00"))
    assert (again["code"], again["status"]) == (200, "repeated")
    assert InboxItem.objects.filter(branch_id=branch.pk, kind="order_delivered").count() == 1
    logged = Delivery.objects.filter(order_ref="HP-3001").order_by("pk").last()
    assert logged is not None and logged.topic == "fulfillments/update"


def test_shipments_not_delivered_unknown_orders_and_bad_bodies_are_answered_in_words(
    live_portal: LivePortal, shop: tuple[RegisteredBranch, str, int],
) -> None:
    _, secret, _ = shop
    moving = _send(live_portal, secret, _fulfillment(id=1, shipment_status="out_for_delivery"))
    assert (moving["code"], moving["status"]) == (200, "skipped")
    assert "out_for_delivery, not delivered" in moving["reason"]
    untracked = _send(live_portal, secret, _fulfillment(id=2, shipment_status=None))
    assert "not tracked" in untracked["reason"]
    other = _send(live_portal, secret, _fulfillment(id=3, order_id=8_100_000_999))
    assert other["status"] == "skipped" and "was never registered here" in other["reason"]
    no_order = _send(live_portal, secret, _fulfillment(id=4, order_id="#12"))
    assert (no_order["code"], no_order["status"]) == (422, "refused")
    no_day = _send(live_portal, secret, _fulfillment(id=5, updated_at="yesterday"))
    assert no_day["code"] == 422 and "updated_at" in no_day["reason"]
    not_json = _send(live_portal, secret, b"{not json")
    assert (not_json["code"], not_json["status"]) == (400, "refused")


def test_a_policys_online_cover_start_is_projected_and_an_older_tills_event_means_sale(
    shop: tuple[RegisteredBranch, str, int],
) -> None:
    import uuid
    from datetime import UTC, datetime

    from portal.projections.books import Books, StoredEvent

    branch, _, _ = shop

    def event(seq: int, **fields: Any) -> StoredEvent:
        return StoredEvent(uuid.uuid4(), branch.pk, seq, seq, "catalogue.policy_updated",
                           "policy", "p1", datetime(2026, 11, 20, tzinfo=UTC),
                           {"name": "Kettle cover", "changed": {}, "ref": "p1",
                            "exclusions": [], **fields})

    books = Books(branch.pk)
    policy_updated(books, event(1, online_cover_from="delivery"))
    assert Policy.objects.get(branch_id=branch.pk, ref="p1").online_cover_from == "delivery"
    policy_updated(books, event(2))
    assert Policy.objects.get(branch_id=branch.pk, ref="p1").online_cover_from == "sale"
