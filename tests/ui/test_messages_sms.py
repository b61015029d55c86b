"""Texts on screen: the Messages tab says a message went by SMS and the gateway's id, and a
message that did not arrive switches between email and SMS by its key, where the till sends
by both; the customer's screen takes their channel and a corrected phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import db_rows, open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claim_detail_parts.messages_tab import MessagesTab
from ui.screens.claims_board import ClaimsBoardScreen
from ui.screens.counter import CounterScreen
from ui.screens.customer import CustomerScreen
from warranty_desk import config
from warranty_desk.config import Settings, SyncSettings
from warranty_desk.storage.home import Home

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
OWN = SyncSettings(messages="smtp", smtp_host="127.0.0.1", smtp_tls="none",
                   mail_from="repairs@demo.example", sms_url="http://127.0.0.1:9/v1/messages")
REFUSED = "the SMS gateway refused the text (400: not a mobile number)."


def _window(home: Home, monkeypatch: pytest.MonkeyPatch, sync: SyncSettings
            ) -> Iterator[MainWindow]:
    config.save(home, Settings(sync=sync))
    yield from open_window(home, monkeypatch,
                           [CounterScreen, ClaimsBoardScreen, ClaimDetailScreen, CustomerScreen])


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from _window(demo_home, monkeypatch, OWN)


def _write(win: MainWindow, sql: str, *args: object) -> None:
    with win.ctx.db.write() as session:
        session.connection().exec_driver_sql(sql, args)


def _messages_tab(qtbot: Any, win: MainWindow, channel: str, state: str = "failed",
                  reason: str = REFUSED, server_id: str = "") -> tuple[MessagesTab, str]:
    number, message = db_rows(
        win, "SELECT c.number, lower(hex(m.id)) FROM customer_messages m JOIN claims c ON "
             "c.id = m.claim_id JOIN customers u ON u.id = m.customer_id WHERE m.direction = "
             "'outbound' AND u.email != '' ORDER BY c.number, m.created_at LIMIT 1")[0]
    _write(win, "UPDATE customer_messages SET state = ?, channel = ?, reason = ?, server_id = ? "
                "WHERE lower(hex(id)) = ?", state, channel, reason, server_id, message)
    sign_in(qtbot, win, "Maria Manager", "5555")
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen)
    qtbot.keyClick(screen, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    tab = screen.messages
    tab.list.setFocus()
    qtbot.keyClick(tab.list, Qt.Key.Key_Home)
    return tab, message


def test_a_text_sent_says_the_gateways_id(qtbot: Any, win: MainWindow) -> None:
    tab, _message = _messages_tab(qtbot, win, "sms", "sent", "", "GW-0042")
    assert "sent by SMS (gateway: GW-0042)" in tab.list.item(0).text()
    assert not tab.switch_button.isEnabled()


def test_a_refused_text_switches_to_email_by_its_key(qtbot: Any, win: MainWindow) -> None:
    tab, message = _messages_tab(qtbot, win, "sms")
    assert "failed by SMS: the SMS gateway refused the text" in tab.list.item(0).text()
    qtbot.waitUntil(lambda: tab.switch_button.isVisible() and tab.switch_button.isEnabled())
    assert tab.switch_button.text().startswith("Send by email instead")
    qtbot.keyClick(tab.list, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.waitUntil(lambda: db_rows(win, "SELECT channel, state FROM customer_messages WHERE "
                                         "lower(hex(id)) = ?", message) == [("email", "queued")])
    assert "will be sent by email with the next sync" in win.notice.text()
    assert db_rows(win, "SELECT action FROM audit_entries ORDER BY seq DESC LIMIT 1") == [
        ("message.channel",)]
    # Queued again for the mail sender: a message.queued event names it once more.
    assert db_rows(win, "SELECT count(*) FROM outbox_events WHERE topic = 'message.queued' "
                        "AND aggregate_id = ?", message)[0][0] == 2
    qtbot.waitUntil(lambda: "waiting to be sent by email" in tab.list.item(0).text())


def test_a_failed_email_switches_to_sms_only_to_a_phone_that_takes_texts(
        qtbot: Any, win: MainWindow) -> None:
    tab, message = _messages_tab(qtbot, win, "email", reason="550 No such user")
    _write(win, "UPDATE customers SET phone = '+442079460958' WHERE id = (SELECT customer_id "
                "FROM customer_messages WHERE lower(hex(id)) = ?)", message)
    qtbot.waitUntil(lambda: tab.switch_button.isEnabled())
    assert tab.switch_button.text().startswith("Send by SMS instead")
    qtbot.keyClick(tab.list, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.waitUntil(lambda: "is a landline, which cannot take text messages" in
                    win.notice.text())
    assert db_rows(win, "SELECT channel, state FROM customer_messages WHERE lower(hex(id)) = ?",
                   message) == [("email", "failed")]
    _write(win, "UPDATE customers SET phone = '+447700900596' WHERE id = (SELECT customer_id "
                "FROM customer_messages WHERE lower(hex(id)) = ?)", message)
    qtbot.keyClick(tab.list, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.waitUntil(lambda: db_rows(win, "SELECT channel, state FROM customer_messages WHERE "
                                         "lower(hex(id)) = ?", message) == [("sms", "queued")])


@pytest.fixture
def office(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """A till whose messages head office sends."""
    yield from _window(demo_home, monkeypatch, SyncSettings())


def test_no_switch_where_head_office_sends(qtbot: Any, office: MainWindow) -> None:
    tab, _message = _messages_tab(qtbot, office, "email")
    qtbot.waitUntil(lambda: tab.senders == () and tab.retry_button.isEnabled())
    assert not tab.switch_button.isVisible()


@pytest.fixture
def mail_only(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """A till that emails its customers itself and has no SMS gateway (any more)."""
    yield from _window(demo_home, monkeypatch, SyncSettings(
        messages="smtp", smtp_host="127.0.0.1", smtp_tls="none",
        mail_from="repairs@demo.example"))


def test_a_text_left_queued_when_the_gateway_went_moves_to_email(
        qtbot: Any, mail_only: MainWindow) -> None:
    tab, message = _messages_tab(qtbot, mail_only, "sms", "queued", "")
    assert "waiting to be sent by SMS" in tab.list.item(0).text()
    qtbot.waitUntil(lambda: tab.senders == ("email",))
    assert tab.switch_button.isVisible()
    assert tab.switch_button.text().startswith("Send by email instead")
    qtbot.keyClick(tab.list, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.waitUntil(lambda: db_rows(
        mail_only, "SELECT channel, state FROM customer_messages WHERE lower(hex(id)) = ?",
        message) == [("email", "queued")])


def test_the_customer_screen_takes_the_channel_and_a_corrected_phone(
        qtbot: Any, win: MainWindow) -> None:
    reference, = db_rows(win, "SELECT reference FROM customers WHERE email != '' "
                              "ORDER BY reference LIMIT 1")[0]
    _write(win, "UPDATE customers SET phone = '+442079460958', phone_undeliverable = ? "
                "WHERE reference = ?", REFUSED, reference)
    sign_in(qtbot, win, "Maria Manager", "5555")
    win.ctx.navigate.emit("CustomerScreen", reference)
    screen = win.current_screen()
    assert isinstance(screen, CustomerScreen)
    qtbot.waitUntil(lambda: screen.profile is not None)
    assert "phone refused, texts cannot reach it" in screen.facts.text()
    # A landline takes no texts: the choice is refused and stays as it was.
    screen.contacts.channel.setFocus()
    qtbot.keyClick(screen.contacts.channel, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: "cannot get texts" in win.notice.text())
    assert screen.contacts.channel.currentData() == ""
    qtbot.keyClick(screen, Qt.Key.Key_H, CTRL_SHIFT)
    assert screen.contacts.phone_edit.hasFocus()
    qtbot.keyClicks(screen.contacts.phone_edit, "07700 900596")
    qtbot.keyClick(screen.contacts.phone_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "texts can be sent to it again" in win.notice.text())
    qtbot.waitUntil(lambda: "phone refused" not in screen.facts.text())
    screen.contacts.channel.setFocus()
    qtbot.keyClick(screen.contacts.channel, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: db_rows(win, "SELECT preferred_channel, phone, phone_undeliverable "
                                         "FROM customers WHERE reference = ?", reference) == [
        ("sms", "+447700900596", "")])
    qtbot.waitUntil(lambda: "prefers SMS" in screen.facts.text())
