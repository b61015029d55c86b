"""The counter's keys and buttons: every key it advertises works with the cursor in the scan field.

A focused line edit claims its platform's editing keys before any shortcut: on Linux Ctrl+U
cleared the scan field and Ctrl+E moved its cursor, so "customer" and "sell extension" could
not be reached from the counter. Offscreen Qt uses the Windows key map; the last test runs the
key tests again on X11 (Linux's map) under Xvfb.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from tests.conftest import actor
from tests.ui.conftest import db_rows, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.counter_parts.actions import ACTIONS, CounterAction, action_named
from warranty_desk.permissions import Role
from warranty_desk.services import lookup
from warranty_desk.services.reports import warranty_register
from warranty_desk.views import WarrantyVerdict

ROOT = Path(__file__).resolve().parents[2]
LINUX_KEYS = "WARRANTY_DESK_TEST_LINUX_KEY_MAP"

# The screen each key opens.
OPENS = {"open_claim": "ClaimDetailScreen", "start_claim": "StartClaimScreen",
         "extension": "ExtensionScreen", "customer": "CustomerScreen", "sale": "SaleScreen"}


class FakeDesk:
    """Stands in for the print desk: records what the counter asked it to print."""

    def __init__(self) -> None:
        self.printed: list[tuple[str, str]] = []

    def print_slip(self, code: str) -> None:
        self.printed.append(("slip", code))

    def print_certificate(self, code: str) -> None:
        self.printed.append(("certificate", code))


def unit_for(win: MainWindow, action: CounterAction) -> WarrantyVerdict:
    """A demo unit the action applies to: with an open claim, or with a customer and offers."""
    if action.name == "delivered":  # the demo sells nothing online whose cover waits
        from tests.ui.test_counter_delivery import waiting_unit  # it uses this module's keys

        return waiting_unit(win)
    rows = warranty_register(win.ctx.db, actor(Role.OWNER))
    for row in rows:
        if not row.serial:
            continue
        found = lookup.lookup(win.ctx.db, actor(Role.OWNER), row.serial).matches
        if len(found) != 1:
            continue
        v = found[0]
        if action.name == "open_claim" and v.open_claim:
            return v
        if (action.name != "open_claim" and v.extension_offers and v.customer_name
                and v.open_claim is None and v.verdict == "in_cover"):
            return v
    raise AssertionError(f"the demo shop has no unit for {action.name}")


def press(qtbot: Any, widget: Any, key: str) -> None:
    """One key press as the keyboard sends it (Qt asks the focus first, then the shortcuts)."""
    combo = QKeySequence(key)[0]
    qtbot.keyClick(widget, combo.key(), combo.keyboardModifiers())


def _counter(qtbot: Any, win: MainWindow, who: str = "Olive Owner",
             pin: str = "7777") -> CounterScreen:
    # Keys reach shortcuts only in the active window (Xvfb has no window manager to do this).
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    sign_in(qtbot, win, who, pin)
    counter = win.current_screen()
    assert isinstance(counter, CounterScreen)
    return counter


@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_each_counter_key_works_with_the_cursor_in_the_scan_field(
        qtbot: Any, window: MainWindow, action: CounterAction) -> None:
    if os.environ.get(LINUX_KEYS):
        # The run under X11 must really have the Linux bindings that used to eat the keys.
        bound = QKeySequence.keyBindings(QKeySequence.StandardKey.DeleteCompleteLine)
        assert "Ctrl+U" in [k.toString() for k in bound], QApplication.platformName()
    counter = _counter(qtbot, window)
    desk = FakeDesk()
    counter._print_desk = desk  # type: ignore[assignment]
    unit = unit_for(window, action)
    counter.handle_scan(unit.serial or unit.warranty_code)
    counter.field.setFocus()
    qtbot.waitUntil(counter.field.hasFocus)
    typed = counter.field.text()
    assert action.name in counter.action_bar.shown()

    press(qtbot, counter.field, action.key)

    assert counter.field.text() == typed  # the field did not take the key as an edit
    if action.name in OPENS:
        shown = window.current_screen()
        assert type(shown).__name__ == OPENS[action.name], window.notice.text()
        if action.name == "open_claim":
            assert getattr(shown, "number", None) == unit.open_claim
    elif action.name == "void":
        dialog = counter.void_dialog
        assert dialog is not None and dialog.isVisible()
        assert unit.warranty_code in dialog.windowTitle()
        dialog.reject()
    elif action.name == "delivered":
        delivery = counter.delivery_dialog
        assert delivery is not None and delivery.isVisible()
        assert unit.invoice_number in delivery.windowTitle()
        delivery.reject()
    else:
        assert desk.printed == [(action.name, unit.warranty_code)]


def test_the_counter_keys_also_work_on_the_linux_key_map(tmp_path: Path) -> None:
    xvfb = shutil.which("xvfb-run")
    assert xvfb is not None, "xvfb-run is missing: `make test` installs the xvfb package"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", LINUX_KEYS: "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run(
        [xvfb, "-a", "-s", "-screen 0 1366x768x24", sys.executable, "-m", "pytest", "-q",
         "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "run"),
         f"{Path(__file__)}::test_each_counter_key_works_with_the_cursor_in_the_scan_field"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert f"{len(ACTIONS)} passed" in run.stdout


def test_a_button_shows_its_key_and_does_what_the_key_does(
        qtbot: Any, window: MainWindow) -> None:
    counter = _counter(qtbot, window)
    unit = unit_for(window, ACTIONS[1])
    counter.handle_scan(unit.serial or unit.warranty_code)
    button = counter.action_bar.buttons["customer"]
    assert button.isVisible() and button.text() == "Customer  (Ctrl+U)"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert type(window.current_screen()).__name__ == "CustomerScreen"


def test_buttons_show_only_what_applies_to_the_unit_and_the_role_may_do(
        qtbot: Any, window: MainWindow) -> None:
    counter = _counter(qtbot, window, "Tariq Tech", "3333")
    open_unit = unit_for(window, ACTIONS[0])
    counter.handle_scan(open_unit.serial or open_unit.warranty_code)
    # A technician may not start claims, sell or activate sales; a claim is open on this unit.
    customer = ["customer"] if open_unit.customer_name or open_unit.customer_phone else []
    assert counter.action_bar.shown() == ["open_claim", *customer, "slip", "certificate"]
    assert counter.action_bar.buttons["open_claim"].text() == (
        f"Open claim {open_unit.open_claim}  (Ctrl+O)")
    assert not counter.action_bar.buttons["start_claim"].isVisible()
    counter.handle_scan("NO-SUCH-SERIAL-1")
    assert counter.action_bar.shown() == []


def test_f1_lists_every_counter_key_the_buttons_show(qtbot: Any, window: MainWindow) -> None:
    _counter(qtbot, window)
    rows = dict(window.help_rows())
    for action in ACTIONS:
        assert rows.get(action.key) == action.help
    assert "Up/Down" in rows and "Esc" in rows


def test_a_manager_voids_the_unit_shown_by_key_with_a_reason_and_sees_it_void(
        qtbot: Any, window: MainWindow) -> None:
    counter = _counter(qtbot, window, "Maria Manager", "5555")
    unit = unit_for(window, action_named("void"))
    qtbot.keyClicks(counter.field, unit.serial or unit.warranty_code)
    qtbot.keyClick(counter.field, Qt.Key.Key_Return)
    assert counter.action_bar.buttons["void"].isVisible()
    assert counter.action_bar.buttons["void"].text() == "Void warranty…  (Ctrl+Shift+W)"

    press(qtbot, counter.field, "Ctrl+Shift+W")
    dialog = counter.void_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.reason.hasFocus())
    qtbot.keyClicks(dialog.reason, "Sale returned for a credit note")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert db_rows(window, "SELECT status, void_reason FROM warranties WHERE code = ?",
                   unit.warranty_code) == [("void", "Sale returned for a credit note")]
    assert counter.card.verdict is not None and counter.card.verdict.verdict == "void"
    assert "void" not in counter.action_bar.shown()
    # The cursor is back in the scan field once the window is active again.
    assert not dialog.isVisible() and window.focusWidget() is counter.field


def test_who_may_not_void_sees_no_void_button_and_the_key_says_why(
        qtbot: Any, window: MainWindow) -> None:
    counter = _counter(qtbot, window, "Sam Sales", "1111")
    unit = unit_for(window, action_named("void"))
    counter.handle_scan(unit.serial or unit.warranty_code)
    assert "void" not in counter.action_bar.shown()
    press(qtbot, counter.field, "Ctrl+Shift+W")
    assert counter.void_dialog is None
    assert window.notice.text() == "Void warranty is not available to your role."
    assert db_rows(window, "SELECT status FROM warranties WHERE code = ?",
                   unit.warranty_code) == [("active",)]
