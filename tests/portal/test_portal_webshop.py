"""Web shop order webhooks over real HTTP: signed orders queued for the right branch once,
refusals answered and logged with their reasons, and the log on the office page."""

from __future__ import annotations

import itertools
import secrets
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from django.urls import reverse

from portal.inbox.models import InboxItem
from portal.projections.models import Product, RefusedItem
from portal.webshop.admin import WebShopForm
from portal.webshop.models import Delivery, OnlineBranch, WebShop
from portal.webshop.shops import add_shop, set_online_branch
from tests.liveportal.served import portal_command, portal_env
from tests.portal.customers import signed_in_customer, smtp
from tests.portal.office import signed_in
from tests.portal.support import LivePortal, PortalDatabase, RegisteredBranch, register
from tests.portal.webshop import (
    SHOPIFY_ORDER,
    WOO_ORDER,
    body,
    raw,
    recorded,
    send_shopify,
    send_woo,
    signature,
)

SHOPIFY_DOMAIN = "north-demo.myshopify.com"
WOO_SITE = "https://woo.example/"


@dataclass(frozen=True)
class Shops:
    """A Shopify shop fulfilled by `north`, a WooCommerce shop by the online branch."""

    north: RegisteredBranch
    online: RegisteredBranch
    shopify_secret: str
    woo_secret: str


@pytest.fixture(scope="module")
def shops(portal_db: PortalDatabase) -> Shops:
    north, online = register(), register()
    for branch, sku in ((north, "KET-1"), (online, "TV-55")):
        Product.objects.create(branch_id=branch.pk, sku=sku, name=sku)
    _, shopify_secret = add_shop("shopify", SHOPIFY_DOMAIN, prefix="SH", currency_code="EUR",
                                 branch=north.code, name="North online")
    _, woo_secret = add_shop("woocommerce", WOO_SITE, prefix="WOO", currency_code="eur")
    set_online_branch(online.code)
    return Shops(north, online, shopify_secret, woo_secret)


def _items(branch: RegisteredBranch) -> list[InboxItem]:
    return list(InboxItem.objects.filter(branch_id=branch.pk).order_by("position"))


def _shopify_order(order_id: int, **changes: Any) -> dict[str, Any]:
    payload = recorded(SHOPIFY_ORDER)
    payload.update(id=order_id, name=f"#{order_id % 100_000}", **changes)
    return payload


def test_a_signed_shopify_order_queues_its_warranty_lines_for_the_shops_branch(
    live_portal: LivePortal, shops: Shops,
) -> None:
    sent = send_shopify(live_portal, raw(SHOPIFY_ORDER), shops.shopify_secret,
                        domain=SHOPIFY_DOMAIN)
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "accepted"
    (item,) = _items(shops.north)
    assert item.kind == "online_order" and item.payload == {
        "order_number": "SH-1001", "sold_on": "2026-11-20",
        "customer": {"name": "Ada Lovelace", "phone": "+353 1 555 0142",
                     "email": "ada.webshop@example.org"},
        # The descaler (DESC-10) is no product of the branch: no warranty, left out.
        "lines": [{"sku": "KET-1", "quantity": 1, "unit_price_minor": 5_000}]}
    logged = Delivery.objects.get(order_ref="#1001")
    assert (logged.verdict, logged.status, logged.branch_id) == ("accepted", 200,
                                                                 shops.north.pk)
    assert "1 line(s) without a warranty left out" in logged.reason


def test_a_completed_woocommerce_order_goes_to_the_online_branch_and_an_open_one_waits(
    live_portal: LivePortal, shops: Shops,
) -> None:
    processing = recorded(WOO_ORDER) | {"status": "processing"}
    early = send_woo(live_portal, body(processing), shops.woo_secret, source=WOO_SITE)
    assert early.status_code == 200 and early.json()["status"] == "skipped"
    assert "not completed" in early.json()["reason"] and _items(shops.online) == []
    sent = send_woo(live_portal, raw(WOO_ORDER), shops.woo_secret, source=WOO_SITE)
    assert sent.status_code == 200 and sent.json()["status"] == "accepted", sent.text
    (item,) = _items(shops.online)
    assert item.payload == {
        "order_number": "WOO-4127", "sold_on": "2026-11-19",
        "customer": {"name": "Grace Hopper", "phone": "+353 21 555 0199",
                     "email": "grace.webshop@example.org"},
        "lines": [{"sku": "TV-55", "quantity": 1, "unit_price_minor": 129_900}]}


def test_a_bad_or_missing_signature_or_an_unknown_shop_is_refused_with_401(
    live_portal: LivePortal, shops: Shops,
) -> None:
    data = body(_shopify_order(7_000_000_001))
    wrong = send_shopify(live_portal, data, "not-the-secret", domain=SHOPIFY_DOMAIN)
    unsigned = send_shopify(live_portal, data, shops.shopify_secret, domain=SHOPIFY_DOMAIN,
                            sign="")
    stranger = send_shopify(live_portal, data, shops.shopify_secret, domain="other.example")
    tampered = send_shopify(live_portal, data.replace(b"50.00", b"0.01"),
                            shops.shopify_secret, domain=SHOPIFY_DOMAIN,
                            sign=signature(shops.shopify_secret, data))
    assert [r.status_code for r in (wrong, unsigned, stranger, tampered)] == [401] * 4
    assert "does not match the secret" in wrong.json()["reason"]
    assert "not signed" in unsigned.json()["reason"]
    assert "no Shopify shop is set up for 'other.example'" in stranger.json()["reason"]
    woo = send_woo(live_portal, raw(WOO_ORDER), shops.shopify_secret, source=WOO_SITE)
    assert woo.status_code == 401
    assert not InboxItem.objects.filter(payload__order_number="SH-1").exists()
    assert Delivery.objects.filter(verdict="unsigned").count() == 5


def test_a_replay_or_the_same_order_again_is_answered_200_and_adds_nothing(
    live_portal: LivePortal, shops: Shops,
) -> None:
    order = _shopify_order(7_000_000_002)
    first = send_shopify(live_portal, body(order), shops.shopify_secret, domain=SHOPIFY_DOMAIN,
                         webhook_id="wh-replay-1")
    assert first.json()["status"] == "accepted"
    queued = len(_items(shops.north))
    again = send_shopify(live_portal, body(order), shops.shopify_secret,
                         domain=SHOPIFY_DOMAIN, webhook_id="wh-replay-1")
    copied = send_shopify(live_portal, body(order), shops.shopify_secret,
                          domain=SHOPIFY_DOMAIN, webhook_id="wh-replay-2")
    updated = send_shopify(live_portal, body(order | {"updated_at": "2026-11-21T09:00:00Z"}),
                           shops.shopify_secret, domain=SHOPIFY_DOMAIN)
    assert [(r.status_code, r.json()["status"]) for r in (again, copied, updated)] == [
        (200, "repeated")] * 3
    assert "delivery wh-replay-1 was answered before" in again.json()["reason"]
    assert "a replay" in copied.json()["reason"]
    assert "order #2 was registered before (as SH-2)" in updated.json()["reason"]
    assert len(_items(shops.north)) == queued


_NUMBERS = itertools.count(7_000_000_100)


def _malformed(name: str, change: dict[str, Any], status: int, reason: str
               ) -> tuple[str, bytes, int, str]:
    return name, body(_shopify_order(next(_NUMBERS), **change)), status, reason


def test_malformed_orders_are_refused_with_reasons_head_office_reads_newest_first(
    live_portal: LivePortal, shops: Shops,
) -> None:
    line = recorded(SHOPIFY_ORDER)["line_items"][0]
    cases = [
        ("not json", b"{\"id\": 1, \"line_items\": [", 400, "the body is not JSON"),
        _malformed("no lines", {"line_items": []}, 422, "The order has no lines."),
        _malformed("quantity", {"line_items": [line | {"quantity": 0, "sku": "<b>K</b>"}]},
                   422, "Line 1 (<b>K</b>) has no whole quantity from 1 to 10000: '0'."),
        _malformed("price", {"line_items": [line | {"price": "abc"}]},
                   422, "Line 1 (KET-1) has a price head office cannot read"),
        _malformed("currency", {"currency": "XQZ"},
                   422, "The order's currency 'XQZ' is not a currency code head office knows"),
        _malformed("other currency", {"currency": "GBP"},
                   422, "the order is in GBP, but the shop is set up in EUR"),
        _malformed("no customer", {"email": None, "contact_email": None, "customer": None,
                                   "billing_address": None},
                   422, "The order names no customer"),
        _malformed("long email", {"email": "a" * 190 + "@example.org"},
                   422, "The order's email is longer than 200 characters."),
        _malformed("nothing with cover", {"line_items": [line | {"sku": "CABLE"}]},
                   200, "no warranty lines: branch"),
    ]
    before = len(_items(shops.north))
    for name, data, status, reason in cases:
        sent = send_shopify(live_portal, data, shops.shopify_secret, domain=SHOPIFY_DOMAIN)
        assert (sent.status_code, reason in sent.json()["reason"]) == (status, True), name
    assert len(_items(shops.north)) == before
    office, _ = signed_in("support")
    page = office.get(reverse("office:web-orders") + "?problems=1").content.decode()
    assert page.index("the order is in GBP") < page.index("The order has no lines.")
    assert "Line 1 (&lt;b&gt;K&lt;/b&gt;)" in page and "<b>K</b>" not in page
    assert "no warranty lines" not in page  # answered 200: not a problem to mend
    assert shops.shopify_secret not in page and shops.woo_secret not in page
    everything = office.get(reverse("office:web-orders")).content.decode()
    assert "no warranty lines: branch" in everything
    assert "/hooks/shopify/orders-paid" in everything and "North online" in everything


def test_no_branch_to_fulfil_is_a_503_that_the_platforms_retry_once_an_admin_sets_one(
    live_portal: LivePortal, shops: Shops,
) -> None:
    OnlineBranch.objects.all().delete()
    data = body(recorded(WOO_ORDER) | {"id": 5001, "number": "5001"})
    try:
        refused = send_woo(live_portal, data, shops.woo_secret, source=WOO_SITE,
                           delivery_id="dl-5001")
        assert refused.status_code == 503
        assert "no branch fulfils this shop's orders" in refused.json()["reason"]
        admin, _ = signed_in("admin")
        page = admin.get(reverse("office:web-orders")).content.decode()
        assert "no branch: its orders are refused" in page and "none set" in page
    finally:
        set_online_branch(shops.online.code)
    retried = send_woo(live_portal, data, shops.woo_secret, source=WOO_SITE,
                       delivery_id="dl-5001")
    assert retried.status_code == 200 and retried.json()["status"] == "accepted"
    assert _items(shops.online)[-1].payload["order_number"] == "WOO-5001"


def test_every_delivery_is_logged_by_the_server_without_the_secret(
    live_portal: LivePortal, shops: Shops,
) -> None:
    send_shopify(live_portal, raw(SHOPIFY_ORDER), "wrong", domain=SHOPIFY_DOMAIN)
    logged = live_portal.log.read_text(errors="replace")
    assert "Web shop delivery" in logged and "does not match the secret" in logged
    assert shops.shopify_secret not in logged and shops.woo_secret not in logged


def _command(db: PortalDatabase, *args: str, stdin: str = ""
             ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(portal_command(*args), env=portal_env(db), input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_command_sets_up_a_shop_whose_secret_shown_once_signs_orders_as_make_run_does(
    live_portal: LivePortal, portal_db: PortalDatabase, shops: Shops,
) -> None:
    done = _command(portal_db, "webshop", "add", "cli-shop.myshopify.com", "--prefix", "cli",
                    "--currency", "EUR", "--branch", shops.north.code)
    assert done.returncode == 0, done.stderr
    secret = done.stdout.strip().splitlines()[-1]
    assert done.stdout.startswith("Web shop cli-shop.myshopify.com (Shopify) is set up; its "
                                  f"orders go to branch {shops.north.code}, numbered CLI-")
    sent = send_shopify(live_portal, body(_shopify_order(7_000_000_700)), secret,
                        domain="cli-shop.myshopify.com")
    assert sent.json()["status"] == "accepted"
    assert _items(shops.north)[-1].payload["order_number"] == "CLI-700"
    given = secrets.token_urlsafe(20)
    again = _command(portal_db, "webshop", "add", "https://CLI-shop.myshopify.com/",
                     "--prefix", "CLI", "--currency", "EUR", "--secret-stdin", stdin=given)
    assert again.returncode == 0 and given not in again.stdout + again.stderr
    shop = WebShop.objects.get(domain="cli-shop.myshopify.com")
    assert (shop.secret, shop.branch_id) == (given, None)  # the online branch's now
    wrong = _command(portal_db, "webshop", "add", "x.example", "--prefix", "1<b>")
    assert wrong.returncode == 2 and "is not an order prefix" in wrong.stderr
    online = _command(portal_db, "webshop", "online-branch", shops.online.code)
    assert online.returncode == 0 and shops.online.code in online.stdout
    admin, _ = signed_in("admin")
    page = admin.get(reverse("admin:webshop_webshop_change", args=[shop.pk]))
    assert page.status_code == 200 and given not in page.content.decode()

def test_a_woocommerce_ping_is_answered_and_an_oversized_request_refused_unread(
    live_portal: LivePortal, shops: Shops,
) -> None:
    base = live_portal.url.removesuffix("/api/v1")
    ping = requests.post(f"{base}/hooks/woocommerce/order-updated", data={"webhook_id": "12"},
                         timeout=20)
    assert (ping.status_code, ping.json()["status"]) == (200, "ping")
    huge = b'{"id": 1, "note": "' + b"x" * 5_000_000 + b'"}'
    sent = send_shopify(live_portal, huge, shops.shopify_secret, domain=SHOPIFY_DOMAIN)
    assert sent.status_code == 413 and "larger than any order" in sent.json()["reason"]
    assert requests.get(f"{base}/hooks/shopify/orders-paid", timeout=20).status_code == 405


def test_an_order_the_branch_could_not_register_says_so_to_its_customer(
    live_portal: LivePortal, shops: Shops,
) -> None:
    order = _shopify_order(7_000_000_900, email="zoe.webshop@example.org")
    sent = send_shopify(live_portal, body(order), shops.shopify_secret, domain=SHOPIFY_DOMAIN)
    assert sent.json()["status"] == "accepted"
    with smtp() as box:
        zoe = signed_in_customer(box, "zoe.webshop@example.org")
    assert "Registered, waiting for the shop" in zoe.get("/me/").content.decode()
    item = _items(shops.north)[-1]
    RefusedItem.objects.create(branch_id=shops.north.pk, item_id=item.item_id,
                               kind="online_order", reason="sale date in the future")
    page = zoe.get("/me/").content.decode()
    assert "Not registered by the shop" in page and "waiting for the shop" not in page


def test_the_admin_form_keeps_the_secret_when_left_empty_and_checks_what_it_is_given(
    shops: Shops,
) -> None:
    shop = WebShop.objects.get(domain=SHOPIFY_DOMAIN)
    fields = {"platform": "shopify", "domain": " HTTPS://North-Demo.myshopify.com/ ",
              "name": "North online", "prefix": "sh", "currency": "eur",
              "branch": shop.branch_id, "active": "on", "secret": ""}
    form = WebShopForm(data=fields, instance=shop)
    assert form.is_valid(), form.errors
    form.save()
    shop.refresh_from_db()
    assert (shop.domain, shop.prefix, shop.currency, shop.secret) == (
        SHOPIFY_DOMAIN, "SH", "EUR", shops.shopify_secret)
    wrong = WebShopForm(data=fields | {"prefix": "<b>", "currency": "XQZ"}, instance=shop)
    assert not wrong.is_valid()
    assert "is not an order prefix" in str(wrong.errors["prefix"])
    assert "not a currency code" in str(wrong.errors["currency"])
    new = WebShopForm(data=fields | {"domain": "new.myshopify.com", "prefix": "NEW"})
    assert not new.is_valid() and new.errors["secret"] == ["Enter the shop's webhook secret."]
