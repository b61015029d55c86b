"""Screens load when first shown: the start builds only the counter, and nothing is lost by it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from ui.main_window import MainWindow
from ui.screens.registry import SCREENS
from ui.screens.sale import SaleScreen
from ui.screens.sync_panel import SyncPanelScreen
from warranty_desk.permissions import Actor, Role
from warranty_desk.storage.home import Home

# Run in a fresh interpreter: what the window's start imports, before anyone signs in.
_START = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from ui.app import build
from warranty_desk.clock import SystemClock
from warranty_desk.storage.home import Home
app = QApplication([])
win = build(Home(Path(sys.argv[1])), app, clock=SystemClock(), inline=True)
win.show()
app.processEvents()
print(" ".join(sorted(m for m in sys.modules
                      if m.startswith(("ui.screens.", "printing.", "warranty_desk.services.",
                                       "tomlkit", "babel")))))
win.ctx.db.dispose()
"""


def test_the_app_starts_through_its_entry_point_cleanly(demo_home: Home) -> None:
    # The real start (run_app): first window, then ready; no traceback on the way or at exit.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WARRANTY_DESK_STARTUP_PROBE": "1"}
    done = subprocess.run([sys.executable, "-m", "warranty_desk", "--home", str(demo_home.root)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.split()) == (0, ["first-window", "ready"])
    assert "Traceback" not in done.stderr


def _sign_in(win: MainWindow, role: Role) -> None:
    actor = Actor(staff_id=None, name=f"Test {role.value}", role=role)
    win._on_sign_in_signed_in(actor)


def test_the_start_loads_no_screen_but_sign_in_and_no_printing(demo_home: Home) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    loaded = subprocess.run([sys.executable, "-c", _START, str(demo_home.root)], env=env,
                            check=True, capture_output=True, text=True).stdout.split()
    screens = {m for m in loaded if m.startswith("ui.screens.") and "_parts" not in m}
    # The counter comes a turn after the window is ready, first of the warm-up (below).
    assert screens == {"ui.screens.base", "ui.screens.first_run", "ui.screens.registry",
                       "ui.screens.sign_in"}
    assert [m for m in loaded if m.startswith("printing.")] == []
    # The status bar's counts load with the first count, after sign-in (the warm-up has them).
    assert {"warranty_desk.services.print_jobs", "warranty_desk.services.letters",
            "warranty_desk.services.message_delivery",
            "warranty_desk.services.sync_admin"}.isdisjoint(loaded)
    # Settings are read with tomllib; tomlkit (to write them back) loads for a save, and babel
    # (the shop's country for phones, its money) with the first phone or amount shown.
    assert [m for m in loaded if m.startswith(("tomlkit", "babel"))] == []
    # The setup's steps and the claim services load when their screen is shown: the counter's
    # and the setup's light parts once brought them all in (34 modules) at every start.
    assert {"warranty_desk.services.first_run", "warranty_desk.services.shop_settings",
            "warranty_desk.services.claims", "warranty_desk.services.imports"} \
        .isdisjoint(loaded)


def test_the_warm_up_builds_the_counter_first_while_sign_in_waits(qtbot: Any,
                                                                  window: MainWindow) -> None:
    from ui.app import warm_up

    assert window.stack.built_screens() == []
    warmup = warm_up(window)
    qtbot.waitUntil(lambda: window.stack.built_screens() != [])
    assert [type(s).__name__ for s in window.stack.built_screens()] == ["CounterScreen"]
    assert len(warmup.steps) > 0  # the counter came before any module of the list
    warmup.timer.stop()


def test_signing_in_before_the_warm_up_lands_on_the_counter_built_then(
    qapp: Any, window: MainWindow,
) -> None:
    assert window.stack.built_screens() == []
    _sign_in(window, Role.SALES)
    assert type(window.current_screen()).__name__ == "CounterScreen"


def test_the_navigation_lists_every_screen_before_any_but_the_counter_is_built(
    qapp: Any, window: MainWindow,
) -> None:
    _sign_in(window, Role.OWNER)
    listed = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert listed == [f"{s.title}   {s.shortcut}" for s in SCREENS if s.shortcut]
    keys = [s.shortcut for s in SCREENS if s.shortcut]
    assert [k for k, _ in window.help_rows() if k in keys] == keys
    assert [type(s).__name__ for s in window.stack.built_screens()] == ["CounterScreen"]


def test_a_screen_is_built_once_the_first_time_it_is_shown(qapp: Any, window: MainWindow) -> None:
    _sign_in(window, Role.OWNER)
    sale = window.show_screen(SaleScreen)
    assert isinstance(sale, SaleScreen) and window.current_screen() is sale
    window.show_screen("CounterScreen")
    assert window.show_screen(SaleScreen) is sale
    assert [type(s).__name__ for s in window.stack.built_screens()] == ["CounterScreen",
                                                                       "SaleScreen"]


def test_a_screen_the_role_may_not_use_is_neither_shown_nor_built(qapp: Any,
                                                                  window: MainWindow) -> None:
    _sign_in(window, Role.SALES)
    assert window.show_screen(SyncPanelScreen) is None
    assert "Sync is not available to your role." in window.notice.text()
    assert "SyncPanelScreen" not in [type(s).__name__ for s in window.stack.built_screens()]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.SYSTEM], ids=str)
def test_each_spec_opens_for_exactly_the_roles_its_screen_opens_for(
    qapp: Any, window: MainWindow, role: Role
) -> None:
    _sign_in(window, role)
    for spec in SCREENS:
        built = window.stack.screen_for(spec.name)
        assert spec.available(window.ctx) == built.available(), spec.name


def test_a_sync_panel_built_after_a_cycle_still_says_how_it_went(qapp: Any,
                                                                  window: MainWindow) -> None:
    at = datetime(2026, 11, 22, 9, 41, tzinfo=UTC)
    window.sync_news.report = (SimpleNamespace(online=True, message="Sent 3 records."), at)
    window.sync_news.failure = None
    _sign_in(window, Role.OWNER)
    panel = window.show_screen(SyncPanelScreen)
    assert isinstance(panel, SyncPanelScreen) and window.sync_panel is panel
    assert (panel.last_message, panel.last_online, panel.last_failed) == (
        "Sent 3 records.", True, False)
    assert panel.last_at.endswith("09:41")


def test_the_sync_news_keeps_the_last_report_and_a_failure_after_it(qapp: Any,
                                                                     window: MainWindow) -> None:
    worker: Any = window.sync_worker
    worker.cycle_done.emit(SimpleNamespace(online=False, message="Offline."))
    worker.failed.emit("Sync stopped: a bug.")
    news = window.sync_news
    assert news.report is not None and news.report[0].message == "Offline."
    assert news.failure is not None and news.failure[0] == "Sync stopped: a bug."
    worker.cycle_done.emit(SimpleNamespace(online=True, message="Sent."))
    assert news.failure is None
