"""Connects the scanner devices to the main window from the saved device settings."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from ui.devices.hub import ScannerHub
from ui.devices.serial_reader import SerialSettings
from ui.devices.serial_worker import SerialScannerWorker
from ui.devices.wedge import WedgeConfig
from ui.devices.wedge_filter import WedgeFilter
from warranty_desk.config import ScannerSettings

# Scanner statuses as notice levels: an unplugged scanner is a warning, not an error.
STATUS_LEVELS = {"online": "success", "offline": "warning"}


class Scanners(QObject):
    """The keyboard wedge and the serial scanner, both feeding one hub."""

    def __init__(self, parent: QObject, settings: ScannerSettings) -> None:
        super().__init__(parent)
        self.hub = ScannerHub(self)
        self.wedge = WedgeFilter(self, config=WedgeConfig(
            min_length=settings.wedge_min_length, max_gap_ms=settings.wedge_max_gap_ms))
        self.serial = SerialScannerWorker(self)
        self.hub.add_wedge(self.wedge)
        self.hub.add_serial(self.serial)
        self.settings = settings

    def start(self, app: QApplication) -> None:
        """Install the wedge filter last (it must see each key once) and open the port."""
        self.wedge.install(app)
        if self.settings.enabled and self.settings.port:
            self.serial.start(self._serial_settings(self.settings))
        app.aboutToQuit.connect(self.stop)

    def apply(self, settings: ScannerSettings) -> None:
        """New settings from Settings > Devices: reopen or close the serial scanner."""
        self.settings = settings
        if settings.enabled and settings.port:
            self.serial.restart(self._serial_settings(settings))
        else:
            self.serial.stop()

    def stop(self) -> None:
        self.serial.stop()

    @staticmethod
    def _serial_settings(s: ScannerSettings) -> SerialSettings:
        return SerialSettings(port=s.port, baudrate=s.baudrate, parity=s.parity, suffix=s.suffix)
