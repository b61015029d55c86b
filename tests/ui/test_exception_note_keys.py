"""Exception notes, retention calls and the new reports by keys: written, found, counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import db_rows, open_window, sign_in, type_into
from ui.main_window import MainWindow
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claims_board import ClaimsBoardScreen
from ui.screens.counter import CounterScreen
from ui.screens.customer import CustomerScreen
from ui.screens.follow_ups import FollowUpsScreen
from ui.screens.reports import ReportsScreen
from ui.widgets.exception_notes import NoteDialog
from warranty_desk.storage.home import Home

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
# Markup, quotes, a long run and non-Latin words: shown as typed, never as formatting.
ODD_TEXT = ('<b>POS link</b> & "warranty server" down — 系统连接中断; Verbindung getrennt. '
            + "Checked the cable and the router twice. " * 6).strip()


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch,
                           [CounterScreen, ClaimsBoardScreen, ClaimDetailScreen, CustomerScreen,
                            FollowUpsScreen, ReportsScreen])


def _active(qtbot: Any, widget: Any) -> None:
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


def _note_dialog(qtbot: Any) -> NoteDialog:
    qtbot.waitUntil(lambda: any(isinstance(w, NoteDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()))
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, NoteDialog) and w.isVisible())
    _active(qtbot, dialog)
    return dialog


def _write(qtbot: Any, dialog: NoteDialog, reason: str, text: str) -> None:
    """Pick the reason by its first letters, type the note, Ctrl+Enter."""
    qtbot.keyClicks(dialog.reason, reason)
    assert dialog.reason.currentText().startswith(reason)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)
    assert dialog.text.hasFocus()
    type_into(dialog.text, text)
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, CTRL)


def test_a_note_on_a_claim_by_keys_is_kept_and_shown_as_plain_text(
    qtbot: Any, win: MainWindow
) -> None:
    number = str(db_rows(win, "SELECT number FROM claims WHERE state = 'at_manufacturer' "
                              "ORDER BY number")[0][0])
    sign_in(qtbot, win, "Kim Store", "2222")
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen)
    qtbot.keyClick(screen, Qt.Key.Key_N, CTRL_SHIFT)
    dialog = _note_dialog(qtbot)
    assert screen.tabs.currentWidget() is screen.notes
    # Too short: said in the dialog, nothing saved.
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)
    type_into(dialog.text, "no")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, CTRL)
    assert dialog.isVisible() and "a few words" in dialog.message.text()
    dialog.text.clear()
    dialog.reason.setFocus()
    _write(qtbot, dialog, "Service", ODD_TEXT)
    qtbot.waitUntil(lambda: screen.detail is not None and len(screen.detail.notes) == 1)
    assert db_rows(win, "SELECT record_kind, record_ref, reason, text, written_by FROM "
                        "exception_notes") == [("claim", number, "service_centre_not_responding",
                                                ODD_TEXT, "Kim Store")]
    assert screen.tabs.tabText(screen.tabs.indexOf(screen.notes)) == "&Notes (1)"
    model = screen.notes.model
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    cell = model.index(0, columns.index("Note"))
    assert str(cell.data()).startswith('<b>POS link</b> & "warranty server"')
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == ODD_TEXT
    assert screen.notes.full.text() == f"Service centre not responding: {ODD_TEXT}"


def test_a_note_on_a_customer_by_keys_and_the_follow_ups_list_finds_it_by_words(
    qtbot: Any, win: MainWindow
) -> None:
    reference, name = db_rows(win, "SELECT reference, name FROM customers ORDER BY reference")[0]
    sign_in(qtbot, win, "Sue Support", "4444")
    win.ctx.navigate.emit("CustomerScreen", reference)
    screen = win.current_screen()
    assert isinstance(screen, CustomerScreen)
    qtbot.waitUntil(lambda: screen.profile is not None)
    qtbot.keyClick(screen, Qt.Key.Key_N, CTRL_SHIFT)
    dialog = _note_dialog(qtbot)
    _write(qtbot, dialog, "Customer", "Rang twice — 电话无人接听; left a voicemail <i>again</i>")
    qtbot.waitUntil(lambda: screen.profile is not None and len(screen.profile.notes) == 1)
    assert screen.tabs.currentWidget() is screen.notes
    assert screen.tabs.tabText(4) == "Notes (1)"
    assert screen.notes.full.text() == ("Customer unreachable: Rang twice — 电话无人接听; left a "
                                        "voicemail <i>again</i>")
    _active(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F12)
    follow = win.current_screen()
    assert isinstance(follow, FollowUpsScreen)
    qtbot.keyClick(follow, Qt.Key.Key_F, CTRL)
    assert follow.tabs.currentWidget() is follow.notes
    qtbot.waitUntil(lambda: follow.notes.model.rowCount() == 1)
    type_into(follow.notes.words, "电话")
    qtbot.waitUntil(lambda: follow.notes.status.text() == "1 note")
    type_into(follow.notes.words, "xyz")
    qtbot.waitUntil(lambda: follow.notes.status.text() == "No note matches these filters.")
    follow.notes.words.clear()
    follow.notes.kind.setFocus()
    qtbot.keyClicks(follow.notes.kind, "Claim")
    qtbot.waitUntil(lambda: follow.notes.model.rowCount() == 0)
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    qtbot.keyClicks(follow.notes.kind, "Customer")
    qtbot.waitUntil(lambda: follow.notes.model.rowCount() == 1)
    assert follow.notes.full.text().startswith(f"Customer {reference} · Customer unreachable")
    # Enter on the note opens its customer.
    follow.notes.table.setFocus()
    qtbot.keyClick(follow.notes.table, Qt.Key.Key_Return)
    shown = win.current_screen()
    assert isinstance(shown, CustomerScreen)
    qtbot.waitUntil(lambda: shown.profile is not None and shown.profile.name == name)


def test_the_reports_screen_counts_the_notes_by_reason(qtbot: Any, win: MainWindow) -> None:
    from warranty_desk.permissions import Actor
    from warranty_desk.services.exception_notes import NoteInput, add_note

    number = str(db_rows(win, "SELECT number FROM claims ORDER BY number")[0][0])
    for reason in ("system_link_down", "system_link_down", "stock_mismatch"):
        add_note(win.ctx.db, Actor.system(), NoteInput("claim", number, reason, "Noted"))
    sign_in(qtbot, win, "Maria Manager", "5555")
    qtbot.keyClick(win, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    reports = win.current_screen()
    assert isinstance(reports, ReportsScreen)
    row = reports.choices.findData("exception-notes")
    reports.choices.setFocus()
    reports.choices.setCurrentIndex(row)
    qtbot.waitUntil(lambda: reports.model.table is not None
                    and reports.model.table.name == "exception-notes")
    shown = {reports.model.text(r, 0): reports.model.text(r, reports.model.columnCount() - 1)
             for r in range(reports.model.rowCount())}
    assert shown == {"System link down": "2", "Stock mismatch": "1"}
    assert reports.since.isVisible() and reports.since_label.text() == "Notes written since"
    assert reports.follow_model.rowCount() == 3


def test_retention_calls_the_rules_raised_are_cleared_by_keys_with_a_note(
    qtbot: Any, win: MainWindow
) -> None:
    from ui.widgets.reason_dialog import ReasonDialog

    waiting = db_rows(win, "SELECT count(*) FROM retention_follow_ups WHERE cleared_at IS NULL")
    assert waiting[0][0] >= 1  # the demo's morning run of the rules raised some
    sign_in(qtbot, win, "Sue Support", "4444")
    qtbot.keyClick(win, Qt.Key.Key_F12)
    follow = win.current_screen()
    assert isinstance(follow, FollowUpsScreen) and follow.tabs.currentWidget() is follow.calls
    calls = follow.calls
    qtbot.waitUntil(lambda: calls.model.rowCount() == waiting[0][0])
    first = calls.model.record(0)
    assert first is not None
    qtbot.keyClick(follow, Qt.Key.Key_D, CTRL_SHIFT)
    dialog = follow.dialog
    assert isinstance(dialog, ReasonDialog) and dialog.isVisible()
    _active(qtbot, dialog)
    type_into(dialog.reason, "Rang — 已回电; happy with the <b>repair</b>")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: calls.model.rowCount() == waiting[0][0] - 1)
    assert db_rows(win, "SELECT note, cleared_by FROM retention_follow_ups WHERE cleared_at IS "
                        "NOT NULL") == [("Rang — 已回电; happy with the <b>repair</b>",
                                         "Sue Support")]
    calls.cleared.setFocus()
    qtbot.keyClick(calls.cleared, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: calls.model.rowCount() == 1)
    column = [c.title for c in calls.model.columns].index("Cleared")
    assert str(calls.model.index(0, column).data()).endswith(
        "by Sue Support: Rang — 已回电; happy with the <b>repair</b>")


def test_the_calls_are_not_offered_to_a_role_that_does_not_talk_to_customers(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Kim Store", "2222")
    qtbot.keyClick(win, Qt.Key.Key_F12)
    follow = win.current_screen()
    assert isinstance(follow, FollowUpsScreen)
    assert not follow.tabs.isTabVisible(follow.tabs.indexOf(follow.calls))
    assert follow.tabs.currentWidget() is follow.notes
    qtbot.keyClick(follow, Qt.Key.Key_D, CTRL_SHIFT)
    assert follow.dialog is None


@pytest.mark.parametrize("name", ["resolution-completion", "refund-accuracy"])
def test_the_claim_reports_are_reached_by_keys_and_show_what_the_service_builds(
    qtbot: Any, win: MainWindow, name: str
) -> None:
    from warranty_desk.permissions import Actor
    from warranty_desk.services import report_registry

    sign_in(qtbot, win, "Fin Finance", "6666")
    qtbot.keyClick(win, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    reports = win.current_screen()
    assert isinstance(reports, ReportsScreen)
    reports.choices.setFocus()
    for _ in range(reports.choices.count()):
        if reports.choices.currentData() == name:
            break
        qtbot.keyClick(reports.choices, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: reports.model.table is not None and reports.model.table.name == name)
    built = report_registry.build(win.ctx.db, Actor.system(), name, since=win.ctx.today()
                             - timedelta(days=90))
    assert reports.model.table.rows == built.rows and built.rows
    assert reports.since.isVisible()
