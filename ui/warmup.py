"""Loads what the first minutes need while sign-in waits: the database layer, then the rest."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from ui.tasks import ThreadThen

if TYPE_CHECKING:
    from ui.context import AppContext
    from warranty_desk.storage.database import Database

log = logging.getLogger(__name__)

# Between steps the event loop runs, so a key typed into the PIN field is never held up by more
# than one step (one module, at most a few tens of milliseconds).
STEP_GAP_MS = 15
# How often the GUI thread looks whether the database layer has loaded (OrmLoad).
LOAD_POLL_MS = 10


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


class OrmLoad:
    """SQLAlchemy and the models, loaded on a thread once the sign-in page takes keys.

    On the GUI thread they would hold every key typed into the PIN field for a third of a
    second; a thread takes the GIL only a switch interval (5 ms) at a time. Nothing else is
    imported meanwhile (the warm-up and the sync worker start in `then`, on the GUI thread):
    two threads importing one package wait on each other's import locks. A sign-in before the
    load has ended waits for it on its own task thread, which imports the same modules.
    """

    def __init__(self, db: Database, then: Callable[[], object]) -> None:
        self.db = db
        self._work = ThreadThen(self._run, then, name="orm-load", poll_ms=LOAD_POLL_MS)

    def start(self) -> None:
        """Begin on the thread; `then` is called on the GUI thread once it has ended."""
        self._work.start()

    def _run(self) -> None:
        from warranty_desk.services import setup

        try:
            self.db.load()
            setup.settle(self.db)
        except Exception:
            # The first session meets the same problem and says so to the person.
            log.exception("loading the database layer failed")
