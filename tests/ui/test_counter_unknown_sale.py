"""A unit bought elsewhere: NOT FOUND at the counter, and Ctrl+N starts its claim from there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.ui.conftest import db_rows, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen, scanned_serial
from ui.screens.start_claim import StartClaimScreen
from warranty_desk.demo.files import pdf_bytes

CTRL = Qt.KeyboardModifier.ControlModifier
ELSEWHERE = "ORBX1-ELSEWHERE7"


def _scan(qtbot: Any, counter: CounterScreen, text: str) -> None:
    counter.field.setFocus()
    counter.field.selectAll()
    qtbot.keyClicks(counter.field, text)
    qtbot.keyClick(counter.field, Qt.Key.Key_Return)


def test_ctrl_n_on_not_found_starts_an_unknown_sale_claim_with_the_serial_scanned(
        qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    window.resize(1366, 768)
    sign_in(qtbot, window, "Sam Sales", "1111")
    counter = window.current_screen()
    assert isinstance(counter, CounterScreen)
    _scan(qtbot, counter, ELSEWHERE)
    assert "NOT FOUND" in counter.card.word.text()
    button = counter.action_bar.buttons["start_claim"]
    assert counter.action_bar.shown() == ["start_claim"] and button.isVisible()
    assert button.text() == "Start claim: unknown sale…  (Ctrl+N)"

    qtbot.keyClick(counter.field, Qt.Key.Key_N, CTRL)
    screen = window.current_screen()
    assert isinstance(screen, StartClaimScreen)
    assert screen.stack.currentWidget() is screen.unknown_page
    assert screen.u_serial.text() == ELSEWHERE
    assert f"Serial {ELSEWHERE} is not in the shop's records." in screen.subject.text()
    assert screen.u_name.hasFocus()
    assert screen.unsaved_work() == ""  # the serial handed in is not the person's typing

    # The rest of the form, by keys, field to field as a person tabs through it.
    qtbot.keyClicks(screen.u_name, "Nadia Fox")
    qtbot.keyClicks(screen.u_phone, "+44 7700 900123")
    qtbot.keyClicks(screen.u_where, "Gadget Warehouse online")
    qtbot.keyClicks(screen.u_product, "Orbit X Phone 128 GB")
    qtbot.keyClicks(screen.u_fault, "Will not charge")
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(pdf_bytes("Receipt", ["Orbit X Phone", "Paid in full"]))
    screen.attach_path("proof_of_purchase", receipt)  # the file picker is the system's own
    qtbot.keyClick(screen.u_fault, Qt.Key.Key_Return, CTRL)
    assert screen.stack.currentWidget() is screen.done_page, screen.message.text()
    assert db_rows(window, "SELECT serial, warranty_id, proof_status FROM claims WHERE number = ?",
                 screen.number.text()) == [(ELSEWHERE, None, "unverified")]


def test_a_found_unit_still_needs_its_own_start_and_an_empty_scan_offers_nothing(
        qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "Sam Sales", "1111")
    counter = window.current_screen()
    assert isinstance(counter, CounterScreen)
    _scan(qtbot, counter, "   ")
    assert counter.action_bar.shown() == []
    qtbot.keyClick(counter.field, Qt.Key.Key_N, CTRL)
    assert window.current_screen() is counter
    assert window.notice.text() == "Look a unit up first."


def test_the_serial_filled_in_is_the_serial_a_scan_names_never_a_phone_or_name() -> None:
    assert scanned_serial("ORBX1-ELSEWHERE7") == "ORBX1-ELSEWHERE7"
    assert scanned_serial("]C101095011010209171719050810ABC123\x1d21XYZ") == "XYZ"
    assert scanned_serial("+44 7700 900123") == ""
    assert scanned_serial("Nadia Fox") == ""
