"""The start-claim screen tells the truth: what is needed before which step, what a file is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import db_rows, open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.start_claim import StartClaimScreen
from warranty_desk.storage.home import Home


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch, [CounterScreen, StartClaimScreen])


def _start(qtbot: Any, win: MainWindow) -> StartClaimScreen:
    today = date(2026, 11, 22).isoformat()
    serial = db_rows(win, """
        SELECT w.serial FROM warranties w JOIN products p ON p.id = w.product_id
        WHERE p.category IN ('phones', 'laptops') AND w.status = 'active'
          AND w.serial IS NOT NULL AND w.start_on <= ? AND w.end_on >= ?
          AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.warranty_id = w.id)
        ORDER BY w.code LIMIT 1""", today, today)[0][0]
    sign_in(qtbot, win, "Sam Sales", "1111")
    counter = win.current_screen()
    assert isinstance(counter, CounterScreen)
    qtbot.keyClicks(counter.field, serial)
    qtbot.keyClick(counter.field, Qt.Key.Key_Return)
    qtbot.keyClick(counter.field, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    screen = win.current_screen()
    assert isinstance(screen, StartClaimScreen)
    return screen


def test_missing_evidence_is_said_to_be_needed_before_inspection_not_review(
    qtbot: Any, win: MainWindow
) -> None:
    screen = _start(qtbot, win)
    screen.fault.setCurrentIndex(0)
    qtbot.mouseClick(screen.create_button, Qt.MouseButton.LeftButton)
    assert screen.stack.currentWidget() is screen.done_page
    words = screen.done_detail.text()
    assert "Still needed before inspection: proof of purchase, photo of the fault." in words
    assert "before review" not in words


def test_a_text_file_named_pdf_is_not_taken_as_proof(
    qtbot: Any, win: MainWindow, tmp_path: Path
) -> None:
    screen = _start(qtbot, win)
    fake = tmp_path / "receipt.pdf"
    fake.write_bytes(b"paid in full, ok\n")
    screen.attach_path("proof_of_purchase", fake)
    assert screen.message.text().startswith("receipt.pdf is plain text by its content")
    assert "must be a PDF or a photo" in screen.message.text()
    assert "receipt.pdf" not in screen.checklist.rows["proof_of_purchase"].status.text()
    assert screen.pending.get("proof_of_purchase", []) == []
