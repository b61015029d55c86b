"""The audit sample screen by keys: opened from Reports, October drawn once, each claim
reviewed with a note shown as plain text, opened in claim detail; other roles only read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import db_rows, open_window, sign_in, type_into
from tests.ui.test_plain_text import markup_problems
from ui.main_window import MainWindow
from ui.screens.audit_sample import AuditSampleScreen
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claims_board import ClaimsBoardScreen
from ui.screens.counter import CounterScreen
from ui.screens.reports import ReportsScreen
from ui.widgets.audit_review import AuditReviewDialog
from warranty_desk.permissions import Actor, Role
from warranty_desk.services import audit, audit_sample
from warranty_desk.storage.home import Home

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
# Markup, quotes, non-Latin words and a long run: shown as typed, never as formatting.
ODD = ('<b>Refund</b> & "label" too high — 退款金额不符; Erstattung prüfen. '
       + "Check the receipt against the ledger. " * 8).strip()


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch,
                           [CounterScreen, ClaimsBoardScreen, ClaimDetailScreen, ReportsScreen,
                            AuditSampleScreen])


def _closed_in_october(win: MainWindow) -> list[str]:
    # The demo shop keeps London time: October there runs from 23:00 UTC on 30 September.
    return [str(n) for (n,) in db_rows(
        win, "SELECT number FROM claims WHERE closed_at >= '2026-09-30 23:00:00' "
             "AND closed_at < '2026-11-01 00:00:00'")]


def _active(qtbot: Any, widget: Any) -> None:
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


def _review_dialog(qtbot: Any, screen: AuditSampleScreen) -> AuditReviewDialog:
    qtbot.waitUntil(lambda: isinstance(screen.dialog, AuditReviewDialog)
                    and screen.dialog.isVisible())
    dialog = screen.dialog
    assert isinstance(dialog, AuditReviewDialog)
    _active(qtbot, dialog)
    return dialog


def _open_from_reports(qtbot: Any, win: MainWindow) -> AuditSampleScreen:
    _active(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F8, SHIFT)
    reports = win.current_screen()
    assert isinstance(reports, ReportsScreen)
    assert reports.audit_button.text() == "Audit sample  (Ctrl+F8)"
    qtbot.keyClick(reports, Qt.Key.Key_F8, CTRL)
    screen = win.current_screen()
    assert isinstance(screen, AuditSampleScreen)
    return screen


def test_a_manager_draws_october_once_and_reviews_each_claim_by_keys(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    screen = _open_from_reports(qtbot, win)
    assert screen.month.hasFocus() and screen.chosen_month() == "2026-10"
    qtbot.waitUntil(lambda: screen.status.text() == "No sample of October 2026 has been drawn "
                                                    "yet. Draw it (Ctrl+D).")
    qtbot.keyClick(screen.month, Qt.Key.Key_Tab)
    assert screen.draw_size.hasFocus()
    qtbot.keyClick(screen.draw_size, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(screen.draw_size, "2")
    qtbot.keyClick(screen.draw_size, Qt.Key.Key_Tab)
    assert screen.seed.hasFocus()
    qtbot.keyClicks(screen.seed, "42x")  # only digits go in
    qtbot.keyClick(screen.seed, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    numbers = [c.number for c in screen.model.records]
    assert numbers == list(audit_sample.draw_order(42, _closed_in_october(win))[:2])
    assert win.notice.text() == "Drew the sample of October 2026: 2 claims, seed 42."
    assert screen.status.text() == (
        "2 of the 3 claims closed in October 2026, drawn with seed 42; 0 reviewed. Drawn on "
        "2026-11-22 12:00 by Maria Manager. Enter opens a claim; Ctrl+M reviews it.")
    # Drawn again by key: refused, saying when and by whom.
    qtbot.keyClick(screen.table, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: "was drawn already" in win.notice.text())
    assert ("The sample of October 2026 was drawn already, on 2026-11-22 at 12:00 by Maria "
            "Manager (2 claims, seed 42).") in win.notice.text()
    assert db_rows(win, "SELECT count(*) FROM audit_samples") == [(1,)]

    # The first claim needs follow-up: the dialog asks for a note before it saves.
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_M, CTRL)
    dialog = _review_dialog(qtbot, screen)
    qtbot.keyClicks(dialog.finding, "N")
    assert dialog.finding.currentText() == "Needs follow-up"
    qtbot.keyClick(dialog.finding, Qt.Key.Key_Tab)
    assert dialog.note.hasFocus()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, CTRL)
    assert dialog.isVisible() and "Write what needs following up" in dialog.message.text()
    type_into(dialog.note, ODD)
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: screen.model.records[0].finding == "needs_follow_up")
    assert db_rows(win, "SELECT s.finding, s.note, s.reviewed_by FROM audit_sample_claims s "
                        "JOIN claims c ON c.id = s.claim_id WHERE c.number = ?", numbers[0]) == [
        ("needs_follow_up", ODD, "Maria Manager")]
    columns = [screen.model.headerData(n, Qt.Orientation.Horizontal)
               for n in range(screen.model.columnCount())]
    note = screen.model.index(0, columns.index("Note"))
    assert note.data() == ODD and note.data(Qt.ItemDataRole.ToolTipRole) == ODD
    assert screen.model.index(0, columns.index("Finding")).data() == "Needs follow-up"
    [(stored,)] = db_rows(win, "SELECT closed_at FROM claims WHERE number = ?", numbers[0])
    closed = (datetime.fromisoformat(str(stored)).replace(tzinfo=UTC)
              .astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%d %H:%M"))
    assert screen.full.text() == (f"{numbers[0]} · closed {closed} · Needs follow-up by Maria "
                                  f"Manager, 2026-11-22 12:00:\n{ODD}")
    assert markup_problems(screen) == []

    # The second is fine, saved without a note.
    _active(qtbot, win)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Down)
    qtbot.keyClick(screen.table, Qt.Key.Key_M, CTRL)
    dialog = _review_dialog(qtbot, screen)
    assert dialog.finding.currentText() == "Fine" and dialog.finding.hasFocus()
    qtbot.keyClick(dialog.finding, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: screen.model.records[1].finding == "fine")
    assert "2 reviewed" in screen.status.text()
    assert win.notice.text() == f"Claim {numbers[1]} reviewed: Fine."
    with win.ctx.db.read() as session:
        assert audit.verify(session).ok
    assert [a for (a,) in db_rows(win, "SELECT action FROM audit_entries WHERE action LIKE "
                                       "'audit_sample.%' ORDER BY seq")] == [
        "audit_sample.draw", "audit_sample.review", "audit_sample.review"]

    # Enter opens the chosen claim in claim detail.
    _active(qtbot, win)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    shown = win.current_screen()
    assert isinstance(shown, ClaimDetailScreen)
    qtbot.waitUntil(lambda: shown.number == numbers[1])


def test_finance_reads_the_sample_but_neither_draws_nor_reviews_and_sales_never_sees_it(
    qtbot: Any, win: MainWindow
) -> None:
    drawn = audit_sample.draw(win.ctx.db, Actor(None, "Olive Owner", Role.OWNER), "2026-10",
                              size=3, seed=7)
    sign_in(qtbot, win, "Fin Finance", "6666")
    screen = _open_from_reports(qtbot, win)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3)
    assert [c.number for c in screen.model.records] == [c.number for c in drawn.claims]
    assert screen.status.text().endswith("by Olive Owner. Enter opens a claim.")
    assert not screen.draw_button.isVisible() and not screen.review_button.isVisible()
    assert "Ctrl+M" not in dict(screen.help_rows())
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_M, CTRL)
    qtbot.keyClick(screen.table, Qt.Key.Key_D, CTRL)
    QApplication.processEvents()
    assert screen.dialog is None
    assert db_rows(win, "SELECT count(*) FROM audit_sample_claims WHERE finding IS NOT NULL"
                   ) == [(0,)]
    # Another month not drawn yet: said so, with who may draw it.
    qtbot.keyClick(screen.month, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: screen.status.text() == "No sample of September 2026 has been "
                                                    "drawn yet. A warranty manager or the owner "
                                                    "draws it.")
    sign_in(qtbot, win, "Sam Sales", "1111")
    _active(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F8, CTRL)
    assert not isinstance(win.current_screen(), AuditSampleScreen)
