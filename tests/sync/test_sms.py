"""Text messages from the till: a generic HTTP JSON gateway on loopback, one text per message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from sync.engine import SyncEngine
from sync.mail import MailDestination
from sync.runner import run_cycle
from sync.secrets import SMS_TOKEN, set_secret
from sync.sms import SmsDestination
from tests.conftest import actor
from tests.sms_gateway_stub import TOKEN, sms_gateway
from tests.sync.mail_box import Mailbox, free_port, smtp_server
from tests.sync.test_mail_smtp import _messages
from warranty_desk.config import SyncSettings, sync_problems
from warranty_desk.errors import BadInput, RuleBlocked
from warranty_desk.models import Claim, Customer, CustomerMessage, Shop
from warranty_desk.permissions import Role
from warranty_desk.services import claims, message_delivery
from warranty_desk.services.activation import record_sale
from warranty_desk.services.sale_input import CustomerInput, LineInput, SaleInput
from warranty_desk.sms_gateway import HttpJsonSms
from warranty_desk.sms_text import fits
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

GRACE = CustomerInput("Grace Hopper", phone="07700 900596", email="grace@example.org")
MOBILE = "+447700900596"


def _sell_to(db: Database, who: CustomerInput, invoice: str, serial: str) -> str:
    return record_sale(db, actor(Role.SALES), SaleInput(
        invoice, date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, (serial,), None),),
        who)).warranty_codes[0]


def _claim_for(db: Database, who: CustomerInput = GRACE, *, prefers: str = "sms",
               invoice: str = "INV-2001", serial: str = "SN-GR-0001") -> CustomerMessage:
    code = _sell_to(db, who, invoice, serial)
    with db.write() as session:
        session.scalars(select(Shop)).one().name = "Lumen & Co"
        reference = session.scalars(select(Customer.reference).where(
            Customer.name == who.name)).one()
    if prefers:
        message_delivery.prefer_channel(db, actor(Role.SALES), reference, prefers)
    claims.start_claim(db, actor(Role.SALES), claims.StartClaim(code, "Screen flickers"))
    return _messages(db)[-1]


def _message(db: Database, hexid: str) -> CustomerMessage:
    return next(m for m in _messages(db) if m.id.hex == hexid)


def _customer(db: Database, name: str) -> Customer:
    with db.read() as session:
        found = session.scalars(select(Customer).where(Customer.name == name)).one()
        session.expunge(found)
        return found


def _engine(db: Database, gateway_url: str, box: Mailbox | None = None) -> SyncEngine:
    dests: list[MailDestination | SmsDestination] = []
    if box is not None:
        dests.append(MailDestination(db, box.server(), sms_on=True))
    dests.append(SmsDestination(db, HttpJsonSms(gateway_url, lambda: TOKEN, "LumenCo")))
    return SyncEngine(db, dests, backoff_base=0.01, backoff_cap=0.02)  # type: ignore[arg-type]


def test_a_text_arrives_once_with_the_shops_name_the_words_and_the_claim_number(
        shop: Database) -> None:
    message = _claim_for(shop)
    with shop.read() as session:
        number = session.scalars(select(Claim.number)).one()
    with sms_gateway() as gateway:
        report = _engine(shop, gateway.url).push_once()
        again = _engine(shop, gateway.url).push_once()
    assert report.delivered == 1 and not report.errors and again.delivered == 0
    [text] = gateway.texts
    assert text["to"] == MOBILE and text["reference"] == message.id.hex
    assert text["from"] == "LumenCo"
    assert text["text"].startswith("Lumen & Co: We received your ")
    assert number in text["text"] and "Hello" not in text["text"]
    assert fits(text["text"], 2)
    assert gateway.authorizations == [f"Bearer {TOKEN}"]
    sent = _message(shop, message.id.hex)
    assert (sent.state, sent.channel, sent.server_id) == ("sent", "sms", "GW-0001")
    assert message_delivery.delivery_words(sent.state, sent.channel, sent.reason,
                                           sent.server_id) == "sent by SMS (gateway: GW-0001)"


def test_each_message_goes_by_one_channel_the_customers_choice(shop: Database) -> None:
    by_text = _claim_for(shop)
    by_mail = _claim_for(shop, CustomerInput("Alan Turing", phone="07700 900597",
                                             email="alan@example.org"),
                         prefers="", invoice="INV-2002", serial="SN-AT-0001")
    with sms_gateway() as gateway, smtp_server() as box:
        report = _engine(shop, gateway.url, box).push_once()
    assert not report.errors
    assert gateway.references() == [by_text.id.hex]
    assert [str(mail["Message-ID"]) for _, mail in box.messages] == [
        f"<{by_mail.id.hex}@shop.example>"]
    states = {m.id.hex: (m.state, m.channel) for m in _messages(shop)}
    assert states == {by_text.id.hex: ("sent", "sms"), by_mail.id.hex: ("sent", "email")}


def test_a_refused_number_parks_the_text_and_flags_the_phone_until_corrected(
        shop: Database) -> None:
    message = _claim_for(shop)
    with sms_gateway() as gateway:
        gateway.status, gateway.reason = 400, f"{MOBILE} is not a mobile number we can reach"
        report = _engine(shop, gateway.url).push_once()
    assert report.parked == 1 and report.delivered == 0
    failed = _message(shop, message.id.hex)
    assert failed.state == "failed" and failed.channel == "sms"
    assert "the SMS gateway refused the text (400: the number is not a mobile number" in \
        failed.reason
    flagged = _customer(shop, "Grace Hopper").phone_undeliverable
    assert flagged == failed.reason
    # Retrying is blocked until the number is corrected; a later message goes by email.
    with pytest.raises(RuleBlocked, match="Correct the number first"):
        message_delivery.retry(shop, actor(Role.SALES), message.id.hex)
    with shop.read() as session:
        customer = session.scalars(select(Customer).where(Customer.name == "Grace Hopper")).one()
        assert message_delivery.route(customer, True) == "email"
    said = message_delivery.correct_phone(shop, actor(Role.SALES),
                                          _customer(shop, "Grace Hopper").reference,
                                          "07700 900598")
    assert "texts can be sent to it again" in said
    assert _customer(shop, "Grace Hopper").phone_undeliverable == ""
    message_delivery.retry(shop, actor(Role.SALES), message.id.hex)
    with sms_gateway() as gateway:
        report = _engine(shop, gateway.url).push_once()
    assert report.delivered == 1
    assert [t["to"] for t in gateway.texts] == ["+447700900598"]
    assert _message(shop, message.id.hex).state == "sent"


def test_a_gateway_that_is_down_keeps_the_text_queued(shop: Database) -> None:
    message = _claim_for(shop)
    down = f"http://127.0.0.1:{free_port()}/v1/messages"
    report = _engine(shop, down).push_once()
    assert report.delivered == 0 and report.parked == 0 and report.errors
    waiting = _message(shop, message.id.hex)
    assert waiting.state == "queued" and waiting.reason.startswith("Not sent yet: the SMS "
                                                                   "gateway could not be reached")
    with sms_gateway() as gateway:
        gateway.status = 503
        busy = _engine(shop, gateway.url).push_once()
        assert busy.errors and _message(shop, message.id.hex).state == "queued"
        gateway.status = 201
        report = _engine(shop, gateway.url).push_once()
    assert report.delivered == 1 and gateway.references() == [message.id.hex]


def test_a_switch_to_email_sends_the_refused_text_as_an_email(shop: Database) -> None:
    message = _claim_for(shop)
    with sms_gateway() as gateway, smtp_server() as box:
        gateway.status = 400
        _engine(shop, gateway.url, box).push_once()
        assert _message(shop, message.id.hex).state == "failed" and not box.messages
        said = message_delivery.switch_channel(shop, actor(Role.SALES), message.id.hex,
                                               "email", senders=("email", "sms"))
        assert "will be sent by email" in said
        report = _engine(shop, gateway.url, box).push_once()
    assert report.delivered >= 1
    assert [to for to, _ in box.messages] == [["grace@example.org"]]
    switched = _message(shop, message.id.hex)
    assert (switched.state, switched.channel) == ("sent", "email")


# The SMS sender as a sync cycle runs it, in a process of its own.
WORKER = """
import sys
from pathlib import Path
from sync.engine import SyncEngine
from sync.sms import SmsDestination
from warranty_desk.clock import SystemClock
from warranty_desk.sms_gateway import HttpJsonSms
from warranty_desk.storage.database import Database

db = Database(Path(sys.argv[1]), clock=SystemClock())
gateway = HttpJsonSms(sys.argv[2], lambda: "token", timeout=120.0)
SyncEngine(db, [SmsDestination(db, gateway)]).push_once()
"""


def _wait(check: Callable[[], bool], timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_a_kill_mid_send_never_texts_a_message_twice(shop: Database) -> None:
    for n in range(3):
        _claim_for(shop, invoice=f"INV-30{n}", serial=f"SN-K-{n}", prefers="sms" if n == 0
                   else "")
    ids = {m.id.hex for m in _messages(shop)}
    assert len(ids) == 3
    with sms_gateway() as gateway:
        gateway.hold = 600.0  # the gateway keeps each text and holds its answer back
        worker = subprocess.Popen([sys.executable, "-c", WORKER, str(shop.path), gateway.url])
        try:
            assert _wait(lambda: len(gateway.texts) >= 1)
            os.kill(worker.pid, signal.SIGKILL)
        finally:
            worker.kill()
            worker.wait(timeout=10)
        assert worker.returncode == -signal.SIGKILL
        [cut] = [m.id.hex for m in _messages(shop) if m.state == "sending"]
        gateway.hold = 0.0
        report = _engine(shop, gateway.url).push_once()
    # The one in flight is not texted again by itself: a person is asked; the rest go.
    assert report.parked == 1 and report.delivered == 2
    states = {m.id.hex: m.state for m in _messages(shop)}
    assert states.pop(cut) == "interrupted"
    assert set(states.values()) == {"sent"}
    assert Counter(gateway.references()) == Counter(dict.fromkeys(ids, 1))


def test_a_shop_without_head_office_texts_through_its_cycle(home: Home, shop: Database
                                                           ) -> None:
    message = _claim_for(shop)
    with sms_gateway() as gateway, smtp_server() as box:
        settings = SyncSettings(messages="smtp", smtp_host="127.0.0.1", smtp_port=box.port,
                                smtp_tls="none", mail_from="repairs@shop.example",
                                sms_url=gateway.url, sms_sender="LumenCo")
        assert not sync_problems(settings)
        with pytest.raises(BadInput, match="SMS gateway's token"):
            run_cycle(home, shop, settings)
        set_secret(home, SMS_TOKEN, TOKEN)
        report = run_cycle(home, shop, settings)
    assert report.complete, report.message
    assert gateway.references() == [message.id.hex] and not box.messages
