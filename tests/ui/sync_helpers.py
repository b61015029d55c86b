"""Shared numbers and steps for the app's sync tests (their fixtures live in
tests/ui/conftest.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.ui.conftest import sign_in
from ui.main_window import MainWindow
from ui.screens.settings import SettingsScreen
from ui.screens.settings_tabs.sync import SyncTab

# Seconds a cycle may take against the loopback portal: the demo shop's first push is a few
# hundred events; on a busy two-core test machine that is well under this.
CYCLE_MS = 30_000


def own_mail_by_keys(qtbot: Any, win: MainWindow, port: int) -> SyncTab:
    """Settings > Sync opened by F9 as the admin, the till's own mail server (on loopback at
    `port`) typed in by keys; the tab, not yet saved."""
    sign_in(qtbot, win, "Adam Admin", "8888")
    qtbot.keyClick(win, Qt.Key.Key_F9)
    screen = win.current_screen()
    assert isinstance(screen, SettingsScreen)
    screen.show_tab(screen.sync)
    tab = screen.sync
    qtbot.waitUntil(lambda: tab.messages.count() == 2)
    # Head office by default: no server to type, and the till texts nobody.
    assert not tab.smtp_host.isVisibleTo(tab) and not tab.sms_url.isVisibleTo(tab)
    tab.messages.setFocus()
    qtbot.keyClick(tab.messages, Qt.Key.Key_Down)
    assert tab.messages.currentData() == "smtp" and tab.smtp_host.isVisibleTo(tab)
    tab.smtp_host.setFocus()
    qtbot.keyClicks(tab.smtp_host, "127.0.0.1")
    tab.smtp_port.setFocus()
    tab.smtp_port.selectAll()
    qtbot.keyClicks(tab.smtp_port, str(port))
    tab.smtp_tls.setFocus()
    qtbot.keyClick(tab.smtp_tls, Qt.Key.Key_End)  # none: the server is on this computer
    tab.mail_from.setFocus()
    qtbot.keyClicks(tab.mail_from, "repairs@demo.example")
    return tab
