"""Settings > Backups through real widgets: the days nightly backups are kept, and a settings
file exported from one shop and imported, or refused with every problem listed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.ui.conftest import open_window, sign_in
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.settings import SettingsScreen
from warranty_desk import config, settings_file
from warranty_desk.storage.home import Home


@pytest.fixture
def window(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """The main window with the counter and Settings, tasks run inline."""
    yield from open_window(demo_home, monkeypatch, [CounterScreen, SettingsScreen])


def _backups_tab(qtbot: Any, win: MainWindow) -> SettingsScreen:
    sign_in(qtbot, win, "Olive Owner", "7777")
    qtbot.keyClick(win, Qt.Key.Key_F9)
    screen = win.current_screen()
    assert isinstance(screen, SettingsScreen)
    while screen.tabs.currentWidget() is not screen.backups:  # Ctrl+Tab, as a person would
        qtbot.keyClick(screen.tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    return screen


def _press(qtbot: Any, button: Any) -> None:
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)


def test_the_days_kept_are_typed_and_saved(qtbot: Any, window: MainWindow,
                                           demo_home: Home) -> None:
    tab = _backups_tab(qtbot, window).backups
    assert tab.keep_days.value() == 14
    tab.keep_days.setFocus()
    qtbot.keyClick(tab.keep_days, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(tab.keep_days, "30")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert config.load(demo_home).settings.backup_keep_days == 30
    assert window.notice.text() == "Nightly backups are kept 30 days."


def test_settings_exported_and_imported_again_and_a_bad_file_listed(
        qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tab = _backups_tab(qtbot, window).backups
    target = tmp_path / "shop.toml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_: (str(target), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_: (str(target), ""))
    _press(qtbot, tab.export_button)
    assert target.exists() and tab.summary.text().startswith("Exported the settings to ")
    data = settings_file.read(target)
    assert data["policies"] and data["extension_plans"]

    _press(qtbot, tab.import_button)  # into the same shop: nothing new, all kept
    assert tab.summary.text().startswith("Imported the settings: 0 policies added")
    assert "the file came from this branch's own code" in tab.summary.text()

    data["version"] = 1
    data["shop"]["currency"] = 7
    data["policies"][0]["colour"] = "red"
    target.write_text(json.dumps(data), "utf-8")
    _press(qtbot, tab.import_button)
    assert tab.summary.text() == ("Nothing was imported: 2 problem(s) in the file, listed "
                                  "below. Nothing was changed.")
    assert tab.problems.rows() == [
        ("", "shop.currency", "is 7, not a text in quotes; write a text in quotes there"),
        ("", "policies[1].colour", "is not a setting this version knows; remove it (a file "
                                   "from a newer version must be imported into that version)")]
