"""A manager unlocks a cashier locked out at the counter, from Settings > Staff & roles, and
nothing more: no new people, no PINs, not the owner's or an admin's account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import db_rows, open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.settings import SettingsScreen
from warranty_desk.errors import AccountLocked, BadInput
from warranty_desk.services import staff
from warranty_desk.storage.home import Home


@pytest.fixture
def window(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch, [CounterScreen, SettingsScreen])


def _lock_out(win: MainWindow, name: str) -> None:
    """Wrong PINs until the account locks, as someone guessing at the till would."""
    for _ in range(staff.MAX_WRONG_PINS):
        with pytest.raises((BadInput, AccountLocked)):
            staff.sign_in(win.ctx.db, name, "0000")


def _staff_tab(qtbot: Any, win: MainWindow, name: str, pin: str) -> Any:
    """Signed in, F9 for Settings, its Staff & roles tab."""
    sign_in(qtbot, win, name, pin)
    qtbot.keyClick(win, Qt.Key.Key_F9)
    screen = win.current_screen()
    assert isinstance(screen, SettingsScreen)
    assert screen.staff in screen.visible_tabs()
    screen.show_tab(screen.staff)
    return screen.staff


def _pick(qtbot: Any, tab: Any, name: str) -> None:
    """Walk the staff list with the arrow keys to a person."""
    row = [p.name for p in tab.people].index(name)
    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    for _ in range(row):
        qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    assert tab.picked() is not None and tab.picked().name == name


def test_a_manager_unlocks_a_cashier_but_not_the_owner_and_changes_nothing_else(
        qtbot: Any, window: MainWindow) -> None:
    _lock_out(window, "Sam Sales")
    _lock_out(window, "Olive Owner")
    tab = _staff_tab(qtbot, window, "Maria Manager", "5555")
    # The list and the unlock button; no adding people, no PINs, no switching accounts off.
    assert tab.unlock_button.isVisible()
    hidden = (tab.add_box, tab.new_pin, tab.reset_button, tab.deactivate_button,
              tab.reactivate_button)
    assert not any(w.isVisible() for w in hidden)

    _pick(qtbot, tab, "Olive Owner")
    assert not tab.unlock_button.isEnabled()
    assert "another owner or system admin" in tab.unlock_button.toolTip()

    _pick(qtbot, tab, "Sam Sales")
    assert tab.unlock_button.isEnabled()
    tab.unlock_button.setFocus()
    qtbot.keyClick(tab.unlock_button, Qt.Key.Key_Space)
    assert window.notice.text() == ("Sam Sales's account is unlocked: they can sign in with "
                                    "their PIN again.")
    assert db_rows(window, "SELECT action, actor_name FROM audit_entries ORDER BY seq DESC "
                           "LIMIT 1") == [("staff.unlock", "Maria Manager")]
    assert staff.sign_in(window.ctx.db, "Sam Sales", "1111").name == "Sam Sales"


def test_the_owner_still_sees_the_whole_staff_tab(qtbot: Any, window: MainWindow) -> None:
    tab = _staff_tab(qtbot, window, "Olive Owner", "7777")
    for widget in (tab.add_box, tab.new_pin, tab.reset_button, tab.deactivate_button,
                   tab.unlock_button):
        assert widget.isVisible()
