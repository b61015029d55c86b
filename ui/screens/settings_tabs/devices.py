"""Settings > Devices: this till's scanner, printers, screen theme and auto-lock, with tests."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
)

from ui.context import AppContext
from ui.printing.paint import printer_names
from ui.screens.settings_tabs import SettingsTab
from ui.screens.settings_tabs.printers import PrintersGroup
from ui.theme import THEMES, apply_theme
from ui.widgets.labels import Label
from ui.widgets.layout import scrolling_page
from warranty_desk import config
from warranty_desk.config import ScannerSettings, Settings
from warranty_desk.errors import WarrantyDeskError
from warranty_desk.sentences import sentences

# Long enough to walk to the scanner and pull the trigger; short enough not to seem hung.
TEST_WAIT_SECONDS = 10.0


class ScannerTestFailed(WarrantyDeskError):
    """The test scan did not work; the message says what to check."""


@dataclass(frozen=True, slots=True)
class ScanReading:
    """What the scanner sent, and whether its end-of-scan suffix came with it."""

    text: str
    suffix_seen: bool


def list_ports() -> list[str]:
    """The serial ports this computer has (USB scanners show up as one)."""
    from serial.tools import list_ports as ports

    return sorted(p.device for p in ports.comports())


def read_one_scan(port: str, baudrate: int, parity: str, suffix: str,
                  wait_seconds: float = TEST_WAIT_SECONDS) -> ScanReading:
    """Open the port, wait for one scan, close the port again (blocking: run it off the GUI)."""
    import serial

    if not port.strip():
        raise ScannerTestFailed("Pick or type the scanner's port first (like COM3 or "
                                "/dev/ttyUSB0).")
    try:
        link = serial.Serial(port=port, baudrate=baudrate, parity=parity, timeout=0.1)
    except (serial.SerialException, ValueError, OSError) as exc:
        raise ScannerTestFailed(sentences(
            f"Cannot open {port}: {exc}", "Check the scanner is plugged in, the port name is "
            "right, and no other program (or Warranty Desk's own scanner reader) uses it.")
        ) from None
    data = bytearray()
    with link:
        deadline = time.monotonic() + wait_seconds
        end = suffix.encode()
        while time.monotonic() < deadline and end not in data:
            data += link.read(256)
    if not data:
        raise ScannerTestFailed(
            f"Nothing arrived from {port} in {wait_seconds:.0f} seconds. Scan a barcode right "
            "after pressing Test; if the scanner beeps but nothing shows, check its speed "
            "(baud) and parity match these settings.")
    text = data.decode("utf-8", errors="replace")
    return ScanReading(text.split(suffix)[0], suffix in text)


class DevicesTab(SettingsTab):
    """Saved to config.toml on this till only; other tills keep their own."""

    title = "Devices"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.settings = Settings()
        # Four groups are taller than a 768-pixel screen: the form scrolls, Save stays below.
        outer, layout = scrolling_page(self)
        self.warning = Label("")
        self.warning.setObjectName("notice")
        self.warning.setProperty("level", "warning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        layout.addWidget(self.warning)

        scanner = QGroupBox("Serial-port scanner")
        form = QFormLayout(scanner)
        self.enabled = QCheckBox("Read a scanner on a serial or USB-serial port")
        self.port = QComboBox()
        self.port.setEditable(True)
        self.baudrate = QComboBox()
        for rate in config.BAUD_RATES:
            self.baudrate.addItem(str(rate), rate)
        self.parity = QComboBox()
        for code, word in config.PARITIES.items():
            self.parity.addItem(f"{code} ({word})", code)
        self.suffix = QComboBox()
        for name, chars in config.SUFFIXES.items():
            self.suffix.addItem(name, chars)
        test_row = QHBoxLayout()
        self.test_button = QPushButton("Test scanner")
        self.test_result = Label("")
        self.test_result.setWordWrap(True)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        form.addRow("", self.enabled)
        form.addRow("Port", self.port)
        form.addRow("Speed (baud)", self.baudrate)
        form.addRow("Parity", self.parity)
        form.addRow("End of scan", self.suffix)
        form.addRow("", test_row)
        layout.addWidget(scanner)

        wedge = QGroupBox("Keyboard scanner (types like a keyboard)")
        form = QFormLayout(wedge)
        self.wedge_min_length = QSpinBox(minimum=config.WEDGE_LENGTH_RANGE[0],
                                         maximum=config.WEDGE_LENGTH_RANGE[1],
                                         suffix=" characters")
        self.wedge_max_gap = QSpinBox(minimum=config.WEDGE_GAP_RANGE_MS[0],
                                      maximum=config.WEDGE_GAP_RANGE_MS[1], suffix=" ms")
        form.addRow("Shortest scan", self.wedge_min_length)
        form.addRow("Longest gap between keys", self.wedge_max_gap)
        note = Label("Typing faster than the gap counts as a scan; people rarely type keys "
                      "less than 60 ms apart.")
        note.setObjectName("subtle")
        note.setWordWrap(True)
        form.addRow("", note)
        layout.addWidget(wedge)

        self.printers = PrintersGroup(ctx)
        layout.addWidget(self.printers)

        screen = QGroupBox("Screen")
        form = QFormLayout(screen)
        self.theme = QComboBox()
        for name in THEMES:
            self.theme.addItem(name.capitalize(), name)
        self.idle_minutes = QSpinBox(minimum=config.IDLE_MINUTES_RANGE[0],
                                     maximum=config.IDLE_MINUTES_RANGE[1], suffix=" minutes")
        form.addRow("Theme", self.theme)
        form.addRow("Lock after no use for", self.idle_minutes)
        layout.addWidget(screen)
        layout.addStretch(1)

        row = QHBoxLayout()
        row.setContentsMargins(9, 6, 9, 9)
        self.save_button = QPushButton("Save device settings  (Ctrl+S)")
        self.save_button.setObjectName("primary")
        row.addWidget(self.save_button)
        row.addStretch(1)
        outer.addLayout(row)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self._on_test_button_clicked)

    def refresh(self) -> None:
        home = self.ctx.home
        self.ctx.run(lambda: (config.load(home), list_ports()), self._fill)

    def _fill(self, loaded: tuple[config.Loaded, list[str]]) -> None:
        (settings, warning), ports = loaded
        self.settings = settings
        self.warning.setText(warning or "")
        self.warning.setVisible(bool(warning))
        scanner = settings.scanner
        self.enabled.setChecked(scanner.enabled)
        self.port.clear()
        self.port.addItems(ports)
        self.port.setCurrentText(scanner.port)
        _pick(self.baudrate, scanner.baudrate)
        _pick(self.parity, scanner.parity)
        _pick(self.suffix, scanner.suffix)
        self.wedge_min_length.setValue(scanner.wedge_min_length)
        self.wedge_max_gap.setValue(scanner.wedge_max_gap_ms)
        _pick(self.theme, settings.theme)
        self.idle_minutes.setValue(settings.idle_minutes)
        self.printers.fill(settings.printers, printer_names())

    def form_settings(self) -> Settings:
        """What the form says (printers checked first: see save); the portal link is kept."""
        return replace(
            self.settings, theme=self.theme.currentData(), idle_minutes=self.idle_minutes.value(),
            printers=self.printers.settings(),
            scanner=ScannerSettings(
                enabled=self.enabled.isChecked(), port=self.port.currentText().strip(),
                baudrate=self.baudrate.currentData(), parity=self.parity.currentData(),
                suffix=self.suffix.currentData(), wedge_min_length=self.wedge_min_length.value(),
                wedge_max_gap_ms=self.wedge_max_gap.value()))

    def save(self) -> None:
        problem = self.printers.problem()
        if problem is not None:
            self.printers.receipt.setFocus()
            self.ctx.notice.emit(f"Not saved: {problem}", "error")
            return
        settings, home = self.form_settings(), self.ctx.home

        def done(_result: object) -> None:
            self.settings = settings
            self.warning.hide()
            self.printers.receipt.setText(settings.printers.receipt)  # as it was saved
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, settings.theme)
            self.ctx.data_changed.emit("config")
            self.ctx.notice.emit("Device settings saved for this till.", "success")

        self.ctx.run(lambda: config.save(home, settings), done)

    def _on_test_button_clicked(self) -> None:
        scanner = self.form_settings().scanner
        self.test_button.setEnabled(False)
        self.test_result.setText(f"Scan a barcode now (waiting {TEST_WAIT_SECONDS:.0f} s)…")
        self.ctx.run(lambda: read_one_scan(scanner.port, scanner.baudrate, scanner.parity,
                                           scanner.suffix), self._tested, self._test_failed)

    def _tested(self, scan: ScanReading) -> None:
        self.test_button.setEnabled(True)
        if scan.suffix_seen:
            self.test_result.setText(f"The scanner works. It read: {scan.text}")
        else:
            self.test_result.setText(
                f"Read {scan.text!r}, but without the {self.suffix.currentText()} end of scan. "
                "Set “End of scan” to what the scanner sends.")

    def _test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(exc, WarrantyDeskError):
            self.test_result.setText(str(exc))
        else:
            self.test_result.setText("The test failed inside Warranty Desk (a bug).")
            self.ctx.report(exc)


def _pick(box: QComboBox, value: object) -> None:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)
