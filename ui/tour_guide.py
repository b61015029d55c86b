"""Screenshots for docs/guide/: roles' own screens; a failing scanner, printer and network.

Called by ui/tour.py after its own screens (light theme only); writes to DIR/guide/. Every
failure is made for real on this machine: a serial port that does not exist, a receipt
printer on a port nobody listens on, head office at an address that refuses the connection
(a fixed port, so the pictures do not change between runs).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

# How long a failure may take to reach the screen (a thread's signal, a refused connection).
WAIT_S = 20.0
# (who signs in, their PIN, the screen, the file): the demo shop's people.
ROLE_SCREENS = (
    ("Kim Store", "2222", "ReturnsDeskScreen", "storekeeper-returns-desk"),
    ("Sue Support", "4444", "FollowUpsScreen", "support-follow-ups"),
    ("Fin Finance", "6666", "ReportsScreen", "finance-reports"),
)


def guide_tour(win: Any, home: Any, serials: dict[str, str], shot: Callable[[str], None],
               out: Path) -> None:
    """Sign in as each role in turn and take the screens the guide shows; the shop is left as
    it was found (no printer, no head office, nothing waiting) for the tour's dark pictures."""
    from warranty_desk import config

    (out / "guide").mkdir(parents=True, exist_ok=True)
    found = config.load(home).settings

    def snap(name: str) -> None:
        shot(f"guide/{name}")

    _sales(win, home, serials, snap)
    # A role's own screen, as they open it by its key after signing in.
    for name, pin, screen, file in ROLE_SCREENS:
        _as(win, name, pin)
        win.show_screen(screen)
        snap(file)
    _technician(win, home, snap)
    _admin_and_failures(win, home, serials, snap)
    config.save(home, found)
    _cancel_waiting_prints(win)


def _cancel_waiting_prints(win: Any) -> None:
    from warranty_desk.permissions import Actor
    from warranty_desk.services import print_jobs

    for job in print_jobs.queued(win.ctx.db):
        print_jobs.cancel(win.ctx.db, Actor.system("tour"), job.id, "the guide tour is over")


def _as(win: Any, name: str, pin: str) -> Any:
    """Lock whoever is signed in, then sign in as this person (as the PIN page does)."""
    from warranty_desk.services import staff

    if win.ctx.actor is not None:
        win.lock()
    win.sign_in.signed_in.emit(staff.sign_in(win.ctx.db, name, pin))
    _settle()
    return win.current_screen()


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def _wait(done: Callable[[], bool], what: str) -> None:
    """Turn the event loop until `done` holds; a tour that cannot show a state stops loudly."""
    deadline = time.monotonic() + WAIT_S
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the guide tour waited in vain for {what}")
        QApplication.processEvents()
        time.sleep(0.02)


def _scroll_to(widget: Any) -> None:
    """Scroll the page holding `widget` until it is in view, as a person would."""
    from PySide6.QtWidgets import QScrollArea

    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(widget)
    _settle()


@contextlib.contextmanager
def _receipt_printer() -> Iterator[int]:
    """A port that takes one print job whole, as a network receipt printer does: the raw
    printing port when it is free (the history picture shows it, so it must not change)."""
    server = _listener()

    def take_one() -> None:
        with contextlib.suppress(OSError):
            link, _ = server.accept()
            with link:
                while link.recv(4096):
                    pass

    worker = threading.Thread(target=take_one, daemon=True)
    worker.start()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()
        worker.join(timeout=WAIT_S)


# Where the tour's stand-in receipt printer listens: the raw printing port, or the next free.
_PRINTER_PORTS = range(9100, 9110)


def _listener() -> socket.socket:
    for port in _PRINTER_PORTS:
        with contextlib.suppress(OSError):
            return socket.create_server(("127.0.0.1", port))
    raise RuntimeError("the guide tour's stand-in receipt printer found no free port in "
                       f"{_PRINTER_PORTS.start}-{_PRINTER_PORTS.stop - 1}")


# Local ports below 1024 that no ordinary program listens on (discard, tcpmux, echo, daytime).
# A fixed one keeps the address the printer and sync pictures show the same from run to run.
_REFUSING_PORTS = (9, 1, 7, 13)


def _closed_port() -> int:
    """A local port nobody listens on: a connection to it is refused at once. The first of a
    fixed few that refuses, so reruns of the tour draw the same pictures."""
    for port in _REFUSING_PORTS:
        with socket.socket() as s:
            s.settimeout(2.0)
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("the guide tour needs a local port that refuses connections, but "
                       f"something listens on each of {_REFUSING_PORTS}")


def _sales(win: Any, home: Any, serials: dict[str, str], snap: Callable[[str], None]) -> None:
    from warranty_desk import config

    counter = _as(win, "Sam Sales", "1111")
    snap("sales-sign-in-landing")
    counter.handle_scan(serials["in_cover"])
    snap("sales-counter-in-cover")
    # No receipt printer set up yet: Ctrl+P says whom to ask.
    counter.act("slip")
    snap("printer-none-set-up")
    # A network receipt printer that takes the job (a listener stands in for it).
    loaded = config.load(home).settings
    with _receipt_printer() as port:
        config.save(home, replace(loaded, printers=replace(
            loaded.printers, receipt=f"tcp://127.0.0.1:{port}")))
        counter.act("slip")
        _wait(lambda: win.notice.text().startswith("Printed"), "the printed slip")
    snap("sales-slip-printed")
    config.save(home, loaded)  # no printer again, for the failures later


def _technician(win: Any, home: Any, snap: Callable[[str], None]) -> None:
    from ui.tour import _claim_in

    _as(win, "Tariq Tech", "3333")
    win.ctx.navigate.emit("ClaimDetailScreen", _claim_in(home, "inspecting"))
    _settle()
    claim = win.current_screen()
    claim.show_findings()
    snap("technician-claim-findings")


def _admin_and_failures(win: Any, home: Any, serials: dict[str, str],
                        snap: Callable[[str], None]) -> None:
    from warranty_desk import config

    _as(win, "Adam Admin", "8888")
    settings = win.show_screen("SettingsScreen")
    settings.show_tab(settings.staff)
    snap("admin-settings-staff")

    # Scanner: the test on a port that is not there, then the reader losing it.
    devices = settings.devices
    settings.show_tab(devices)
    devices.port.setCurrentText("/dev/ttyUSB9")
    devices.test_button.click()
    _wait(lambda: devices.test_button.isEnabled(), "the scanner test")
    snap("scanner-test-failed")
    loaded = config.load(home).settings
    scanner = replace(loaded.scanner, enabled=True, port="/dev/ttyUSB9")
    counter = win.show_screen("CounterScreen")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    win.start_scanners(app, scanner)  # as the app starts them from the saved settings
    _wait(lambda: "unplugged" in win.notice.text(), "the scanner's unplugged notice")
    snap("scanner-unplugged")
    win.scanners.stop()  # the tour's later screens need no reader

    # Printer: a receipt printer that refuses the connection. Its test in Settings first...
    receipt = f"tcp://127.0.0.1:{_closed_port()}"
    settings = win.show_screen("SettingsScreen")
    printers = settings.devices.printers
    printers.receipt.setText(receipt)
    printers.test_button.click()
    _wait(lambda: printers.test_button.isEnabled(), "the printer test")
    _scroll_to(printers)
    snap("printer-test-failed")
    # ...then a slip from the counter, which waits in the queue.
    config.save(home, replace(loaded, printers=replace(loaded.printers, receipt=receipt)))
    counter = win.show_screen("CounterScreen")
    counter.handle_scan(serials["in_cover"])
    counter.act("slip")
    _wait(lambda: win.notice.text().startswith("Not printed"), "the printer's refusal")
    snap("printer-not-printed")
    queue = win.show_screen("PrintQueueScreen")
    _wait(lambda: queue.queue_model.rowCount() > 0, "the waiting print job")
    queue.queue.selectRow(0)
    snap("printer-print-queue")

    # Network: head office at an address that refuses; what was made here waits.
    _sync_offline(win, home, snap)


def _sync_offline(win: Any, home: Any, snap: Callable[[str], None]) -> None:
    import keyring
    from keyring.backends import fail

    # The token goes to the tour home's owner-only file, never to this machine's keyring.
    # (Kept so while the sync worker reads it back; put back once the worker stopped.)
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        _offline_shots(win, home, snap)
    finally:
        keyring.set_keyring(before)


def _offline_shots(win: Any, home: Any, snap: Callable[[str], None]) -> None:
    from sync.secrets import PORTAL_TOKEN, set_secret
    from warranty_desk import config

    set_secret(home, PORTAL_TOKEN, "tour-token")
    loaded = config.load(home).settings
    config.save(home, replace(loaded, sync=replace(
        loaded.sync, portal_url=f"http://127.0.0.1:{_closed_port()}/api/v1")))
    worker = win.sync_worker
    worker.interval_seconds = 3600
    reports: list[Any] = []
    worker.cycle_done.connect(reports.append)
    win.start_sync()
    try:
        _wait(lambda: bool(reports), "a sync cycle")
        _wait(lambda: win.sync_status.text().startswith("Offline"), "the offline indicator")
        win.show_screen("CounterScreen")
        snap("sync-offline-indicator")
        panel = win.show_screen("SyncPanelScreen")
        panel.refresh()
        _wait(lambda: bool(panel.summary.text()), "the Sync panel's summary")
        snap("sync-offline-panel")
    finally:
        worker.stop()
