"""A signed-in customer's pages: their products in every branch, certificates, nobody else's."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable

import pytest
from django.urls import URLPattern, reverse
from pypdf import PdfReader

from portal.customers import urls as customer_urls
from portal.customers.identity import account_for
from portal.customers.models import CustomerAccount, OnlineClaim
from portal.customers.views import own_warranties
from portal.projections.models import Claim, ClaimEvent, ExtensionPlan, Warranty
from tests.portal.customers import SHOP_PHOTO_SHA, Shops, signed_in_customer, smtp
from tests.portal.office import client

pytestmark = pytest.mark.usefixtures("fresh_limits")


def _cards(page: str) -> list[str]:
    return re.findall(r"<article class=\"card\" aria-labelledby.*?</article>", page, re.S)


def test_my_products_shows_each_warranty_from_every_branch_as_a_card(records: Shops) -> None:
    with smtp() as box:
        browser = signed_in_customer(box, records.ann_email)
    page = browser.get("/me/").content.decode()
    cards = _cards(page)
    # Newest sale first; the other customer's fridge (same name, other address) is not here.
    assert [re.search(r"<h2[^>]*>(.*?)</h2>", c).group(1) for c in cards] == [  # type: ignore[union-attr]
        "Dropped phone", "Kettle &lt;b&gt;Pro&lt;/b&gt;", "Old radio"]
    assert "fridge" not in page
    phone, kettle, radio = cards
    assert "Void" in phone and "Water damage at intake" in phone
    assert "In cover" in kettle and "SN-KET-1" in kettle
    assert f"Branch {records.north.code}" in kettle
    assert "Manufacturer&#x27;s warranty" in kettle and "Shop warranty" in kettle
    assert re.search(r"\d+ days left", kettle)
    assert "Expired" in radio and f"Branch {records.south.code}" in radio
    assert "<script" not in page  # every core path works without JavaScript


def test_a_phone_number_on_a_purchase_finds_the_same_records() -> None:
    account = account_for(phone="+447700900123")
    assert account is not None and account.email == ""
    assert [w.serial for w in own_warranties(account)] == ["SN-KET-1"]


def test_the_certificate_of_an_own_warranty_downloads_as_a_pdf(records: Shops) -> None:
    with smtp() as box:
        browser = signed_in_customer(box, records.ann_email)
    url = reverse("customers:certificate", args=[records.north.code, f"{records.north.code}-W1"])
    assert url in browser.get("/me/").content.decode()
    answer = browser.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith("attachment;")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    assert f"{records.north.code}-W1" in text and "SN-KET-1" in text


def _own_pattern_args(records: Shops) -> dict[str, list[str]]:
    # Every customer URL, with the other customer's ids (Bob's fridge at north).
    fridge = [records.north.code, f"{records.north.code}-W9"]
    claim = [records.north.code, "CL-9"]
    return {"products": [], "certificate": fridge, "start_claim": fridge, "claim": claim,
            "dropoff_ticket": claim, "return_it": fridge, "return_label": claim,
            "documents": claim, "document": [*claim, SHOP_PHOTO_SHA], "messages": claim,
            "extensions": [], "extension": [*fridge, "PLAN-9"],
            "extension-paid": [*fridge, "PLAN-9"]}


def _bobs_fridge_returned_online(records: Shops) -> Callable[[], None]:
    """Bob's fridge bought online, and his claim on it an approved return (its label ready);
    what puts the records back."""
    fridge = Warranty.objects.get(branch_id=records.north.pk, code=f"{records.north.code}-W9")
    Warranty.objects.filter(pk=fridge.pk).update(sale_channel="online")
    claim = Claim.objects.get(branch_id=records.north.pk, number="CL-9")
    online = OnlineClaim.objects.create(
        account=CustomerAccount.objects.get(email=records.bob_email), branch_id=records.north.pk,
        warranty=fridge, item_id="web-return-cl9", fault="Door rattles", claim=claim,
        preferred_outcome="repair", sender_name="Bob", sender_address="1 Road\nTown")
    approved = ClaimEvent.objects.create(
        claim=claim, event_id=uuid.uuid4(), seq=50, occurred_at=claim.opened_at,
        topic="claim.return_approved",
        details={"return_to": {"name": "North", "address": "2 Street, City", "phone": ""}})

    def undo() -> None:
        approved.delete()
        online.delete()
        Warranty.objects.filter(pk=fridge.pk).update(sale_channel="")
    return undo


def _plan_for_bobs_fridge(records: Shops) -> None:
    Warranty.objects.filter(branch_id=records.north.pk, code=f"{records.north.code}-W9"
                            ).update(category="kitchen", price_minor=50_000)
    ExtensionPlan.objects.get_or_create(
        branch_id=records.north.pk, code="PLAN-9",
        defaults={"name": "Care", "months": 12, "price_minor": 4_900, "currency": "GBP",
                  "max_days_since_sale": 30})


def test_every_customer_url_with_another_customers_ids_answers_404(records: Shops) -> None:
    names = {p.name for p in customer_urls.urlpatterns if isinstance(p, URLPattern)}
    others = _own_pattern_args(records)
    assert names == set(others), "a new customer page needs its line here"
    _plan_for_bobs_fridge(records)
    with smtp() as box:
        ann = signed_in_customer(box, records.ann_email)
        bob = signed_in_customer(box, records.bob_email)
    undo = _bobs_fridge_returned_online(records)
    # Coming back from paying needs a payment begun: Bob's own answer is the way on.
    paying = bob.post(reverse("customers:extension", args=others["extension"]),
                      {"payment": "online"})["Location"]
    queries = {"extension-paid": paying[paying.index("?"):]}
    try:
        for name, args in others.items():
            url = reverse(f"customers:{name}", args=args) + queries.get(name, "")
            assert bob.get(url).status_code == (302 if name in queries else 200), url
            if args:
                assert ann.get(url).status_code == 404, url
    finally:
        undo()
    # A browser not signed in is asked for a code.
    assert client().get(reverse("customers:certificate", args=others["certificate"])
                        )["Location"] == "/me/sign-in/"


def test_the_claim_timeline_shows_each_step_in_plain_words_and_no_costs(records: Shops) -> None:
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
    url = reverse("customers:claim", args=[records.north.code, "cl-9"])
    assert url.lower() in bob.get("/me/").content.decode().lower()
    page = bob.get(url).content.decode()
    steps = re.findall(r"<strong>(.*?)</strong>", page)
    assert steps == ["Received", "Reviewing", "Repairing"]
    assert "The unit is being repaired." in page and "&lt;i&gt;Door&lt;/i&gt; rattles" in page
    assert "123.45" not in page
