"""An older shop is updated behind a live start window; a shop that cannot open says why."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import pinned_clock
from tests.unit.test_upgrade_backup import downgrade as _downgrade
from ui.start_upgrade import SchemaUpgrade, upgrade_needed
from ui.start_window import StartWindow
from warranty_desk.services.setup import open_database
from warranty_desk.storage import migrate, schema
from warranty_desk.storage.home import Home


def _revision(home: Home) -> str | None:
    db = open_database(home, pinned_clock())
    try:
        return migrate.current_revision(db)
    finally:
        db.dispose()


def _an_update_that_fails(home: Home) -> None:
    """The shop at 0007 with a table in the way: 0008 cannot create its new layers table."""
    _downgrade(home, "0007")
    db = open_database(home, pinned_clock())
    try:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE warranty_layers_new (x INTEGER)")
    finally:
        db.dispose()


def test_an_older_shop_is_updated_on_start_and_then_opens(demo_home: Home) -> None:
    _downgrade(demo_home, "0007")
    assert upgrade_needed(demo_home)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WARRANTY_DESK_STARTUP_PROBE": "1"}
    done = subprocess.run([sys.executable, "-m", "warranty_desk", "--home", str(demo_home.root)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.split()) == (0, ["first-window", "upgrading", "ready"])
    assert "Traceback" not in done.stderr
    assert _revision(demo_home) == schema.HEAD
    assert not upgrade_needed(demo_home)


def test_a_new_home_and_a_current_shop_need_no_update(demo_home: Home, tmp_path: Any) -> None:
    assert not upgrade_needed(demo_home)
    assert not upgrade_needed(Home(tmp_path / "fresh"))


def test_the_window_stays_alive_and_shows_work_while_the_update_runs(
        demo_home: Home, qtbot: QtBot) -> None:
    _downgrade(demo_home, "0006")
    window = StartWindow(demo_home)
    qtbot.addWidget(window)
    window.show()
    window.show_progress("Updating the shop's records …", "This happens once.")
    results: list[str | None] = []
    upgrade = SchemaUpgrade(demo_home, results.append, pinned_clock())
    upgrade.start()
    assert window.busy is not None and window.busy.isVisible()
    assert window.detail is not None and window.detail.text() == "This happens once."
    qtbot.waitUntil(lambda: results != [], timeout=60_000)
    assert results == [None]
    assert _revision(demo_home) == schema.HEAD


@pytest.mark.logs(r"The upgrade from schema 0007 to \d+ failed", r"^Put back ")
def test_an_update_that_fails_says_so_changes_nothing_and_offers_a_way_out(
        demo_home: Home, qtbot: QtBot) -> None:
    _an_update_that_fails(demo_home)
    results: list[str | None] = []
    upgrade = SchemaUpgrade(demo_home, results.append, pinned_clock())
    upgrade.start()
    qtbot.waitUntil(lambda: results != [], timeout=60_000)
    said = results[0]
    assert said is not None
    # The driver's words, not the SQL, and that the backup made first was put back.
    assert "from schema 0007 to" in said and "(table warranty_layers_new already exists)" in said
    assert "put back exactly as they were from the backup made just before" in said
    assert "nothing is lost" in said
    assert _revision(demo_home) == "0007"  # all or nothing: still the old schema, intact

    window = StartWindow(demo_home)
    qtbot.addWidget(window)
    window.show()
    window.show_problem("The shop's records could not be updated.", results[0])
    assert window.quit_button is not None and window.quit_button.isVisible()
    assert window.busy is None
    assert window.focusWidget() is window.quit_button  # Enter closes; so does Esc
    assert "could not be updated" in window.heading.text()
    qtbot.mouseClick(window.quit_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible()


@pytest.mark.logs(r"The upgrade from schema 0007 to \d+ failed", r"^Put back ",
                  r"The schema upgrade failed")
def test_the_start_window_says_the_backup_was_put_back_and_closes_on_esc(
        demo_home: Home, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication

    from ui import theme
    from ui.app import _Startup
    from ui.widgets import labels

    # The test session's one QApplication keeps its own style and theme for the tests after.
    monkeypatch.setattr(labels, "use_plain_text", lambda _app: None)
    monkeypatch.setattr(theme, "apply_theme", lambda *_args: None)

    _an_update_that_fails(demo_home)
    window = StartWindow(demo_home)
    qtbot.addWidget(window)
    window.show()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    startup = _Startup(demo_home, app, window, pinned_clock(), probe=False, gc_was_on=False)
    startup.finish()
    qtbot.waitUntil(lambda: window.quit_button is not None, timeout=60_000)
    assert "could not be updated" in window.heading.text()
    assert window.detail is not None
    said = window.detail.text()
    assert "put back exactly as they were from the backup made just before" in said
    assert "keep using the previous version of Warranty Desk" in said
    assert _revision(demo_home) == "0007"
    backups = [p.name for p in demo_home.backups.glob("before-upgrade-0007-to-*.sqlite3")]
    assert len(backups) == 1 and backups[0] in said
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isVisible()
