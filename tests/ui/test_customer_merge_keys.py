"""Merging a duplicate customer by keys: both records side by side, the kept one chosen."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import db_rows, open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.counter import CounterScreen
from ui.screens.customer import CustomerScreen
from ui.screens.customer_merge import MergeDialog
from ui.screens.follow_ups import FollowUpsScreen
from warranty_desk.storage.home import Home

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch,
                           [CounterScreen, CustomerScreen, ClaimDetailScreen, FollowUpsScreen])


def _duplicate(win: MainWindow) -> tuple[str, str, str]:
    """Two demo customers made one person's records, as an upgrade of their numbers leaves
    them: the second gets the first's phone. Their references and the shared phone."""
    (first, number), (second, _) = db_rows(
        win, "SELECT reference, phone FROM customers WHERE phone != '' ORDER BY reference")[:2]
    conn = sqlite3.connect(win.ctx.db.path)
    with conn:
        conn.execute("UPDATE customers SET phone = ? WHERE reference = ?", (number, second))
    conn.close()
    return first, second, number


def _customer(qtbot: Any, win: MainWindow, reference: str) -> CustomerScreen:
    win.ctx.navigate.emit("CustomerScreen", reference)
    screen = win.current_screen()
    assert isinstance(screen, CustomerScreen)
    qtbot.waitUntil(lambda: screen.profile is not None and screen.profile.reference == reference)
    return screen


def test_a_duplicate_is_merged_by_keys_after_both_records_are_shown(
    qtbot: Any, win: MainWindow
) -> None:
    first, second, _phone = _duplicate(win)
    held = db_rows(win, "SELECT count(*) FROM warranties w JOIN customers c ON c.id = "
                        "w.customer_id WHERE c.reference IN (?, ?)", first, second)[0][0]
    sign_in(qtbot, win, "Sue Support", "4444")
    screen = _customer(qtbot, win, second)
    qtbot.keyClick(screen, Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(screen.merge_dialog, MergeDialog)
                    and screen.merge_dialog.isVisible())
    dialog = screen.merge_dialog
    assert isinstance(dialog, MergeDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    # Both records, side by side, before anything changes.
    assert {dialog.cells[("Reference", 1)].text(), dialog.cells[("Reference", 2)].text()} == {
        first, second}
    assert "warranties" in dialog.cells[("Holds", 1)].text()
    assert dialog.keep.currentData() == second  # the customer shown, unless chosen otherwise
    qtbot.keyClick(dialog.keep, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.keep, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.keep, Qt.Key.Key_Up)
    assert dialog.keep.currentData() == first
    assert db_rows(win, "SELECT count(*) FROM customers WHERE reference = ?", second) == [(1,)]
    qtbot.keyClick(dialog.keep, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: screen.profile is not None and screen.profile.reference == first)
    assert db_rows(win, "SELECT count(*) FROM customers WHERE reference = ?", second) == [(0,)]
    assert screen.profile.purchase_count == held
    assert db_rows(win, "SELECT action FROM audit_entries ORDER BY seq DESC LIMIT 1") == [
        ("customer.merge",)]


def test_cancelling_the_merge_changes_nothing_and_a_role_without_it_gets_no_dialog(
    qtbot: Any, win: MainWindow
) -> None:
    _first, second, _phone = _duplicate(win)
    before = db_rows(win, "SELECT count(*) FROM customers")
    sign_in(qtbot, win, "Sam Sales", "1111")
    screen = _customer(qtbot, win, second)
    qtbot.keyClick(screen, Qt.Key.Key_D, CTRL_SHIFT)
    assert screen.merge_dialog is None and "may not merge" in win.notice.text()
    sign_in(qtbot, win, "Maria Manager", "5555")
    screen = _customer(qtbot, win, second)
    qtbot.keyClick(screen, Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: screen.merge_dialog is not None and screen.merge_dialog.isVisible())
    dialog = screen.merge_dialog
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog.keep, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert db_rows(win, "SELECT count(*) FROM customers") == before


def test_the_follow_ups_list_the_pair_and_enter_opens_the_first_to_merge_there(
    qtbot: Any, win: MainWindow
) -> None:
    first, second, _phone = _duplicate(win)
    sign_in(qtbot, win, "Sue Support", "4444")
    qtbot.keyClick(win, Qt.Key.Key_F12)
    follow = win.current_screen()
    assert isinstance(follow, FollowUpsScreen)
    for _ in range(follow.tabs.count()):
        if follow.tabs.currentWidget() is follow.duplicates:
            break
        qtbot.keyClick(follow, Qt.Key.Key_PageDown, CTRL)
    assert follow.tabs.currentWidget() is follow.duplicates
    qtbot.waitUntil(lambda: follow.duplicates.model.rowCount() == 1)
    pair = follow.duplicates.model.record(0)
    assert pair is not None and {pair.first.reference, pair.second.reference} == {first, second}
    assert pair.shared == "the same phone"
    follow.duplicates.table.setFocus()
    qtbot.keyClick(follow.duplicates.table, Qt.Key.Key_Return)
    screen = win.current_screen()
    assert isinstance(screen, CustomerScreen)
    qtbot.waitUntil(lambda: screen.profile is not None
                    and screen.profile.reference == pair.first.reference)
    qtbot.keyClick(screen, Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: screen.merge_dialog is not None and screen.merge_dialog.isVisible())
