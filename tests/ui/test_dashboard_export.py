"""The dashboard's view, as filtered and compared, prints as PDF and saves as CSV by its keys."""

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
from ui.screens.dashboard import DashboardScreen
from warranty_desk.storage.home import Home

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _filtered_and_compared(qtbot: Any, win: Any) -> tuple[DashboardScreen, str]:
    sign_in(qtbot, win, "Maria Manager", "5555")
    qtbot.keyClick(win, Qt.Key.Key_F8)
    screen = win.current_screen()
    assert isinstance(screen, DashboardScreen)
    screen.since.setDate(screen.since.date().addYears(-10))  # the whole demo story
    brand = str(one(win, "SELECT name FROM brands ORDER BY name"))
    screen.only_field.setFocus()
    qtbot.keyClicks(screen.only_field, "brand")
    qtbot.keyClicks(screen.only_value, brand)
    qtbot.keyClick(screen.only_value, Qt.Key.Key_Return)
    screen.by.setFocus()
    qtbot.keyClicks(screen.by, "category")
    assert screen.filters() == {"brand": brand} and screen.compared_by() == "category"
    return screen, brand


def test_ctrl_shift_s_saves_the_view_shown_as_csv(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "view.csv"
    with window(demo_home, monkeypatch, [CounterScreen, DashboardScreen]) as win:
        screen, brand = _filtered_and_compared(qtbot, win)
        screen.ask_csv_path = lambda: str(out)
        qtbot.keyClick(screen.figures, Qt.Key.Key_S, CTRL_SHIFT)
        qtbot.waitUntil(lambda: win.notice.text() == f"Saved every figure to {out}.")
        # Claims opened per category of that brand, counted here from the claims table.
        with win.ctx.db.engine.connect() as conn:
            per_category = dict(conn.exec_driver_sql(
                "SELECT p.category, count(*) FROM claims c JOIN products p "
                "ON p.id = c.product_id JOIN brands b ON b.id = p.brand_id WHERE b.name = ? "
                "GROUP BY p.category", (brand,)).fetchall())
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0][:2] == ["Category", "Figure"]
    opened = {r[0]: int(r[3]) for r in rows[1:] if len(r) > 3 and r[1] == "Claims opened"}
    assert opened == per_category


def test_ctrl_p_prints_the_view_shown_with_its_range_filter_and_comparison(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    preview = FakePreview(tmp_path, PreviewChoice(printed_on="Office laser"))
    with window(demo_home, monkeypatch, [CounterScreen, DashboardScreen]) as win:
        screen, brand = _filtered_and_compared(qtbot, win)
        screen.print_desk.preview = preview
        qtbot.keyClick(screen.figures, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: bool(preview.sheets))
    text = " ".join(pdf_text(preview.sheets[0].pdf).split())
    assert "Every figure" in text
    assert f"only brand {brand}" in text and "compared by category" in text
