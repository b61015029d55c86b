"""A warranty card and Start a claim show the till's own policy terms, not general ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from portal.branches.models import Branch
from portal.clock import now as portal_now
from portal.customers.claims import link
from portal.customers.eligibility import facts_for, terms_of, verdict
from portal.customers.models import CustomerAccount, OnlineClaim, OnlineDocument
from portal.inbox.services import queue_item
from portal.projections import projector
from portal.projections.models import Claim, ClaimEvent, Policy, RefusedItem, Warranty
from sync.inbox import PortalInbox, pull_once
from tests.conftest import TODAY, actor
from tests.portal.customers import claim_with, sale, signed_in_customer, smtp
from tests.portal.support import LivePortal, PortalDatabase, RegisteredBranch, register
from tests.portal.till import client, push_all, till
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue, claims, shop_settings
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

pytestmark = pytest.mark.usefixtures("fresh_limits")
DANA = "dana@example.org"
POLICY = "Laptops <b>12</b>"


@dataclass(frozen=True)
class Shop:
    """A till whose laptop policy excludes two things, asks for two kinds of evidence and
    allows one claim a year; it sold Dana a laptop."""

    branch: RegisteredBranch
    db: Database
    code: str


@pytest.fixture(scope="module")
def shop(live_portal: LivePortal, portal_db: PortalDatabase,
         tmp_path_factory: pytest.TempPathFactory) -> Shop:
    branch = register()
    _, db = till(tmp_path_factory.mktemp("till"), branch)
    owner = actor(Role.OWNER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(
        name=POLICY, manufacturer_months=12,
        exclusions=("Liquid <i>damage</i>", "Not the battery after 6 months"),
        evidence_required={"fault": ("photo_of_fault", "video_of_fault")},
        claim_limit_count=1, claim_limit_period_months=12))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="LAP-1", name="Laptop", brand="Orbit", category="laptops", policy=POLICY,
        list_price_minor=90_000)])
    sold = record_sale(db, actor(Role.SALES), SaleInput(
        "INV-L1", TODAY - timedelta(days=20), (LineInput("LAP-1", 1, 90_000, ("SN-L1",)),),
        CustomerInput("Dana", email=DANA)))
    push_all(db, live_portal, branch)
    projector.catch_up(branch.pk)
    return Shop(branch, db, sold.warranty_codes[0])


def _dana() -> Client:
    with smtp() as box:
        return signed_in_customer(box, DANA)


def test_the_card_lists_the_policys_exclusions_in_plain_words(shop: Shop) -> None:
    page = _dana().get(reverse("customers:products")).content.decode()
    assert "Not covered: Liquid &lt;i&gt;damage&lt;/i&gt;" in page and "<i>" not in page
    assert "Not the battery after 6 months" in page
    assert "listed on the certificate" not in page


def test_start_a_claim_offers_the_categorys_faults_and_the_policys_checklist(shop: Shop) -> None:
    url = reverse("customers:start_claim", args=[shop.branch.code, shop.code])
    page = _dana().get(url).content.decode()
    assert "Will not power on" in page and "Hinge cracked or loose" in page  # laptops' list
    assert "Stopped charging or holding a charge" not in page  # the general list
    assert "The shop asks for: photo of the fault, video of the fault." in page
    assert 'name="video_of_fault"' in page and 'name="serial_photo"' not in page
    assert "has not received this warranty&#x27;s policy" not in page


def test_the_claim_limit_is_the_tills_own_rule(shop: Shop) -> None:
    warranty = Warranty.objects.select_related("branch").get(branch_id=shop.branch.pk,
                                                            code=shop.code)
    terms = terms_of(warranty)
    assert (terms.claim_limit, terms.limit_months) == (1, 12)
    assert verdict(warranty, TODAY, terms).eligible
    assert warranty.customer is not None
    earlier = claim_with(shop.branch, warranty.customer, warranty, "CL-OLD", [("resolved", 2)])
    try:
        found = verdict(warranty, TODAY, terms)
        assert not found.eligible
        assert "The claim limit is reached: 1 of 1 claims in the last 12 months." in found.reasons
        page = _dana().get(reverse("customers:products")).content.decode()
        assert "The claim limit is reached" in page
    finally:
        ClaimEvent.objects.filter(claim=earlier).delete()
        earlier.delete()


def test_a_changed_policy_shows_its_new_terms_and_rebuilding_gives_the_same_rows(
    shop: Shop, live_portal: LivePortal,
) -> None:
    policy = next(p for p in shop_settings.list_policies(shop.db) if p.name == POLICY)
    shop_settings.update_policy(shop.db, actor(Role.OWNER), policy.id, catalogue.PolicyInput(
        name=POLICY, manufacturer_months=12, exclusions=("Cracked screens",),
        evidence_required={"fault": ("photo_of_fault",)}, claim_limit_count=2,
        claim_limit_period_months=24))
    push_all(shop.db, live_portal, shop.branch)
    projector.catch_up(shop.branch.pk)

    def rows() -> list[tuple[object, ...]]:
        return list(Policy.objects.filter(branch_id=shop.branch.pk).order_by("ref").values_list(
            "ref", "name", "exclusions", "evidence_required", "claim_limit_count",
            "claim_limit_period_months", "seq"))

    before = rows()
    assert [r[2:6] for r in before] == [(["Cracked screens"], {"fault": ["photo_of_fault"]},
                                         2, 24)]
    projector.rebuild([shop.branch.pk])
    assert rows() == before
    warranty = Warranty.objects.get(branch_id=shop.branch.pk, code=shop.code)
    assert warranty.policy_ref == policy.id.hex
    page = _dana().get(reverse("customers:products")).content.decode()
    assert "Not covered: Cracked screens" in page and "Liquid" not in page


def test_a_warranty_whose_till_sent_no_policy_says_so_and_keeps_the_general_terms(
    shop: Shop,
) -> None:
    other = register()
    warranty = Warranty.objects.get(branch_id=shop.branch.pk, code=shop.code)
    assert warranty.customer is not None
    older = sale(other, warranty.customer, f"{other.code}-W1", "Old kettle", "SN-OK-1",
                 TODAY - timedelta(days=40), 1)
    # Made by the helper as a till from before the terms travelled would: no policy named.
    assert older.policy_ref == ""
    page = _dana().get(reverse("customers:products")).content.decode()
    assert "Head office has not received this warranty&#x27;s policy from the shop" in page
    url = reverse("customers:start_claim", args=[other.code, older.code])
    start = _dana().get(url).content.decode()
    assert "Head office has not received this warranty&#x27;s policy" in start
    assert "Stopped charging or holding a charge" in start  # the general list
    assert "The shop asks for: photo of the fault, photo of the serial label." in start


def test_an_online_claim_is_linked_to_the_claim_naming_its_item_not_the_first_by_time(
    shop: Shop,
) -> None:
    warranty = Warranty.objects.get(branch_id=shop.branch.pk, code=shop.code)
    _dana()  # her account, made at her first sign-in
    account = CustomerAccount.objects.get(email=DANA)
    first, second, older = (OnlineClaim.objects.create(
        account=account, branch_id=shop.branch.pk, warranty=warranty, item_id=item,
        fault="Fan loud") for item in ("web-first", "web-second", "web-older-till"))
    at = portal_now()
    # The branch opened the second one first: by time alone the first would take it.
    made = [Claim.objects.create(branch_id=shop.branch.pk, number=number, warranty=warranty,
                                 channel="portal", external_ref=ref, opened_at=at + lag)
            for number, ref, lag in (("CL-2ND", "web-second", timedelta(minutes=1)),
                                     ("CL-1ST", "web-first", timedelta(minutes=2)),
                                     ("CL-OLD", "", timedelta(minutes=3)))]
    try:
        assert [(link(o) or Claim()).number for o in (first, second, older)] == [
            "CL-1ST", "CL-2ND", "CL-OLD"]  # a till naming no item: matched as before
    finally:
        OnlineClaim.objects.filter(pk__in=[first.pk, second.pk, older.pk]).delete()
        Claim.objects.filter(pk__in=[c.pk for c in made]).delete()


def test_a_claim_the_branch_gave_up_never_pairs_with_a_later_claim_of_an_older_till(
    shop: Shop,
) -> None:
    # An older till names no item, so its claims pair by unit and time; one the branch refused
    # never came back as a claim, and must not take the claim of the next one started here.
    warranty = Warranty.objects.get(branch_id=shop.branch.pk, code=shop.code)
    _dana()
    account = CustomerAccount.objects.get(email=DANA)
    at = portal_now() - timedelta(hours=2)
    refused, later = (OnlineClaim.objects.create(
        account=account, branch_id=shop.branch.pk, warranty=warranty, item_id=item,
        fault="Fan loud", created_at=at + lag)
        for item, lag in (("web-given-up", timedelta()), ("web-taken", timedelta(minutes=5))))
    gave_up = RefusedItem.objects.create(branch_id=shop.branch.pk, item_id=refused.item_id,
                                         kind="claim_started", reason="An open claim exists.")
    made = Claim.objects.create(branch_id=shop.branch.pk, number="CL-LATER", warranty=warranty,
                                channel="portal", external_ref="",
                                opened_at=at + timedelta(minutes=10))
    try:
        assert link(refused) is None
        assert link(later) == made
    finally:
        OnlineClaim.objects.filter(pk__in=[refused.pk, later.pk]).delete()
        made.delete()
        gave_up.delete()


def test_a_claim_the_shop_refuses_says_so_why_and_what_to_do(
    shop: Shop, live_portal: LivePortal, tmp_path: Path,
) -> None:
    dana = _dana()
    sent = dana.post(reverse("customers:start_claim", args=[shop.branch.code, shop.code]),
                     {"fault": "Will not power on"})
    assert sent.status_code == 302, sent.content.decode()[:2000]
    online = OnlineClaim.objects.get(branch_id=shop.branch.pk, claim=None,
                                     item_id=sent["Location"].rstrip("/").rsplit("/", 1)[-1])
    # Meanwhile the customer's partner brought the unit in: the counter opened a claim first.
    counter = claims.start_claim(shop.db, actor(Role.SALES), claims.StartClaim(
        shop.code, "Fan loud"))
    pulled = pull_once(shop.db, PortalInbox(client(live_portal, shop.branch.token),
                                            shop.branch.code),
                       documents=DocumentStore(tmp_path / "documents"))
    assert pulled.error == "" and len(pulled.problems) == 1, pulled
    push_all(shop.db, live_portal, shop.branch)
    projector.catch_up(shop.branch.pk)
    page = dana.get(sent["Location"]).content.decode()
    assert "Not registered by the shop<small>" in page  # where it stands now
    assert "could not register this claim from here. Their till said:" in page
    assert counter.number in page  # the till's reason names its open claim
    assert "Call or visit" in page and "with the unit and your receipt" in page
    landing = dana.get(reverse("customers:products")).content.decode()
    assert "Not registered by the shop</span>" in landing
    # The unit's open claim is the counter's now, not the refused one.
    warranty = Warranty.objects.get(branch_id=shop.branch.pk, code=shop.code)
    found = facts_for([warranty])[warranty.pk].open_claim
    assert isinstance(found, Claim) and found.number == counter.number
    assert online.pk is not None


@pytest.mark.parametrize("names_item", [True, False], ids=["till-names-item", "older-till"])
def test_a_claim_opened_by_its_number_first_shows_what_the_customer_added_online(
    shop: Shop, names_item: bool,
) -> None:
    # The email from the shop links the claim by its number: My products was never visited,
    # so nothing had linked the claim started here to the branch's.
    warranty = Warranty.objects.get(branch_id=shop.branch.pk, code=shop.code)
    dana = _dana()
    account = CustomerAccount.objects.get(email=DANA)
    online = OnlineClaim.objects.create(account=account, branch_id=shop.branch.pk,
                                        warranty=warranty, item_id="web-by-number",
                                        fault="Hinge cracked",
                                        # Before the claims earlier tests left waiting on this
                                        # unit: an older till's claim pairs with the oldest.
                                        created_at=portal_now() - timedelta(hours=1))
    OnlineDocument.objects.create(account=account, branch_id=shop.branch.pk,
                                  online_claim=online, sha256="ab" * 32, name="hinge.jpg",
                                  kind="photo_of_fault", media_type="image/jpeg", size=3,
                                  item_id="doc-by-number")
    made = Claim.objects.create(branch_id=shop.branch.pk, number="CL-BYNUM", warranty=warranty,
                                customer=warranty.customer, channel="portal",
                                external_ref=online.item_id if names_item else "",
                                opened_at=portal_now())
    # What she wrote before the branch numbered the claim names the claim started here.
    wrote = queue_item(Branch.objects.get(pk=shop.branch.pk), "message_received",
                       {"claim_ref": online.item_id, "body": "It clicks when opened"})
    try:
        page = dana.get(reverse("customers:documents", args=[shop.branch.code, made.number]))
        assert page.status_code == 200
        assert "hinge.jpg" in page.content.decode()
        online.refresh_from_db()
        assert online.claim_id == made.pk  # linked once, as My products would have
        thread = dana.get(reverse("customers:messages", args=[shop.branch.code, made.number]))
        assert "It clicks when opened" in thread.content.decode()
    finally:
        wrote.delete()
        online.delete()
        made.delete()
