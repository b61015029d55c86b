"""Runs blocking work on a thread pool and hands the result back on the GUI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from shiboken6 import isValid

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
            result: Any = self._fn()
            error: BaseException | None = None
        except BaseException as exc:  # handed to the GUI thread, never swallowed
            result, error = None, exc
        try:
            self._relay.finished.emit(result, error)
        except RuntimeError:
            if isValid(self._relay):
                raise
            # The app closed while this ran and Qt deleted the relay (a start that quits
            # soon after a sign-in): nobody is left to hear how it went.


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


class ThreadThen:
    """One piece of work on a Python daemon thread, then `then` on the GUI thread once it has
    ended: a timer on the GUI thread looks every `poll_ms` whether it has.

    A daemon thread, not the pool: work still running when the app closes ends with the
    process, where a pool job would find its relay deleted under it.
    """

    def __init__(self, work: Callable[[], object], then: Callable[[], object], *, name: str,
                 poll_ms: int) -> None:
        self._thread = threading.Thread(target=work, name=name, daemon=True)
        self._then = then
        self._timer = QTimer()
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)

    def start(self) -> None:
        """Begin the work on its thread."""
        self._thread.start()
        self._timer.start()

    def _poll(self) -> None:
        if self._thread.is_alive():
            return
        self._timer.stop()
        self._then()
