"""The dashboard: F8 opens it, arrows pick a figure and list its claims, Enter opens one,
compare by and a filter redraw it, and the reports are one key away."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import sign_in
from tests.ui.print_helpers import one, window
from ui.charts import values_of
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.counter import CounterScreen
from ui.screens.dashboard import DashboardScreen
from ui.screens.reports import ReportsScreen
from warranty_desk.services.metric_figures import COUNT, Figure
from warranty_desk.storage.home import Home

SCREENS = [CounterScreen, DashboardScreen, ReportsScreen, ClaimDetailScreen]


def _dashboard(qtbot: Any, win: Any) -> DashboardScreen:
    sign_in(qtbot, win, "Maria Manager", "5555")
    qtbot.keyClick(win, Qt.Key.Key_F8)
    screen = win.current_screen()
    assert isinstance(screen, DashboardScreen)
    # The whole demo story: from long before its first claim.
    screen.since.setDate(screen.since.date().addYears(-10))
    return screen


def test_f8_shows_every_figure_and_the_claims_behind_the_one_picked(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with window(demo_home, monkeypatch, SCREENS) as win:
        screen = _dashboard(qtbot, win)
        assert screen.data is not None
        assert screen.figures.count() == len(screen.data.figures) == 22
        # The first figure: open claims, counted here from the claims table.
        open_now = one(win, "SELECT count(*) FROM claims WHERE state NOT IN "
                            "('resolved', 'rejected')")
        assert screen.figures.item(0).text() == f"Open claims\n{open_now}"
        qtbot.keyClick(screen.figures, Qt.Key.Key_Right)  # claims opened
        total = one(win, "SELECT count(*) FROM claims")
        assert screen.figures.item(1).text() == f"Claims opened\n{total}"
        assert screen.behind.count() == total
        assert screen.behind_title.text().startswith(f"Claims opened: {total} claims behind it")
        # Enter on a claim in the list opens it.
        first = screen.behind.item(0).text()
        screen.behind.setFocus()
        screen.behind.setCurrentRow(0)
        qtbot.keyClick(screen.behind, Qt.Key.Key_Return)
        shown = win.current_screen()
        assert isinstance(shown, ClaimDetailScreen)
        assert shown.number == first


def _pick(qtbot: Any, screen: DashboardScreen, key: str) -> None:
    """Pick a figure in the grid by the arrow keys, as a manager would."""
    screen.figures.setFocus()
    qtbot.keyClick(screen.figures, Qt.Key.Key_Home)
    for _ in range(screen.figures.count()):
        picked = screen.figure()
        if picked is not None and picked.key == key:
            return
        qtbot.keyClick(screen.figures, Qt.Key.Key_Right)
    raise AssertionError(f"no figure {key} in the grid")


def test_the_charts_draw_the_figures_and_compare_by_brand_redraws(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with window(demo_home, monkeypatch, SCREENS) as win:
        screen = _dashboard(qtbot, win)
        data = screen.data
        assert data is not None
        weeks = values_of(screen.chart_widgets[0])
        assert weeks["Opened"] == tuple(float(n) for n in data.opened)
        assert sum(weeks["Opened"]) == one(win, "SELECT count(*) FROM claims")
        screen.by.setFocus()
        qtbot.keyClicks(screen.by, "brand")  # a closed combo box picks by the letters typed
        assert screen.compared_by() == "brand"
        per_brand = dict(one_rows(win, "SELECT b.name, count(*) FROM claims c JOIN products p "
                                       "ON p.id = c.product_id JOIN brands b "
                                       "ON b.id = p.brand_id GROUP BY b.name"))
        assert screen.data is not None and screen.data.volumes == {
            b: per_brand[b] for b in sorted(per_brand)}
        # Every figure per brand is read after the chart: it draws the figure picked.
        _pick(qtbot, screen, "claim-volume")
        compared = values_of(screen.chart_widgets[2])["Claims opened"]
        assert compared == tuple(float(per_brand[b]) for b in sorted(per_brand))
        weeks_and_cost = screen.chart_widgets[:2]
        _pick(qtbot, screen, "cost-per-claim")
        # Only the comparison is drawn again; the weeks and the costs stay as they were.
        assert all(a is b for a, b in zip(screen.chart_widgets[:2], weeks_and_cost, strict=True))
        cost = {b: next(f for f in found if f.key == "cost-per-claim")
                for b, found in screen.groups.items()}
        assert list(cost) == sorted(per_brand) and any(f.value for f in cost.values())
        drawn = values_of(screen.chart_widgets[2])[cost[sorted(per_brand)[0]].title]
        assert drawn == tuple(float(cost[b].value or 0) / 100 for b in sorted(per_brand))


def test_every_figure_per_value_read_for_an_earlier_comparison_is_not_drawn(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with window(demo_home, monkeypatch, SCREENS) as win:
        screen = _dashboard(qtbot, win)
        screen.by.setFocus()
        qtbot.keyClicks(screen.by, "brand")
        by_brand = screen.data
        assert by_brand is not None and by_brand.by == "brand"
        _pick(qtbot, screen, "cost-per-claim")
        # From here each read waits, as a slow one on its thread would: the brands' every
        # figure is still being read when the manager compares by category instead.
        waiting: list[tuple[Any, Any]] = []
        monkeypatch.setattr(win.ctx, "run", lambda fn, done, *_: waiting.append((fn, done)))
        screen._read_compared(by_brand)
        stale = waiting.pop()
        screen.by.setFocus()
        # A pause, as a person makes: letters typed within the interval add to one search.
        qtbot.wait(QApplication.keyboardInputInterval() + 100)
        qtbot.keyClicks(screen.by, "category")
        fn, done = waiting.pop(0)
        done(fn())  # the dashboard compared by category arrives first
        assert screen.data is not None and screen.data.by == "category"
        stale[1](stale[0]())  # then the brands' figures: drawn nowhere
        assert screen.groups == {}
        drawn = values_of(screen.chart_widgets[2])
        assert drawn == {"Claims opened": tuple(float(n)
                                                for n in screen.data.volumes.values())}


def test_a_filter_typed_in_narrows_every_figure_and_shift_f8_opens_the_reports(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with window(demo_home, monkeypatch, SCREENS) as win:
        screen = _dashboard(qtbot, win)
        brand = str(one(win, "SELECT name FROM brands ORDER BY name"))
        screen.only_field.setFocus()
        qtbot.keyClicks(screen.only_field, "brand")
        qtbot.keyClicks(screen.only_value, brand)
        qtbot.keyClick(screen.only_value, Qt.Key.Key_Return)
        assert screen.filters() == {"brand": brand}
        count = one(win, "SELECT count(*) FROM claims c JOIN products p ON p.id = c.product_id "
                         "JOIN brands b ON b.id = p.brand_id WHERE b.name = ?", brand)
        assert screen.figures.item(1).text() == f"Claims opened\n{count}"
        qtbot.keyClick(win, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
        assert isinstance(win.current_screen(), ReportsScreen)


def one_rows(win: Any, sql: str) -> list[tuple[Any, ...]]:
    """Every row a query finds in the shop's database."""
    conn = sqlite3.connect(win.ctx.db.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_figure_with_thousands_of_claims_lists_the_first_and_says_where_the_rest_are(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with window(demo_home, monkeypatch, SCREENS) as win:
        screen = _dashboard(qtbot, win)
        assert screen.data is not None
        many = tuple(f"BR01-C-2026-{n:06d}" for n in range(1, 1201))
        big = replace(screen.data, figures=(
            Figure("claim-volume", "Claims opened", len(many), COUNT, "Claim volume: …", many),))
        screen.show_data(big)
        assert screen.behind.count() == 500
        assert screen.behind_title.text() == (
            "Claims opened: 1200 claims behind it (Enter opens one). The first 500 are listed; "
            "Reports (Shift+F8) lists them all.")


def test_a_sales_figure_picked_by_arrow_lists_its_warranties_read_only_then(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with window(demo_home, monkeypatch, SCREENS) as win:
        screen = _dashboard(qtbot, win)
        assert screen.data is not None
        shown = {f.key: f for f in screen.data.figures}
        # The dashboard reads the warranties sold counted, not one by one: no codes yet.
        assert shown["activations"].behind == () and shown["activations"].behind_later
        sold = [code for (code,) in one_rows(
            win, "SELECT w.code FROM warranties w JOIN invoice_lines l "
                 "ON l.id = w.invoice_line_id JOIN sales s ON s.id = l.sale_id "
                 "WHERE w.status != 'void' AND s.voided_at IS NULL ORDER BY w.code")]
        assert shown["activations"].value == len(sold) > 0
        screen.figures.setFocus()
        qtbot.keyClick(screen.figures, Qt.Key.Key_End)  # the last figure: customer trust
        for _ in range(3):  # back past take-up and registration gaps to activations
            qtbot.keyClick(screen.figures, Qt.Key.Key_Left)
        assert screen.figure() is shown["activations"]
        assert [screen.behind.item(n).text() for n in range(screen.behind.count())] == sold
        assert screen.behind_title.text() == (
            f"Warranties activated: {len(sold)} warranties behind it.")
