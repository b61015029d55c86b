"""The erase button on the customer screen, by keys: a manager erases, sales staff never see it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import (  # noqa: F401 (the demo shop's fixtures)
    demo_home,
    demo_template,
    open_window,
    sign_in,
)
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.customer import CustomerScreen
from ui.widgets.reason_dialog import ReasonDialog
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.erasure import pseudonym
from warranty_desk.storage.home import Home


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:  # noqa: F811
    yield from open_window(demo_home, monkeypatch, [CounterScreen, CustomerScreen])


def _closed_customer(win: MainWindow, *, test: str = "NOT EXISTS") -> tuple[str, str, str]:
    """A demo customer with an email, a name of their own and no claim open (or one, with
    test="EXISTS")."""
    conn = sqlite3.connect(win.ctx.db.path)
    try:
        row = conn.execute(
            f"SELECT reference, name, email FROM customers c WHERE email <> '' AND {test} "
            "(SELECT 1 FROM claims WHERE customer_id = c.id AND state IN "
            f"({','.join('?' * len(OPEN_STATES))})) AND (SELECT count(*) FROM customers d "
            "WHERE d.name = c.name) = 1 ORDER BY reference LIMIT 1", OPEN_STATES).fetchone()
    finally:
        conn.close()
    return str(row[0]), str(row[1]), str(row[2])


def _erase_by_keys(qtbot: Any, screen: CustomerScreen, reason: str) -> ReasonDialog:
    button = screen.erase.button
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    dialog = screen.erase.dialog
    assert isinstance(dialog, ReasonDialog) and dialog.isVisible()
    dialog.activateWindow()  # the active window, as it is for a person: its keys reach it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.reason, reason)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return dialog


def _open(qtbot: Any, win: MainWindow, reference: str) -> CustomerScreen:
    screen = win.show_screen(CustomerScreen)
    assert isinstance(screen, CustomerScreen)
    qtbot.keyClicks(screen.search, reference)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.profile is not None and screen.profile.reference == reference)
    return screen


def test_a_manager_erases_the_customer_shown_with_a_reason(qtbot: Any, win: MainWindow) -> None:
    reference, name, email = _closed_customer(win)
    sign_in(qtbot, win, "Maria Manager", "5555")
    screen = _open(qtbot, win, reference)
    assert screen.erase.button.isVisibleTo(screen)
    dialog = _erase_by_keys(qtbot, screen, "Asked by email on 3 December")
    assert name in dialog.windowTitle() and "cannot be undone" in dialog.intro.text()
    alias = pseudonym(reference)
    qtbot.waitUntil(lambda: screen.name.text() == alias)
    assert f"Erased {reference}" in win.notice.text()
    assert email not in screen.facts.text()
    raw = win.ctx.db.path.read_bytes()
    assert name.encode() not in raw and email.encode() not in raw


def test_sales_staff_see_no_erase_button(qtbot: Any, win: MainWindow) -> None:
    reference, _name, _email = _closed_customer(win)
    sign_in(qtbot, win, "Sam Sales", "1111")
    screen = _open(qtbot, win, reference)
    assert not screen.erase.button.isVisibleTo(screen)


def test_a_customer_with_an_open_claim_is_refused_in_plain_words(
        qtbot: Any, win: MainWindow) -> None:
    reference, name, _email = _closed_customer(win, test="EXISTS")
    sign_in(qtbot, win, "Olive Owner", "7777")
    screen = _open(qtbot, win, reference)
    _erase_by_keys(qtbot, screen, "Asked at the counter")
    qtbot.waitUntil(lambda: "still has open claim" in win.notice.text())
    assert "Nothing was erased" in win.notice.text()
    assert screen.name.text() == name
