"""The customer screen: each message's delivery in words, a refused address flagged, and the
flag cleared by correcting the address with the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import db_rows, open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.customer import CustomerScreen
from warranty_desk.storage.home import Home

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
REFUSED = "the mail server refused the address for good (550 No such user)."


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch, [CounterScreen, CustomerScreen])


def test_a_refused_address_is_flagged_and_correcting_it_clears_the_flag(
        qtbot: Any, win: MainWindow) -> None:
    reference, message = db_rows(
        win, "SELECT c.reference, lower(hex(m.id)) FROM customers c JOIN customer_messages m "
             "ON m.customer_id = c.id WHERE c.email != '' ORDER BY c.reference LIMIT 1")[0]
    with win.ctx.db.write() as session:
        session.connection().exec_driver_sql(
            "UPDATE customers SET email_undeliverable = ? WHERE reference = ?",
            (REFUSED, reference))
        session.connection().exec_driver_sql(
            "UPDATE customer_messages SET state = 'failed', channel = 'email', reason = ? "
            "WHERE lower(hex(id)) = ?", (REFUSED, message))
    sign_in(qtbot, win, "Maria Manager", "5555")
    win.ctx.navigate.emit("CustomerScreen", reference)
    screen = win.current_screen()
    assert isinstance(screen, CustomerScreen)
    qtbot.waitUntil(lambda: screen.profile is not None)
    assert "email refused, messages cannot reach it" in screen.facts.text()
    delivery = [c.title for c in screen.message_model.columns].index("Delivery")
    shown = [screen.message_model.index(r, delivery).data()
             for r in range(screen.message_model.rowCount())]
    assert f"failed by email: {REFUSED}" in shown
    qtbot.keyClick(screen, Qt.Key.Key_E, CTRL_SHIFT)
    assert screen.contacts.email_edit.hasFocus()
    qtbot.keyClicks(screen.contacts.email_edit, "ada.new@example.org")
    qtbot.keyClick(screen.contacts.email_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: db_rows(win, "SELECT email, email_undeliverable FROM customers "
                                         "WHERE reference = ?", reference)
                    == [("ada.new@example.org", "")])
    assert "messages can be sent to it again" in win.notice.text()
    qtbot.waitUntil(lambda: "email refused" not in screen.facts.text())
    assert "ada.new@example.org" in screen.facts.text()
