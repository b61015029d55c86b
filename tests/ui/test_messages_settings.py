"""Settings > Sync by keys: a shop without head office emails its customers by its own mail
server; the worker sends at once, and the status bar counts what could not be delivered."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.sync.mail_box import smtp_server
from tests.ui.conftest import open_syncing_window, sign_in
from tests.ui.sync_helpers import CYCLE_MS
from ui.main_window import MainWindow
from ui.screens.settings import SettingsScreen
from warranty_desk import config
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.logs(r"^Sync cycle")


@pytest.fixture
def win(demo_home: Home) -> Iterator[MainWindow]:
    yield from open_syncing_window(demo_home)


def _count(win: MainWindow, sql: str) -> int:
    with sqlite3.connect(win.ctx.db.path) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_an_admin_sets_up_the_shops_own_mail_by_keys_and_messages_go(
        qtbot: Any, win: MainWindow) -> None:
    sign_in(qtbot, win, "Adam Admin", "8888")
    qtbot.keyClick(win, Qt.Key.Key_F9)
    screen = win.current_screen()
    assert isinstance(screen, SettingsScreen)
    screen.show_tab(screen.sync)
    tab = screen.sync
    qtbot.waitUntil(lambda: tab.messages.count() == 2)
    assert not tab.smtp_host.isVisibleTo(tab)  # head office by default: no server to type
    tab.messages.setFocus()
    qtbot.keyClick(tab.messages, Qt.Key.Key_Down)
    assert tab.messages.currentData() == "smtp" and tab.smtp_host.isVisibleTo(tab)
    with smtp_server() as box:
        tab.smtp_host.setFocus()
        qtbot.keyClicks(tab.smtp_host, "127.0.0.1")
        tab.smtp_port.setFocus()
        tab.smtp_port.selectAll()
        qtbot.keyClicks(tab.smtp_port, str(box.port))
        tab.smtp_tls.setFocus()
        qtbot.keyClick(tab.smtp_tls, Qt.Key.Key_End)  # none: the server is on this computer
        tab.mail_from.setFocus()
        qtbot.keyClicks(tab.mail_from, "repairs@demo.example")
        with qtbot.waitSignal(win.sync_worker.cycle_done, timeout=CYCLE_MS):
            qtbot.keyClick(tab.mail_from, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert "emails its customers by 127.0.0.1" in win.notice.text()
        saved = config.load(win.ctx.home).settings.sync
        assert (saved.messages, saved.smtp_host, saved.smtp_port, saved.smtp_tls,
                saved.mail_from) == ("smtp", "127.0.0.1", box.port, "none",
                                     "repairs@demo.example")
        sent = _count(win, "SELECT count(*) FROM customer_messages WHERE state = 'sent'")
        assert sent > 0 and len(box.ids()) == sent == len(set(box.ids()))
    failed = _count(win, "SELECT count(*) FROM customer_messages WHERE state = 'failed'")
    # Demo customers without an email address: counted where a person sees them.
    assert failed > 0
    qtbot.waitUntil(lambda: f"{failed} messages not delivered" in win.sync_status.text())
