"""Messages on paper from the keyboard: the claim's Messages tab and the customer's list print
the picked message as a letter (a page, or the receipt roll), which delivers it by hand; a unit
handed back to a customer no email or phone reaches offers the claim's unsent letters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from tests.printing.pdf_tools import pdftotext
from tests.ui.conftest import db_rows, sign_in
from tests.ui.print_helpers import FakePreview, set_printers, window
from ui.main_window import MainWindow
from ui.printing.preview import PreviewChoice
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claims_board import ClaimsBoardScreen
from ui.screens.counter import CounterScreen
from ui.screens.customer import CustomerScreen
from ui.screens.returns_desk import ReturnsDeskScreen
from warranty_desk.services.letters import HandBack
from warranty_desk.storage.home import Home

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    with window(demo_home, monkeypatch, [CounterScreen, ClaimsBoardScreen, ClaimDetailScreen,
                                         CustomerScreen, ReturnsDeskScreen]) as opened:
        yield opened


def _write(win: MainWindow, sql: str, *args: object) -> None:
    with win.ctx.db.write() as session:
        session.connection().exec_driver_sql(sql, args)


def _delivery(win: MainWindow, message: str) -> tuple[str, str, str]:
    [row] = db_rows(win, "SELECT channel, state, reason FROM customer_messages "
                         "WHERE lower(hex(id)) = ?", message)
    return row


def test_the_picked_message_prints_as_a_letter_and_is_delivered_by_hand(
        qtbot: Any, win: MainWindow, tmp_path: Path) -> None:
    number, message, subject = db_rows(
        win, "SELECT c.number, lower(hex(m.id)), m.subject FROM customer_messages m JOIN "
             "claims c ON c.id = m.claim_id WHERE m.direction = 'outbound' AND m.state = "
             "'queued' ORDER BY c.number, m.created_at LIMIT 1")[0]
    sign_in(qtbot, win, "Maria Manager", "5555")
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen)
    preview = FakePreview(tmp_path, PreviewChoice(printed_on="Office laser"))
    screen.print_desk.preview = preview
    qtbot.keyClick(screen, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    tab = screen.messages
    tab.list.setFocus()
    qtbot.keyClick(tab.list, Qt.Key.Key_Home)
    assert tab.messages[0].id == message and tab.print_button.isEnabled()
    qtbot.keyClick(tab.list, Qt.Key.Key_G, CTRL_SHIFT)
    qtbot.waitUntil(lambda: _delivery(win, message)[1] == "delivered")
    assert _delivery(win, message) == ("letter", "delivered", "printed by Maria Manager")
    assert win.notice.text() == f"Printed the letter (message {message[-8:]}) on Office laser."
    [sheet] = preview.sheets
    words = pdftotext(sheet.pdf)
    assert subject in words and number in words and "COPY" not in words
    qtbot.waitUntil(lambda: "delivered as a letter: printed by Maria Manager"
                    in tab.list.item(0).text())
    # Again on the receipt roll: a copy, and the delivery stays as it was.
    roll = tmp_path / "roll.bin"
    set_printers(win.ctx.home, receipt=str(roll))
    tab.list.setFocus()
    qtbot.keyClick(tab.list, Qt.Key.Key_Home)
    qtbot.keyClick(tab.list, Qt.Key.Key_J, CTRL_SHIFT)
    qtbot.waitUntil(roll.exists)
    assert b"COPY" in roll.read_bytes() and number.encode() in roll.read_bytes()
    assert "(copy)" in win.notice.text()
    assert db_rows(win, "SELECT count(*) FROM audit_entries WHERE action = 'message.letter'"
                   ) == [(1,)]


def test_the_customer_screen_prints_the_selected_message(
        qtbot: Any, win: MainWindow, tmp_path: Path) -> None:
    reference, message = db_rows(
        win, "SELECT c.reference, lower(hex(m.id)) FROM customers c JOIN customer_messages m "
             "ON m.customer_id = c.id WHERE m.direction = 'outbound' AND m.state = 'queued' "
             "ORDER BY c.reference, m.created_at DESC LIMIT 1")[0]
    sign_in(qtbot, win, "Maria Manager", "5555")
    win.ctx.navigate.emit("CustomerScreen", reference)
    screen = win.current_screen()
    assert isinstance(screen, CustomerScreen)
    qtbot.waitUntil(lambda: screen.profile is not None)
    screen.print_desk.preview = FakePreview(tmp_path, PreviewChoice(printed_on=""))
    qtbot.keyClick(screen, Qt.Key.Key_G, CTRL_SHIFT)  # nothing picked yet: it says so
    assert "Select one of the shop's messages" in win.notice.text()
    assert screen.tabs.currentWidget() is screen.messages
    assert screen.profile is not None
    row = next(n for n, m in enumerate(screen.profile.messages) if m.id == message)
    screen.messages.setFocus()
    qtbot.keyClick(screen.messages, Qt.Key.Key_Home)
    for _ in range(row):
        qtbot.keyClick(screen.messages, Qt.Key.Key_Down)
    qtbot.keyClick(screen.messages, Qt.Key.Key_G, CTRL_SHIFT)
    qtbot.waitUntil(lambda: _delivery(win, message)[1] == "delivered")
    delivery = [c.title for c in screen.message_model.columns].index("Delivery")
    qtbot.waitUntil(lambda: screen.message_model.index(row, delivery).data()
                    == "delivered as a letter: printed by Maria Manager")


def _replacement_claim(win: MainWindow) -> tuple[str, str, str]:
    number, serial, customer = db_rows(
        win, "SELECT number, replacement_serial, lower(hex(customer_id)) FROM claims "
             "WHERE outcome = 'replace' ORDER BY number LIMIT 1")[0]
    return number, serial, customer


def _hand_over_by_keys(qtbot: Any, win: MainWindow, number: str, serial: str
                       ) -> ReturnsDeskScreen:
    """Ctrl+H, the claim, then the hand-back form filled by keys up to its confirming key."""
    sign_in(qtbot, win, "Kim Store", "2222")
    screen = win.show_screen(ReturnsDeskScreen)
    assert isinstance(screen, ReturnsDeskScreen)
    # No document printer in a test: the receipt's preview closes unprinted.
    screen.print_desk.preview = lambda _parent, _sheet: PreviewChoice()
    qtbot.keyClick(screen, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert screen.handover_claim.hasFocus()
    qtbot.keyClicks(screen.handover_claim, number)
    qtbot.keyClick(screen.handover_claim, Qt.Key.Key_Return)
    form = screen.hand_back_flow.dialog
    assert form is not None
    qtbot.waitUntil(form.serial.hasFocus)
    qtbot.keyClicks(form.serial, serial)
    qtbot.keyClick(form.serial, Qt.Key.Key_Return)
    qtbot.keyClicks(form.condition, "New unit, sealed box")
    qtbot.keyClick(form, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # signed on paper
    assert form.on_paper.isChecked()
    return screen


def _confirm(qtbot: Any, screen: ReturnsDeskScreen) -> None:
    form = screen.hand_back_flow.dialog
    assert form is not None
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_a_customer_nothing_reaches_is_offered_the_letters_at_hand_back(
        qtbot: Any, win: MainWindow, tmp_path: Path) -> None:
    number, serial, customer = _replacement_claim(win)
    _write(win, "UPDATE customers SET email = '', phone = '' WHERE lower(hex(id)) = ?",
           customer)
    # Everything the claim said to them waits: none of it ever left.
    _write(win, "UPDATE customer_messages SET state = 'queued', channel = '' WHERE claim_id = "
                "(SELECT id FROM claims WHERE number = ?) AND direction = 'outbound'", number)
    waiting = db_rows(win, "SELECT lower(hex(m.id)) FROM customer_messages m JOIN claims c ON "
                           "c.id = m.claim_id WHERE c.number = ? AND m.direction = 'outbound'",
                      number)
    assert waiting
    roll = tmp_path / "roll.bin"
    set_printers(win.ctx.home, receipt=str(roll))
    asked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: print them

    screen = _hand_over_by_keys(qtbot, win, number, serial)
    QTimer.singleShot(0, answer)
    _confirm(qtbot, screen)
    qtbot.waitUntil(lambda: bool(asked))
    assert "has no email address or phone number that works" in asked[0]
    assert number in asked[0]
    qtbot.waitUntil(lambda: all(_delivery(win, m)[1] == "delivered" for (m,) in waiting))
    assert win.notice.text().startswith("Printed ") and "for the customer to take" in (
        win.notice.text())
    # One job per letter, all printed; a file target keeps the last one.
    assert db_rows(win, "SELECT count(*) FROM print_jobs WHERE document = 'letter' AND "
                        "state = 'printed'") == [(len(waiting),)]
    assert b"LETTER" in roll.read_bytes() and number.encode() in roll.read_bytes()
    assert screen.banner.word.text() == "✔  HANDED BACK"


def test_a_customer_with_a_working_email_is_not_asked(
        qtbot: Any, win: MainWindow) -> None:
    number, serial, customer = _replacement_claim(win)
    _write(win, "UPDATE customers SET email = 'ada@example.org', email_undeliverable = '' "
                "WHERE lower(hex(id)) = ?", customer)
    screen = _hand_over_by_keys(qtbot, win, number, serial)

    def never(_parent: QWidget, hb: HandBack) -> bool:
        raise AssertionError(f"asked about {hb.claim_number}")

    screen.hand_back_flow.ask_letters = never
    _confirm(qtbot, screen)
    qtbot.waitUntil(lambda: screen.banner.word.text() == "✔  HANDED BACK")


def test_escape_leaves_the_letters_unprinted_and_says_where_they_wait(
        qtbot: Any, win: MainWindow) -> None:
    number, serial, customer = _replacement_claim(win)
    _write(win, "UPDATE customers SET email = '', phone = '' WHERE lower(hex(id)) = ?",
           customer)
    _write(win, "UPDATE customer_messages SET state = 'failed', channel = 'email' WHERE "
                "claim_id = (SELECT id FROM claims WHERE number = ?)", number)

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    screen = _hand_over_by_keys(qtbot, win, number, serial)
    QTimer.singleShot(0, answer)
    _confirm(qtbot, screen)
    qtbot.waitUntil(lambda: "still wait; print them from the claim's Messages tab"
                    in win.notice.text())
    assert db_rows(win, "SELECT count(*) FROM customer_messages m JOIN claims c ON c.id = "
                        "m.claim_id WHERE c.number = ? AND m.state = 'delivered'", number
                   ) == [(0,)]
