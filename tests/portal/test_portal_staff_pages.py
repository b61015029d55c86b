"""Head-office staff pages: sign-in, roles on every view, what each page shows (user text as
text), documents as attachments, CSRF, and how many queries each page makes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from keyring.backends import fail

from portal.inbox.models import InboxItem
from portal.staff import search
from portal.staff import urls as office_urls
from portal.staff.models import RelayedMessage, StaffMember
from portal.staff.services import add_staff
from tests.portal.office import (
    ODD_FAULT,
    ODD_NAME,
    ODD_PRODUCT,
    PushedBranch,
    client,
    push_branch,
    signed_in,
)
from tests.portal.support import LivePortal, full_scans, register
from tests.sync.test_secrets import use


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


@pytest.fixture(scope="module")
def pushed(live_portal: LivePortal, tmp_path_factory: pytest.TempPathFactory) -> PushedBranch:
    """One branch whose till pushed a sale, a claim and its photo (module-wide: read only)."""
    return push_branch(tmp_path_factory.mktemp("till"), live_portal, register())


def _get(browser: Client, url: str, queries: int) -> str:
    with CaptureQueriesContext(connection) as seen:
        answer = browser.get(url)
    assert answer.status_code == 200, answer.content[:500]
    assert len(seen) == queries, "\n".join(q["sql"][:200] for q in seen.captured_queries)
    return answer.content.decode()


def test_staff_sign_in_with_email_and_password_and_out_again(portal_db: Any) -> None:
    _, password = add_staff("Signer@Office.Example", "auditor")
    browser = client()
    answer = browser.get(reverse("office:health"))
    assert answer.status_code == 302 and answer["Location"].startswith("/office/sign-in/")
    wrong = browser.post(reverse("office:sign-in"), {"username": "signer@office.example",
                                                      "password": password + "x"})
    assert wrong.status_code == 200
    assert "do not match a head-office account" in wrong.content.decode()
    # The email as typed, in another case: accounts compare without it.
    right = browser.post(reverse("office:sign-in"), {"username": "SIGNER@office.example",
                                                      "password": password})
    assert right.status_code == 302 and right["Location"] == reverse("office:health")
    page = browser.get(reverse("office:health")).content.decode()
    assert "signer@office.example" in page and "Auditor" in page
    assert browser.get(reverse("office:sign-out")).status_code == 405  # a GET changes nothing
    assert browser.post(reverse("office:sign-out")).status_code == 302
    assert browser.get(reverse("office:health")).status_code == 302


def _office_patterns() -> list[URLPattern]:
    """The office's pages but sign-in and sign-out, which anyone may open."""
    patterns = [p for p in office_urls.urlpatterns
                if isinstance(p, URLPattern) and p.name not in {"sign-in", "sign-out"}]
    assert "health" in {p.name for p in patterns}, "the office's pages are found"
    return patterns


def test_every_staff_view_names_the_roles_it_admits() -> None:
    for pattern in _office_patterns():
        roles = getattr(pattern.callback, "staff_roles", None)
        assert roles, f"{pattern.name} is not guarded by portal.staff.roles.allow"


def _sample_url(pattern: URLPattern, pushed: PushedBranch) -> str:
    values = {"code": pushed.code, "number": pushed.claim, "reference": pushed.customer_ref,
              "warranty_code": pushed.codes[0], "sha256": pushed.photo_sha256, "pk": 1}
    return reverse(f"office:{pattern.name}",
                   kwargs={k: values[k] for k in pattern.pattern.converters})


@pytest.mark.logs(r"^Forbidden: /office/")
def test_anyone_not_staff_is_kept_out_of_every_page(pushed: PushedBranch) -> None:
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user("outsider@example.com", password="x" * 20,
                                                    is_superuser=True)
    anonymous, not_staff = client(), client()
    not_staff.force_login(outsider)
    for pattern in _office_patterns():
        url = _sample_url(pattern, pushed)
        method = "get" if "GET" in _methods(pattern) else "post"
        answer = getattr(anonymous, method)(url)
        assert answer.status_code == 302 and "/office/sign-in/" in answer["Location"], url
        # Even a Django superuser is no head-office staff member without a role.
        assert getattr(not_staff, method)(url).status_code == 403, url


def _methods(pattern: URLPattern) -> set[str]:
    return ({"POST"} if pattern.name in {"relay", "resend", "resolve", "brand-claim-update"}
            else {"GET"})


@pytest.mark.logs(r"^Forbidden: /office/")
def test_auditors_read_but_cannot_relay_or_settle_drift(pushed: PushedBranch) -> None:
    auditor, _ = signed_in("auditor")
    page = auditor.get(reverse("office:claim", args=[pushed.code, pushed.claim])).content
    assert b"Pass on a message" not in page
    answer = auditor.post(reverse("office:relay", args=[pushed.code, pushed.claim]),
                          {"body": "Customer called"})
    assert answer.status_code == 403 and b"Support" in answer.content
    for name in ("resend", "resolve"):
        assert auditor.post(reverse(f"office:{name}", args=[pushed.code, 1])).status_code == 403
    support, _ = signed_in("support")
    for name in ("resend", "resolve"):
        assert support.post(reverse(f"office:{name}", args=[pushed.code, 1])).status_code == 403


@pytest.mark.logs(r"^Bad Request: /office/claims/")
def test_support_passes_a_customers_message_to_the_claims_branch(pushed: PushedBranch) -> None:
    support, email = signed_in("support")
    url = reverse("office:claim", args=[pushed.code, pushed.claim])
    empty = support.post(reverse("office:relay", args=[pushed.code, pushed.claim]),
                         {"body": "   "})
    assert empty.status_code == 400 and b"Write what the customer said" in empty.content
    body = "Called at 10:05 <i>angry</i> — 电话"
    sent = support.post(reverse("office:relay", args=[pushed.code, pushed.claim]),
                        {"body": body})
    assert sent.status_code == 302 and sent["Location"] == url
    [item] = InboxItem.objects.filter(branch__code=pushed.code, kind="message_received")
    assert item.payload == {"claim_ref": pushed.claim, "body": body}
    assert RelayedMessage.objects.get(inbox_item=item.item_id).author.get_username() == email
    page = support.get(url).content.decode()
    assert "Called at 10:05 &lt;i&gt;angry&lt;/i&gt; — 电话" in page
    assert f"passed on by {email}" in page


@pytest.mark.logs(r"^Forbidden \(CSRF")
def test_a_post_without_the_csrf_token_is_refused(pushed: PushedBranch) -> None:
    member, _ = add_staff("csrf-support@office.example", "support")
    browser = Client(SERVER_NAME="127.0.0.1", enforce_csrf_checks=True)
    browser.force_login(member.user)
    answer = browser.post(reverse("office:relay", args=[pushed.code, pushed.claim]),
                          {"body": "hello"})
    assert answer.status_code == 403
    assert not InboxItem.objects.filter(payload__body="hello").exists()


def _escaped(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def test_the_claim_page_shows_timeline_and_documents_with_user_text_as_text(
    pushed: PushedBranch,
) -> None:
    auditor, _ = signed_in("auditor")
    # 10: the brand claims holding the claim are one query (none here: no lines to fetch).
    page = _get(auditor, reverse("office:claim", args=[pushed.code, pushed.claim]), 10)
    assert "<script>alert" not in page and "<b>Zoë" not in page
    for text in (ODD_NAME, ODD_PRODUCT, ODD_FAULT):
        assert _escaped(text) in page
    assert "Claim opened" in page and "Document added" in page
    # Opened by a test actor with no staff row: nobody owns it, and the page says so.
    assert "<dt>Owner</dt><dd>nobody</dd>" in page
    link = reverse("office:document", args=[pushed.code, pushed.claim, pushed.photo_sha256])
    assert f'href="{link}" download' in page


@pytest.mark.logs(r"^Not Found: /office/claims/")
def test_a_document_downloads_as_an_attachment_never_inline(pushed: PushedBranch) -> None:
    auditor, _ = signed_in("auditor")
    answer = auditor.get(reverse("office:document",
                                 args=[pushed.code, pushed.claim, pushed.photo_sha256]))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/octet-stream"
    assert answer["Content-Disposition"].startswith("attachment;")
    assert f'{pushed.claim}-photo_of_fault-{pushed.photo_sha256[:12]}.png' in \
        answer["Content-Disposition"]
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in answer["Content-Security-Policy"]
    assert b"".join(answer.streaming_content).startswith(b"\x89PNG")  # type: ignore[arg-type]
    # A document of another claim, or one the claim does not carry, is not handed out.
    other = "0" * 64
    assert auditor.get(reverse("office:document",
                               args=[pushed.code, pushed.claim, other])).status_code == 404


def test_search_finds_serial_code_claim_and_customer_across_branches_in_three_queries(
    pushed: PushedBranch, live_portal: LivePortal, tmp_path: Path,
) -> None:
    auditor, _ = signed_in("auditor")
    search = reverse("office:search")
    # 3 for the session, the user and the staff role; 3 for the searches; none per row.
    page = _get(auditor, f"{search}?q={pushed.serials[0].lower()}", 6)
    assert pushed.claim in page and pushed.codes[0] in page
    assert pushed.claim in _get(auditor, f"{search}?q={pushed.claim}", 6)
    assert pushed.codes[1] in _get(auditor, f"{search}?q={pushed.codes[1]}", 6)
    by_name = _get(auditor, f"{search}?q=王小明", 6)
    assert _escaped(ODD_NAME) in by_name
    assert _escaped(ODD_NAME) in _get(auditor, f"{search}?q=020+7946+0321", 6)
    assert _escaped(ODD_NAME) in _get(auditor, f"{search}?q=ZOE@example.com", 6)
    # A second branch selling to the same person: both come up, still in six queries.
    second = push_branch(tmp_path, live_portal, register())
    both = _get(auditor, f"{search}?q=0+20+7946+0321", 6)
    assert f">{pushed.code}<" in both and f">{second.code}<" in both
    nothing = _get(auditor, f"{search}?q=NO-SUCH-SERIAL", 6)
    assert "Nothing at any branch matches" in nothing
    # htmx asks for the results alone as the person types.
    fragment = auditor.get(f"{search}?q={pushed.claim}", HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and pushed.claim.encode() in fragment.content


def test_the_customer_page_shows_every_purchase_and_claim_in_every_branch(
    pushed: PushedBranch, live_portal: LivePortal, tmp_path: Path,
) -> None:
    auditor, _ = signed_in("auditor")
    second = push_branch(tmp_path, live_portal, register())
    url = reverse("office:customer", args=[pushed.code, pushed.customer_ref])
    page = _get(auditor, url, 7)
    for code in (*pushed.codes, *second.codes):
        assert code in page
    assert pushed.claim in page and second.claim in page
    assert "Also a customer at" in page
    assert f'href="/office/customers/{second.code}/{second.customer_ref}/"' in page


def test_the_warranty_page_shows_cover_and_claims(pushed: PushedBranch) -> None:
    auditor, _ = signed_in("auditor")
    page = _get(auditor, reverse("office:warranty", args=[pushed.code, pushed.codes[0]]), 6)
    assert '<span class="badge">in cover</span>' in page
    assert "manufacturer" in page and pushed.claim in page
    assert f"/w/{pushed.codes[0]}" in page


def test_the_sync_health_page_lists_every_branch_in_a_fixed_number_of_queries(
    pushed: PushedBranch,
) -> None:
    auditor, _ = signed_in("auditor")
    few = _get(auditor, reverse("office:health"), 8)
    assert f">{pushed.code}</strong>" in few
    for _ in range(5):
        register()
    many = _get(auditor, reverse("office:health"), 8)
    assert many.count("<tr class=") >= 6
    branch_page = _get(auditor, reverse("office:branch", args=[pushed.code]), 11)
    assert "No nightly report has arrived yet" in branch_page


@pytest.mark.logs(r"^Not Found: /office/")
def test_unknown_records_are_plain_404s(pushed: PushedBranch) -> None:
    auditor, _ = signed_in("auditor")
    for url in (reverse("office:claim", args=[pushed.code, "NOPE"]),
                reverse("office:claim", args=["ZZ99", pushed.claim]),
                reverse("office:customer", args=[pushed.code, "NOPE"]),
                reverse("office:warranty", args=[pushed.code, "NOPE"])):
        assert auditor.get(url).status_code == 404, url



def test_only_head_office_admins_change_roles_in_the_django_admin(pushed: PushedBranch) -> None:
    admin, _ = signed_in("admin")
    support, support_email = signed_in("support")
    assert b"Roles and branch names" in admin.get(reverse("office:health")).content
    assert b"Roles and branch names" not in support.get(reverse("office:health")).content
    member = StaffMember.objects.get(user__username=support_email)
    change = reverse("admin:staff_staffmember_change", args=[member.pk])
    # Support is not let into the admin at all (it sends them to its own sign-in).
    assert support.get(change).status_code == 302
    assert admin.post(change, {"role": "auditor"}).status_code == 302
    member.refresh_from_db()
    assert member.role == "auditor"
    # Nobody adds or deletes here: adding shows a secret once, which the commands do.
    assert admin.get(reverse("admin:staff_staffmember_add")).status_code == 403
    assert admin.get(reverse("admin:branches_branch_changelist")).status_code == 200


_MANY = """
INSERT INTO projections_customer (branch_id, reference, name, phone, phone_digits, email,
                                  segment, seq)
SELECT %(branch)s, 'BULK-CU-' || g, 'Bulk ' || md5(g::text), '', '', 'bulk' || g || '@x.example',
       '', 1 FROM generate_series(1, 20000) g;
INSERT INTO projections_warranty (branch_id, code, serial, customer_id, invoice, status,
                                  void_reason, replaced_by, seq)
SELECT branch_id, 'BULK-W-' || id, 'BULK' || upper(md5(reference)), id, '', 'active', '', '', 1
FROM projections_customer WHERE branch_id = %(branch)s;
INSERT INTO projections_claim (branch_id, number, warranty_id, customer_id, state, outcome,
                               channel, claim_type, fault, serial, decision_reason,
                               proof_status, seq)
SELECT branch_id, 'BULK-C-' || id, id, customer_id, 'received', '', '', '', '', serial, '', '', 1
FROM projections_warranty WHERE branch_id = %(branch)s;
ANALYZE projections_customer, projections_warranty, projections_claim;
"""


def test_every_search_is_answered_from_an_index_never_a_full_scan(pushed: PushedBranch) -> None:
    # Enough rows that the planner reads an index only where one serves the query.
    # A test-sized table is cheaper to read whole than through an index, so whole-table reads
    # are priced out: only bitmap scans, which need an index condition, stay cheap. A query
    # no index can serve then still shows a Seq Scan (or an index walked without condition).
    with connection.cursor() as cursor:
        cursor.execute(_MANY, {"branch": register("BULK").pk})
        for method in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET enable_{method} = off")
    try:
        for text in (pushed.serials[0], pushed.codes[0], pushed.claim, "王小明", "Bobby O'Br",
                     "020 7946 0321", "zoe@example.com", "ab"):
            planned = search.queries(text)
            assert planned is not None
            for query in (planned.warranties, planned.claims, planned.customers):
                plan = query.explain()
                assert not full_scans(plan, query.model._meta.db_table), f"{text!r}:\n{plan}"
    finally:
        with connection.cursor() as cursor:
            for method in ("seqscan", "indexscan", "indexonlyscan"):
                cursor.execute(f"RESET enable_{method}")


@pytest.mark.parametrize("one_branch", [False, True])
def test_the_health_pages_count_waiting_events_by_index_never_reading_them_all(
    pushed: PushedBranch, one_branch: bool,
) -> None:
    from portal.branches.models import Branch
    from portal.staff.views.health import pending_query

    branch = Branch.objects.get(code=pushed.code)
    sql, params = pending_query(branch.pk if one_branch else None)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a test-sized table is cheaper read whole
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
        cursor.execute(sql, params)
        counted = cursor.fetchall()
    event_scans = [line for line in plan.splitlines() if " on receiver_event" in line]
    assert event_scans, plan
    assert all("Seq Scan" not in line for line in event_scans), plan
    assert "Hash Join" not in plan and "Merge Join" not in plan, plan
    assert all(n > 0 for _, n in counted)


def test_the_health_table_shows_a_branch_name_as_text(pushed: PushedBranch) -> None:
    from portal.branches.models import Branch

    Branch.objects.filter(code=pushed.code).update(name='Shop <script>"x"</script> & Co')
    browser, _ = signed_in("auditor")
    page = browser.get(reverse("office:health")).content.decode()
    assert "Shop &lt;script&gt;&quot;x&quot;&lt;/script&gt; &amp; Co" in page
    assert "<script>" not in page
    fragment = browser.get(reverse("office:health"), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<tr") and f">{pushed.code}</strong>" in fragment
