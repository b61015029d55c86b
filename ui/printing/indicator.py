"""The status bar's "N prints waiting" button: shown while the print queue is not empty."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton

from ui.context import AppContext
from ui.printing.queue_keys import QUEUE_CHANGED, QUEUE_KEY

log = logging.getLogger(__name__)

# Other screens and tills print too; a minute is soon enough to notice a stuck job, and
# counting queued rows once a minute costs the database nothing.
REFRESH_MS = 60_000


class QueueIndicator(QPushButton):
    """Counts queued print jobs; clicking it (or its key) opens the Print queue screen."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__("")
        self.ctx = ctx
        self.count = 0
        self.setObjectName("primary")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip("Prints that did not reach their printer wait here for a retry")
        self.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        ctx.signed_in.connect(lambda _actor: self._start())
        ctx.signed_out.connect(self._stop)
        ctx.data_changed.connect(self._on_ctx_data_changed)

    def _start(self) -> None:
        self.timer.start()
        self.refresh()

    def _stop(self) -> None:
        self.timer.stop()
        self.hide()

    def _on_ctx_data_changed(self, what: str) -> None:
        if what == QUEUE_CHANGED:
            self.refresh()

    def refresh(self) -> None:
        """Count the waiting jobs off the GUI thread."""
        if self.ctx.actor is None:
            return
        # Here, not at the top: the jobs bring the letters with them, a tenth of the start
        # before the window is ready; the warm-up has them loaded before anyone signs in.
        from warranty_desk.services import print_jobs

        db = self.ctx.db
        self.ctx.run(lambda: len(print_jobs.queued(db)), self.show_count, self._failed)

    def show_count(self, count: int) -> None:
        self.count = count
        self.setText(f"{count} print{'s' if count != 1 else ''} waiting  ({QUEUE_KEY})")
        self.setVisible(count > 0 and self.ctx.actor is not None)

    def _failed(self, exc: BaseException) -> None:
        # A background count must not fill the notice bar; the queue screen reports properly.
        log.warning("counting queued prints failed: %s", exc)
