"""A claim's timeline as the customer reads it: every step, what happens next, downloads once
it is settled; a replaced unit's card names the unit that replaced it."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.inbox.models import InboxItem
from portal.projections.models import ClaimEvent, Customer, Message, Warranty
from tests.conftest import TODAY
from tests.portal.customers import Shops, claim_with, photo, sale, shops, signed_in

pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture(scope="module")
def records(portal_db: Any) -> Shops:
    found = shops()
    ann = Customer.objects.get(branch_id=found.south.pk, reference="C-7")
    old = sale(found.south, ann, f"{found.south.code}-W4", "Toaster", "SN-OLD-4",
               TODAY - timedelta(days=200), 1, status="replaced",
               replaced_by=f"{found.south.code}-W5")
    sale(found.south, ann, f"{found.south.code}-W5", "Toaster", "SN-NEW-5",
         TODAY - timedelta(days=20), 1)
    resolved = claim_with(found.south, ann, old, "CL-4", [
        ("received", 30), ("reviewing", 29), ("inspecting", 25), ("resolved", 20)])
    resolved.outcome = "replace"
    resolved.save()
    # What the branch wrote to the customer at two of the steps, in its own templates' words.
    for n, (template, body) in enumerate([
            ("claim_received", "Dear Ann,\n\nWe have your <Toaster>.\nWe will look at it."
                               "\n\nWith best wishes,\nSouth Shop\n0123 456"),
            ("claim_note", "An aside that is no step."),
            ("claim_resolved_replace", "Your replacement «Toaster» is ready to collect.")]):
        Message.objects.create(branch_id=found.south.pk, message_id=f"m-{n}", claim=resolved,
                               customer=ann, template=template, subject="About your claim",
                               body=body, queued_at=datetime.combine(TODAY, time(8 + n), UTC))
    radio = Warranty.objects.get(code=f"{found.south.code}-W2")
    rejected = claim_with(found.south, ann, radio, "CL-5", [("received", 5), ("reviewing", 4)])
    rejected.state, rejected.decision_reason = "rejected", "<b>Liquid</b> inside the case"
    rejected.save()
    ClaimEvent.objects.create(claim=rejected, event_id=uuid.uuid4(), seq=50,
                              occurred_at=datetime.combine(TODAY, time(9), UTC),
                              topic="claim.decided", from_state="reviewing",
                              to_state="rejected", details={})
    return found


@pytest.fixture
def ann(records: Shops) -> Client:
    return signed_in(records.ann_email)


def _strong(page: str) -> list[str]:
    return re.findall(r"<strong>(.*?)</strong>", page)


def test_a_replaced_units_card_names_the_unit_that_replaced_it(records: Shops, ann: Client
                                                                ) -> None:
    page = ann.get("/me/").content.decode()
    card = re.search(r"<article class=\"card\"[^>]*>(?:(?!</article>).)*SN-OLD-4.*?</article>",
                     page, re.S)
    assert card, page
    assert "Replaced" in card.group(0)
    assert re.search(r"by your Toaster with serial <span class=\"code\">SN-NEW-5</span>, "
                     rf"warranty <span class=\"code\">{records.south.code}-W5</span>",
                     card.group(0))
    assert "Start a claim on the new unit instead" in card.group(0)


def test_a_settled_claim_shows_every_step_and_offers_the_certificates(
    records: Shops, ann: Client,
) -> None:
    page = ann.get(reverse("customers:claim", args=[records.south.code, "CL-4"])
                   ).content.decode()
    assert _strong(page) == ["Received", "Reviewing", "Inspecting", "Resolved"]
    # The step says who and when: the letter's greeting and signature are left out.
    assert "We have your &lt;Toaster&gt;.<br>We will look at it." in page
    assert "Dear Ann" not in page and "With best wishes" not in page
    assert "Your replacement «Toaster» is ready to collect." in page
    assert "The shop is checking your claim against the warranty." in page  # no message
    assert "An aside" not in page
    assert "Nothing more to do" in page
    new = reverse("customers:certificate", args=[records.south.code, f"{records.south.code}-W5"])
    old = reverse("customers:certificate", args=[records.south.code, f"{records.south.code}-W4"])
    downloads = re.search(r'<ul class="plain" id="downloads">.*?</ul>', page, re.S)
    assert downloads and re.findall(r'href="([^"]+)"', downloads.group(0)) == [new, old]
    assert "replacement unit" in downloads.group(0)
    got = ann.get(new)
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"


def test_a_rejected_claim_gives_the_reason_what_to_do_and_takes_no_more_files(
    records: Shops, ann: Client,
) -> None:
    url = reverse("customers:claim", args=[records.south.code, "CL-5"])
    page = ann.get(url).content.decode()
    assert _strong(page) == ["Received", "Reviewing", "Rejected"]
    assert "&lt;b&gt;Liquid&lt;/b&gt; inside the case" in page and "<b>Liquid" not in page
    assert "a manager can look at the claim again" in page
    assert 'id="downloads"' not in page
    docs = reverse("customers:documents", args=[records.south.code, "CL-5"])
    assert "<form" not in ann.get(docs).content.decode()
    refused = ann.post(docs, {"kind": "photo_of_fault", "files": [
        SimpleUploadedFile("late.jpg", photo(), "image/jpeg")]})
    assert refused.status_code == 400 and "This claim is closed" in refused.content.decode()
    assert not InboxItem.objects.exists()


def test_an_open_claim_offers_no_downloads_yet(records: Shops) -> None:
    bob = signed_in(records.bob_email)
    page = bob.get(reverse("customers:claim", args=[records.north.code, "CL-9"])
                   ).content.decode()
    assert "Repairing" in _strong(page) and 'id="downloads"' not in page


def test_my_products_takes_as_many_queries_for_five_products_as_for_one(
    records: Shops, ann: Client,
) -> None:
    bob = signed_in(records.bob_email)
    counts = []
    for browser in (ann, bob):
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/me/").status_code == 200
        counts.append(len(queries.captured_queries))
    assert ann.get("/me/").content.decode().count("<article class=\"card\" aria") == 5
    assert counts[0] == counts[1], counts
