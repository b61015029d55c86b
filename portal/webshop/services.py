"""A webhook delivery, checked and answered: signed by a known shop, seen before or not, an
order head office can read, and its warranty lines queued once for the branch that fulfils it.

Every delivery is logged (Delivery) with its verdict and its reason in plain words. Answers:
401 for a request no set-up shop signed, 2xx for anything that needs no resending (a replay,
an order already had, an order of nothing with a warranty, a status not yet completed: the
platforms resend anything else, and stop calling an address that keeps refusing), 4xx for an
order that cannot be read, 503 when head office itself is not set up to take it (a retry can
then succeed once an admin fixes it).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from portal.branches.models import Branch
from portal.customers.identity import email_key
from portal.inbox.services import queue_item
from portal.projections.models import Product
from portal.webshop import shopify, woocommerce
from portal.webshop.models import SHOPIFY, WOOCOMMERCE, Delivery, Verdict, WebOrder, WebShop
from portal.webshop.orders import OrderError, WebOrderIn
from portal.webshop.shops import fulfilling_branch, normalise
from portal.webshop.signatures import signed_by

log = logging.getLogger("portal.webshop")


@dataclass(frozen=True, slots=True)
class Platform:
    """Where a platform's webhook says what, and how its order is read."""

    key: str
    label: str
    signature: str
    topic: str
    domain: str
    delivery: str
    wanted_topic: str
    read: Callable[[object], WebOrderIn]
    # Why an order of a wanted topic is not for registering yet ("" when it is).
    not_yet: Callable[[object], str]


def _woo_not_yet(payload: object) -> str:
    found = woocommerce.status(payload)
    if found == woocommerce.COMPLETED:
        return ""
    return f"the order is {found or 'without a status'}, not completed: nothing to register yet"


PLATFORMS = {
    SHOPIFY: Platform(SHOPIFY, "Shopify", "X-Shopify-Hmac-Sha256", "X-Shopify-Topic",
                      "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id", shopify.TOPIC,
                      shopify.read, lambda payload: ""),
    WOOCOMMERCE: Platform(WOOCOMMERCE, "WooCommerce", "X-WC-Webhook-Signature",
                          "X-WC-Webhook-Topic", "X-WC-Webhook-Source",
                          "X-WC-Webhook-Delivery-ID", woocommerce.TOPIC, woocommerce.read,
                          _woo_not_yet),
}


@dataclass
class _Facts:
    """What is known of the delivery so far, for its log line."""

    platform: Platform
    headers: Mapping[str, str]
    body: bytes
    shop: WebShop | None = None
    order_ref: str = ""
    branch: Branch | None = None

    def header(self, name: str, limit: int = 255) -> str:
        return (self.headers.get(name) or "").strip()[:limit]


def receive(platform: str, headers: Mapping[str, str], body: bytes) -> Delivery:
    """Check one delivery, act on it, and log it; the Delivery's status is the answer."""
    facts = _Facts(PLATFORMS[platform], headers, body)
    return _answer(facts)


def _answer(facts: _Facts) -> Delivery:
    p = facts.platform
    domain = facts.header(p.domain)
    if not domain:
        return _logged(facts, Verdict.UNSIGNED, 401,
                       f"the request has no {p.domain} header, so no shop is named")
    shop = WebShop.objects.filter(platform=p.key, domain=normalise(domain)).first()
    if shop is None:
        return _logged(facts, Verdict.UNSIGNED, 401,
                       f"no {p.label} shop is set up for {normalise(domain)!r}; add it in "
                       "Admin → Web shops (or warranty-desk-portal webshop add)")
    facts.shop = shop
    if not shop.active:
        return _logged(facts, Verdict.UNSIGNED, 401,
                       f"the shop {shop.domain} is switched off in Admin → Web shops")
    signature = facts.header(p.signature, 200)
    if not signature:
        return _logged(facts, Verdict.UNSIGNED, 401, f"the request has no {p.signature} "
                                                     "header: it is not signed")
    if not signed_by(shop.secret, facts.body, signature):
        return _logged(facts, Verdict.UNSIGNED, 401,
                       "the signature does not match the secret set for this shop; if the "
                       "shop really sent it, enter its webhook secret again in Admin → Web "
                       "shops")
    with transaction.atomic():
        # One delivery of a shop at a time: a platform retrying while the first try is still
        # being answered finds it (seen, or its order registered) rather than a race.
        WebShop.objects.select_for_update().filter(pk=shop.pk).first()
        return _signed(facts, shop)


def _signed(facts: _Facts, shop: WebShop) -> Delivery:
    p = facts.platform
    delivery_id = facts.header(p.delivery, 100)
    seen = Delivery.objects.filter(shop=shop, status__lt=300)
    if delivery_id and seen.filter(delivery_id=delivery_id).exists():
        return _logged(facts, Verdict.REPEATED, 200,
                       f"delivery {delivery_id} was answered before; nothing added")
    if seen.filter(body_sha256=_sha256(facts.body)).exists():
        return _logged(facts, Verdict.REPEATED, 200,
                       "the same request was answered before (a replay); nothing added")
    topic = facts.header(p.topic, 100)
    if topic != p.wanted_topic:
        return _logged(facts, Verdict.SKIPPED, 200,
                       f"topic {topic or '(none)'!r} is not one head office takes; the "
                       f"webhook should be {p.wanted_topic}")
    try:
        payload: Any = json.loads(facts.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _logged(facts, Verdict.REFUSED, 400, "the body is not JSON")
    try:
        why_not = p.not_yet(payload)
        order = None if why_not else p.read(payload)
    except OrderError as exc:
        return _logged(facts, Verdict.REFUSED, 422, str(exc))
    if order is None:
        return _logged(facts, Verdict.SKIPPED, 200, why_not)
    facts.order_ref = order.reference
    return _order(facts, shop, order)


def _order(facts: _Facts, shop: WebShop, order: WebOrderIn) -> Delivery:
    if order.currency != shop.currency:
        return _logged(facts, Verdict.REFUSED, 422,
                       f"the order is in {order.currency}, but the shop is set up in "
                       f"{shop.currency}; head office registers the prices as they are")
    facts.branch = branch = fulfilling_branch(shop)
    if branch is None:
        return _logged(facts, Verdict.REFUSED, 503,
                       "no branch fulfils this shop's orders: choose the shop's branch, or "
                       "the chain's online branch, in Admin → Web shops")
    had = WebOrder.objects.filter(shop=shop, platform_id=order.platform_id).first()
    if had is not None:
        return _logged(facts, Verdict.REPEATED, 200,
                       f"order {order.reference} was registered before (as "
                       f"{had.order_number}); nothing added")
    known = set(Product.objects.filter(branch=branch, sku__in=[ln.sku for ln in order.lines])
                .values_list("sku", flat=True))
    lines = [ln for ln in order.lines if ln.sku in known]
    if not lines:
        return _logged(facts, Verdict.SKIPPED, 200,
                       f"no warranty lines: branch {branch.code} knows none of the SKUs "
                       f"{', '.join(sorted({ln.sku or '(none)' for ln in order.lines}))[:300]}")
    # The till keeps one sale per number at a branch: the shop's prefix keeps two shops'
    # #1001 apart, and the platform's own number keeps it the one the customer and the shop's
    # staff quote (searching the till for 1001 finds SH-1001).
    number = f"{shop.prefix}-{order.reference.lstrip('#')}"
    item_id = f"webshop-{shop.pk}-{order.platform_id}"
    queue_item(branch, "online_order", {
        "order_number": number, "sold_on": order.sold_on.isoformat(),
        "customer": {k: v for k, v in (("name", order.customer_name), ("phone", order.phone),
                                       ("email", order.email)) if v},
        "lines": [{"sku": ln.sku, "quantity": ln.quantity,
                   "unit_price_minor": ln.unit_price_minor} for ln in lines]},
        item_id=item_id)
    WebOrder.objects.create(
        shop=shop, platform_id=order.platform_id, order_number=number, branch=branch,
        item_id=item_id, email=email_key(order.email), customer_name=order.customer_name,
        sold_on=order.sold_on, lines=[{"sku": ln.sku, "name": ln.name,
                                       "quantity": ln.quantity,
                                       "unit_price_minor": ln.unit_price_minor}
                                      for ln in lines])
    skipped = len(order.lines) - len(lines)
    return _logged(facts, Verdict.ACCEPTED, 200,
                   f"{sum(ln.quantity for ln in lines)} unit(s) queued for branch "
                   f"{branch.code} as sale {number}"
                   + (f"; {skipped} line(s) without a warranty left out" if skipped else ""))


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _logged(facts: _Facts, verdict: Verdict, status: int, reason: str) -> Delivery:
    p = facts.platform
    found = Delivery.objects.create(
        platform=p.key, shop=facts.shop, sent_domain=facts.header(p.domain),
        topic=facts.header(p.topic, 100), delivery_id=facts.header(p.delivery, 100),
        body_sha256=_sha256(facts.body), verdict=verdict, status=status,
        reason=reason[:2000], order_ref=facts.order_ref[:100], branch=facts.branch)
    # The reason names the shop and the order, never the secret or the customer.
    level = logging.INFO if status < 300 else logging.WARNING
    log.log(level, "Web shop delivery %s from %s %s: %s (%d): %s", found.delivery_id or "-",
            p.label, found.sent_domain or "(no shop named)", verdict.value, status, reason)
    return found
