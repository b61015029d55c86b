"""Settings > Sync by keys: the till texts customers who prefer SMS through an HTTP JSON gateway
beside its own mail server; a sender name a phone cannot show is refused beside its field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from sync import secrets
from tests.conftest import actor, sqlite_file
from tests.sms_gateway_stub import TOKEN, sms_gateway
from tests.sync.mail_box import smtp_server
from tests.ui.conftest import open_syncing_window
from tests.ui.sync_helpers import CYCLE_MS, own_mail_by_keys
from ui.main_window import MainWindow
from warranty_desk import config
from warranty_desk.contacts import texting_problem
from warranty_desk.permissions import Role
from warranty_desk.services import message_delivery
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.logs(r"^Sync cycle")


@pytest.fixture
def win(demo_home: Home) -> Iterator[MainWindow]:
    yield from open_syncing_window(demo_home)


def _rows(win: MainWindow, sql: str) -> list[tuple[Any, ...]]:
    with sqlite_file(win.ctx.db.path) as conn:
        return list(conn.execute(sql).fetchall())


def _texting_customer(win: MainWindow) -> tuple[str, str]:
    """A demo customer with messages, a phone that takes texts and an email: now prefers SMS."""
    found = _rows(win, "SELECT c.reference, c.phone FROM customers c WHERE c.email != '' AND "
                       "EXISTS (SELECT 1 FROM customer_messages m WHERE m.customer_id = c.id "
                       "AND m.direction = 'outbound') ORDER BY c.reference")
    reference, phone = next((r, p) for r, p in found if not texting_problem(p))
    message_delivery.prefer_channel(win.ctx.db, actor(Role.OWNER), reference, "sms")
    return reference, phone


def test_an_admin_sets_up_texts_by_keys_and_an_sms_customer_gets_texts_not_email(
        qtbot: Any, win: MainWindow) -> None:
    reference, phone = _texting_customer(win)
    with smtp_server() as box, sms_gateway() as gateway:
        tab = own_mail_by_keys(qtbot, win, box.port)
        assert tab.sms_url.isVisibleTo(tab) and tab.sms_token.isVisibleTo(tab)
        tab.sms_url.setFocus()
        qtbot.keyClicks(tab.sms_url, gateway.url)
        tab.sms_sender.setFocus()
        qtbot.keyClicks(tab.sms_sender, "Lumen & Co Repairs")
        tab.sms_token.edit.setFocus()
        qtbot.keyClicks(tab.sms_token.edit, TOKEN)
        qtbot.keyClick(tab.sms_token.edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        # The phone cannot show that sender: said beside the field, nothing saved.
        problem = tab.problems["sms_sender"]
        assert problem.isVisibleTo(tab) and "at most 11 letters or digits" in problem.text()
        assert win.notice.text().startswith("Not saved")
        assert config.load(win.ctx.home).settings.sync.sms_url == ""
        tab.sms_sender.setFocus()
        tab.sms_sender.selectAll()
        qtbot.keyClicks(tab.sms_sender, "LumenCo")
        with qtbot.waitSignal(win.sync_worker.cycle_done, timeout=CYCLE_MS):
            qtbot.keyClick(tab.sms_sender, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert "(texts by the SMS gateway)" in win.notice.text()
        saved = config.load(win.ctx.home).settings.sync
        assert (saved.sms_url, saved.sms_sender) == (gateway.url, "LumenCo")
        assert secrets.get_secret(win.ctx.home, secrets.SMS_TOKEN) == TOKEN
        texted = _rows(win, "SELECT m.id, m.channel, m.state FROM customer_messages m JOIN "
                            f"customers c ON c.id = m.customer_id WHERE c.reference = "
                            f"'{reference}' AND m.direction = 'outbound'")
        emails = box.ids()
    # Every message of the customer who prefers texts went as one text, and never by email.
    assert texted and {(channel, state) for _, channel, state in texted} == {("sms", "sent")}
    hexes = sorted(bytes(row[0]).hex() if isinstance(row[0], bytes) else str(row[0])
                   for row in texted)
    assert sorted(gateway.references()) == hexes
    assert {t["to"] for t in gateway.texts} == {phone}
    assert {t["from"] for t in gateway.texts} == {"LumenCo"}
    assert emails and not any(h in mid for h in hexes for mid in emails)
