"""Renewal and extension: the plans a product may take by the till's own rule, the request
reaching the branch (paid at the shop or online), and the new cover once the branch sells it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect
from sqlalchemy import select

from portal.customers.payments import LoopbackPayments, provider
from portal.inbox.models import InboxItem
from portal.projections import projector
from sync.failures import Failure, Kind, Step
from sync.inbox import PortalInbox, pull_once
from sync.wording import problem_line
from tests.conftest import TODAY, actor
from tests.portal.customers import phone, signed_in_customer, smtp
from tests.portal.support import LivePortal, PortalDatabase, RegisteredBranch, register
from tests.portal.till import client, push_all, till
from warranty_desk.models import ExtensionPlan
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue
from warranty_desk.services.activation import record_sale, sell_extension
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

pytestmark = pytest.mark.usefixtures("fresh_limits")
CARA = "cara@example.org"
# A plan name as a person types it: markup, quotes, other scripts.
CARE = 'Care <b>"Plus"</b> — Ζ'


@dataclass(frozen=True)
class Shop:
    """A till that sold Cara a kettle, with two plans: one she may take, one she may not."""

    branch: RegisteredBranch
    db: Database
    documents: DocumentStore
    code: str
    care: str  # the plans' codes
    phones: str


@pytest.fixture(scope="module")
def shop(live_portal: LivePortal, portal_db: PortalDatabase,
         tmp_path_factory: pytest.TempPathFactory) -> Shop:
    branch = register()
    home, db = till(tmp_path_factory.mktemp("till"), branch)
    owner = actor(Role.OWNER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Kitchen 12",
                                                          manufacturer_months=12))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="KET-1", name="Kettle", brand="Orbit", category="kitchen", policy="Kitchen 12",
        list_price_minor=5_000)])
    catalogue.add_extension_plan(db, owner, catalogue.ExtensionPlanInput(
        name=CARE, months=24, price_minor=4_900, max_price_minor=20_000,
        max_days_since_sale=60))
    catalogue.add_extension_plan(db, owner, catalogue.ExtensionPlanInput(
        name="Phone Care", months=12, price_minor=2_900, categories=("phones",)))
    sale = record_sale(db, actor(Role.SALES), SaleInput(
        "INV-X1", TODAY - timedelta(days=10), (LineInput("KET-1", 1, 5_000, ("SN-K1",)),),
        CustomerInput("Cara", email=CARA)))
    with db.read() as session:
        plans = {p.name: p.code for p in session.scalars(select(ExtensionPlan))}
    push_all(db, live_portal, branch)
    projector.catch_up(branch.pk)
    return Shop(branch, db, DocumentStore(home.documents), sale.warranty_codes[0], plans[CARE],
                plans["Phone Care"])


def _cara() -> Client:
    with smtp() as box:
        return signed_in_customer(box, CARA)


def _requests(shop: Shop) -> list[InboxItem]:
    return list(InboxItem.objects.filter(branch_id=shop.branch.pk, kind="extension_requested")
                .order_by("position"))


def test_each_product_lists_the_plans_it_may_take_with_price_and_the_reason_for_the_others(
    shop: Shop,
) -> None:
    page = _cara().get(reverse("customers:extensions")).content.decode()
    assert "Care &lt;b&gt;&quot;Plus&quot;&lt;/b&gt; — Ζ" in page and "<b>" not in page
    assert "€49.00" in page and "24 months" in page
    new_end = (TODAY - timedelta(days=10)).replace(year=TODAY.year + 3) - timedelta(days=1)
    assert f"Cover until {new_end.day} {new_end:%B %Y}." in page
    assert "Not for this product: Only for phones." in page
    url = reverse("customers:extension", args=[shop.branch.code, shop.code, shop.care])
    assert url in page
    assert reverse("customers:extension", args=[shop.branch.code, shop.code, shop.phones]
                   ) not in page


def test_the_price_and_terms_show_before_paying_and_an_ineligible_plan_cannot_be_asked_for(
    shop: Shop,
) -> None:
    cara = _cara()
    url = reverse("customers:extension", args=[shop.branch.code, shop.code, shop.care])
    page = cara.get(url).content.decode()
    assert "How will you pay €49.00?" in page and "Terms" in page
    assert '<label class="choice" for="pay-shop">' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert cara.post(url, {}).status_code == 400  # no way of paying chosen
    phones = reverse("customers:extension", args=[shop.branch.code, shop.code, shop.phones])
    refused = cara.post(phones, {"payment": "at_shop"})
    assert refused.status_code == 400 and "Only for phones." in refused.content.decode()
    assert _requests(shop) == []


def test_a_plan_paid_online_goes_to_the_shop_once_and_a_declined_payment_buys_nothing(
    shop: Shop,
) -> None:
    cara = _cara()
    url = reverse("customers:extension", args=[shop.branch.code, shop.code, shop.care])
    loopback = provider()
    assert isinstance(loopback, LoopbackPayments)
    loopback.refuse = True
    try:
        declined = cara.get(cara.post(url, {"payment": "online"})["Location"])
    finally:
        loopback.refuse = False
    assert declined.status_code == 402 and "nothing was bought" in declined.content.decode()
    assert _requests(shop) == []
    checkout = cara.post(url, {"payment": "online"})["Location"]
    reference = re.search(r"payment=(LOOP-[0-9A-F]+)", checkout).group(1)  # type: ignore[union-attr]
    back = cara.get(checkout)
    assert back.status_code == 302 and back["Location"].endswith("?asked=1")
    assert cara.get(checkout).status_code == 404  # a second return buys nothing more
    (item,) = _requests(shop)
    assert item.payload == {"warranty_code": shop.code, "plan_code": shop.care,
                            "plan_name": CARE, "price_minor": 4_900,
                            "payment": "paid_online", "payment_ref": reference}
    assert loopback.started[reference][:2] == (4_900, "EUR")
    item.delete()


def test_choosing_a_plan_by_keyboard_in_a_phone_browser_fits_and_breaks_no_policy(
    shop: Shop, live_portal: LivePortal,
) -> None:
    with phone(live_portal, _cara()) as browser:
        page = browser.page
        page.goto(browser.base + reverse("customers:extensions"))
        assert browser.fits() <= 0, "the plans are wider than a phone"
        page.goto(browser.base + reverse("customers:extension",
                                         args=[shop.branch.code, shop.code, shop.care]))
        expect(page.get_by_role("group")).to_contain_text("How will you pay €49.00?")
        assert browser.fits() <= 0, "the plan's page is wider than a phone"
        page.get_by_label("Online now").focus()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text("Your request is with the shop.")
        assert browser.policy_breaches() == []
    (item,) = _requests(shop)
    assert item.payload["payment"] == "paid_online"
    item.delete()


def test_a_request_paid_at_the_shop_reaches_the_till_and_the_new_cover_shows_once_sold(
    shop: Shop, live_portal: LivePortal,
) -> None:
    cara = _cara()
    url = reverse("customers:extension", args=[shop.branch.code, shop.code, shop.care])
    asked = cara.post(url, {"payment": "at_shop"})
    assert asked.status_code == 302
    page = cara.get(asked["Location"]).content.decode()
    assert "Your request is with the shop." in page and "to pay at the shop" in page
    (item,) = _requests(shop)
    assert item.payload["payment"] == "at_shop" and "payment_ref" not in item.payload
    # The till pulls it: it waits in the inbox list for staff, saying what to sell.
    pulled = pull_once(shop.db, PortalInbox(client(live_portal, shop.branch.token),
                                            shop.branch.code), documents=shop.documents)
    assert pulled.error == ""
    said = " ".join(pulled.problems)
    assert f"the customer asked online to extend {shop.code} with {CARE}" in said
    # A request, not an item the till could not use: the sync line says so in those words.
    assert f"Sell extension on {shop.code}" in said
    assert (pulled.unusable, pulled.requests) == (0, 1)
    line = problem_line(Failure(Step.PULL, "portal", Kind.REQUESTS, records=pulled.requests),
                        {})
    assert line.startswith("1 customer request from head office waits for a person")
    assert "could not be used" not in line
    # Staff sell it at the counter; the branch pushes; the card shows the new cover.
    sell_extension(shop.db, actor(Role.SALES), shop.code, CARE)
    push_all(shop.db, live_portal, shop.branch)
    projector.catch_up(shop.branch.pk)
    products = cara.get("/me/").content.decode()
    assert "Extended warranty · Care &lt;b&gt;" in products
    page = cara.get(reverse("customers:extensions")).content.decode()
    assert "This unit already has an extension." in page and "You asked for" not in page

