"""A desk for wedge-filter tests: a focused field, keys routed as Qt routes real ones, and a
clock and quiet timer the test moves by hand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCompleter, QDialog, QLineEdit, QVBoxLayout, QWidget

from ui.devices.wedge_filter import WedgeFilter


class FakeClock:
    """Milliseconds that pass only when the test says so (the keys' own timestamps)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class StubQuietTimer(QObject):
    """The filter's quiet timer on the fake clock: it fires when the test fires it."""

    timeout = Signal()

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self._clock = clock
        self.deadline: float | None = None

    def start(self, msec: int, /) -> None:
        self.deadline = self._clock.now + msec

    def stop(self) -> None:
        self.deadline = None

    def due(self) -> bool:
        return self.deadline is not None and self.deadline <= self._clock.now

    def fire(self) -> None:
        self.deadline = None
        self.timeout.emit()


@dataclass
class Desk:
    """A field with the focus, the filter watching the app, and the scans it announced."""

    line: QLineEdit
    wedge: WedgeFilter
    clock: FakeClock
    timer: StubQuietTimer
    completer: QCompleter | None
    scans: list[str] = field(default_factory=list)

    def at(self, ms: float) -> None:
        """Move the clock on to the next key's timestamp, without firing the quiet timer."""
        self.clock.now = ms

    def tick(self, ms: float) -> None:
        """Move the clock on to `ms` with the GUI free: a quiet timer due by then fires."""
        self.at(ms)
        if self.timer.due():
            self.timer.fire()

    def list_is_open(self) -> bool:
        return self.completer is not None and self.completer.popup().isVisible()

    def go_quiet(self) -> None:
        """Time passes with no key: the quiet timer fires, and a queued scan is announced."""
        self.clock.now += 10_000
        if self.timer.due():
            self.timer.fire()
        QApplication.processEvents()


@contextmanager
def desk(kind: str, folders: list[str] | None = None) -> Iterator[Desk]:
    """`plain`: a line edit in a window. `dialog`: like a file dialog's name field, a line
    edit with a completer list of folder names, in a modal dialog over the main window."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    main = QWidget()
    windows: list[QWidget] = [main]
    line = QLineEdit()
    completer: QCompleter | None = None
    if kind == "plain":
        QVBoxLayout(main).addWidget(line)
        _focus(main, line)
    else:
        main.show()
        dialog = QDialog(main)
        dialog.setModal(True)
        QVBoxLayout(dialog).addWidget(line)
        completer = QCompleter(QStringListModel(folders or [], dialog), dialog)
        line.setCompleter(completer)
        windows.insert(0, dialog)
        _focus(dialog, line)
    clock = FakeClock()
    timer = StubQuietTimer(clock)
    wedge = WedgeFilter(clock=clock, quiet_timer=timer)
    # Keys only, without install()'s focus hook: the offscreen platform gives the keyboard
    # to a completer list's window when it opens, which desktops do not, and the app's focus
    # widget changes with it; flushing on those changes would hide the races under test.
    app.installEventFilter(wedge)
    found = Desk(line, wedge, clock, timer, completer)
    wedge.scanned.connect(found.scans.append)
    try:
        yield found
    finally:
        wedge.flush()
        app.removeEventFilter(wedge)
        if completer is not None:
            completer.popup().hide()
        for window in windows:
            window.close()
            window.deleteLater()
        # No event loop runs here, so deferred deletes happen only when sent.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def _focus(window: QWidget, line: QLineEdit) -> None:
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    line.setFocus()
    QTest.qWait(0)
    assert line.hasFocus()


def _mods(shift: bool) -> Qt.KeyboardModifier:
    return Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier


def press(key: str | Qt.Key, shift: bool = False) -> None:
    """Press a key on the window that has the keyboard, so Qt routes it as a real key: to an
    open popup (a completer's list) before the focused field. Shift comes down first."""
    window = QApplication.focusWindow()
    assert window is not None
    QTest.keyPress(window, key, _mods(shift))


def release(key: str | Qt.Key, shift: bool = False) -> None:
    window = QApplication.focusWindow()
    assert window is not None
    QTest.keyRelease(window, key, _mods(shift))


def tap(key: str | Qt.Key, shift: bool = False) -> None:
    press(key, shift)
    release(key, shift)


def type_at(d: Desk, text: str, start: float, gap: float) -> float:
    """Type text, a key every `gap` ms from `start`, the quiet timer firing when due before a
    key; returns the time of the last key."""
    t = start
    for n, ch in enumerate(text):
        t = start + n * gap
        d.tick(t)
        tap(ch, ch.isupper())
    return t


def scan(d: Desk, text: str, start: float, gap: float = 8) -> None:
    """A scanner's burst: text a key every `gap` ms, then Enter; then time passes."""
    t = type_at(d, text, start, gap)
    d.tick(t + gap)
    tap(Qt.Key.Key_Return)
    d.go_quiet()
