"""The whole counter story a newcomer must manage: sign in, scan, start a claim, decide it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.conftest import sqlite_rows
from tests.ui.conftest import sign_in
from ui.main_window import MainWindow
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.counter import CounterScreen
from ui.screens.start_claim import StartClaimScreen
from ui.widgets.decision_dialog import DecisionDialog
from warranty_desk.demo.files import png_bytes

LEFT = Qt.MouseButton.LeftButton


def _serial_without_open_claim(win: MainWindow) -> str:
    """A unit in cover today whose policy asks for evidence and that has no claim yet."""
    rows = sqlite_rows(
        win.ctx.db.path, """SELECT w.serial FROM warranties w JOIN products p ON p.id = w.product_id
           JOIN policies pol ON pol.id = p.policy_id
           WHERE w.status = 'active' AND w.serial IS NOT NULL AND w.start_on <= ?
             AND w.end_on >= ? AND pol.evidence_required != '{}'
             AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.warranty_id = w.id)
           ORDER BY w.code LIMIT 1""",
        (win.ctx.today().isoformat(), win.ctx.today().isoformat()))
    assert rows, "no such unit"
    return str(rows[0][0])


def test_a_newcomer_scans_starts_a_claim_and_carries_it_to_a_decision(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    sign_in(qtbot, window, "Maria Manager", "5555")
    counter = window.current_screen()
    assert isinstance(counter, CounterScreen)
    serial = _serial_without_open_claim(window)
    qtbot.keyClicks(counter.field, serial)
    qtbot.keyClick(counter.field, Qt.Key.Key_Return)
    assert "IN COVER" in counter.card.word.text()

    qtbot.keyClick(counter.field, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    start = window.current_screen()
    assert isinstance(start, StartClaimScreen)
    assert start.checklist.rows, "the policy's evidence checklist is shown"
    for n, kind in enumerate(start.checklist.rows):
        photo = tmp_path / f"{kind}.png"
        photo.write_bytes(png_bytes(12, 10, (40 * n % 255, 90, 120), seed=n))
        start.attach_path(kind, photo)
    start.fault.setEditText("The screen flickers after ten minutes")
    qtbot.mouseClick(start.create_button, LEFT)
    assert start.stack.currentWidget() is start.done_page
    number = start.number.text()
    assert number.startswith("BR01-C-")

    qtbot.mouseClick(start.open_claim_button, LEFT)
    detail = window.current_screen()
    assert isinstance(detail, ClaimDetailScreen)
    for target in ("reviewing", "inspecting"):
        assert target in detail.move_buttons, detail.missing.text()
        qtbot.mouseClick(detail.move_buttons[target], LEFT)
        assert detail.detail is not None and detail.detail.state == target
    qtbot.mouseClick(detail.move_buttons["resolved"], LEFT)
    dialog = detail.dialog
    assert isinstance(dialog, DecisionDialog)
    qtbot.keyClicks(dialog.reason, "Loose display cable reseated; tested for an hour.")
    qtbot.mouseClick(dialog.ok, LEFT)
    assert detail.detail is not None
    assert (detail.detail.number, detail.detail.state, detail.detail.outcome) == (
        number, "resolved", "repair")
    assert window.notice.isVisible() and number in window.notice.text()
