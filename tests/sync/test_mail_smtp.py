"""The till's own mail server: each queued message emailed once, whole, with its state kept."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select, text

from sync.destinations import build_mail
from sync.engine import SyncEngine
from sync.mail import MailDestination
from tests.conftest import actor
from tests.sync.mail_box import Mailbox, free_port, smtp_server
from tests.unit.services.helpers import sell
from warranty_desk.config import SyncSettings
from warranty_desk.models import Customer, CustomerMessage, Shop
from warranty_desk.permissions import Role
from warranty_desk.services import claims, message_delivery
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home


def _claim(db: Database) -> CustomerMessage:
    code = sell(db).warranty_codes[0]
    claims.start_claim(db, actor(Role.SALES), claims.StartClaim(code, "Screen flickers"))
    with db.write() as session:
        session.scalars(select(Shop)).one().name = "Lumen & Co Repairs"
    return _messages(db)[0]


def _messages(db: Database) -> list[CustomerMessage]:
    with db.read() as session:
        found = list(session.scalars(select(CustomerMessage).order_by(
            CustomerMessage.created_at)))
        session.expunge_all()
        return found


def _engine(db: Database, box: Mailbox) -> SyncEngine:
    return SyncEngine(db, [MailDestination(db, box.server())], backoff_base=0.01,
                      backoff_cap=0.02)


def test_a_message_arrives_whole_with_both_parts_and_the_shops_name(shop: Database) -> None:
    message = _claim(shop)
    with smtp_server() as box:
        report = _engine(shop, box).push_once()
    assert report.delivered == 1 and not report.errors
    [(to, mail)] = box.messages
    assert to == ["ada@example.org"]
    assert mail["Message-ID"] == f"<{message.id.hex}@shop.example>"
    assert mail["From"].addresses[0].display_name == "Lumen & Co Repairs"
    assert mail["Subject"] == message.subject
    text = mail.get_body(("plain",))
    page = mail.get_body(("html",))
    assert text is not None and page is not None
    words = text.get_content().replace("\r\n", "\n")
    assert message.body in words and "Lumen & Co Repairs" in words
    assert "Lumen &amp; Co Repairs" in page.get_content()
    [after] = _messages(shop)
    assert (after.state, after.channel, after.server_id, after.attempts) == (
        "sent", "email", "250 2.0.0 Ok: queued as Q0001", 1)


def test_a_refused_recipient_parks_the_message_and_flags_the_address(shop: Database) -> None:
    _claim(shop)
    with smtp_server() as box:
        box.refuse.add("ada@example.org")
        report = _engine(shop, box).push_once()
        assert report.parked == 1 and not box.messages
        [after] = _messages(shop)
        assert after.state == "failed" and "refused the address ada@example.org" in after.reason
        assert "550" in after.reason
        with shop.read() as session:
            flag = session.scalars(select(Customer.email_undeliverable)).one()
        assert "ada@example.org" in flag
        assert message_delivery.trouble_count(shop) == 1
        # While flagged, a retry is refused in plain words; a corrected address clears it.
        with pytest.raises(Exception, match="Correct the address first"):
            message_delivery.retry(shop, actor(Role.SALES), after.id.hex)
        with shop.read() as session:
            ref = session.scalars(select(Customer.reference)).one()
        message_delivery.correct_email(shop, actor(Role.SALES), ref, "ada@lovelace.example")
        message_delivery.retry(shop, actor(Role.SALES), after.id.hex)
        report = _engine(shop, box).push_once()
    assert report.delivered == 1 and [to for to, _ in box.messages] == [
        ["ada@lovelace.example"]]
    assert _messages(shop)[0].state == "sent"
    assert message_delivery.trouble_count(shop) == 0


def test_a_server_that_is_down_keeps_it_queued_and_a_later_cycle_sends_it(
        shop: Database) -> None:
    message = _claim(shop)
    port = free_port()
    down = Mailbox(port=port)
    report = _engine(shop, down).push_once()
    assert report.delivered == 0 and report.parked == 0
    assert "could not reach the mail server 127.0.0.1" in report.errors[0]
    [after] = _messages(shop)
    assert after.state == "queued" and after.attempts == 1 and "Not sent yet" in after.reason
    with smtp_server(port) as box:
        report = _engine(shop, box).push_once()
    assert report.delivered == 1 and box.ids() == [f"<{message.id.hex}@shop.example>"]
    assert _messages(shop)[0].state == "sent"


def test_a_message_is_never_emailed_twice_by_a_second_push(shop: Database) -> None:
    _claim(shop)
    with smtp_server() as box:
        _engine(shop, box).push_once()
        # A fresh engine (a restart) with its cursor wound back sends the event again.
        with shop.write() as session:
            session.execute(text(
                "UPDATE sync_cursors SET delivered_seq = 0 WHERE destination = 'mail'"))
        report = _engine(shop, box).push_once()
    assert report.delivered == 1 and report.stored == 0  # answered "duplicate"
    assert len(box.ids()) == 1


def test_a_message_gone_by_letter_is_not_emailed(shop: Database) -> None:
    message = _claim(shop)
    message_delivery.as_letter(shop, actor(Role.SALES), message.id.hex)
    with smtp_server() as box:
        report = _engine(shop, box).push_once()
    assert report.delivered == 1 and report.stored == 0 and not box.messages
    assert (_messages(shop)[0].channel, _messages(shop)[0].state) == ("letter", "queued")


def test_the_shops_logo_travels_inline_in_the_html_part(home: Home, shop: Database) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(picture, "PNG")
    logo = DocumentStore(home.documents).put(picture.getvalue(), name="The logo")
    message = _claim(shop)
    with shop.write() as session:
        session.scalars(select(Shop)).one().logo_sha256 = logo.sha256
    with smtp_server() as box:
        settings = SyncSettings(messages="smtp", smtp_host="127.0.0.1", smtp_port=box.port,
                                smtp_tls="none", mail_from="repairs@shop.example")
        mail_out = build_mail(home, settings, shop.clock)
        try:
            SyncEngine(shop, [mail_out]).push_once()
        finally:
            mail_out.close()
    [(_, mail)] = box.messages
    page = mail.get_body(("html",))
    assert page is not None
    [image] = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    cid = str(image["Content-ID"]).strip("<>")
    assert f'src="cid:{cid}"' in page.get_content()
    assert image.get_content() == picture.getvalue()
    assert mail["Message-ID"] == f"<{message.id.hex}@shop.example>"
