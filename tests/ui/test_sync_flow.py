"""Sync at the counter, through the real window, worker and runner against the real portal."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

from sync import secrets
from tests.liveportal.branch_view import BranchPortal
from tests.sync.engine_helpers import outbox_at
from tests.sync.tls_portal import make_certificates, serve_tls
from tests.ui.conftest import open_syncing_window, sign_in
from tests.ui.sync_helpers import CYCLE_MS
from ui.main_window import MainWindow
from ui.screens.settings import SettingsScreen
from ui.screens.settings_tabs.sync import SyncTab
from ui.screens.sync_panel import SyncPanelScreen
from warranty_desk import config
from warranty_desk.errors import WarrantyDeskError
from warranty_desk.permissions import Actor
from warranty_desk.services import claims
from warranty_desk.services.reports import warranty_register
from warranty_desk.storage.home import Home

# Offline, refused and waiting cycles are logged as warnings: these tests cause them.
pytestmark = pytest.mark.logs(
    r"^Sync cycle",
    r"^Inbox pull stopped",
    r"named by an event is not in",
)

# The real portal's refusal: another branch holds the event's id already (BranchPortal.refuse).
REFUSAL = "was already sent by another branch"


@pytest.fixture
def win(demo_home: Home) -> Iterator[MainWindow]:
    """The demo shop's window with its sync worker running."""
    yield from open_syncing_window(demo_home)


def _one(win: MainWindow, sql: str, *args: object) -> Any:
    conn = sqlite3.connect(win.ctx.db.path)
    try:
        return conn.execute(sql, args).fetchone()[0]
    finally:
        conn.close()


def _seqs(win: MainWindow) -> list[int]:
    conn = sqlite3.connect(win.ctx.db.path)
    try:
        return [row[0] for row in conn.execute("SELECT seq FROM outbox_events ORDER BY seq")]
    finally:
        conn.close()


def _status(win: MainWindow) -> str:
    return win.sync_status.text()


def _sync_tab(qtbot: Any, win: MainWindow) -> SyncTab:
    qtbot.keyClick(win, Qt.Key.Key_F9)
    screen = win.current_screen()
    assert isinstance(screen, SettingsScreen)
    screen.show_tab(screen.sync)
    assert screen.tabs.currentWidget() is screen.sync
    return screen.sync


def _set_up_sync(qtbot: Any, win: MainWindow, portal: BranchPortal) -> object:
    """An admin types the portal address and token in Settings > Sync and saves."""
    sign_in(qtbot, win, "Adam Admin", "8888")
    qtbot.waitUntil(lambda: _status(win).startswith("Sync off (not set up)"))
    tab = _sync_tab(qtbot, win)
    assert tab.token.state.text() == "Not set"
    qtbot.keyClicks(tab.portal_url, portal.url)
    qtbot.keyClicks(tab.token.edit, portal.token)
    # Saving tells the worker; new [sync] settings are tried at once.
    with qtbot.waitSignal(win.sync_worker.cycle_done, timeout=CYCLE_MS) as saved:
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "Sync settings saved" in win.notice.text()
    assert tab.token.state.text() == "Stored"
    assert tab.token.edit.text() == ""  # never read back into the form
    return saved.args[0]


def _panel(qtbot: Any, win: MainWindow) -> SyncPanelScreen:
    qtbot.mouseClick(win.sync_status, Qt.MouseButton.LeftButton)
    panel = win.current_screen()
    assert isinstance(panel, SyncPanelScreen)
    return panel


def _sync_now(qtbot: Any, win: MainWindow, panel: SyncPanelScreen) -> Any:
    panel.sync_button.setFocus()
    with qtbot.waitSignal(win.sync_worker.cycle_done, timeout=CYCLE_MS) as done:
        qtbot.keyClick(panel.sync_button, Qt.Key.Key_Y,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    QApplication.processEvents()  # the indicator's and the panel's slots run on this turn
    return done.args[0]


def _start_a_claim(win: MainWindow) -> str:
    """What the Start claim screen does: open a claim on a unit in cover, then say so."""
    sales = Actor.system("Sam Sales")
    rows = warranty_register(win.ctx.db, sales)
    for row in rows:
        if row.status != "in_cover":
            continue
        try:
            number = claims.start_claim(win.ctx.db, sales, claims.StartClaim(
                row.code, "Screen flickers")).number
        except WarrantyDeskError:  # an open claim or a claim limit: try the next unit
            continue
        win.ctx.data_changed.emit("claim")
        return number
    raise AssertionError("no unit in cover could take a claim")


def test_an_admin_sets_up_sync_and_the_demo_shop_reaches_head_office(
    qtbot: Any, win: MainWindow, portal: BranchPortal
) -> None:
    first = _set_up_sync(qtbot, win, portal)
    assert getattr(first, "online", False), getattr(first, "message", "")
    panel = _panel(qtbot, win)
    report = _sync_now(qtbot, win, panel)
    assert report.online
    assert sorted(portal.arrival_seqs()) == _seqs(win)  # every demo event, once
    assert {e["branch"] for e in portal.events.values()} == {win.ctx.shop.branch_code}
    qtbot.waitUntil(lambda: _status(win).startswith("Online · synced "))
    assert _status(win).endswith("(F10)")
    assert win.sync_status.property("level") == "success"
    assert "Sent" in win.notice.text()
    assert panel.destination_model.text(0, 0) == "Head office portal"
    assert panel.destination_model.text(0, 2) == "none"  # nothing waiting to send
    assert "Everything made at this till has been sent" in panel.summary.text()


def test_offline_the_till_keeps_working_and_counts_what_waits_until_head_office_is_back(
    qtbot: Any, win: MainWindow, portal: BranchPortal
) -> None:
    _set_up_sync(qtbot, win, portal)
    panel = _panel(qtbot, win)
    portal.go_offline()
    sent = max(_seqs(win))
    number = _start_a_claim(win)
    # The claim's own event, and the customer's "claim received" message, wait.
    waiting = len(_seqs(win)) - sent
    assert waiting >= 1
    report = _sync_now(qtbot, win, panel)
    assert not report.online
    assert report.message.startswith("Offline")
    qtbot.waitUntil(lambda: _status(win).startswith(f"Offline · {waiting} waiting"))
    assert win.sync_status.property("level") == "warning"
    assert "Offline" in win.notice.text()

    portal.go_online()
    report = _sync_now(qtbot, win, panel)
    assert report.online
    qtbot.waitUntil(lambda: _status(win).startswith("Online · synced "))
    assert "waiting" not in _status(win)
    assert number in {e["aggregate_id"] for e in portal.events.values()}
    assert sorted(portal.arrival_seqs()) == _seqs(win)


def test_a_refused_event_is_listed_with_head_offices_reason_and_dismissed_with_one(
    qtbot: Any, win: MainWindow, portal: BranchPortal
) -> None:
    _set_up_sync(qtbot, win, portal)
    number = _start_a_claim(win)
    portal.refuse(e[1] for e in outbox_at(win.ctx.db.path) if e[3] == number)
    panel = _panel(qtbot, win)
    _sync_now(qtbot, win, panel)
    qtbot.waitUntil(lambda: panel.parked_model.rowCount() == 1)
    assert panel.parked_model.text(0, 1) == f"claim {number}"
    reason = panel.parked_model.text(0, 5)
    assert REFUSAL in reason and reason.startswith("Event id ")
    assert reason in panel.reason.text()
    assert "1 needs attention" in _status(win)

    # Enter sends it again at once; head office still refuses it, so it is listed again.
    panel.parked.setFocus()
    with qtbot.waitSignal(win.sync_worker.cycle_done, timeout=CYCLE_MS):
        qtbot.keyClick(panel.parked, Qt.Key.Key_Return)
    assert "again now" in win.notice.text()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: panel.parked_model.text(0, 3) == "Refused")
    assert _one(win, "SELECT count(*) FROM audit_entries WHERE action = 'sync.retry'") == 1

    asked: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        asked.append(dialog.labelText())
        dialog.setTextValue("Entered by hand at head office")
        dialog.accept()

    panel.parked.setFocus()
    QTimer.singleShot(0, answer)
    qtbot.keyClick(panel.parked, Qt.Key.Key_Delete)
    assert asked and "Why?" in asked[0]
    qtbot.waitUntil(lambda: panel.parked_model.rowCount() == 0)
    assert "Dismissed" in win.notice.text()
    assert _one(win, "SELECT count(*) FROM audit_entries WHERE action = 'sync.dismiss' AND "
                "details LIKE '%Entered by hand%'") == 1
    qtbot.waitUntil(lambda: "attention" not in _status(win))


def test_an_inbox_item_that_could_not_be_used_needs_attention_until_marked_dealt_with(
    qtbot: Any, win: MainWindow, portal: BranchPortal
) -> None:
    _set_up_sync(qtbot, win, portal)
    portal.queue_items([{"id": "web-77", "kind": "claim_started",
                         "created_at": "2026-11-22T09:00:00+00:00",
                         "payload": {"fault": "Dead", "customer": {"name": "Grace Hopper"}}}])
    panel = _panel(qtbot, win)
    report = _sync_now(qtbot, win, panel)
    assert "1 inbox item from head office could not be used" in report.message
    qtbot.waitUntil(lambda: panel.inbox_model.rowCount() == 1)
    assert "1 needs attention" in _status(win)
    # Another sync does not forget it.
    _sync_now(qtbot, win, panel)
    qtbot.waitUntil(lambda: "1 needs attention" in _status(win))

    asked: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        asked.append(dialog.labelText())
        dialog.setTextValue("Called Grace; claim started at the counter")
        dialog.accept()

    panel.inbox.setFocus()
    panel.inbox.selectRow(0)
    QTimer.singleShot(0, answer)
    qtbot.keyClick(panel.inbox, Qt.Key.Key_Delete)
    assert asked and "web-77" in asked[0] and "What was done?" in asked[0]
    qtbot.waitUntil(lambda: panel.inbox_model.rowCount() == 0)
    assert "marked as dealt with" in win.notice.text()
    assert _one(win, "SELECT count(*) FROM audit_entries WHERE action = 'sync.inbox_handled' "
                "AND actor_name = 'Adam Admin' AND details LIKE '%Called Grace%'") == 1
    qtbot.waitUntil(lambda: "attention" not in _status(win))
    win.activateWindow()  # back from the dialog, as a person's next key press finds it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    assert "could not be used" not in _sync_now(qtbot, win, panel).message


def test_the_sync_worker_stops_when_the_window_closes(
    qtbot: Any, win: MainWindow, portal: BranchPortal
) -> None:
    _set_up_sync(qtbot, win, portal)
    assert win.sync_worker.is_running()
    win.close()
    assert not win.sync_worker.is_running()
    assert not [t for t in threading.enumerate() if t.name == "sync-worker"]


def test_the_sync_tab_shows_problems_beside_their_fields_and_never_a_secret(
    qtbot: Any, win: MainWindow, portal: BranchPortal
) -> None:
    sign_in(qtbot, win, "Olive Owner", "7777")
    tab = _sync_tab(qtbot, win)
    assert "file readable only by you" in tab.where.text()
    qtbot.keyClicks(tab.portal_url, "http://portal.example.com/api/v1")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert win.notice.text().startswith("Not saved")
    assert "https://" in tab.problems["portal_url"].text()
    assert tab.problems["portal_url"].isVisible()
    assert not win.ctx.home.config.exists()

    tab.portal_url.setText(portal.url)
    tab.crm.setCurrentIndex(tab.crm.findData("tryton"))
    assert tab.tryton_user.isVisible() and not tab.webhook_secret.isVisible()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "Tryton" in tab.problems["tryton"].text()
    assert "token" in tab.problems["token"].text()
    tab.crm.setCurrentIndex(tab.crm.findData("none"))
    assert not tab.tryton_user.isVisible() and not tab.crm_url.isVisible()

    qtbot.keyClicks(tab.token.edit, "wrong-token")
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    assert "refused the sync token" in tab.test_result.text()
    tab.token.edit.setText(portal.token)
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    assert "answered for branch" in tab.test_result.text()
    assert not win.ctx.home.config.exists()  # testing saves nothing
    assert secrets.get_secret(win.ctx.home, secrets.PORTAL_TOKEN) is None


def test_head_office_behind_its_own_authority_works_once_its_bundle_is_named(
    qtbot: Any, win: MainWindow, tmp_path: Path, portal: BranchPortal
) -> None:
    certificates = make_certificates(tmp_path / "certs")
    server = serve_tls(portal, certificates)
    sign_in(qtbot, win, "Adam Admin", "8888")
    tab = _sync_tab(qtbot, win)
    qtbot.keyClicks(tab.portal_url, server.url)
    qtbot.keyClicks(tab.token.edit, portal.token)
    tab.test_button.setFocus()
    qtbot.keyClick(tab.test_button, Qt.Key.Key_Space)
    assert "is not trusted" in tab.test_result.text()
    assert "Settings > Sync" in tab.test_result.text()

    tab.ca_bundle.setFocus()
    qtbot.keyClicks(tab.ca_bundle, str(tmp_path / "nowhere.pem"))
    qtbot.keyClick(tab.ca_bundle, Qt.Key.Key_Tab)
    assert "cannot be read" in tab.problems["ca_bundle"].text()
    assert tab.problems["ca_bundle"].isVisible()
    tab.ca_bundle.setFocus()
    qtbot.keyClick(tab.ca_bundle, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(tab.ca_bundle, str(certificates.ca))
    qtbot.keyClick(tab.ca_bundle, Qt.Key.Key_Tab)
    assert not tab.problems["ca_bundle"].isVisible()
    tab.test_button.setFocus()
    qtbot.keyClick(tab.test_button, Qt.Key.Key_Space)
    assert "answered for branch" in tab.test_result.text()

    with qtbot.waitSignal(win.sync_worker.cycle_done, timeout=CYCLE_MS) as saved:
        qtbot.keyClick(tab, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert getattr(saved.args[0], "online", False), getattr(saved.args[0], "message", "")
    assert config.load(win.ctx.home).settings.sync.ca_bundle == str(certificates.ca)
    assert sorted(server.arrival_seqs()) == _seqs(win)

    # Changing another setting keeps the bundle: the form saves what it loaded.
    tab.refresh()
    tab.interval.setFocus()
    qtbot.keyClick(tab.interval, Qt.Key.Key_Up)
    qtbot.keyClick(tab, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: config.load(win.ctx.home).settings.sync.interval_minutes
                    == tab.interval.value())
    assert config.load(win.ctx.home).settings.sync.ca_bundle == str(certificates.ca)


def test_staff_without_the_sync_permission_see_the_status_but_not_the_panel(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Sam Sales", "1111")
    qtbot.waitUntil(lambda: _status(win).startswith("Sync off (not set up)"))
    assert "F10" not in _status(win)  # the panel's key is not theirs: not shown
    qtbot.mouseClick(win.sync_status, Qt.MouseButton.LeftButton)
    assert not isinstance(win.current_screen(), SyncPanelScreen)
    qtbot.keyClick(win, Qt.Key.Key_F10)
    assert not isinstance(win.current_screen(), SyncPanelScreen)


def test_a_till_that_never_synced_offers_to_set_sync_up(qtbot: Any, win: MainWindow) -> None:
    sign_in(qtbot, win, "Adam Admin", "8888")
    qtbot.keyClick(win, Qt.Key.Key_F10)
    panel = win.current_screen()
    assert isinstance(panel, SyncPanelScreen)
    assert "not set up" in panel.summary.text()
    assert panel.parked.isHidden() and panel.sync_button.isHidden()
    assert panel.setup_button.hasFocus()
    qtbot.keyClick(panel.setup_button, Qt.Key.Key_Space)
    settings = win.current_screen()
    assert isinstance(settings, SettingsScreen)
    assert settings.tabs.currentWidget() is settings.sync
