"""One channel per message: the till's own mail server or head office, chosen in Settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from sync.destinations import ENTRIES, chosen, wire
from sync.runner import run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import actor, stand_on
from tests.sync.mail_box import free_port, smtp_server
from tests.unit.services.helpers import ADA, sell
from warranty_desk.config import SyncSettings, sync_problems
from warranty_desk.errors import BadInput
from warranty_desk.models import CustomerMessage, Warranty
from warranty_desk.permissions import Role
from warranty_desk.services import claims
from warranty_desk.services.activation import record_sale
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

SMTP = dict(messages="smtp", smtp_host="127.0.0.1", smtp_tls="none",
            mail_from="repairs@shop.example")


def test_the_mail_server_is_one_more_entry_chosen_by_the_settings() -> None:
    assert [e.name for e in ENTRIES][-2:] == ["mail", "sms"]
    assert [e.name for e in chosen(SyncSettings())] == ["portal"]
    assert [e.name for e in chosen(SyncSettings(**SMTP))] == ["portal", "mail"]  # type: ignore[arg-type]


def test_never_both_for_one_message(home: Home, db: Database) -> None:
    set_secret(home, PORTAL_TOKEN, "t0ken")
    url = "http://127.0.0.1:9/api/v1"
    own = wire(home, SyncSettings(portal_url=url, **SMTP), db.clock, branch="BR01")  # type: ignore[arg-type]
    office = wire(home, SyncSettings(portal_url=url), db.clock, branch="BR01")
    try:
        # The shop's own mail server takes the messages, and head office never gets them.
        assert [(d.name, d.wants("message.queued")) for d in own.destinations] == [
            ("portal", False), ("mail", True)]
        assert own.portal.wants("claim.created")
        # Through head office: head office gets them, and nothing on the till emails.
        assert [(d.name, d.wants("message.queued")) for d in office.destinations] == [
            ("portal", True)]
    finally:
        own.close()
        office.close()


def test_mail_settings_that_cannot_work_say_what_to_fix(home: Home, db: Database) -> None:
    bad = SyncSettings(messages="smtp", smtp_host="mail.example.com", smtp_tls="none",
                       mail_from="not an address")
    found = sync_problems(bad)
    assert any("without TLS is only allowed on this computer" in p for p in found)
    assert any("From address 'not an address' is not an email address" in p for p in found)
    with pytest.raises(BadInput, match=r"mail server.s password.*set-secret smtp-password"):
        run_cycle(home, db, SyncSettings(smtp_user="shop", **SMTP))  # type: ignore[arg-type]


def test_a_shop_without_head_office_emails_by_its_own_server(shop: Database,
                                                              tmp_path: Path) -> None:
    home = Home(shop.path.parent)
    code = sell(shop).warranty_codes[0]
    claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(code, "Dead"))
    port = free_port()
    settings = SyncSettings(smtp_port=port, **SMTP)  # type: ignore[arg-type]
    down = run_cycle(home, shop, settings)
    assert not down.online and "could not reach the mail server" in down.message
    with smtp_server(port) as box:
        up = run_cycle(home, shop, settings)
    assert up.online and up.complete, up.message
    assert len(box.messages) == 1
    with shop.read() as session:
        assert session.scalars(select(CustomerMessage.state)).all() == ["sent"]


def test_the_nightly_run_of_a_shop_without_head_office_emails_due_reminders(
    shop: Database
) -> None:
    home = Home(shop.path.parent)
    code = record_sale(shop, actor(Role.SALES), SaleInput(
        "INV-R", date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, ("SN-R",)),),
        replace(ADA, reminders_agreed=True))).warranty_codes[0]
    with shop.read() as session:
        end = session.scalars(select(Warranty.end_on).where(Warranty.code == code)).one()
    stand_on(shop, end - timedelta(days=30), hour=2)
    port = free_port()
    with smtp_server(port) as box:
        night = run_cycle(home, shop, SyncSettings(smtp_port=port, **SMTP),  # type: ignore[arg-type]
                          nightly=True)
    assert night.complete, night.message
    with shop.read() as session:
        assert session.execute(select(CustomerMessage.template, CustomerMessage.state)).all() \
            == [("warranty_reminder", "sent")]
    assert len(box.messages) == 1


def test_a_message_the_till_could_not_email_is_not_called_the_servers_refusal(
    shop: Database
) -> None:
    home = Home(shop.path.parent)
    no_email = replace(ADA, email="")
    code = record_sale(shop, actor(Role.SALES), SaleInput(
        "INV-N", date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, ("SN-N",)),),
        no_email)).warranty_codes[0]
    claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(code, "Dead"))
    port = free_port()
    with smtp_server(port) as box:
        report = run_cycle(home, shop, SyncSettings(smtp_port=port, **SMTP))  # type: ignore[arg-type]
    assert not box.messages
    # The till itself held the message back (no address): the server was never asked.
    assert report.problems == (
        "1 customer email could not be sent; retry or dismiss them in the sync panel",), \
        report.problems
    assert "mail server refused" not in report.message
