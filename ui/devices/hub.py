"""One place the screens hear scans from, whichever scanner (wedge or serial) read them."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from ui.devices.serial_worker import SerialScannerWorker
from ui.devices.wedge_filter import WedgeFilter

__all__ = ["ScannerHub"]


class ScannerHub(QObject):
    """Merges every scanner into `scanned` and the serial scanners' health into `status`.

    What a scanned string means is not decided here: screens pass it to
    warranty_desk.scanning.classify.
    """

    scanned = Signal(str)
    status = Signal(str, str)  # level (online | offline | warning | error), message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The last status, for a devices panel opened after it was reported.
        self.last_status: tuple[str, str] | None = None

    def add_wedge(self, wedge: WedgeFilter) -> None:
        """Hear scans typed by a keyboard-wedge scanner."""
        wedge.scanned.connect(self._on_source_scanned)

    def add_serial(self, worker: SerialScannerWorker) -> None:
        """Hear scans and connection status of a serial scanner."""
        worker.scanned.connect(self._on_source_scanned)
        worker.status.connect(self._on_source_status)

    @Slot(str)
    def _on_source_scanned(self, text: str) -> None:
        if text.strip():
            self.scanned.emit(text)

    @Slot(str, str)
    def _on_source_status(self, level: str, message: str) -> None:
        self.last_status = (level, message)
        self.status.emit(level, message)
