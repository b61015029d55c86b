"""Signing in by keys: nobody is picked for you, PINs are digits, and six keys are enough.

Before: the first person (the system admin) was picked with the PIN box focused, so anyone's
PIN counted against the admin, and reaching another name took Shift+Tab, arrows and Tab:
5 keys for the admin, 8 to 14 for the others (10 for Maria Manager).
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import sign_in
from ui.main_window import MainWindow
from ui.screens.sign_in import name_keys
from warranty_desk.demo import people as demo_names

KEY_BUDGET = 6


def _failed_pins(win: MainWindow) -> dict[str, int]:
    conn = sqlite3.connect(win.ctx.home.database)
    try:
        return dict(conn.execute("SELECT name, failed_pins FROM staff").fetchall())
    finally:
        conn.close()


@pytest.mark.parametrize(("name", "pin"), [(n, p) for n, _role, p in demo_names.STAFF])
def test_each_person_signs_in_with_six_keys_at_most(
    qtbot: Any, window: MainWindow, name: str, pin: str
) -> None:
    keys = sign_in(qtbot, window, name, pin)
    assert window.ctx.actor is not None and window.ctx.actor.name == name
    assert keys <= KEY_BUDGET


def test_nobody_is_picked_before_the_person_presses_their_letter(
    qtbot: Any, window: MainWindow
) -> None:
    screen = window.sign_in
    assert screen.chosen is None and not screen.names.selectedItems()
    assert not screen.pin.isEnabled()
    assert window.focusWidget() is screen.names
    sign_in(qtbot, window, "Sam Sales", "1111")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is screen
    assert screen.chosen is None and not screen.names.selectedItems()
    assert not screen.pin.isEnabled() and screen.pin.text() == ""


def test_a_pin_typed_before_a_name_counts_against_nobody(
    qtbot: Any, window: MainWindow
) -> None:
    before = _failed_pins(window)
    for digit in "5555":
        qtbot.keyClick(window.focusWidget(), digit)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)
    assert window.ctx.actor is None
    assert _failed_pins(window) == before
    assert window.sign_in.message.isVisible()
    assert "Pick your name first" in window.sign_in.message.text()


def test_the_pin_box_takes_digits_only(qtbot: Any, window: MainWindow) -> None:
    screen = window.sign_in
    qtbot.keyClick(window.focusWidget(), screen.names.keys[0])
    assert window.focusWidget() is screen.pin
    qtbot.keyClicks(screen.pin, "12ab-3 4")
    assert screen.pin.text() == "1234"


def test_esc_in_the_pin_box_goes_back_to_the_names(qtbot: Any, window: MainWindow) -> None:
    screen = window.sign_in
    qtbot.keyClick(window.focusWidget(), screen.names.keys[2])
    assert screen.chosen == 2
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    assert screen.chosen is None and window.focusWidget() is screen.names


def test_arrows_and_enter_pick_a_person_too(qtbot: Any, window: MainWindow) -> None:
    screen = window.sign_in
    qtbot.keyClick(screen.names, Qt.Key.Key_Down)
    qtbot.keyClick(screen.names, Qt.Key.Key_Down)
    qtbot.keyClick(screen.names, Qt.Key.Key_Return)
    assert screen.chosen == screen.names.currentRow() >= 0
    assert window.focusWidget() is screen.pin


def test_the_capital_letter_typed_with_shift_picks_the_person_too(
    qtbot: Any, window: MainWindow
) -> None:
    # The list shows capitals: Shift+S (or Caps Lock) is what many press. It used to fall to
    # the list's type-ahead, which only highlighted the row, and the PIN typed next was lost.
    screen = window.sign_in
    qtbot.keyClick(window.focusWidget(), "S", Qt.KeyboardModifier.ShiftModifier)
    assert screen.chosen is not None and screen.people[screen.chosen][1] == "Sam Sales"
    assert screen.pin.hasFocus()
    for digit in "1111":
        qtbot.keyClick(window.focusWidget(), digit)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)
    assert window.ctx.actor is not None and window.ctx.actor.name == "Sam Sales"


def test_each_person_gets_their_own_letter() -> None:
    keys = name_keys([n for n, _r, _p in sorted(demo_names.STAFF)])
    assert len(set(keys)) == len(keys) and all(keys)
    assert name_keys(["Sam Sales", "Sue Support", "Sid Smith"]) == ["S", "U", "I"]


def test_the_override_and_staff_pin_boxes_take_digits_only(
    qtbot: Any, window: MainWindow
) -> None:
    from ui.widgets.override_dialog import OverrideDialog

    sign_in(qtbot, window, "Olive Owner", "7777")
    dialog = OverrideDialog(window.ctx, "Opening this claim needs approval.", "Too late.",
                            window)
    dialog.show()
    assert dialog.approver.currentIndex() == -1  # nobody's PIN is spent by default
    qtbot.keyClicks(dialog.pin, "9x8y7z6")
    assert dialog.pin.text() == "9876"
    dialog.reason.setPlainText("The customer has the receipt")
    dialog.pin.setFocus()
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert "Pick who approves" in dialog.message.text()
    dialog.close()
    settings: Any = window.show_screen("SettingsScreen")
    settings.show_tab(settings.staff)
    for field in (settings.staff.pin, settings.staff.pin_again, settings.staff.new_pin,
                  settings.staff.new_pin_again):
        qtbot.keyClicks(field, "4a4b4c4")
        assert field.text() == "4444"


def test_the_readme_gives_each_demo_person_the_letter_the_sign_in_shows() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    listed = dict(re.findall(r"^\| ([A-Z]) \| ([A-Z][a-z]+ [A-Z][a-z]+) \|", readme, re.M))
    # The sign-in list's order: the staff and the supplier's contact together.
    names = sorted([n for n, _r, _p in demo_names.STAFF]
                   + [n for n, _p, _s in demo_names.SUPPLIER_CONTACTS])
    assert {name: key for key, name in listed.items()} == dict(
        zip(names, name_keys(names), strict=True))
