"""Consent to reminders, given at the sale and withdrawn or given again on the customer screen,
by keys; each change is kept with its day."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.customer import CustomerScreen
from ui.screens.sale import SaleScreen
from warranty_desk.storage.home import Home

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch, [CounterScreen, SaleScreen, CustomerScreen])


def _consent(win: MainWindow, name: str) -> tuple[Any, Any]:
    conn = sqlite3.connect(win.ctx.db.path)
    try:
        row = conn.execute("SELECT reminders_agreed_at, reminders_withdrawn_at FROM customers "
                           "WHERE name = ?", (name,)).fetchone()
        return row[0], row[1]
    finally:
        conn.close()


def test_consent_ticked_at_the_sale_is_recorded_and_withdrawn_on_the_customer_screen(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Sam Sales", "1111")
    screen = win.show_screen(SaleScreen)
    assert isinstance(screen, SaleScreen)
    qtbot.mouseClick(screen.manual_button, LEFT)
    qtbot.keyClicks(screen.receipt, "TILL-7001")
    qtbot.keyClicks(screen.customer_name, "Ada Byron")
    qtbot.keyClicks(screen.customer_phone, "+44 20 7946 0777")
    box = screen.manual.reminders
    assert not box.isChecked()  # never ticked for the customer
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked()
    qtbot.keyClicks(screen.search, "LUM-USBC-2M")
    qtbot.mouseClick(screen.add_button, LEFT)
    qtbot.keyClick(screen.finish_button, Qt.Key.Key_Return)
    assert screen.stack.currentWidget() is screen.done_page
    agreed, withdrawn = _consent(win, "Ada Byron")
    assert agreed is not None and withdrawn is None

    win.lock()
    sign_in(qtbot, win, "Sue Support", "4444")
    customer = win.show_screen(CustomerScreen)
    assert isinstance(customer, CustomerScreen)
    qtbot.keyClicks(customer.search, "Ada Byron")
    qtbot.keyClick(customer.search, Qt.Key.Key_Return)
    assert customer.reminders.isChecked() and customer.reminders.isEnabled()
    assert customer.reminders_since.text().startswith("agreed on ")
    customer.reminders.setFocus()
    qtbot.keyClick(customer.reminders, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _consent(win, "Ada Byron")[1] is not None)
    assert not customer.reminders.isChecked()
    assert customer.reminders_since.text().startswith("withdrawn on ")
    assert _consent(win, "Ada Byron")[0] == agreed  # the agreement stays on record
    qtbot.keyClick(customer.reminders, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _consent(win, "Ada Byron")[1] is None)
    assert customer.reminders.isChecked()
