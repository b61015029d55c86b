"""Settings > Sync by keys: a shop without head office emails its customers by its own mail
server; the worker sends at once, and the status bar counts what could not be delivered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.conftest import sqlite_file
from tests.sync.mail_box import smtp_server
from tests.ui.conftest import open_syncing_window
from tests.ui.sync_helpers import CYCLE_MS, own_mail_by_keys
from ui.main_window import MainWindow
from warranty_desk import config
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.logs(r"^Sync cycle")


@pytest.fixture
def win(demo_home: Home) -> Iterator[MainWindow]:
    yield from open_syncing_window(demo_home)


def _count(win: MainWindow, sql: str) -> int:
    with sqlite_file(win.ctx.db.path) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_an_admin_sets_up_the_shops_own_mail_by_keys_and_messages_go(
        qtbot: Any, win: MainWindow) -> None:
    with smtp_server() as box:
        tab = own_mail_by_keys(qtbot, win, box.port)
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
