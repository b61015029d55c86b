"""The customer portal's safety: a content security policy, CSRF on every form, no personal
data in the logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from portal.customers.models import BranchMailbox
from tests.portal.customers import Shops, signed_in_customer, smtp
from tests.portal.office import HOST, client
from tests.portal.support import REPO, PortalDatabase, run_worker

pytestmark = pytest.mark.usefixtures("fresh_limits")

# What a record of a person would give away: addresses, phones, names, what they wrote.
PERSONAL = ("ann@example.com", "bob@example.com", "Ann North", "A. South", "+447700900123",
            "7700900123", "my neighbour Zoë")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)


def _pages(records: Shops) -> list[str]:
    north = records.north.code
    return ["/me/", reverse("customers:extensions"),
            reverse("customers:claim", args=[north, "CL-9"]),
            reverse("customers:messages", args=[north, "CL-9"])]


def test_every_customer_page_carries_a_policy_that_allows_no_inline_script(
    records: Shops,
) -> None:
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
    for url in ["/me/sign-in/", *_pages(records)]:
        answer = (client() if "sign-in" in url else bob).get(url)
        assert answer.status_code == 200, url
        policy = dict(part.strip().split(" ", 1) for part in
                      answer["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'", url
        assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
        assert policy["form-action"].startswith("'self'") and policy["base-uri"] == "'none'"
        assert INLINE_SCRIPT.search(answer.content.decode()) is None, url


def test_no_template_of_the_portal_holds_an_inline_script_or_handler() -> None:
    templates = sorted((REPO / "portal").glob("**/templates/**/*.html"))
    assert len(templates) > 10
    found = [str(path.relative_to(REPO)) for path in templates
             if INLINE_SCRIPT.search(path.read_text("utf-8"))]
    assert found == []


def test_every_customer_form_carries_a_csrf_token_and_a_post_without_one_is_refused(
    records: Shops,
) -> None:
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
    for url in ["/me/sign-in/", *_pages(records)]:
        page = (client() if "sign-in" in url else bob).get(url).content.decode()
        for form in re.findall(r"<form\b.*?</form>", page, re.S):
            if 'method="post"' in form:
                assert 'name="csrfmiddlewaretoken"' in form, (url, form[:200])
    strict = Client(enforce_csrf_checks=True, SERVER_NAME=HOST)
    strict.cookies = bob.cookies
    url = reverse("customers:messages", args=[records.north.code, "CL-9"])
    assert strict.post(url, {"body": "No token"}).status_code == 403
    assert strict.post("/me/sign-in/", {"email": records.ann_email}).status_code == 403


@contextmanager
def _portal_log() -> Iterator[list[logging.LogRecord]]:
    """Every record the portal's loggers pass on, at the levels its settings give them."""
    kept: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if not record.name.startswith("mail.log"):  # the test's own SMTP server
                kept.append(record)

    handler = Keep()
    names = ("", "portal", "django", "procrastinate", "allauth")
    for name in names:
        logging.getLogger(name).addHandler(handler)
    try:
        yield kept
    finally:
        for name in names:
            logging.getLogger(name).removeHandler(handler)


def test_a_sign_in_a_claim_and_a_message_leave_no_personal_data_in_the_log(
    records: Shops, portal_db: PortalDatabase, tmp_path: Path,
) -> None:
    BranchMailbox.objects.update_or_create(branch_id=records.north.pk,
                                           defaults={"email": "north@shop.example"})
    url = reverse("customers:messages", args=[records.north.code, "CL-9"])
    with _portal_log() as kept, smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
        assert bob.post("/me/sign-in/code/", {"code": "WRONG"}).status_code in (200, 302)
        ann = signed_in_customer(box, records.ann_email)
        bob.get("/me/")
        bob.get(reverse("customers:claim", args=[records.north.code, "CL-9"]))
        bob.post(url, {"body": "Please call my neighbour Zoë at 07700 900123"})
        assert bob.post(url, {"body": ""}).status_code == 400  # logged as a bad request
        assert ann.get(url).status_code == 404  # logged as not found
        worker = run_worker(portal_db, PORTAL_SMTP_HOST="127.0.0.1",
                            PORTAL_SMTP_PORT=str(box.port))
    lines = [record.getMessage() for record in kept] + worker.splitlines()
    assert any("Bad Request" in line for line in lines)  # the log was heard
    assert any("Not Found" in line for line in lines)
    assert len(box.messages) >= 3  # two codes and the branch's mail went out
    leaks = [line for line in lines if any(p.lower() in line.lower() for p in PERSONAL)]
    assert leaks == []
