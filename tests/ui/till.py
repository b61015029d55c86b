"""Scripted till work: real key events, clicks and scanner bursts, each counted as one step."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

from ui.main_window import MainWindow
from warranty_desk.config import ScannerSettings

NO_MODIFIER = Qt.KeyboardModifier.NoModifier
# A person's next move comes well after this; the wedge filter holds a key this long at most
# (its first-gap slack and timer margin) before it knows the key was typed, not scanned.
PERSON_PAUSE_MS = 90
# A wedge scanner's keys come every 2-20 ms.
SCAN_GAP_MS = 8.0


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    text = getattr(widget, "toPlainText", None)
    return str(text()) if callable(text) else ""


class Till:
    """A person at the till, counting what they do.

    A key press (with its modifiers) or a click is one step; the text typed into one field is
    one step (a serial, the fault, a search); a scan is one step (the scanner sends its own
    Enter). Keys go to whatever has focus, as they would from a keyboard.
    """

    def __init__(self, qtbot: Any, win: MainWindow) -> None:
        self.qtbot, self.win = qtbot, win
        self.steps: list[str] = []

    @property
    def count(self) -> int:
        return len(self.steps)

    @property
    def focused(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, f"nothing has focus after {self.steps}"
        return widget

    def start_scanners(self) -> None:
        """The app's own keyboard-wedge filter, as at a real till (no serial port)."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.win.start_scanners(app, ScannerSettings())

    def stop_scanners(self) -> None:
        app = QApplication.instance()
        if self.win.scanners is not None and isinstance(app, QApplication):
            self.win.scanners.wedge.uninstall(app)

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        target = self.focused
        self.qtbot.keyClick(target, key, modifiers)
        self.qtbot.wait(PERSON_PAUSE_MS)
        self.steps.append(f"key {Qt.Key(key).name} {modifiers!r} on {type(target).__name__}")

    def type(self, text: str) -> None:
        """Type into the focused field; waits until the text is there (the wedge may hold it)."""
        target = self.focused
        self.qtbot.keyClicks(target, text)
        self.qtbot.waitUntil(lambda: text in _text_of(target), timeout=3000)
        self.qtbot.wait(PERSON_PAUSE_MS)
        self.steps.append(f"type {text!r} into {type(target).__name__}")

    def click(self, widget: QWidget) -> None:
        assert widget.isVisible(), f"{widget!r} is not on screen"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.qtbot.wait(PERSON_PAUSE_MS)
        self.steps.append(f"click {type(widget).__name__} {getattr(widget, 'text', str)()!r}")

    def scan(self, text: str) -> None:
        """A keyboard-wedge scan: the characters and Enter at scanner speed into the focus."""
        assert self.win.scanners is not None, "start_scanners() first"
        target = self.focused
        wedge = self.win.scanners.wedge
        # Each key stamped SCAN_GAP_MS after the one before, as the scanner's keys reach the
        # app stamped by the device: synthetic keys carry no timestamp, so the filter would
        # time them as it handles them, and a test process paused mid-burst on a loaded
        # machine split the scan into typing and a shorter scan.
        start = time.monotonic() * 1000.0
        try:
            with self.qtbot.waitSignal(self.win.scanners.hub.scanned, timeout=3000):
                for n, char in enumerate(text):
                    wedge.set_clock(lambda at=start + n * SCAN_GAP_MS: at)
                    self.qtbot.keyClicks(target, char)
                wedge.set_clock(lambda: start + len(text) * SCAN_GAP_MS)
                self.qtbot.keyClick(target, Qt.Key.Key_Return)
        finally:
            wedge.set_clock(None)
        self.qtbot.wait(PERSON_PAUSE_MS)
        self.steps.append(f"scan {text!r}")
