"""Customer-portal test records: two customers, one of them buying at two branches."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session
from django.test import Client, override_settings
from PIL import Image
from playwright.sync_api import Page

from portal.branches.models import Branch
from portal.customers import sms
from portal.projections.models import (
    Claim,
    ClaimDocument,
    ClaimEvent,
    Customer,
    Product,
    Warranty,
    WarrantyLayer,
)
from portal.receiver.documents import store
from tests.conftest import TODAY
from tests.portal.office import client
from tests.portal.support import LivePortal, RegisteredBranch, chromium, free_port, register


@dataclass
class Mailbox:
    """What aiosmtpd received: each message as parsed."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    port: int = 0  # where it listens, once served by smtp()

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope
                          ) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def code_for(self, address: str) -> str:
        """The sign-in code in the newest mail to `address`."""
        for to, mail in reversed(self.messages):
            if address in to:
                body = _text(mail)
                found = re.search(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]+)?)\s*$", body, re.M)
                assert found, body
                return found.group(1)
        raise AssertionError(f"no mail to {address}: {self.messages}")


def _text(mail: Message) -> str:
    for part in mail.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text part")


@contextmanager
def smtp(box: Mailbox | None = None) -> Iterator[Mailbox]:
    """A real SMTP server on loopback that the portal's mail goes to (`box` or a new one)."""
    box = box or Mailbox()
    box.port = port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                               EMAIL_HOST="127.0.0.1", EMAIL_PORT=port):
            yield box
    finally:
        controller.stop()


@dataclass(frozen=True)
class Shops:
    """Two branches; Ann bought at both (one address in two spellings), Bob at one."""

    north: RegisteredBranch
    south: RegisteredBranch
    ann_email: str
    bob_email: str


def sale(branch: RegisteredBranch, customer: Customer, code: str, product: str,
          serial: str, start: date, years: int, **fields: str) -> Warranty:
    item, _ = Product.objects.get_or_create(branch_id=branch.pk, sku=f"SKU-{code}",
                                            defaults={"name": product})
    warranty = Warranty.objects.create(
        branch_id=branch.pk, code=code, serial=serial, product=item, customer=customer,
        status=fields.pop("status", "active"), start_on=start,
        end_on=start + timedelta(days=365 * years), **fields)
    WarrantyLayer.objects.create(warranty=warranty, position=0, kind="manufacturer",
                                 start_on=start, end_on=start + timedelta(days=364))
    if years > 1:
        WarrantyLayer.objects.create(warranty=warranty, position=1, kind="shop",
                                     start_on=start + timedelta(days=365),
                                     end_on=start + timedelta(days=365 * years))
    return warranty


def claim_with(branch: RegisteredBranch, customer: Customer, warranty: Warranty, number: str,
           states: list[tuple[str, int]]) -> Claim:
    at = datetime.combine(TODAY, time(10), UTC)
    claim = Claim.objects.create(branch_id=branch.pk, number=number, warranty=warranty,
                                 customer=customer, state=states[-1][0], serial=warranty.serial,
                                 fault="<i>Door</i> rattles", opened_at=at)
    before = ""
    for seq, (state, days_ago) in enumerate(states, 1):
        ClaimEvent.objects.create(
            claim=claim, event_id=uuid.uuid4(), seq=seq, occurred_at=at - timedelta(days=days_ago),
            topic="claim.opened" if not before else "claim.status_changed",
            from_state=before, to_state=state, details={})
        before = state
    ClaimEvent.objects.create(claim=claim, event_id=uuid.uuid4(), seq=99, occurred_at=at,
                              topic="claim.cost_posted", details={"amount": "123.45"})
    return claim


def photo(fmt: str = "JPEG", *, gps: bool = True, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small camera photo; with GPS coordinates and a camera model in its EXIF when asked."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x0110] = "Pixel Test"  # Model
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.9)}
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


SHOP_PHOTO = b"\x89PNG\r\n\x1a\n" + b"shop photo of the dent" * 8
SHOP_PHOTO_SHA = hashlib.sha256(SHOP_PHOTO).hexdigest()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def sms_code_for(phone: str) -> str:
    """The sign-in code in the newest text the loopback gateway kept for `phone`."""
    gateway = sms.gateway()
    assert isinstance(gateway, sms.LoopbackSms)
    for to, text in reversed(gateway.sent):
        if to == phone:
            found = re.search(r"\b(\d{6})\b", text)
            assert found, text
            return found.group(1)
    raise AssertionError(f"no text to {phone}: {gateway.sent}")


def shops() -> Shops:
    """The records as the projection holds them after both branches synced."""
    north, south = register(), register()
    ann_n = Customer.objects.create(branch_id=north.pk, reference="C-1", name="Ann North",
                                    email="ann@example.com", phone="+447700900123")
    ann_s = Customer.objects.create(branch_id=south.pk, reference="C-7", name="A. South",
                                    email="Ann@Example.COM")
    bob = Customer.objects.create(branch_id=north.pk, reference="C-2", name="Ann North",
                                  email="bob@example.com")
    sale(north, ann_n, f"{north.code}-W1", "Kettle <b>Pro</b>", "SN-KET-1",
          TODAY - timedelta(days=100), 2)
    sale(south, ann_s, f"{south.code}-W2", "Old radio", "SN-RAD-9",
          TODAY - timedelta(days=900), 2)
    sale(south, ann_s, f"{south.code}-W3", "Dropped phone", "SN-PHO-3",
          TODAY - timedelta(days=30), 1, status="void", void_reason="Water damage at intake")
    fridge = sale(north, bob, f"{north.code}-W9", "Bob's fridge", "SN-FRI-2",
                   TODAY - timedelta(days=10), 1)
    bobs = claim_with(north, bob, fridge, "CL-9",
                  [("received", 3), ("reviewing", 2), ("repairing", 1)])
    # The shop's own photo on Bob's claim, stored as the till uploads it.
    store(Branch.objects.get(pk=north.pk), SHOP_PHOTO_SHA, SHOP_PHOTO)
    ClaimDocument.objects.create(claim=bobs, sha256=SHOP_PHOTO_SHA, kind="damage_photos",
                                 media_type="image/png", size=len(SHOP_PHOTO))
    return Shops(north, south, "ann@example.com", "bob@example.com")


def signed_in_customer(box: Mailbox, address: str) -> Client:
    """A browser signed in with the code from the mail."""
    browser = client()
    asked = browser.post("/me/sign-in/", {"email": address})
    assert asked.status_code == 302, asked.content.decode()[:800]
    done = browser.post("/me/sign-in/code/", {"code": box.code_for(address.lower().strip())})
    assert done.status_code == 302 and done["Location"] == "/me/", done.content.decode()[:800]
    return browser


@dataclass
class PhonePage:
    """A phone-sized browser page signed in as a customer, and what its console said."""

    page: Page
    base: str
    console: list[str]

    def fits(self) -> int:
        """How many pixels the page is wider than the phone (0 or less: it fits)."""
        found: int = self.page.evaluate("document.documentElement.scrollWidth - innerWidth")
        return found

    def policy_breaches(self) -> list[str]:
        """What the browser refused under the content security policy."""
        return [line for line in self.console if "Content Security Policy" in line]


@contextmanager
def phone(live: LivePortal, signed_in: Client) -> Iterator[PhonePage]:
    """Debian's chromium at 390 px wide on the live portal, with the client's session."""
    from tests.portal.test_portal_browser import ARGS, PHONE

    base = live.url.removesuffix("/api/v1")
    with chromium(ARGS) as launched:
        context = launched.new_context(viewport=PHONE)
        context.add_cookies([{"name": "sessionid", "url": base,
                              "value": signed_in.cookies["sessionid"].value}])
        page = context.new_page()
        found = PhonePage(page, base, [])
        page.on("console", lambda message: found.console.append(message.text))
        yield found
def signed_in(address: str) -> Client:
    """A browser signed in at `address`, through a mail server of its own."""
    with smtp() as box:
        return signed_in_customer(box, address)
