"""A scan while a form is open: into the focused text field, or a question; nothing typed lost.

Scans come as they do at the till: a keyboard-wedge burst through the app's own key filter,
and the serial scanner's signal.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.test_sale_and_claim_screens import _claimable_serial
from tests.ui.till import Till
from ui.screens.counter import CounterScreen
from ui.screens.start_claim import StartClaimScreen

CTRL = Qt.KeyboardModifier.ControlModifier
FAULT = "Screen stays black after a fall"


def _half_filled_claim(till: Till) -> tuple[StartClaimScreen, str]:
    """A claim started on a unit with the fault typed in; returns the screen and its serial."""
    serial = _claimable_serial(till.win, True)
    till.scan(serial)
    till.press(Qt.Key.Key_N, CTRL)
    screen = till.win.current_screen()
    assert isinstance(screen, StartClaimScreen)
    assert screen.known.fault.hasFocus()
    till.type(FAULT)
    return screen, serial


def _another_serial(till: Till, serial: str) -> str:
    other = _claimable_serial(till.win, False)
    assert other != serial
    return other


def answer_when_asked(button: str) -> list[str]:
    """Click a button of the question the app is about to ask; returns what it asked."""
    asked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, answer)
    return asked


def test_a_scan_into_a_text_field_of_the_form_goes_into_that_field(till: Till) -> None:
    screen, _serial = _half_filled_claim(till)
    screen.known.accessories.setFocus()
    till.scan("CHG-65W-0042")
    assert till.win.current_screen() is screen
    assert screen.known.accessories.text() == "CHG-65W-0042"
    assert screen.known.fault.currentText() == FAULT


def test_a_scan_on_a_form_with_typing_asks_first_and_stay_keeps_everything(till: Till) -> None:
    screen, serial = _half_filled_claim(till)
    screen.known.claim_type.setFocus()  # a drop-down: no place for a scan
    other = _another_serial(till, serial)
    asked = answer_when_asked("Stay")
    till.scan(other)
    assert asked == [f"You scanned {other}. Leave this claim unsaved and look it up?"]
    assert till.win.current_screen() is screen
    assert screen.known.fault.currentText() == FAULT
    assert screen.verdict is not None and screen.verdict.serial == serial


def test_leaving_the_form_for_a_scan_looks_the_scan_up(till: Till) -> None:
    screen, serial = _half_filled_claim(till)
    screen.known.claim_type.setFocus()
    other = _another_serial(till, serial)
    asked = answer_when_asked("Leave and look it up")
    till.scan(other)
    assert len(asked) == 1
    counter = till.win.current_screen()
    assert isinstance(counter, CounterScreen)
    assert counter.card.verdict is not None and counter.card.verdict.serial == other


def test_the_serial_scanner_is_routed_the_same_way(qtbot: Any, till: Till) -> None:
    screen, serial = _half_filled_claim(till)
    scanners = till.win.scanners
    assert scanners is not None
    screen.known.condition.setFocus()
    scanners.serial.scanned.emit("SCRATCH-ON-LID")
    assert screen.known.condition.text() == "SCRATCH-ON-LID"
    screen.known.claim_type.setFocus()
    other = _another_serial(till, serial)
    asked = answer_when_asked("Stay")
    scanners.serial.scanned.emit(other)
    assert len(asked) == 1 and till.win.current_screen() is screen
    assert screen.known.fault.currentText() == FAULT


def test_a_scan_on_a_form_with_nothing_typed_goes_to_the_counter_without_asking(
        till: Till) -> None:
    serial = _claimable_serial(till.win, True)
    till.scan(serial)
    till.press(Qt.Key.Key_N, CTRL)
    screen = till.win.current_screen()
    assert isinstance(screen, StartClaimScreen)
    screen.known.claim_type.setFocus()
    other = _another_serial(till, serial)
    till.scan(other)  # a question here would block the test: none may come
    counter = till.win.current_screen()
    assert isinstance(counter, CounterScreen)
    assert counter.card.verdict is not None and counter.card.verdict.serial == other


def test_a_scan_with_a_window_open_and_no_field_for_it_changes_no_screen(till: Till) -> None:
    scanners = till.win.scanners
    assert scanners is not None
    till.win.show_screen("CustomerScreen")
    seen: list[object] = []

    def scan_then_close() -> None:
        help_box = QApplication.activeModalWidget()
        if help_box is None:
            QTimer.singleShot(10, scan_then_close)
            return
        help_box.setFocus()
        scanners.serial.scanned.emit("ORBX1-000001")
        seen.append(till.win.current_screen())
        help_box.close()

    QTimer.singleShot(0, scan_then_close)
    till.win.show_help()
    assert [type(s).__name__ for s in seen] == ["CustomerScreen"]
    assert "Close the window, then scan again" in till.win.notice.text()
