"""Delivery on screen: the claim's Messages tab says how each message went, and a message that
did not arrive is sent again or as a letter by its key; failures are counted for the person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
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
from ui.sync.status import IndicatorState, SyncSnapshot, indicator_words
from warranty_desk.storage.home import Home

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
REFUSED = "the mail server refused the address ada@nowhere.example for good (550 No such user)."


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch,
                           [CounterScreen, ClaimsBoardScreen, ClaimDetailScreen, CustomerScreen])


def _write(win: MainWindow, sql: str, *args: object) -> None:
    with win.ctx.db.write() as session:
        session.connection().exec_driver_sql(sql, args)


def _messages_tab(qtbot: Any, win: MainWindow) -> tuple[ClaimDetailScreen, MessagesTab, str]:
    number, message = db_rows(
        win, "SELECT c.number, lower(hex(m.id)) FROM customer_messages m JOIN claims c ON "
             "c.id = m.claim_id WHERE m.direction = 'outbound' ORDER BY c.number, m.created_at "
             "LIMIT 1")[0]
    _write(win, "UPDATE customer_messages SET state = 'failed', channel = 'email', reason = ? "
                "WHERE lower(hex(id)) = ?", REFUSED, message)
    sign_in(qtbot, win, "Maria Manager", "5555")
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen)
    qtbot.keyClick(screen, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert screen.tabs.currentWidget() is screen.messages
    tab = screen.messages
    tab.list.setFocus()
    qtbot.keyClick(tab.list, Qt.Key.Key_Home)
    return screen, tab, message


def test_a_failed_message_says_why_and_is_sent_again_by_its_key(
        qtbot: Any, win: MainWindow) -> None:
    _screen, tab, message = _messages_tab(qtbot, win)
    first = tab.list.item(0).text()
    assert "failed by email: the mail server refused the address" in first
    assert "Delivery: failed by email" in tab.body.toPlainText()
    assert tab.retry_button.isEnabled()
    qtbot.keyClick(tab.list, Qt.Key.Key_M, CTRL_SHIFT)
    qtbot.waitUntil(lambda: db_rows(win, "SELECT state FROM customer_messages WHERE "
                                         "lower(hex(id)) = ?", message) == [("queued",)])
    assert "will be sent again" in win.notice.text()
    assert db_rows(win, "SELECT action FROM audit_entries ORDER BY seq DESC LIMIT 1") == [
        ("message.retry",)]
    qtbot.waitUntil(lambda: "waiting to be sent by email" in tab.list.item(0).text())


def test_a_failed_message_goes_as_a_letter_by_its_key(qtbot: Any, win: MainWindow) -> None:
    _screen, tab, message = _messages_tab(qtbot, win)
    qtbot.keyClick(tab.list, Qt.Key.Key_K, CTRL_SHIFT)
    qtbot.waitUntil(lambda: db_rows(win, "SELECT channel, state FROM customer_messages WHERE "
                                         "lower(hex(id)) = ?", message) == [("letter", "queued")])
    assert "is now a letter to print" in win.notice.text()
    qtbot.waitUntil(lambda: "to print as a letter" in tab.list.item(0).text())
    # Sent again by email is no longer offered: it is a letter now.
    qtbot.keyClick(tab.list, Qt.Key.Key_Home)
    assert not tab.retry_button.isEnabled()


def test_a_message_sent_says_the_servers_answer(qtbot: Any, win: MainWindow) -> None:
    _screen, tab, message = _messages_tab(qtbot, win)
    _write(win, "UPDATE customer_messages SET state = 'sent', reason = '', server_id = "
                "'250 2.0.0 Ok: queued as 4FQ2' WHERE lower(hex(id)) = ?", message)
    qtbot.keyClick(tab, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "sent by email (server: 250 2.0.0 Ok: queued as 4FQ2)"
                    in tab.list.item(0).text())
    assert not tab.retry_button.isEnabled() and not tab.letter_button.isEnabled()


def test_failures_are_counted_on_the_status_bar() -> None:
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    text, level = indicator_words(IndicatorState(SyncSnapshot(set_up=True, messages_failed=2),
                                                 online=True), "Europe/London", now)
    assert "2 messages not delivered" in text and level == "warning"
    text, level = indicator_words(IndicatorState(SyncSnapshot(set_up=True), online=True),
                                  "Europe/London", now)
    assert "not delivered" not in text and level == "success"
