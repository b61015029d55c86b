"""The sync worker: sync cycles off the GUI thread, on a timer and on request, until stopped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from ui.context import explain
from warranty_desk import config
from warranty_desk.config import SyncSettings
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

log = logging.getLogger(__name__)

# Seconds the closing app waits for a cycle in flight. A cycle mostly waits on the network and
# the HTTP timeouts are longer (5 s to connect, 30 s to answer): a stuck cycle is left behind
# rather than holding the window open. Its thread is a daemon that ends with the process, and
# each write it makes is one transaction, so nothing is left half done.
JOIN_SECONDS = 5.0

# run_cycle's shape: (home, db, settings, *, push, pull, nightly, today) -> CycleReport.
Cycle = Callable[..., Any]
LoadSettings = Callable[[Home], SyncSettings]

NOT_SET_UP = ("Sync is not set up on this till: type head office's portal address and token "
              "under Settings > Sync (F9).")


def is_set_up(settings: SyncSettings) -> bool:
    """Whether this till syncs at all: once it knows head office's portal, or emails its
    customers by its own mail server."""
    return bool(settings.portal_url) or (settings.messages == "smtp"
                                         and bool(settings.smtp_host))


def run_cycle(home: Home, db: Database, settings: SyncSettings, **options: Any) -> Any:
    """The real cycle; imported when first used, as sync brings the HTTP stack with it."""
    from sync.runner import run_cycle as real

    return real(home, db, settings, **options)


def load_sync_settings(home: Home) -> SyncSettings:
    """The [sync] part of config.toml as it is now."""
    return config.load(home).settings.sync


class SyncWorker(QObject):
    """Runs `run_cycle` on its own thread: at start, each interval, on request, on new settings.

    The object lives on the GUI thread and only its loop runs on the worker thread, so every
    signal reaches the GUI's slots queued. Reports cross as frozen dataclasses; the loop opens
    its own database sessions through `db` and never touches a widget.

    The thread is a Python daemon thread rather than a QThread: a QThread still running when it
    is destroyed aborts the process, and a cycle stuck in a network read may outlive the window.
    """

    cycle_started = Signal()
    cycle_done = Signal(object)  # CycleReport
    failed = Signal(str)  # plain words: a configuration problem, or "a bug, see the log"
    set_up = Signal(bool)  # after each settings load: whether a portal is configured

    def __init__(
        self, home: Home, db: Database, *,
        cycle: Cycle = run_cycle, load_settings: LoadSettings = load_sync_settings,
        interval_seconds: float | None = None,
        join_seconds: float = JOIN_SECONDS,
    ) -> None:
        super().__init__()
        self._home = home
        self._db = db
        self._cycle = cycle
        self._load_settings = load_settings
        # None: the settings' interval_minutes; tests pass a fraction of a second.
        self.interval_seconds = interval_seconds
        self.join_seconds = join_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._asked = threading.Event()  # "Sync now" (and the start) since the last cycle
        self._reload = threading.Event()
        self._thread: threading.Thread | None = None
        self._settings: SyncSettings | None = None  # touched by the worker thread only

    # --- Called on the GUI thread ------------------------------------------------------------

    def start(self) -> None:
        """Start the thread; the first cycle runs at once (if sync is set up)."""
        if self.is_running():
            return
        self._stop.clear()
        self._reload.set()
        self.sync_now()
        self._thread = threading.Thread(target=self._loop, name="sync-worker", daemon=True)
        self._thread.start()

    def sync_now(self) -> None:
        """Run a cycle as soon as the one in flight (if any) is done."""
        self._asked.set()
        self._wake.set()

    def reload(self) -> None:
        """config.toml changed: read it before the next cycle, and sync at once if [sync] did."""
        self._reload.set()
        self._wake.set()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop between cycles and wait for the thread; False when a cycle outlived the wait."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(self.join_seconds if timeout is None else timeout)
        if thread.is_alive():
            log.warning("A sync cycle was still running when the app closed; it is left to "
                        "finish or end with the app. Nothing it wrote is lost.")
            return False
        self._thread = None
        return True

    def is_running(self) -> bool:
        """Whether the worker thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    # --- On the worker thread ------------------------------------------------------------------

    def _pause(self) -> float | None:
        settings = self._settings
        if settings is None or not is_set_up(settings):
            return None  # nothing to do until a request or new settings wake the loop
        if self.interval_seconds is not None:
            return self.interval_seconds
        return settings.interval_minutes * 60.0

    def _loop(self) -> None:
        while not self._stop.is_set():
            timed_out = not self._wake.wait(self._pause())
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self._one_pass(timed_out=timed_out)
            except Exception as exc:
                if not isValid(self):
                    # The app closed and Qt deleted this worker during a pass (a start that
                    # quits at once): its signals have nobody to reach. Nothing is lost: the
                    # cycle's own writes are committed or rolled back whole.
                    return
                # The loop itself must outlive a bug: report it, and try again next time.
                self.failed.emit(explain(exc, self._home)[0])

    def _one_pass(self, *, timed_out: bool) -> None:
        # Taken before anything is emitted: a "Sync now" that answers a signal of this pass
        # (set_up) belongs to the next pass, not folded into this one and lost.
        asked = self._asked.is_set()
        self._asked.clear()
        changed = False
        if self._reload.is_set():
            self._reload.clear()
            new = self._load_settings(self._home)
            changed = new != self._settings
            self._settings = new
            self.set_up.emit(is_set_up(new))
        settings = self._settings
        if settings is None or not is_set_up(settings):
            if asked and not changed:
                self.failed.emit(NOT_SET_UP)
            return
        if not (asked or timed_out or changed):
            return
        self.cycle_started.emit()
        try:
            # Never the nightly run here: it drains with backoff for up to twenty minutes, which
            # is the OS scheduler's job (packaging/), not a worker that must stop at closing.
            report = self._cycle(self._home, self._db, settings, push=True, pull=True,
                                 nightly=False)
        except Exception as exc:
            # BadInput (settings head office or the keyring cannot use) in its own words; a bug
            # is logged with its traceback and said to be one.
            self.failed.emit(explain(exc, self._home)[0])
            return
        self.cycle_done.emit(report)
