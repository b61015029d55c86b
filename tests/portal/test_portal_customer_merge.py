"""Head office follows a branch's merge of duplicate customers: one person, one record."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from portal.branches.models import Branch
from portal.customers.claims import start as start_online
from portal.customers.claims import started_claims
from portal.customers.identity import account_for
from portal.customers.models import CustomerAccount
from portal.customers.rebuilds import RebuildLost
from portal.customers.views import own_warranties
from portal.projections import projector
from portal.projections.models import Claim, ClaimEvent, Customer, Message, Warranty
from portal.receiver.events import store_batch
from portal.receiver.models import Event
from tests.conftest import TODAY, actor
from tests.portal.customers import signed_in_customer, smtp
from tests.portal.office import signed_in
from tests.portal.support import LivePortal, RegisteredBranch, numbered_id, register
from tests.portal.test_portal_projection import _sale, snapshot
from tests.portal.till import push_all, till
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue, claims, customer_merge
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

pytestmark = pytest.mark.usefixtures("fresh_limits")

KEPT_EMAIL, DROPPED_EMAIL = "ada@example.org", "lovelace@example.net"


def _two_adas(db: Database) -> tuple[str, str]:
    """Ada twice, each with a kettle; the second with a claim. The second was recorded with
    another number, which an upgrade read as the same one (as the till's 0009 leaves them)."""
    owner, sales = actor(Role.OWNER), actor(Role.SALES)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Kettles 24",
                                                          manufacturer_months=24))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="MG-KET", name="Merge Kettle", brand="Boil", category="kettles",
        policy="Kettles 24", list_price_minor=4_900)])
    codes = []
    for n, (name, phone, email) in enumerate((
            ("Ada Lovelace", "020 7946 0958", KEPT_EMAIL),
            ("A. Lovelace", "+44 20 7946 0999", DROPPED_EMAIL)), 1):
        codes.append(record_sale(db, sales, SaleInput(
            f"INV-MG{n}", TODAY, (LineInput("MG-KET", 1, 4_900, (f"SN-MG-{n}",)),),
            CustomerInput(name, phone=phone, email=email))).warranty_codes[0])
    claims.start_claim(db, sales, claims.StartClaim(codes[1], "Does not boil"))
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute("UPDATE customers SET phone = '+442079460958'")
        refs = [str(r) for (r,) in conn.execute(
            "SELECT reference FROM customers ORDER BY reference")]
    conn.close()
    return refs[0], refs[1]


def _cards(page: str) -> list[str]:
    return re.findall(r"<article class=\"card\" aria-labelledby.*?</article>", page, re.S)


def test_a_merge_at_the_till_moves_every_projected_row_and_leaves_one_customer(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    _, db = till(tmp_path, branch)
    keep, drop = _two_adas(db)
    push_all(db, live_portal, branch)
    projector.catch_up(branch.pk)
    dropped = Customer.objects.get(branch_id=branch.pk, reference=drop)
    assert Claim.objects.filter(customer=dropped).count() == 1
    # The dropped record's address signed in before the merge and saw its own kettle.
    with smtp() as box:
        lovelace = signed_in_customer(box, DROPPED_EMAIL)
    assert "SN-MG-2" in lovelace.get("/me/").content.decode()
    # ... and started a claim on it here, which the branch has not numbered yet.
    old = account_for(email=DROPPED_EMAIL)
    assert old is not None
    started = start_online(old, Warranty.objects.get(serial="SN-MG-2"), "Lid will not shut", [])
    started_url = reverse("customers:claim", args=[branch.code, started.item_id])
    assert lovelace.get(started_url).status_code == 200

    customer_merge.merge(db, actor(Role.SUPPORT), keep, drop)
    push_all(db, live_portal, branch)
    projector.catch_up(branch.pk)

    kept = Customer.objects.get(branch_id=branch.pk, reference=keep)
    dropped.refresh_from_db()
    for model in (Warranty, Claim, Message):
        assert not model.objects.filter(customer=dropped).exists(), model
    assert (dropped.merged_into, kept.merged_into, kept.email) == (keep, "", KEPT_EMAIL)
    assert sorted(Warranty.objects.filter(customer=kept).values_list("serial", flat=True)
                  ) == ["SN-MG-1", "SN-MG-2"]
    claim = Claim.objects.get(branch_id=branch.pk)
    assert claim.customer == kept and claim.timeline.exists()
    assert Message.objects.filter(customer=kept, claim=claim).exists()

    # Head office's customer page: one customer with both kettles and the claim.
    staff, _ = signed_in("auditor")
    page = staff.get(reverse("office:customer", args=[branch.code, keep])).content.decode()
    assert "Also a customer at" not in page
    assert "SN-MG-1" in page and "SN-MG-2" in page and claim.number in page
    gone = staff.get(reverse("office:customer", args=[branch.code, drop]), follow=True)
    assert gone.redirect_chain == [(reverse("office:customer", args=[branch.code, keep]), 302)]
    assert f"merged customer {drop} into {keep}" in gone.content.decode()
    found = staff.get(reverse("office:search"), {"q": "Lovelace"}).content.decode()
    assert keep in found and drop not in found

    # The customer portal: the kept record's address shows both kettles; the dropped record's
    # address signs nobody in any more and its old account sees nothing of anyone's.
    with smtp() as box:
        ada = signed_in_customer(box, KEPT_EMAIL)
    cards = _cards(ada.get("/me/").content.decode())
    assert len(cards) == 2 and any("SN-MG-1" in c for c in cards) and any(
        "SN-MG-2" in c for c in cards)
    assert account_for(email="new-" + DROPPED_EMAIL) is None
    assert account_for(email=DROPPED_EMAIL) == old
    assert own_warranties(old) == [] and started_claims(old) == []
    mine = [reverse("customers:certificate", args=[branch.code, w.code])
            for w in Warranty.objects.filter(customer=kept)]
    mine += [reverse("customers:claim", args=[branch.code, claim.number]), started_url]
    assert [ada.get(url).status_code for url in mine] == [200] * 4
    # The merge is the branch's word on its records, not on who signs in: the old session of
    # the dropped address sees nothing of the kept customer's, not even its old kettle.
    # Nor the claim it started itself: the unit is the kept customer's now.
    assert [lovelace.get(url).status_code for url in mine] == [404] * 4
    assert not _cards(lovelace.get("/me/").content.decode())

    # Replaying the branch's whole log ends where the runs of events did.
    before = snapshot(branch.pk)
    assert projector.rebuild([branch.pk]) > 0
    assert snapshot(branch.pk) == before
    db.dispose()


def _event(n: int, seq: int, topic: str, aggregate: str, key: str,
           payload: dict[str, Any]) -> dict[str, Any]:
    return {"id": numbered_id(n), "seq": seq, "topic": topic, "aggregate": aggregate,
            "aggregate_id": key, "occurred_at": f"2026-11-22T10:00:{seq:02d}+00:00",
            "payload": payload}


def test_a_merge_into_a_customer_not_yet_projected_loses_no_rows(portal_db: object) -> None:
    branch = Branch.objects.get(code=register().code)
    sale = _sale(1, 1, ids=5000)
    # The dropped record's last word arrives before anything of the kept one.
    into = _event(5101, 5, "customer.updated", "customer", "C-1",
                  {"reference": "C-1", "name": "Person 1", "phone": "+44 20 7946 0001",
                   "email": "", "segment": "retail", "retention_follow_up": False,
                   "merged_into": "C-9"})
    store_batch(branch, [*sale, into])
    assert projector.catch_up(branch.pk) == 5
    bare = Customer.objects.get(branch=branch, reference="C-9")
    assert Warranty.objects.get(branch=branch).customer == bare
    assert Claim.objects.get(branch=branch).customer == bare
    assert ClaimEvent.objects.filter(claim__customer=bare).count() == 2

    # Then the kept record's own word, and a late message still naming the duplicate.
    store_batch(branch, [
        _event(5102, 6, "customer.updated", "customer", "C-9",
               {"reference": "C-9", "name": "Person Nine", "phone": "+44 20 7946 0001",
                "email": "", "segment": "retail", "retention_follow_up": False,
                "merged_from": "C-1"}),
        _event(5103, 7, "message.queued", "message", "M-1",
               {"id": "M-1", "customer": "C-1", "claim": "X-C-000001", "template": "t",
                "subject": "Your claim", "body": "Hello"})])
    assert projector.catch_up(branch.pk) == 2
    kept = Customer.objects.get(branch=branch, reference="C-9")
    assert (kept.pk, kept.name, kept.merged_into) == (bare.pk, "Person Nine", "")
    assert Message.objects.get(branch=branch).customer == kept
    assert Customer.objects.get(branch=branch, reference="C-1").merged_into == "C-9"

    before = snapshot(branch.pk)
    assert projector.rebuild([branch.pk]) == 7
    assert snapshot(branch.pk) == before


def test_a_rebuild_that_cannot_put_back_a_customers_online_claim_undoes_itself(
    portal_db: object,
) -> None:
    branch = Branch.objects.get(code=register().code)
    store_batch(branch, _sale(2, 1, ids=6000))
    projector.catch_up(branch.pk)
    warranty = Warranty.objects.get(branch=branch)
    account = CustomerAccount.objects.create(
        user=User.objects.create(username="rebuild-person"), phone="+442079460002")
    started = start_online(account, warranty, "Screen flickers", [])
    # The branch's events are gone from the store (restored from a bad backup, say).
    Event.objects.filter(branch=branch).delete()
    with pytest.raises(RebuildLost, match=f"no longer make {warranty.code}"):
        projector.rebuild([branch.pk])
    started.refresh_from_db()
    assert started.warranty_id == warranty.pk
    assert Warranty.objects.filter(pk=warranty.pk).exists()  # nothing was rebuilt
