"""Who answers for a claim, by keys: a manager gives it an owner; the board shows who, or nobody."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import db_rows, open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claims_board import UNOWNED_BACKGROUND, UNOWNED_WORDS, ClaimsBoardScreen
from ui.screens.counter import CounterScreen
from ui.widgets.owner_dialog import OwnerDialog
from warranty_desk.storage.home import Home

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch,
                           [CounterScreen, ClaimsBoardScreen, ClaimDetailScreen])


def _open_claim(win: MainWindow) -> str:
    return str(db_rows(win, "SELECT number FROM claims WHERE state = 'received' "
                            "ORDER BY number")[0][0])


def _as_manager(qtbot: Any, win: MainWindow) -> tuple[str, ClaimDetailScreen]:
    """The manager signed in, on the first claim just received."""
    number = _open_claim(win)
    sign_in(qtbot, win, "Maria Manager", "5555")
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen) and screen.owner_button.isVisible()
    return number, screen


def _board_row(qtbot: Any, win: MainWindow, number: str) -> tuple[ClaimsBoardScreen, int]:
    """F4 from the window, once the closed dialog has given the keys back, and the claim's row."""
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    qtbot.keyClick(win, Qt.Key.Key_F4)
    board = win.current_screen()
    assert isinstance(board, ClaimsBoardScreen)
    return board, next(n for n in range(board.model.rowCount())
                       if board.model.row_at(n).number == number)


def _owner_dialog(qtbot: Any, screen: ClaimDetailScreen) -> OwnerDialog:
    qtbot.keyClick(screen, Qt.Key.Key_U, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(screen.dialog, OwnerDialog) and screen.dialog.isVisible())
    dialog = screen.dialog
    assert isinstance(dialog, OwnerDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _pick(qtbot: Any, combo: Any, name: str) -> None:
    """Choose a name in a combo box by typing its first letters, as a person does."""
    combo.setFocus()
    # A pause, as between two people's words: the combo's type-ahead starts afresh.
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    qtbot.keyClicks(combo, name)
    assert combo.currentText() == name


def test_every_demo_claim_has_an_owner(qtbot: Any, win: MainWindow) -> None:
    assert db_rows(win, "SELECT count(*) FROM claims WHERE assignee_id IS NULL") == [(0,)]


def test_a_manager_gives_a_claim_its_owner_and_backup_by_keys_and_the_board_shows_them(
    qtbot: Any, win: MainWindow
) -> None:
    number, screen = _as_manager(qtbot, win)
    dialog = _owner_dialog(qtbot, screen)
    _pick(qtbot, dialog.owner, "Tariq Tech")
    _pick(qtbot, dialog.backup, "Tariq Tech")
    qtbot.keyClick(dialog.backup, Qt.Key.Key_Return)
    # One person cannot stand in for themself: said in the dialog, nothing saved.
    assert dialog.isVisible() and "cannot be both" in dialog.message.text()
    _pick(qtbot, dialog.backup, "Sue Support")
    qtbot.keyClick(dialog.backup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.owner == "Tariq Tech")
    assert screen.detail is not None and screen.detail.backup == "Sue Support"
    assert db_rows(win, "SELECT s.name FROM claims c JOIN staff s ON s.id = c.backup_id "
                        "WHERE c.number = ?", number) == [("Sue Support",)]
    board, row = _board_row(qtbot, win, number)
    owner, backup = (board.model.COLUMNS.index(c) for c in ("Owner", "Backup"))
    assert board.model.index(row, owner).data() == "Tariq Tech"
    assert board.model.index(row, backup).data() == "Sue Support"


def test_an_unowned_open_claim_stands_out_on_the_board_and_its_filter_lists_it_alone(
    qtbot: Any, win: MainWindow
) -> None:
    number, screen = _as_manager(qtbot, win)
    dialog = _owner_dialog(qtbot, screen)
    _pick(qtbot, dialog.owner, "Nobody")
    qtbot.keyClick(dialog.owner, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.owner is None)
    assert any("NO OWNER" in label.text() for label in screen.facts.findChildren(type(
        screen.headline)))
    board, row = _board_row(qtbot, win, number)
    owner = board.model.COLUMNS.index("Owner")
    cell = board.model.index(row, owner)
    assert cell.data() == UNOWNED_WORDS
    if not board.model.row_at(row).overdue:  # overdue keeps its own red band
        assert cell.data(Qt.ItemDataRole.BackgroundRole).color() == UNOWNED_BACKGROUND
    assert "1 open with no owner" in board.status.text()
    # The owner filter, by keys: its second choice lists the unowned open claims alone.
    board.assignee.setFocus()
    qtbot.keyClicks(board.assignee, "Unowned")
    assert board.assignee.currentText() == "Unowned"
    qtbot.waitUntil(lambda: board.model.rowCount() == 1)
    assert board.model.row_at(0).number == number


def test_a_person_who_may_not_choose_owners_has_no_owner_button_and_the_key_says_why(
    qtbot: Any, win: MainWindow
) -> None:
    number = _open_claim(win)
    sign_in(qtbot, win, "Sue Support", "4444")
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen) and not screen.owner_button.isVisible()
    qtbot.keyClick(screen, Qt.Key.Key_U, CTRL_SHIFT)
    assert screen.dialog is None
