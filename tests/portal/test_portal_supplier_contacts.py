"""Supplier contacts at head office: a real till lodges brand claims with two suppliers; one
supplier's contact signs in, sees only their own supplier's brand claims (nothing else of the
office), sends a status, their claim ID, their report and a settlement proposal; the till pulls
each as a brand_status item and its brand claim moves; the page shows each update sent, then
applied once the branch's events come back."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from sqlalchemy import select

from portal.errors import PortalInputError
from portal.inbox.models import InboxItem
from portal.projections import projector
from portal.receiver.models import Document
from portal.staff import urls as office_urls
from portal.staff.models import StaffMember, SupplierUpdate
from portal.staff.services import add_staff
from sync.inbox import PortalInbox, pull_once
from tests.conftest import TODAY
from tests.portal.customers import PDF
from tests.portal.office import client, signed_in
from tests.portal.suppliers import WRITE_OFF_REASON, Lodged, lodged_for_module
from tests.portal.support import (
    LivePortal,
    PortalDatabase,
    portal_command,
    portal_env,
)
from tests.portal.till import client as till_client
from tests.portal.till import push_all
from warranty_desk.models import BrandClaim, BrandStatusUpdate, EvidenceDocument, Settlement
from warranty_desk.storage.documents import DocumentStore

CONTACT = "care@kettlo.example"
# What a supplier's contact may type: markup, quotes, other scripts, and length.
ODD_NOTE = ("<script>alert('x')</script> \"Teil\" bestellt — запчасть заказана, 部品を注文 "
            + "Λεπτομέρειες " * 60)
REFUSED = r"^(Forbidden|Not Found|Bad Request): /(office|admin)/"


@pytest.fixture(scope="module")
def lodged(live_portal: LivePortal, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Lodged]:
    yield from lodged_for_module(live_portal, tmp_path_factory)


def contact() -> Client:
    """Kettlo's contact, signed in (made once a module)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=CONTACT).first()
    if user is None:
        user = add_staff(CONTACT, "supplier", "Kettlo")[0].user
    browser = client()
    browser.force_login(user)
    return browser


def page_of(lodged: Lodged, number: str) -> str:
    return reverse("office:brand-claim", args=[lodged.branch.code, number])


def post(browser: Client, lodged: Lodged, number: str, **fields: object) -> object:
    return browser.post(reverse("office:brand-claim-update",
                                args=[lodged.branch.code, number]), fields)


def pull(lodged: Lodged, live: LivePortal) -> None:
    """The till pulls its inbox from the live portal, sends its events back, head office
    projects them."""
    report = pull_once(lodged.db, PortalInbox(till_client(live, lodged.branch.token),
                                              lodged.branch.code),
                       documents=DocumentStore(lodged.home.documents))
    assert report.error == "", report
    push_all(lodged.db, live, lodged.branch)
    projector.catch_up(lodged.branch.pk)


def _office_patterns() -> list[URLPattern]:
    return [p for p in office_urls.urlpatterns if isinstance(p, URLPattern)]


@pytest.mark.logs(REFUSED)
def test_a_supplier_contact_sees_only_their_suppliers_brand_claims(lodged: Lodged) -> None:
    browser = contact()
    text = browser.get(reverse("office:brand-claims") + "?closed=1").content.decode()
    assert lodged.kettlo in text and lodged.toastr not in text
    # Not even the other supplier's name, in the list or its filter.
    assert "Toastr" not in text and "Kettlo" in text
    asked = browser.get(reverse("office:brand-claims") + "?supplier=Toastr").content.decode()
    assert lodged.toastr not in asked and "No open brand claims for Toastr" in asked
    assert browser.get(page_of(lodged, lodged.kettlo)).status_code == 200


@pytest.mark.logs(REFUSED)
def test_another_suppliers_brand_claim_answers_404_as_if_it_did_not_exist(
    lodged: Lodged,
) -> None:
    browser = contact()
    theirs = browser.get(page_of(lodged, lodged.toastr))
    nowhere = browser.get(page_of(lodged, f"{lodged.branch.code}-BC-2026-999999"))
    assert theirs.status_code == nowhere.status_code == 404
    sent = post(browser, lodged, lodged.toastr, what="claim_id", claim_id="MINE-1")
    assert sent.status_code == 404  # type: ignore[attr-defined]
    assert not SupplierUpdate.objects.filter(brand_claim_number=lodged.toastr).exists()
    # Head-office staff see every supplier's.
    auditor, _ = signed_in("auditor")
    assert auditor.get(page_of(lodged, lodged.toastr)).status_code == 200


@pytest.mark.logs(REFUSED)
def test_every_other_office_url_refuses_a_supplier_contact(lodged: Lodged) -> None:
    browser = contact()
    values = {"code": lodged.branch.code, "number": lodged.kettlo_claims[0],
              "reference": "C-1", "warranty_code": "W-1", "sha256": "0" * 64, "pk": 1}
    open_to_them = {"sign-in", "sign-out", "brand-claims", "brand-claim", "brand-claim-update"}
    checked = []
    for pattern in _office_patterns():
        if pattern.name in open_to_them:
            continue
        url = reverse(f"office:{pattern.name}",
                      kwargs={k: values[k] for k in pattern.pattern.converters})
        for method in ("get", "post"):
            answer = getattr(browser, method)(url)
            assert answer.status_code in (403, 404, 405), (url, method, answer.status_code)
            assert answer.status_code != 200
        checked.append(pattern.name)
    assert {"health", "search", "claim", "relay", "customer", "warranty", "document",
            "branch"} <= set(checked)
    # The claims inside their own brand claim are no door either.
    assert browser.get(reverse("office:claim", args=[lodged.branch.code,
                                                     lodged.kettlo_claims[0]])).status_code == 403
    # Nor is Django's admin: a supplier contact is no admin.
    assert browser.get("/admin/").status_code == 302
    refused = browser.get(reverse("office:health")).content.decode()
    assert "Back to your brand claims" in refused and "Sync health" not in refused


@pytest.mark.logs(REFUSED)
def test_only_a_supplier_contact_sends_updates_and_staff_see_them(lodged: Lodged) -> None:
    for role in ("admin", "support", "auditor"):
        staff, _ = signed_in(role)
        assert post(staff, lodged, lodged.kettlo, what="claim_id",
                    claim_id="X").status_code == 403  # type: ignore[attr-defined]
        page = staff.get(page_of(lodged, lodged.kettlo)).content.decode()
        assert "Send an update" not in page and "Updates sent from head office" in page


@pytest.mark.logs(REFUSED)
def test_signing_in_takes_a_supplier_contact_to_their_brand_claims(
    lodged: Lodged, fresh_limits: None,
) -> None:
    member, password = add_staff("signs-in@toastr.example", "supplier", "  Toastr ")
    assert member.supplier == "Toastr"
    browser = client()
    answer = browser.post(reverse("office:sign-in"), {"username": "signs-in@toastr.example",
                                                       "password": password})
    assert answer.status_code == 302 and answer["Location"] == reverse("office:brand-claims")
    text = browser.get(answer["Location"] + "?closed=1").content.decode()
    assert lodged.toastr in text and lodged.kettlo not in text
    assert "Supplier contact" in text and "Sync health" not in text
    # What the shop wrote off is its own business: not in the list, not on the page.
    assert "Written off" not in text and "Outstanding" not in text
    page = browser.get(page_of(lodged, lodged.toastr)).content.decode()
    assert WRITE_OFF_REASON not in page and "Written off" not in page
    auditor, _ = signed_in("auditor")
    seen = auditor.get(page_of(lodged, lodged.toastr)).content.decode()
    assert WRITE_OFF_REASON in seen and "Written off" in seen


def _nothing_sent(lodged: Lodged, before: tuple[int, int, int]) -> None:
    assert (SupplierUpdate.objects.count(),
            InboxItem.objects.filter(branch_id=lodged.branch.pk).count(),
            Document.objects.filter(branch_id=lodged.branch.pk).count()) == before


@pytest.mark.logs(REFUSED)
def test_bad_input_gets_a_plain_message_and_nothing_is_sent(lodged: Lodged) -> None:
    browser = contact()
    before = (SupplierUpdate.objects.count(),
              InboxItem.objects.filter(branch_id=lodged.branch.pk).count(),
              Document.objects.filter(branch_id=lodged.branch.pk).count())
    html = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>",
                              content_type="application/pdf")
    cases = [
        ({"what": "status", "status": "repaired"}, "is not a status the branches know"),
        ({"what": "status", "status": "submitted"}, "already"),
        ({"what": "claim_id", "claim_id": "   "}, "Type your claim ID"),
        ({"what": "claim_id", "claim_id": "K" * 65}, "at most 64"),
        ({"what": "report", "report": html}, "A supplier report must be a photo (JPEG, PNG or "
                                             "WebP) or a PDF"),
        ({"what": "report"}, "Choose the report to upload"),
        ({"what": "proposal", "amount": "twelve"}, "The amount: &#x27;twelve&#x27; is not an "
                                                   "amount"),
        ({"what": "proposal", "amount": "0"}, "The amount is nothing"),
        ({"what": "proposal", "amount": "10", "note": "n" * 1001}, "keep it under 1,000"),
        ({"what": "something"}, "Use one of the forms"),
    ]
    for fields, said in cases:
        answer = post(browser, lodged, lodged.kettlo, **fields)
        text = answer.content.decode()  # type: ignore[attr-defined]
        assert answer.status_code == 400, fields  # type: ignore[attr-defined]
        assert said in text, (fields, re.findall(r'role="alert">([^<]*)', text))
        _nothing_sent(lodged, before)
    # What was typed stays in the form, as text.
    again = post(browser, lodged, lodged.kettlo, what="proposal", amount="<b>1</b>",
                 reference="R-1").content.decode()  # type: ignore[attr-defined]
    assert 'value="&lt;b&gt;1&lt;/b&gt;"' in again and "<b>1</b>" not in again


def _state(page: str, kind: str) -> str:
    found = re.search(rf"<strong>{kind}</strong> <span class=\"badge\">([^<]*)</span>", page)
    assert found is not None, kind
    return found.group(1)


@pytest.mark.logs(REFUSED)
def test_each_update_reaches_the_till_and_shows_sent_then_applied(
    lodged: Lodged, live_portal: LivePortal,
) -> None:
    browser = contact()
    sent = [
        {"what": "status", "status": "in_repair", "note": ODD_NOTE[:1000]},
        {"what": "claim_id", "claim_id": "KTL-<77> 修理"},
        {"what": "report", "report": SimpleUploadedFile("Befund «77».pdf", PDF)},
        {"what": "proposal", "amount": "18,50", "reference": "GUT-<9>", "note": "Teilweise"},
    ]
    for fields in sent:
        answer = post(browser, lodged, lodged.kettlo, **fields)
        assert answer.status_code == 302, fields  # type: ignore[attr-defined]
    page = browser.get(page_of(lodged, lodged.kettlo)).content.decode()
    assert "is on its way to branch" in page
    for kind in ("Status", "Their claim ID", "Report", "Settlement proposal"):
        assert _state(page, kind) == "sent to the branch"
    assert "head office portal, supplier contact care@kettlo.example" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "KTL-&lt;77&gt; 修理" in page and "18.50 EUR" in page
    items = list(InboxItem.objects.filter(branch_id=lodged.branch.pk, kind="brand_status")
                 .order_by("position"))[-4:]
    assert all(i.payload["entered_by"] == "head office portal, supplier contact "
               "care@kettlo.example" and i.payload["entered_at"].startswith(TODAY.isoformat())
               for i in items)
    assert items[3].payload["proposal"] == {"amount_minor": 1850, "reference": "GUT-<9>",
                                            "note": "Teilweise"}

    pull(lodged, live_portal)

    with lodged.db.read() as session:
        row = session.scalars(select(BrandClaim).where(BrandClaim.number == lodged.kettlo)).one()
        assert (row.external_status, row.external_id) == ("in_repair", "KTL-<77> 修理")
        updates = list(session.scalars(select(BrandStatusUpdate).where(
            BrandStatusUpdate.brand_claim_id == row.id).order_by(BrandStatusUpdate.at)))
        moved, proposed = updates[-2], updates[-1]
        assert (moved.status, moved.source) == ("in_repair", "head_office")
        assert moved.origin.startswith("head office portal, supplier contact "
                                       "care@kettlo.example, entered 2026-")
        assert "Record a settlement once the money" in proposed.note
        assert "GUT-<9>" in proposed.note and "Teilweise" in proposed.note
        assert proposed.status == proposed.from_status == "in_repair"
        # A proposal is no settlement: that stays the branch's finance decision.
        assert session.scalars(select(Settlement).where(
            Settlement.brand_claim_id == row.id)).all() == []
        reports = session.scalars(select(EvidenceDocument).where(
            EvidenceDocument.kind == "technician_report")).all()
        assert len(reports) == 2 and {r.original_name for r in reports} == {"Befund «77».pdf"}
        assert DocumentStore(lodged.home.documents).exists(reports[0].sha256)

    page = browser.get(page_of(lodged, lodged.kettlo)).content.decode()
    for kind in ("Status", "Their claim ID", "Report", "Settlement proposal"):
        assert _state(page, kind) == "applied", kind
    assert "Settlement proposed by the brand (for finance to decide)" in page
    assert "The brand&#x27;s report filed on its claims" in page


@pytest.mark.logs(REFUSED)
def test_an_update_the_branch_refuses_shows_its_reason(
    lodged: Lodged, live_portal: LivePortal,
) -> None:
    browser = contact()
    assert post(browser, lodged, lodged.kettlo, what="claim_id",
                claim_id="TST-1").status_code == 302  # type: ignore[attr-defined]
    pull(lodged, live_portal)
    page = browser.get(page_of(lodged, lodged.kettlo)).content.decode()
    assert "refused by the branch" in page
    assert "The branch could not apply it: the brand&#x27;s claim id TST-1 is on another " \
        "brand claim at this branch" in page
    # The branch's reason names no other supplier's brand claim.
    assert lodged.toastr not in page and "Toastr" not in page
    with lodged.db.read() as session:
        row = session.scalars(select(BrandClaim).where(BrandClaim.number == lodged.kettlo)).one()
        assert row.external_id == "KTL-<77> 修理"


def test_a_supplier_contact_needs_a_supplier_and_only_they_have_one(
    portal_db: PortalDatabase,
) -> None:
    from django.contrib.auth import get_user_model

    with pytest.raises(PortalInputError, match="needs the supplier's name"):
        add_staff("nobody@supplier.example", "supplier")
    with pytest.raises(PortalInputError, match="Only a supplier contact has a supplier"):
        add_staff("admin2@office.example", "admin", "Kettlo")
    assert not get_user_model().objects.filter(username__in=[
        "nobody@supplier.example", "admin2@office.example"]).exists()


def test_the_portal_command_adds_a_supplier_contact(portal_db: PortalDatabase) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(portal_command(*args), env=portal_env(portal_db),
                              capture_output=True, text=True, timeout=120, check=False)

    done = run("staff", "add", "Desk@Toastr.example", "--role", "supplier", "--supplier",
               "Toastr")
    assert done.returncode == 0, done.stderr
    assert "desk@toastr.example is head-office supplier for Toastr" in done.stdout
    member = StaffMember.objects.get(user__username="desk@toastr.example")
    assert (member.role, member.supplier, member.user.is_staff) == ("supplier", "Toastr", False)
    missing = run("staff", "add", "other@toastr.example", "--role", "supplier")
    assert missing.returncode == 2 and "needs the supplier's name" in missing.stderr


def test_an_admin_makes_someone_a_supplier_contact_in_the_django_admin(
    portal_db: PortalDatabase,
) -> None:
    admin, _ = signed_in("admin")
    _, email = signed_in("auditor")
    member = StaffMember.objects.get(user__username=email)
    change = reverse("admin:staff_staffmember_change", args=[member.pk])
    refused = admin.post(change, {"role": "supplier", "supplier": ""})
    assert refused.status_code == 200 and b"needs the supplier" in refused.content
    member.refresh_from_db()
    assert (member.role, member.supplier) == ("auditor", "")
    assert admin.post(change, {"role": "supplier", "supplier": " Kettlo "}).status_code == 302
    member.refresh_from_db()
    assert (member.role, member.supplier) == ("supplier", "Kettlo")


@pytest.mark.logs(REFUSED)
def test_the_brand_claim_page_reads_the_same_few_queries_however_many_updates(
    lodged: Lodged,
) -> None:
    browser = contact()

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as seen:
            assert browser.get(page_of(lodged, lodged.kettlo)).status_code == 200
        return [q["sql"] for q in seen.captured_queries]

    post(browser, lodged, lodged.kettlo, what="proposal", amount="9")
    before = queries()
    for n in range(3):
        post(browser, lodged, lodged.kettlo, what="proposal", amount=str(10 + n))
    after = queries()
    # The session, the user, the staff member, the brand claim with its branch, its lines, the
    # updates with their authors, and one query each for applied, refused and taken items.
    assert len(after) == len(before) == 9, after
