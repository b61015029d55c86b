"""No dead ends from the counter: claim tickets open their claim, part of a number finds it."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from tests.conftest import actor
from tests.ui.conftest import sign_in
from ui.main_window import MainWindow
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claims_board import ClaimsBoardScreen
from ui.screens.counter import CounterScreen
from ui.screens.counter_parts.matches import READABLE_WIDTH
from ui.screens.start_claim import StartClaimScreen
from warranty_desk.permissions import Role
from warranty_desk.services import lookup

CTRL = Qt.KeyboardModifier.ControlModifier


def _claim(win: MainWindow, where: str) -> tuple[str, str | None]:
    """(claim number, serial) of the first demo claim matching a SQL condition."""
    conn = sqlite3.connect(win.ctx.db.path)
    try:
        row = conn.execute(f"SELECT number, serial FROM claims WHERE {where} "
                           "ORDER BY number LIMIT 1").fetchone()
    finally:
        conn.close()
    assert row is not None, where
    return str(row[0]), row[1]


def _counter(qtbot: Any, win: MainWindow) -> CounterScreen:
    win.resize(1366, 768)
    sign_in(qtbot, win, "Sam Sales", "1111")
    counter = win.current_screen()
    assert isinstance(counter, CounterScreen)
    return counter


def _type_and_enter(qtbot: Any, counter: CounterScreen, text: str) -> None:
    counter.field.setFocus()
    counter.field.selectAll()
    qtbot.keyClicks(counter.field, text)
    qtbot.keyClick(counter.field, Qt.Key.Key_Return)


@pytest.mark.parametrize("where", ["warranty_id IS NOT NULL AND state = 'repairing'",
                                   "warranty_id IS NULL"], ids=["known-unit", "unknown-sale"])
def test_a_scanned_claim_ticket_opens_its_claim(qtbot: Any, window: MainWindow,
                                               where: str) -> None:
    number, _ = _claim(window, where)
    _counter(qtbot, window)
    window.route_scan(number)
    shown = window.current_screen()
    assert isinstance(shown, ClaimDetailScreen)
    assert shown.detail is not None and shown.detail.number == number


@pytest.mark.parametrize("typed", ["C-2026-000009", "c 2026 9", "9", "000009"])
def test_the_end_of_a_claim_number_typed_at_the_counter_opens_the_claim(
        qtbot: Any, window: MainWindow, typed: str) -> None:
    counter = _counter(qtbot, window)
    _type_and_enter(qtbot, counter, typed)
    shown = window.current_screen()
    assert isinstance(shown, ClaimDetailScreen), counter.card.detail.text()
    assert shown.number == "BR01-C-2026-000009"


def test_every_match_shows_its_customer_and_phone_tail_readable_at_1366(
        qtbot: Any, window: MainWindow) -> None:
    counter = _counter(qtbot, window)
    _type_and_enter(qtbot, counter, "+44 7700 900038")
    assert counter.matches.isVisible() and counter.matches.count() > 1
    assert counter.matches.width() >= READABLE_WIDTH
    room = counter.matches.viewport().width()
    metrics = QFontMetrics(counter.matches.font())
    for row in range(counter.matches.count()):
        lines = counter.matches.item(row).text().split("\n")
        assert lines[2] == "Freya Roberts  ·  phone …0038"
        widest = max(metrics.horizontalAdvance(line) for line in lines)
        assert widest <= room, f"{lines} is {widest} px in a {room} px list"


def test_up_down_and_enter_pick_a_match_with_the_cursor_in_the_scan_field(
        qtbot: Any, window: MainWindow) -> None:
    counter = _counter(qtbot, window)
    _type_and_enter(qtbot, counter, "+44 7700 900038")
    second = counter.matches.entries[1]
    qtbot.keyClick(counter.field, Qt.Key.Key_Down)
    assert counter.card.verdict == second
    qtbot.keyClick(counter.field, Qt.Key.Key_Return)
    assert not counter.matches.isVisible()
    assert counter.card.verdict == second
    assert counter.field.hasFocus()


def test_a_claim_already_open_has_a_key_to_open_it_at_the_counter(
        qtbot: Any, window: MainWindow) -> None:
    number, serial = _claim(window, "state = 'received' AND warranty_id IS NOT NULL")
    counter = _counter(qtbot, window)
    assert serial is not None
    _type_and_enter(qtbot, counter, serial)
    assert counter.action_bar.buttons["open_claim"].text() == f"Open claim {number}  (Ctrl+O)"
    qtbot.keyClick(counter.field, Qt.Key.Key_N, CTRL)
    assert window.notice.text() == (f"Claim {number} is already open for this unit. "
                                    "Ctrl+O opens it.")
    qtbot.keyClick(counter.field, Qt.Key.Key_O, CTRL)
    shown = window.current_screen()
    assert isinstance(shown, ClaimDetailScreen) and shown.number == number


def test_a_claim_already_open_has_a_key_to_open_it_on_start_claim(
        qtbot: Any, window: MainWindow) -> None:
    number, serial = _claim(window, "state = 'received' AND warranty_id IS NOT NULL")
    assert serial is not None
    _counter(qtbot, window)
    # A verdict from before that claim was opened (another till), as start claim may get one.
    verdict = lookup.lookup(window.ctx.db, actor(Role.SALES), serial).matches[0]
    window.ctx.navigate.emit("StartClaimScreen", verdict)
    screen = window.current_screen()
    assert isinstance(screen, StartClaimScreen)
    assert number in screen.eligibility.text()
    button = screen.known.open_existing_button
    assert button.isVisible() and button.text() == f"Open claim {number}  (Ctrl+O)"
    focus = screen.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_O, CTRL)
    shown = window.current_screen()
    assert isinstance(shown, ClaimDetailScreen) and shown.number == number


@pytest.mark.parametrize("typed", ["13", "C-2026-000013", "BR01-C-2026-000013"])
def test_enter_in_the_board_search_opens_the_one_claim_it_finds(
        qtbot: Any, window: MainWindow, typed: str) -> None:
    _counter(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    board = window.current_screen()
    assert isinstance(board, ClaimsBoardScreen)
    qtbot.keyClick(board.table, Qt.Key.Key_F, CTRL)
    assert board.search.hasFocus()
    qtbot.keyClicks(board.search, typed)
    qtbot.keyClick(board.search, Qt.Key.Key_Return)
    shown = window.current_screen()
    assert isinstance(shown, ClaimDetailScreen), board.status.text()
    assert shown.number == "BR01-C-2026-000013"


def test_enter_in_the_board_search_keeps_a_list_of_several_on_the_board(
        qtbot: Any, window: MainWindow) -> None:
    _counter(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    board = window.current_screen()
    assert isinstance(board, ClaimsBoardScreen)
    board.search.setFocus()
    qtbot.keyClicks(board.search, "Ravi Kelly")
    qtbot.keyClick(board.search, Qt.Key.Key_Return)
    assert window.current_screen() is board
    assert board.model.rowCount() > 1


def test_a_claim_opened_meanwhile_at_another_till_gets_its_open_button(
        qtbot: Any, window: MainWindow) -> None:
    from tests.ui.test_sale_and_claim_screens import _claimable_serial
    from warranty_desk.services import claims

    serial = _claimable_serial(window, True)
    counter = _counter(qtbot, window)
    _type_and_enter(qtbot, counter, serial)
    qtbot.keyClick(counter.field, Qt.Key.Key_N, CTRL)
    screen = window.current_screen()
    assert isinstance(screen, StartClaimScreen) and screen.create_button.isVisible()
    assert not screen.known.open_existing_button.isVisible()
    verdict = screen.verdict
    assert verdict is not None
    other_till = claims.start_claim(window.ctx.db, actor(Role.SALES), claims.StartClaim(
        verdict.warranty_code, "Fan noise")).number
    qtbot.keyClicks(screen.known.fault, "Screen stays black")
    qtbot.keyClick(screen.known.fault, Qt.Key.Key_Return, CTRL)
    assert other_till in screen.message.text()
    button = screen.known.open_existing_button
    assert button.isVisible() and button.text() == f"Open claim {other_till}  (Ctrl+O)"
