"""The Reports screen: a manager reads a report, prints it through the preview, saves a CSV."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.printing.pdf_tools import text as pdf_text
from tests.ui.conftest import sign_in
from tests.ui.print_helpers import FakePreview, one, window
from ui.printing.preview import PreviewChoice
from ui.screens.counter import CounterScreen
from ui.screens.reports import ReportsScreen
from warranty_desk.services import print_jobs
from warranty_desk.storage.home import Home


def _reports(qtbot: Any, win: Any) -> ReportsScreen:
    sign_in(qtbot, win, "Maria Manager", "5555")
    qtbot.keyClick(win, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    screen = win.current_screen()
    assert isinstance(screen, ReportsScreen)
    return screen


def test_claims_by_brand_shows_every_claim_of_the_period_in_pounds(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with window(demo_home, monkeypatch, [CounterScreen, ReportsScreen]) as win:
        screen = _reports(qtbot, win)
        screen.since.setDate(screen.since.date().addYears(-5))
        model = screen.model
        assert model.table is not None and model.table.name == "claims-by-brand"
        total = sum(int(model.text(r, 1)) for r in range(model.rowCount()))
        assert total == one(win, "SELECT count(*) FROM claims WHERE product_id IS NOT NULL")
        assert model.text(0, 4).startswith("£")  # the demo is a UK shop
        # Headers of several words take two lines, so the numbers under them need less room.
        assert model.headerData(5, Qt.Orientation.Horizontal) == "Cost per\nclaim"


def test_a_report_prints_through_the_preview_and_the_print_is_recorded(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    preview = FakePreview(tmp_path, PreviewChoice(printed_on="Office laser"))
    with window(demo_home, monkeypatch, [CounterScreen, ReportsScreen]) as win:
        screen = _reports(qtbot, win)
        screen.print_desk.preview = preview
        screen.choices.setCurrentIndex(1)  # open claims
        qtbot.keyClick(screen.choices, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        assert win.notice.text() == "Printed the open claims report on Office laser."
        jobs = print_jobs.history(win.ctx.db)
    assert jobs[0].document == "report" and jobs[0].requested_by == "Maria Manager"
    text = pdf_text(preview.sheets[0].pdf)
    assert "Open claims" in text and "Past promised date" in text


def test_a_report_saves_as_csv_with_its_header(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "aging.csv"
    with window(demo_home, monkeypatch, [CounterScreen, ReportsScreen]) as win:
        screen = _reports(qtbot, win)
        screen.choices.setCurrentIndex(2)  # returns stock by age
        screen.ask_csv_path = lambda: str(out)
        qtbot.keyClick(screen.choices, Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert win.notice.text() == f"Saved returns stock by age to {out}."
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0][0] == "Supplier" and rows[0][-1] == "Total"


def test_sales_staff_do_not_see_reports(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with window(demo_home, monkeypatch, [CounterScreen, ReportsScreen]) as win:
        sign_in(qtbot, win, "Sam Sales", "1111")
        qtbot.keyClick(win, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
        assert isinstance(win.current_screen(), CounterScreen)
        assert "not available to your role" in win.notice.text()
