"""Head office sees brand claims: a real till lodges two claims with a brand, the brand's
status moves (at the desk and by head office's brand_status item), the supplier pays part,
and the staff claim page and the list by supplier show it, amounts and all."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.branches.models import Branch
from portal.inbox.services import queue_item
from portal.projections import projector
from portal.projections.models import BrandClaim, BrandClaimLine
from sync.inbox import PortalInbox, pull_once
from tests.conftest import TODAY, actor
from tests.portal.office import signed_in
from tests.portal.support import LivePortal, register
from tests.portal.till import client, in_returns_stock, push_all, till
from warranty_desk.permissions import Role
from warranty_desk.services import brand_claims, catalogue
from warranty_desk.services import settlements as settle
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.documents import DocumentStore


@dataclass(frozen=True)
class Lodged:
    """What the till sent: a brand claim over two claims, and the branch."""

    code: str
    number: str
    claims: tuple[str, str]


@pytest.fixture(scope="module")
def lodged(live_portal: LivePortal, tmp_path_factory: pytest.TempPathFactory) -> Lodged:
    branch = register()
    home, db = till(tmp_path_factory.mktemp("till"), branch)
    owner, sales, store, finance = (actor(Role.OWNER), actor(Role.SALES),
                                    actor(Role.STOREKEEPER), actor(Role.FINANCE))
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Kettles 12",
                                                          manufacturer_months=12))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="KT-1", name="Kettlo Boil <Pro>", brand="Kettlo", category="kettles",
        policy="Kettles 12", list_price_minor=4_900)])
    sale = record_sale(db, sales, SaleInput(
        f"INV-{branch.code}", TODAY, (LineInput("KT-1", 2, 4_900, ("KT-A", "KT-B")),),
        CustomerInput("Ada Lovelace", phone="+44 20 7946 0777")))
    numbers = in_returns_stock(db, list(sale.warranty_codes), "Will not boil")
    view = brand_claims.open_brand_claim(db, store, numbers)
    brand_claims.set_details(db, store, view.number, external_id="KTL-<77>",
                             service_centre="Kettlo Care, Leeds")
    brand_claims.update_status(db, store, view.number, "acknowledged")
    settle.record_settlement(db, finance, view.number, settle.SettlementInput(
        1_000, "REM-001"))
    push_all(db, live_portal, branch)
    # Head office passes on the brand's word; the till applies it and says so in its events.
    queue_item(Branch.objects.get(pk=branch.pk), "brand_status",
               {"claim_number": numbers[1], "brand_claim_id": "KTL-<77>",
                "status": "approved", "note": "Approved on the brand's portal"},
               item_id="brand-approved")
    report = pull_once(db, PortalInbox(client(live_portal, branch.token), branch.code),
                       documents=DocumentStore(home.documents))
    assert (report.applied, report.problems) == (1, ())
    push_all(db, live_portal, branch)
    projector.catch_up(branch.pk)
    db.dispose()
    return Lodged(branch.code, view.number, (numbers[0], numbers[1]))


def test_head_office_projects_the_brand_claim_as_the_till_last_told(lodged: Lodged) -> None:
    row = BrandClaim.objects.get(branch__code=lodged.code, number=lodged.number)
    assert (row.supplier, row.brand, row.external_id, row.service_centre) == (
        "Kettlo", "Kettlo", "KTL-<77>", "Kettlo Care, Leeds")
    assert (row.status, row.approval, row.closed) == ("approved", "approved", False)
    assert row.claim_numbers == list(lodged.claims)
    assert (row.expected_minor, row.settled_minor, row.outstanding_minor) == (2_500, 1_000, 1_500)
    topics = list(BrandClaimLine.objects.filter(brand_claim=row).values_list("topic", "details"))
    assert [t for t, _ in topics] == [
        "brand_claim.opened", "brand_claim.details_set", "brand_claim.status_changed",
        "brand_claim.settled", "brand_claim.status_changed"]
    assert topics[-1][1] == {"from_status": "acknowledged", "status": "approved",
                             "source": "head_office", "note": "Approved on the brand's portal",
                             "inbox_item": "brand-approved"}


def test_projecting_again_changes_nothing(lodged: Lodged) -> None:
    branch = Branch.objects.get(code=lodged.code)
    before = list(BrandClaim.objects.filter(branch=branch).values())
    lines = BrandClaimLine.objects.filter(brand_claim__branch=branch).count()
    projector.rebuild([branch.pk])
    after = list(BrandClaim.objects.filter(branch=branch).values())
    strip = [{k: v for k, v in r.items() if k != "id"} for r in before]
    assert [{k: v for k, v in r.items() if k != "id"} for r in after] == strip
    assert BrandClaimLine.objects.filter(brand_claim__branch=branch).count() == lines


def test_the_staff_claim_page_shows_its_brand_claim_with_status_and_amounts(
    lodged: Lodged,
) -> None:
    browser, _ = signed_in("auditor")
    with CaptureQueriesContext(connection) as seen:
        page = browser.get(reverse("office:claim", args=[lodged.code, lodged.claims[1]]))
    assert page.status_code == 200
    # The brand claims in one query and all their history lines in one more, however many.
    assert len(seen) == 10
    text = page.content.decode()
    assert "Brand claims" in text and lodged.number in text
    assert "KTL-&lt;77&gt;" in text and "KTL-<77>" not in text
    assert "Kettlo Care, Leeds" in text
    for amount in ("25.00 EUR", "10.00 EUR", "15.00 EUR"):
        assert amount in text
    assert "acknowledged → approved" in text and "<dd>head office</dd>" in text
    assert "REM-001" in text and "<dt>final</dt><dd>no</dd>" in text
    # The other claim in the brand claim is a link to its own page.
    assert reverse("office:claim", args=[lodged.code, lodged.claims[0]]) in text


def test_the_staff_list_shows_brand_claims_by_supplier_with_totals(lodged: Lodged) -> None:
    browser, _ = signed_in("support")
    with CaptureQueriesContext(connection) as seen:
        text = browser.get(reverse("office:brand-claims")).content.decode()
    # The session, the user, the staff member, the brand claims, the suppliers: no query a row.
    assert len(seen) == 5
    assert "<h2>Kettlo" in text and lodged.number in text and "approved" in text
    assert text.count("15.00 EUR") == 2  # the row and the supplier's total
    none = browser.get(reverse("office:brand-claims") + "?supplier=Nobody").content.decode()
    assert "No open brand claims for Nobody" in none and lodged.number not in none
    one = browser.get(reverse("office:brand-claims") + "?supplier=kettlo").content.decode()
    assert lodged.number in one
