"""Runs blocking work on a thread pool and hands the result back on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the GUI thread; worker signals reach its slots queued, so callbacks run there."""

    finished = Signal(object, object)

    def __init__(self, on_done: Done, on_error: Failed) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self.finished.connect(self._deliver)

    @Slot(object, object)
    def _deliver(self, result: Any, error: Any) -> None:
        try:
            if error is None:
                self._on_done(result)
            else:
                self._on_error(error)
        finally:
            self.deleteLater()


class _Job(QRunnable):
    """A QRunnable is no QObject: it reports through the relay it holds."""

    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # handed to the GUI thread, never swallowed
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class TaskRunner(QObject):
    """Starts work off the GUI thread; `inline=True` runs it at once (for tests and tiny work)."""

    def __init__(self, *, inline: bool = False, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self.inline = inline
        self._pool = pool or QThreadPool.globalInstance()
        self._relays: set[_Relay] = set()

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        """Call fn on a worker; then on_done(result) or on_error(exc) on the GUI thread."""
        if self.inline:
            try:
                result = fn()
            except Exception as exc:
                on_error(exc)
            else:
                on_done(result)
            return
        relay = _Relay(on_done, on_error)
        self._relays.add(relay)
        relay.destroyed.connect(lambda *_: self._relays.discard(relay))
        self._pool.start(_Job(fn, relay))

    def wait(self, msecs: int = 10_000) -> bool:
        """Wait for running work (tests and shutdown)."""
        return bool(self._pool.waitForDone(msecs))
