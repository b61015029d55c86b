"""Runs a SerialScanner on its own thread and re-emits what it reads as Qt signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from ui.devices.serial_reader import SerialScanner, SerialSettings

__all__ = ["SerialScannerWorker"]

log = logging.getLogger(__name__)

# A stop interrupts the blocking read, so the thread normally ends in a few ms; the bound only
# matters if a driver ignores the interrupt (then one read timeout, 0.2 s by default).
_JOIN_TIMEOUT_S = 2.0


class SerialScannerWorker(QObject):
    """Owns the reader thread; `scanned` and `status` are always emitted on the GUI thread."""

    scanned = Signal(str)
    status = Signal(str, str)  # level (online | offline | warning | error), message
    # Emitted on the reader thread with the run's generation; queued to this object's thread.
    _read = Signal(int, str)
    _reported = Signal(int, str, str)

    def __init__(self, parent: QObject | None = None, *,
                 scanner_factory: Callable[[SerialSettings], SerialScanner] = SerialScanner
                 ) -> None:
        super().__init__(parent)
        self._factory = scanner_factory
        self._settings: SerialSettings | None = None
        self._scanner: SerialScanner | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        # Each start() is a new generation, so a scan queued by a stopped reader is dropped.
        self._generation = 0
        self._read.connect(self._on_reader_read, Qt.ConnectionType.QueuedConnection)
        self._reported.connect(self._on_reader_reported, Qt.ConnectionType.QueuedConnection)

    @property
    def settings(self) -> SerialSettings | None:
        return self._settings

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, settings: SerialSettings | None = None) -> None:
        """Start reading (with new settings, or the last ones); a running reader restarts."""
        if settings is not None:
            self._settings = settings
        if self._settings is None:
            raise ValueError("No serial scanner is set up: choose its port in Settings > Devices.")
        self.stop()
        self._generation += 1
        generation = self._generation
        scanner = self._factory(self._settings)
        stop = threading.Event()

        def on_scan(text: str) -> None:
            self._read.emit(generation, text)

        def on_status(level: str, message: str) -> None:
            self._reported.emit(generation, level, message)

        thread = threading.Thread(target=scanner.run, args=(on_scan, on_status, stop),
                                  name=f"serial-scanner {self._settings.port}", daemon=True)
        self._scanner, self._stop, self._thread = scanner, stop, thread
        thread.start()

    def restart(self, settings: SerialSettings) -> None:
        """Read with new settings (a different port, baud rate or suffix)."""
        self.start(settings)

    def stop(self) -> None:
        """Stop reading and wait for the thread; the port is closed. Safe to repeat."""
        thread, scanner = self._thread, self._scanner
        self._thread = self._scanner = None
        self._generation += 1  # anything still queued from that thread is stale
        if thread is None or scanner is None:
            return
        self._stop.set()
        scanner.interrupt()
        thread.join(_JOIN_TIMEOUT_S)
        if thread.is_alive():
            log.warning("serial scanner thread on %s did not stop in time", scanner.settings.port)
        scanner.close()

    @Slot(int, str)
    def _on_reader_read(self, generation: int, text: str) -> None:
        if generation == self._generation:
            self.scanned.emit(text)

    @Slot(int, str, str)
    def _on_reader_reported(self, generation: int, level: str, message: str) -> None:
        if generation == self._generation:
            self.status.emit(level, message)
