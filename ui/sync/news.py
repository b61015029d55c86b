"""The sync worker's latest news, kept for a Sync panel that is built after it came."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ui.sync.worker import SyncWorker
from warranty_desk.clock import Clock

if TYPE_CHECKING:
    from ui.screens.sync_panel import SyncPanelScreen


class SyncNews:
    """The last cycle report and any failure after it, with when each came.

    The Sync panel is built the first time it is opened (screens load lazily), by which time
    the worker may have run cycles; the panel's summary must still say how the last one went.
    """

    def __init__(self, worker: SyncWorker, clock: Clock) -> None:
        self._clock = clock
        self.report: tuple[object, datetime] | None = None
        self.failure: tuple[str, datetime] | None = None
        worker.cycle_done.connect(self._on_worker_cycle_done)
        worker.failed.connect(self._on_worker_failed)

    def _on_worker_cycle_done(self, report: object) -> None:
        self.report, self.failure = (report, self._clock.now()), None

    def _on_worker_failed(self, text: str) -> None:
        self.failure = (text, self._clock.now())

    def replay(self, panel: SyncPanelScreen) -> None:
        """Tell a new panel what it missed, in the order it happened."""
        if self.report is not None:
            panel.show_report(*self.report)
        if self.failure is not None:
            panel.show_failure(*self.failure)
