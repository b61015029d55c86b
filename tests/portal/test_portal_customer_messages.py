"""Private messages on a claim: the customer writes to the branch, the branch's come back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from portal import clock
from portal.customers.models import BranchMailbox
from portal.inbox.models import InboxItem
from portal.projections.models import Claim, Message
from tests.portal.customers import Shops, phone, photo, signed_in_customer, smtp
from tests.portal.support import LivePortal, PortalDatabase, run_worker
from warranty_desk.services.inbox_item import read_text

pytestmark = pytest.mark.usefixtures("fresh_limits")
# Markup, quotes, a long line and non-Latin text: all of it shown as plain text.
WRITTEN = ('Is it <b>fixed</b>? "Soon" & \'today\'\n\nΓεια σας — 你好 — مرحبا '
           + "x" * 300)


def _url(records: Shops, number: str = "CL-9") -> str:
    return reverse("customers:messages", args=[records.north.code, number])


def _bodies(page: str) -> list[str]:
    return re.findall(r'<p class="body">(.*?)</p>', page, re.S)


def test_a_customers_message_reaches_the_branch_inbox_and_shows_in_the_thread_as_text(
    records: Shops,
) -> None:
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
    page = bob.get(_url(records)).content.decode()
    assert '<label for="id_body">Your message</label>' in page
    assert 'name="csrfmiddlewaretoken"' in page
    sent = bob.post(_url(records), {"body": "  " + WRITTEN.replace("\n", "\r\n") + "\n "})
    assert sent.status_code == 302 and sent["Location"].endswith("?sent=1#write")
    item = InboxItem.objects.filter(branch_id=records.north.pk, kind="message_received").get()
    assert item.payload == {"claim_ref": "CL-9", "body": WRITTEN}
    # What the till's handler reads from it.
    assert read_text(item.payload, "body", required=True, limit=10_000) == WRITTEN
    page = bob.get(sent["Location"]).content.decode()
    assert "Your message is with the shop." in page
    escaped = ("Is it &lt;b&gt;fixed&lt;/b&gt;? &quot;Soon&quot; &amp; &#x27;today&#x27;\n\n"
               "Γεια σας — 你好 — مرحبا " + "x" * 300)
    assert _bodies(page) == [escaped]
    assert "<b>fixed" not in page


def test_the_branchs_messages_appear_in_order_with_who_wrote_and_when(records: Shops) -> None:
    claim = Claim.objects.get(branch_id=records.north.pk, number="CL-9")
    now = clock.now()
    Message.objects.create(branch_id=records.north.pk, message_id="m-late", claim=claim,
                           customer=claim.customer, subject="Claim CL-9: <done>",
                           body="Your <i>fridge</i> is repaired.\nCollect it any day.",
                           queued_at=now + timedelta(hours=2))
    Message.objects.create(branch_id=records.north.pk, message_id="m-early", claim=claim,
                           customer=claim.customer, subject="Claim CL-9: we are checking",
                           body="We are checking the warranty.", queued_at=now - timedelta(days=1))
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
    page = bob.get(_url(records)).content.decode()
    bodies = _bodies(page)
    assert bodies[0] == "We are checking the warranty."
    assert bodies[-1] == "Your &lt;i&gt;fridge&lt;/i&gt; is repaired.\nCollect it any day."
    assert len(bodies) == 3 and bodies[1].startswith("Is it &lt;b&gt;")  # the customer's, between
    who = re.findall(r'<p class="who"><strong>(.*?)</strong> · <time datetime="(.*?)">', page)
    assert [w for w, _ in who] == [f"Branch {records.north.code}", "You",
                                   f"Branch {records.north.code}"]
    assert who[0][1] == (now - timedelta(days=1)).isoformat()
    assert "Claim CL-9: &lt;done&gt;" in page


def test_an_empty_or_too_long_message_is_refused_in_words_and_kept_in_the_field(
    records: Shops,
) -> None:
    before = InboxItem.objects.count()
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
        ann = signed_in_customer(box, records.ann_email)
    assert ann.post(_url(records), {"body": "Not my claim"}).status_code == 404
    empty = bob.post(_url(records), {"body": " \n "})
    assert empty.status_code == 400
    assert "Write your message before sending it." in empty.content.decode()
    long = "ω" * 5001
    refused = bob.post(_url(records), {"body": long})
    page = refused.content.decode()
    assert refused.status_code == 400 and "5,001 characters long" in page
    assert f">{long}</textarea>" in page and 'aria-describedby="body-errors"' in page
    assert InboxItem.objects.count() == before


def test_the_branch_is_emailed_by_the_worker_when_a_customer_writes(
    records: Shops, portal_db: PortalDatabase,
) -> None:
    BranchMailbox.objects.update_or_create(branch_id=records.north.pk,
                                           defaults={"email": "north@shop.example"})
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
        bob.post(_url(records), {"body": "Can I bring it on Saturday? <ok>"})
        run_worker(portal_db, PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(box.port))
        to_branch = [mail for to, mail in box.messages if to == ["north@shop.example"]]
    # The first test's message too: the mailbox is set only now, its job waited till here.
    assert len(to_branch) == 2
    mail = next(m for m in to_branch if "Saturday" in m.as_string())
    assert mail["Subject"] == "Claim CL-9: the customer wrote on the portal"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode()  # type: ignore[union-attr]
             for p in mail.walk() if not p.is_multipart()}
    assert "Can I bring it on Saturday? <ok>" in parts["text/plain"]
    assert "Can I bring it on Saturday? &lt;ok&gt;" in parts["text/html"]



def test_the_branch_is_emailed_when_a_customer_adds_a_file_to_a_claim(
    records: Shops, portal_db: PortalDatabase,
) -> None:
    BranchMailbox.objects.update_or_create(branch_id=records.north.pk,
                                           defaults={"email": "north@shop.example"})
    url = reverse("customers:documents", args=[records.north.code, "CL-9"])
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
        sent = bob.post(url, {"kind": "serial_photo", "files": [
            SimpleUploadedFile("label <«1»>.png", photo("PNG"), "image/png")]})
        assert sent.status_code == 302
        run_worker(portal_db, PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(box.port))
        to_branch = [mail for to, mail in box.messages if to == ["north@shop.example"]
                     and "added a file" in mail["Subject"]]
    [mail] = to_branch
    assert mail["Subject"] == "Claim CL-9: the customer added a file on the portal"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode()  # type: ignore[union-attr]
             for p in mail.walk() if not p.is_multipart()}
    assert "The customer added a file to claim CL-9" in parts["text/plain"]
    assert "label <«1»>.png" in parts["text/plain"]
    assert "label &lt;«1»&gt;.png" in parts["text/html"]


def test_writing_by_keyboard_in_a_phone_browser_fits_the_screen_and_breaks_no_policy(
    records: Shops, live_portal: LivePortal,
) -> None:
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
    with phone(live_portal, bob) as browser:
        page = browser.page
        page.goto(browser.base + _url(records))
        page.get_by_label("Your message").click()
        page.keyboard.type("Sent from a phone: ничего страшного " + "y" * 120)
        page.keyboard.press("Tab")  # to the send button
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text("Your message is with the shop.")
        expect(page.locator(".thread .mine").last).to_contain_text("ничего страшного")
        assert browser.fits() <= 0, "the thread is wider than a phone"
        assert browser.policy_breaches() == []
