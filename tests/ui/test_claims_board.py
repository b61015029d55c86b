"""The claims board and one claim through real widgets: counts, blocks, overrides, decisions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QPushButton

from tests.conftest import TODAY, stand_on
from tests.ui.conftest import open_window, sign_in
from ui.main_window import MainWindow
from ui.screens import claim_detail
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claims_board import ClaimsBoardScreen
from ui.screens.counter import CounterScreen
from ui.widgets.decision_dialog import DecisionDialog
from ui.widgets.override_dialog import OverrideDialog
from warranty_desk.demo.files import png_bytes
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """The main window with the counter, the claims board and the claim screen."""
    yield from open_window(demo_home, monkeypatch,
                           [CounterScreen, ClaimsBoardScreen, ClaimDetailScreen])


def _board(qtbot: Any, win: MainWindow) -> ClaimsBoardScreen:
    qtbot.keyClick(win, Qt.Key.Key_F4)
    screen = win.current_screen()
    assert isinstance(screen, ClaimsBoardScreen)
    return screen


def _open(qtbot: Any, win: MainWindow, state_words: str) -> ClaimDetailScreen:
    """From the board, pick the first claim in that state and press Enter on it."""
    board = _board(qtbot, win)
    row = next(n for n in range(board.model.rowCount())
               if board.model.index(n, 1).data().startswith(state_words))
    board.table.setFocus()
    board.table.selectRow(row)
    qtbot.keyClick(board.table, Qt.Key.Key_Return)
    detail = win.current_screen()
    assert isinstance(detail, ClaimDetailScreen)
    assert detail.detail is not None and detail.detail.number == board.model.row_at(row).number
    return detail


def _moves(detail: ClaimDetailScreen) -> dict[str, QPushButton]:
    return {target: button for target, button in detail.move_buttons.items()
            if button.isVisible()}


def _override(qtbot: Any, detail: ClaimDetailScreen, who: str, pin: str, reason: str) -> None:
    qtbot.mouseClick(detail.override_button, Qt.MouseButton.LeftButton)
    dialog = detail.dialog
    assert isinstance(dialog, OverrideDialog) and dialog.isVisible()
    dialog.approver.setCurrentIndex(dialog.approver.findData(who))
    qtbot.keyClicks(dialog.reason, reason)
    qtbot.keyClicks(dialog.pin, pin)
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)


def test_the_board_shows_counts_per_state_and_marks_overdue_claims_in_words(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    board = _board(qtbot, win)
    tabs = [board.tabs.tabText(n) for n in range(board.tabs.count())]
    assert tabs[:3] == ["Open  7", "Received  3", "In review  1"]
    assert tabs[-1] == "All  14"
    assert board.model.rowCount() == 7
    column = board.model.COLUMNS.index("Promised")
    promised = [board.model.index(n, column).data() for n in range(board.model.rowCount())]
    assert sum("OVERDUE" in text for text in promised) == 1
    assert "1 overdue" in board.status.text()


def test_choosing_a_tab_and_typing_a_search_narrow_the_board(qtbot: Any, win: MainWindow) -> None:
    sign_in(qtbot, win, "Sue Support", "4444")
    board = _board(qtbot, win)
    board.tabs.setCurrentIndex(board.tabs.count() - 1)
    assert board.model.rowCount() == 14
    qtbot.keyClicks(board.search, "Grace Okafor")
    # The search runs after a pause in typing (Enter on one claim would open it).
    qtbot.waitUntil(lambda: board.model.rowCount() == 1)
    assert board.model.row_at(0).customer == "Grace Okafor"
    qtbot.keyClick(board.table, Qt.Key.Key_Escape)
    assert board.search.text() == "" and board.model.rowCount() == 14


def test_inspect_names_the_missing_photo_and_another_persons_pin_overrides_it(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    detail = _open(qtbot, win, "In review")
    moves = _moves(detail)
    assert set(moves) == {"inspecting", "rejected"}
    assert "photo of the fault" in detail.missing.text()
    qtbot.mouseClick(moves["inspecting"], Qt.MouseButton.LeftButton)
    assert detail.blocked_panel.isVisible()
    assert "Evidence missing: photo of the fault" in detail.blocked.text()
    assert detail.override_button.isVisible()
    assert detail.detail is not None and detail.detail.state == "reviewing"
    # The override is open already, for a second person: Maria cannot approve her own change.
    dialog = detail.dialog
    assert isinstance(dialog, OverrideDialog) and dialog.isVisible()
    assert dialog.approver.findData("Maria Manager") == -1
    dialog.approver.setCurrentIndex(dialog.approver.findData("Olive Owner"))
    qtbot.keyClicks(dialog.reason, "Photo seen on the customer's phone")
    qtbot.keyClicks(dialog.pin, "7777")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert detail.detail.state == "inspecting"
    assert "In inspection" in detail.headline.text()
    assert not detail.blocked_panel.isVisible()
    assert "moved to inspection" in win.notice.text()
    assert win.notice.property("level") == "success"
    last = detail.detail.timeline[-1]
    assert (last.to_state, last.staff, last.override_by) == (
        "inspecting", "Maria Manager", "Olive Owner")
    assert win.ctx.actor is not None and win.ctx.actor.name == "Maria Manager"


def test_a_technician_moves_on_with_the_owners_pin_and_stays_signed_in(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Tariq Tech", "3333")
    detail = _open(qtbot, win, "In review")
    qtbot.keyClick(detail, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert "photo of the fault" in detail.blocked.text()
    _override(qtbot, detail, "Olive Owner", "7777", "Owner approved: regular customer")
    assert detail.detail is not None and detail.detail.state == "inspecting"
    assert detail.detail.timeline[-1].override_by == "Olive Owner"
    assert win.ctx.actor is not None and win.ctx.actor.name == "Tariq Tech"


def test_a_wrong_override_pin_keeps_the_dialog_open_and_the_claim_where_it_was(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    detail = _open(qtbot, win, "In review")
    qtbot.mouseClick(detail.move_buttons["inspecting"], Qt.MouseButton.LeftButton)
    dialog = detail.dialog
    assert isinstance(dialog, OverrideDialog)
    dialog.approver.setCurrentIndex(dialog.approver.findData("Olive Owner"))
    qtbot.keyClicks(dialog.reason, "Owner approved it")
    qtbot.keyClicks(dialog.pin, "1234")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    dialog = detail.dialog
    assert isinstance(dialog, OverrideDialog) and dialog.isVisible()
    assert "Wrong PIN" in dialog.message.text()
    assert detail.detail is not None and detail.detail.state == "reviewing"
    dialog.reject()


def test_a_technician_does_not_see_resolve_or_reject(qtbot: Any, win: MainWindow) -> None:
    sign_in(qtbot, win, "Tariq Tech", "3333")
    detail = _open(qtbot, win, "In inspection")
    assert set(_moves(detail)) == {"repairing", "at_manufacturer"}
    qtbot.keyClick(detail, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert detail.dialog is None


def test_a_manager_resolves_a_repair_and_sees_the_confirmation(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    detail = _open(qtbot, win, "In inspection")
    assert {"resolved", "rejected"} <= set(_moves(detail))
    qtbot.mouseClick(detail.move_buttons["resolved"], Qt.MouseButton.LeftButton)
    dialog = detail.dialog
    assert isinstance(dialog, DecisionDialog) and dialog.isVisible()
    assert "repaired" in dialog.letter.text()
    qtbot.keyClicks(dialog.reason, "T-con board replaced and tested for an hour.")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert detail.detail is not None
    assert (detail.detail.state, detail.detail.outcome) == ("resolved", "repair")
    assert "resolved: repair" in win.notice.text() and win.notice.isVisible()
    assert detail.move_buttons == {} and "closed" in detail.missing.text()


def test_the_board_catches_up_after_a_decision(qtbot: Any, win: MainWindow) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    detail = _open(qtbot, win, "In inspection")
    qtbot.keyClick(detail, Qt.Key.Key_X,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = detail.dialog
    assert isinstance(dialog, DecisionDialog) and dialog.rejecting
    qtbot.keyClicks(dialog.reason, "The panel was cracked by an impact.")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert detail.detail is not None and detail.detail.state == "rejected"
    qtbot.keyClick(detail, Qt.Key.Key_Escape)
    board = win.current_screen()
    assert isinstance(board, ClaimsBoardScreen)
    assert board.tabs.tabText(3) == "In inspection  0"
    assert board.model.rowCount() == 6


def test_dropping_a_photo_on_the_evidence_list_attaches_it_and_clears_the_block(
    qtbot: Any, win: MainWindow, tmp_path: Path
) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    detail = _open(qtbot, win, "In review")
    assert detail.kind.currentData() == "photo_of_fault"
    photo = tmp_path / "cracked-keys.png"
    photo.write_bytes(png_bytes(16, 12, (120, 80, 60), seed=3))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(photo))])
    target = detail.evidence_list.viewport()
    enter = QDragEnterEvent(target.rect().center(), Qt.DropAction.CopyAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(target.rect().center()), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    assert detail.evidence_list.count() == 2
    assert "cracked-keys.png" in detail.evidence_list.item(1).text()
    assert "Added cracked-keys.png" in win.notice.text()
    assert detail.detail is not None and detail.detail.missing_evidence == ()
    assert not detail.move_buttons["inspecting"].text().startswith("⚠")
    qtbot.mouseClick(detail.move_buttons["inspecting"], Qt.MouseButton.LeftButton)
    assert detail.detail.state == "inspecting"


def test_enter_on_a_document_hands_the_stored_file_to_the_desktop(
    qtbot: Any, win: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(claim_detail, "open_url", lambda url: opened.append(url) or True)
    sign_in(qtbot, win, "Sue Support", "4444")
    detail = _open(qtbot, win, "In review")
    assert detail.detail is not None
    detail.tabs.setCurrentIndex(1)
    detail.evidence_list.setFocus()
    detail.evidence_list.setCurrentRow(0)
    qtbot.keyClick(detail.evidence_list, Qt.Key.Key_Return)
    sha = detail.detail.evidence[0].sha256
    assert [Path(u.toLocalFile()) for u in opened] == [
        DocumentStore(win.ctx.home.documents).path_for(sha)]


def test_a_manager_posts_a_cost_and_the_total_grows(qtbot: Any, win: MainWindow) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    detail = _open(qtbot, win, "In repair")
    assert not detail.add_cost_button.isHidden()
    qtbot.keyClick(detail, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    dialog = detail.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.amount, "12.50")
    qtbot.keyClicks(dialog.description, "Left driver")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert detail.detail is not None
    assert [(c.kind, c.amount_minor) for c in detail.detail.costs] == [("labour", 1_250)]
    assert detail.cost_totals.text().startswith("Total £12.50")
    assert "posted on claim" in win.notice.text()


def test_sales_staff_see_no_cost_button_and_no_moves(qtbot: Any, win: MainWindow) -> None:
    sign_in(qtbot, win, "Sam Sales", "1111")
    detail = _open(qtbot, win, "In repair")
    assert detail.add_cost_button.isHidden()
    assert _moves(detail) == {}
    assert "cannot move" in detail.missing.text()


def test_every_claim_key_is_listed_in_the_f1_help(qtbot: Any, win: MainWindow) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    _open(qtbot, win, "In review")
    keys = {key for key, _words in win.help_rows()}
    assert {"Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4", "Ctrl+D", "Ctrl+Shift+X", "Ctrl+O",
            "Ctrl+E", "Ctrl+T", "Esc", "Ctrl+R"} <= keys


def test_the_messages_tab_previews_the_wording_of_the_next_status(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Tariq Tech", "3333")
    detail = _open(qtbot, win, "In inspection")
    preview = detail.message_body.text()
    assert preview.startswith("Next message (preview)")
    assert "If the claim moves to in repair" in preview
    assert detail.detail is not None and f"Claim {detail.detail.number}: your" in preview
    detail.message_list.setCurrentRow(0)
    assert detail.message_body.text().startswith(detail.detail.messages[0].subject)


def test_a_claim_in_a_brand_claim_without_news_for_too_long_is_marked_stale(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    board = _board(qtbot, win)
    column = board.model.COLUMNS.index("State")
    states = [board.model.index(n, column).data() for n in range(board.model.rowCount())]
    assert not any("stale" in s for s in states) and "stale" not in board.status.text()
    # The demo lodged its claim at the manufacturer in a brand claim 8 days ago; the supplier
    # has no terms, so it goes stale after 14 days without news.
    stand_on(win.ctx.db, TODAY + timedelta(days=7))
    qtbot.keyClick(board, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    states = [board.model.index(n, column).data() for n in range(board.model.rowCount())]
    (marked,) = [s for s in states if "stale" in s]
    assert marked.startswith("At manufacturer  ⏳ BR01-BC-2026-000001 stale")
    assert "⏳ 1 in a stale brand claim" in board.status.text()


def test_the_claim_at_the_manufacturer_names_its_brand_claim_on_the_stock_tab(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    detail = _open(qtbot, win, "At manufacturer")
    model = detail.stock_table.model()
    texts = [str(model.index(n, 1).data()) for n in range(model.rowCount())]
    assert "brand claim BR01-BC-2026-000001 to Lumen: submitted" in texts
