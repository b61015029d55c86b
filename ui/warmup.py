"""Loads what the first minutes will need, one small step at a time, while sign-in waits."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:  # the context brings SQLAlchemy; ui.app imports this module early
    from ui.context import AppContext

log = logging.getLogger(__name__)

# Between steps the event loop runs, so a key typed into the PIN field is never held up by more
# than one step (one module, at most a few tens of milliseconds).
STEP_GAP_MS = 15


def import_step(module: str) -> Callable[[], object]:
    """A step that imports one module."""
    return lambda: importlib.import_module(module)


class Warmup(QObject):
    """Runs steps on the GUI thread, one per turn of the event loop, while nobody is signed in.

    Signing in pauses it: from then on the counter takes scans, and a scan must not wait for a
    module to load. Signing out (or the auto-lock) lets it go on.
    """

    def __init__(self, ctx: AppContext, steps: Iterable[Callable[[], object]],
                 gap_ms: int = STEP_GAP_MS) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.steps = list(steps)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(gap_ms)
        self.timer.timeout.connect(self._step)
        ctx.signed_in.connect(lambda _actor: self.timer.stop())
        ctx.signed_out.connect(self.start)

    def start(self) -> None:
        """Go on with the steps left (if nobody is signed in)."""
        if self.steps and self.ctx.actor is None:
            self.timer.start()

    def _step(self) -> None:
        if self.ctx.actor is not None or not self.steps:
            return
        step = self.steps.pop(0)
        try:
            step()
        except Exception:
            # Only a head start: the same import runs (and fails visibly) when it is used.
            log.exception("warming up failed")
        self.start()
