"""Web orders end to end: a signed Shopify order and a signed WooCommerce order reach their
branches' tills through the live portal, show at once in their customers' portal, and the
branch's warranty card takes over once the till has applied them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from sqlalchemy import select

from portal.projections import projector
from portal.webshop.shops import add_shop, set_online_branch
from sync.inbox import PortalInbox, pull_once
from tests.conftest import actor
from tests.portal.customers import signed_in_customer, smtp
from tests.portal.support import LivePortal, PortalDatabase, RegisteredBranch, register
from tests.portal.till import client, push_all, till
from tests.portal.webshop import (
    SHOPIFY_ORDER,
    WOO_ORDER,
    body,
    raw,
    recorded,
    send_shopify,
    send_woo,
)
from warranty_desk.models import Sale, Warranty
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

pytestmark = pytest.mark.usefixtures("fresh_limits")
SHOPIFY_DOMAIN = "south-demo.myshopify.com"
WOO_SITE = "https://tv-shop.example"
ADA, GRACE = "ada.webshop@example.org", "grace.webshop@example.org"
WAITING = "Registered, waiting for the shop"


@dataclass(frozen=True)
class Till:
    """A branch's till that sells one product, pushed to the live portal."""

    branch: RegisteredBranch
    db: Database
    documents: DocumentStore

    def pull_and_push(self, live: LivePortal) -> int:
        """The till pulls its inbox, then its new records reach the portal's projection."""
        pulled = pull_once(self.db, PortalInbox(client(live, self.branch.token),
                                                self.branch.code), documents=self.documents)
        assert (pulled.error, pulled.problems) == ("", ()), pulled
        push_all(self.db, live, self.branch)
        projector.catch_up(self.branch.pk)
        return pulled.applied


def _till(folder: Path, live: LivePortal, sku: str, name: str, months: int) -> Till:
    branch = register()
    home, db = till(folder, branch)
    owner = actor(Role.OWNER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name=f"{name} cover",
                                                          manufacturer_months=months))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku=sku, name=name, brand="Orbit", category="home", policy=f"{name} cover",
        list_price_minor=5_000)])
    push_all(db, live, branch)
    projector.catch_up(branch.pk)
    return Till(branch, db, DocumentStore(home.documents))


@dataclass(frozen=True)
class Shops:
    """The Shopify shop fulfilled by `south`, the WooCommerce one by the online branch."""

    south: Till
    online: Till
    shopify_secret: str
    woo_secret: str


@pytest.fixture(scope="module")
def shops(live_portal: LivePortal, portal_db: PortalDatabase,
          tmp_path_factory: pytest.TempPathFactory) -> Shops:
    south = _till(tmp_path_factory.mktemp("south"), live_portal, "KET-1", "Kettle", 12)
    online = _till(tmp_path_factory.mktemp("online"), live_portal, "TV-55", "Vista TV", 24)
    _, shopify_secret = add_shop("shopify", SHOPIFY_DOMAIN, prefix="SH", currency_code="EUR",
                                 branch=south.branch.code)
    _, woo_secret = add_shop("woocommerce", WOO_SITE, prefix="WOO", currency_code="EUR")
    set_online_branch(online.branch.code)
    return Shops(south, online, shopify_secret, woo_secret)


def _page(address: str) -> str:
    with smtp() as box:
        customer: Client = signed_in_customer(box, address)
    return customer.get("/me/").content.decode()


def test_each_signed_order_shows_at_once_to_its_customer_and_the_till_then_gives_its_card(
    live_portal: LivePortal, shops: Shops,
) -> None:
    shopify = send_shopify(live_portal, raw(SHOPIFY_ORDER), shops.shopify_secret,
                           domain=SHOPIFY_DOMAIN)
    woo = send_woo(live_portal, raw(WOO_ORDER), shops.woo_secret, source=WOO_SITE)
    assert [shopify.status_code, woo.status_code] == [200, 200], (shopify.text, woo.text)
    # Neither customer bought at a branch before: the order alone lets them sign in.
    ada, grace = _page(ADA), _page(GRACE)
    assert WAITING in ada and "Orbit Kettle 1.7 l" in ada and "SH-1001" in ada
    assert WAITING in grace and "Vista TV 55&quot;" in grace and "WOO-4127" in grace
    assert "Descaler" not in ada and "HDMI" not in grace  # lines without cover
    assert "WOO-4127" not in ada and "SH-1001" not in grace  # never another's order
    assert shops.south.pull_and_push(live_portal) == 1
    assert shops.online.pull_and_push(live_portal) == 1
    for shop, number, email in ((shops.south, "SH-1001", ADA), (shops.online, "WOO-4127",
                                                                GRACE)):
        with shop.db.read() as session:
            sale = session.scalars(select(Sale)).one()
            assert (sale.invoice_number, sale.source) == (number, "online")
            code = session.scalars(select(Warranty.code)).one()
        page = _page(email)
        assert WAITING not in page and code in page, page
    assert "Kettle" in _page(ADA) and "Vista TV" in _page(GRACE)


def test_markup_long_and_non_latin_names_show_as_plain_text(
    live_portal: LivePortal, shops: Shops,
) -> None:
    title = "<script>alert('x')</script> Чайник «Ζέφυρος» 湯沸かし " + "long " * 80
    order = recorded(SHOPIFY_ORDER) | {"id": 6120458839999, "name": "#1999",
                                       "email": "lin.webshop@example.org"}
    order["line_items"] = [order["line_items"][0] | {"title": title}]
    order["customer"] = order["customer"] | {"first_name": "<b>Lin</b>", "last_name": "Ōta"}
    sent = send_shopify(live_portal, body(order), shops.shopify_secret, domain=SHOPIFY_DOMAIN)
    assert sent.status_code == 200, sent.text
    page = _page("lin.webshop@example.org")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Чайник «Ζέφυρος» 湯沸かし" in page
    assert "<script>alert" not in page
    assert title.strip()[:200].replace("<", "&lt;").replace(">", "&gt;").replace(
        "'", "&#x27;").rstrip() in page
