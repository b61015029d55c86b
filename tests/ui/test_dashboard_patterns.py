"""The dashboard's Patterns panel: read after the figures, each pattern's claims listed by Enter
and opened by Enter, names and serials shown as plain text, forgotten at sign-out."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget

from tests.conftest import sqlite_file
from tests.ui.conftest import sign_in
from tests.ui.print_helpers import window
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.counter import CounterScreen
from ui.screens.dashboard import DashboardScreen
from ui.screens.dashboard_patterns import PatternsPanel
from ui.screens.reports import ReportsScreen
from ui.widgets.labels import as_typed
from warranty_desk.rules.metrics.patterns import MODEL, PatternRows, Tally, find_patterns
from warranty_desk.storage.home import Home

SCREENS = [CounterScreen, DashboardScreen, ClaimDetailScreen]
# A name as a person or a file may give it: markup, another script, and long.
ODD_NAME = "<b>Ravi</b> 王小明 Kelly-Ødegård " + "Long " * 30
ODD_SERIAL = "<i>SN</i>-ΩΨ-7"


def _story(home: Home) -> list[str]:
    """The demo's unit claimed three times, its customer and serial renamed oddly."""
    with sqlite_file(home.database) as conn:
        serial = conn.execute("SELECT serial FROM claims GROUP BY serial "
                              "HAVING count(*) >= 2").fetchone()[0]
        numbers = sorted(n for (n,) in conn.execute(
            "SELECT number FROM claims WHERE serial = ?", (serial,)))
        conn.execute("UPDATE claims SET serial = ? WHERE serial = ?", (ODD_SERIAL, serial))
        conn.execute("UPDATE customers SET name = ? WHERE id = (SELECT customer_id FROM claims "
                     "WHERE number = ?)", (ODD_NAME, numbers[0]))
    return numbers


def _panel(qtbot: Any, win: Any) -> tuple[DashboardScreen, PatternsPanel]:
    sign_in(qtbot, win, "Maria Manager", "5555")
    qtbot.keyClick(win, Qt.Key.Key_F8)
    screen = win.current_screen()
    assert isinstance(screen, DashboardScreen)
    screen.since.setDate(screen.since.date().addYears(-10))
    panel = screen.findChild(PatternsPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: not panel.title.text().endswith("reading…"))
    # The patterns are a tab beside the figures, counted in its name; Ctrl+Tab goes there.
    tabs = screen.findChild(QTabWidget, "dashboardTabs")
    assert tabs is not None and tabs.currentWidget() is screen.figures
    assert tabs.tabText(1) == f"Patterns ({len(panel.found)})"
    screen.figures.setFocus()
    qtbot.keyClick(screen.figures, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentWidget() is panel and panel.list.hasFocus()
    return screen, panel


def test_enter_on_a_pattern_lists_its_claims_and_enter_opens_one(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    numbers = _story(demo_home)
    with window(demo_home, monkeypatch, SCREENS) as win:
        screen, panel = _panel(qtbot, win)
        texts = [as_typed(panel.list.item(n).text()) for n in range(panel.list.count())]
        # Shown exactly as stored: the markup is text, the other script and length kept.
        serial_line = (f"Serial claimed again: Serial {ODD_SERIAL} claimed {len(numbers)} "
                       f"times (claims {', '.join(numbers)}).")
        assert texts[0] == serial_line
        assert any(t.startswith(f"Customer claiming often: Customer {ODD_NAME} made ")
                   for t in texts)
        assert panel.title.text().startswith(f"Patterns: {len(texts)} found")
        qtbot.keyClick(panel.list, Qt.Key.Key_Home)  # the first pattern
        assert panel.list.currentRow() == 0
        qtbot.keyClick(panel.list, Qt.Key.Key_Return)
        assert [panel.claims.item(n).text() for n in range(panel.claims.count())] == numbers
        assert panel.claims.hasFocus()
        qtbot.keyClick(panel.claims, Qt.Key.Key_Down)
        qtbot.keyClick(panel.claims, Qt.Key.Key_Return)
        shown = win.current_screen()
        assert isinstance(shown, ClaimDetailScreen)
        assert shown.number == numbers[1]
        assert screen.data is not None


def test_a_filter_reads_the_patterns_again_and_sign_out_forgets_them(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with window(demo_home, monkeypatch, SCREENS) as win:
        screen, panel = _panel(qtbot, win)
        assert panel.list.count() > 0
        screen.only_field.setCurrentText("brand")
        screen.only_value.setFocus()
        qtbot.keyClicks(screen.only_value, "No such brand")
        qtbot.keyClick(screen.only_value, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: panel.title.text().startswith("Patterns: none found"))
        assert panel.list.count() == 0
        screen.only_field.setFocus()
        qtbot.keyClick(screen.only_field, Qt.Key.Key_Home)  # back to (everything)
        qtbot.waitUntil(lambda: panel.list.count() > 0)
        win.ctx.signed_out.emit()
        assert panel.list.count() == 0 and panel.found == ()


def test_the_reports_screen_lists_the_patterns_with_the_tests_beneath(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    numbers = _story(demo_home)
    with window(demo_home, monkeypatch, [CounterScreen, ReportsScreen]) as win:
        sign_in(qtbot, win, "Maria Manager", "5555")
        qtbot.keyClick(win, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
        screen = win.current_screen()
        assert isinstance(screen, ReportsScreen)
        screen.since.setDate(screen.since.date().addYears(-10))
        screen.choices.setFocus()
        while screen.current() != "patterns":
            qtbot.keyClick(screen.choices, Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0)
        model = screen.model
        assert model.text(0, 0) == "Serial claimed again"
        assert model.text(0, 1) == ODD_SERIAL
        assert model.text(0, 4) == " ".join(numbers)
        assert "one-sided exact binomial test" in screen.notes.text()


def test_a_model_standing_out_says_the_test_on_screen_in_plain_text(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    odd = "<h1>ЛАП</h1>-14"
    rows = PatternRows((), (Tally(odd, "laptops", 14, 100, "Lumen <i>14</i>"),
                            Tally("LAP-2", "laptops", 30, 1000)), (), (), {(MODEL, odd): ("C-1",)})
    with window(demo_home, monkeypatch, SCREENS) as win:
        _screen, panel = _panel(qtbot, win)
        panel.show_patterns(find_patterns(rows))
        text = as_typed(panel.list.item(0).text())
        assert text.startswith(f"Model above its category: Model {odd} (Lumen <i>14</i>): 14 "
                               "claims per 100 under warranty")
        assert "(one-sided exact Poisson test against its category; flagged under 1 in 1,000 " \
               "with 5 or more)." in text
        # A double-click lists the claims as Enter does.
        spot = panel.list.visualItemRect(panel.list.item(0)).center()
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=spot)
        qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=spot)
        assert panel.claims.item(0).text() == "C-1"
