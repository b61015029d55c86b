"""The application-wide key filter that takes keyboard-wedge scans out of the typing stream."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, SignalInstance, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from ui.devices.wedge import EndKey, WedgeConfig, WedgeDetector, is_burst_char

__all__ = ["QuietTimer", "WedgeFilter"]

# The quiet timer runs on the GUI thread's clock, which lags the key events' own timestamps
# by a few jittery ms; the margin keeps a scan's next key from losing that race. Gaps are
# still judged on timestamps by the detector.
_TIMER_MARGIN_MS = 15

# Keys that change no text: a scanner presses Shift around capitals, so they must not break a
# burst. While a burst is held they are held with it, to keep the order on replay.
_MODIFIER_KEYS = frozenset({
    Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta, Qt.Key.Key_CapsLock,
})
_END_KEYS: dict[int, EndKey] = {
    Qt.Key.Key_Return: "enter", Qt.Key.Key_Enter: "enter", Qt.Key.Key_Tab: "tab",
}
_KEY_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride,
})
_INTERRUPTING_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
})
_CTRL = Qt.KeyboardModifier.ControlModifier
_ALT = Qt.KeyboardModifier.AltModifier
_META = Qt.KeyboardModifier.MetaModifier


_Held = tuple[QObject, QKeyEvent]  # the widget a key went to, and a copy of the key


class QuietTimer(Protocol):
    """The single-shot timer that gives a held burst back when no key follows it in time."""

    @property
    def timeout(self) -> SignalInstance: ...

    def start(self, msec: int, /) -> None: ...

    def stop(self) -> None: ...


class WedgeFilter(QObject):
    """Holds fast bursts of keys; a burst ended by Enter/Tab is emitted as `scanned`.

    Anything else is replayed, unchanged and in order, to the widget it was typed into (see
    WedgeDetector for why holding beats deleting afterwards). No key passes while keys typed
    before it are still held or on their way, however it gets to its widget. Install it last,
    after other application filters: a filter that runs before this one sees a replayed key
    twice.
    """

    scanned = Signal(str)
    _scan_ready = Signal(str)

    def __init__(self, parent: QObject | None = None, *, config: WedgeConfig | None = None,
                 clock: Callable[[], float] | None = None,
                 quiet_timer: QuietTimer | None = None) -> None:
        super().__init__(parent)
        self.detector = WedgeDetector(config)
        # A clock in ms replaces the events' timestamps (tests); events without one (0) fall
        # back to the monotonic clock.
        self._clock = clock
        # The burst in progress: not yet known to be a scan or typing.
        self._held: list[_Held] = []
        # Keys known to be typing, on their way to their widgets. One queue rather than a
        # list per replay: a widget may run the event loop while it takes one of them, and a
        # key that comes in then must line up behind the rest, not go ahead of them.
        self._outbox: deque[_Held] = deque()
        # The keys being replayed right now; only they (and their trip up to the parents of
        # their widget) pass unfiltered.
        self._sending: list[QKeyEvent] = []
        self._swallow_release: set[int] = set()
        self._enabled = True
        # A stub on the test's own clock replaces it in tests, so timing races can be replayed.
        self._quiet = quiet_timer if quiet_timer is not None else self._new_quiet_timer()
        self._quiet.timeout.connect(self._on_quiet_timeout)
        # Emitted after the filter returns: a receiver that opens a dialog or moves focus
        # should not do it in the middle of key delivery.
        self._scan_ready.connect(self._on_scan_ready, Qt.ConnectionType.QueuedConnection)

    def _new_quiet_timer(self) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        return timer

    def install(self, app: QApplication) -> None:
        """Start watching every key of the app."""
        app.installEventFilter(self)
        app.focusChanged.connect(self._on_app_focus_changed)

    def uninstall(self, app: QApplication) -> None:
        """Stop watching; anything held goes to its widget first."""
        self.flush()
        app.removeEventFilter(self)
        app.focusChanged.disconnect(self._on_app_focus_changed)

    def set_clock(self, clock: Callable[[], float] | None) -> None:
        """Judge keys by `clock` (ms) rather than their own timestamps; None: theirs again.
        A test's synthetic keys carry no timestamp, as a device's would."""
        self._clock = clock

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Turn detection off (no wedge scanner at this counter) or on; nothing held is lost."""
        if not enabled:
            self.flush()
        self._enabled = enabled

    def flush(self) -> None:
        """Give every held key to its widget now."""
        self._quiet.stop()
        self.detector.release()
        self._outbox.extend(self._held)
        self._held.clear()
        self._send_outbox()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self._enabled or any(event is sent for sent in self._sending):
            return False
        if kind in _INTERRUPTING_EVENTS:
            return self._let_through()
        if kind not in _KEY_EVENTS or not isinstance(event, QKeyEvent):
            return False
        # The app sees a key once per receiver: its window (no widget), the widget Qt routes
        # it to, then that widget's parents while it is ignored. Act where a widget gets it
        # first.
        if not isinstance(watched, QWidget):
            return False
        if watched is not _key_receiver():
            # Code passing a key to another widget: the keys typed before it go first. (A key
            # climbing to the parents of its receiver was let through there, after them.)
            if kind == QEvent.Type.ShortcutOverride:
                return False
            return self._let_through()
        if kind == QEvent.Type.ShortcutOverride:
            return self._on_shortcut_override(event)
        if kind == QEvent.Type.KeyRelease:
            return self._on_key_release(watched, event)
        return self._on_key_press(watched, event)

    def _on_shortcut_override(self, event: QKeyEvent) -> bool:
        # Accepting the override keeps a window shortcut on Return or Tab from firing, so the
        # key press reaches us and can be swallowed. Timing is left to the key press: Qt does
        # not always copy the timestamp into this event, and a burst still held is recent
        # anyway (the quiet timer releases it otherwise).
        end = _end_key(event)
        if end is not None and self.detector.could_end_scan(end):
            event.accept()
            return True
        # A key that may fire a shortcut, in which case its press never comes: the keys typed
        # before it must reach their widget before the shortcut runs.
        if event.key() not in _MODIFIER_KEYS and _burst_char(event) is None:
            return self._let_through()
        return False

    def _on_key_release(self, watched: QObject, event: QKeyEvent) -> bool:
        if event.key() in self._swallow_release and not event.isAutoRepeat():
            self._swallow_release.discard(event.key())
            return True
        if self._held:
            self._hold(watched, event)
            return True
        return self._let_through()

    def _on_key_press(self, watched: QObject, event: QKeyEvent) -> bool:
        t_ms = self._ms(event)
        end = _end_key(event)
        if end is not None and not event.isAutoRepeat():
            text = self.detector.end_key(end, t_ms)
            if text is not None:
                self._quiet.stop()
                self._held.clear()
                self._swallow_release.add(event.key())
                event.accept()
                self._scan_ready.emit(text)
                return True
            return self._let_through()
        if event.key() in _MODIFIER_KEYS:
            if self._held:
                self._hold(watched, event)
                return True
            return self._let_through()
        char = _burst_char(event)
        if char is None or event.isAutoRepeat():
            # Another key (Backspace, arrows, Ctrl+…) or a held-down key: a person is at it.
            return self._let_through()
        if self.detector.feed(char, t_ms) is not None:
            # The burst before this character was typing; this one may start a scan.
            self._outbox.extend(self._held)
            self._held.clear()
        self._hold(watched, event)
        limit = self.detector.quiet_limit_ms() or 0.0
        self._quiet.start(int(limit) + _TIMER_MARGIN_MS)
        self._send_outbox()
        return True

    def _let_through(self) -> bool:
        """Let the current event pass, after every key that came before it."""
        if self._held or self._outbox:
            self.flush()
        return False

    def _hold(self, watched: QObject, event: QKeyEvent) -> None:
        self._held.append((watched, event.clone()))

    def _send_outbox(self) -> None:
        # Taken one at a time from the front: if a widget runs the event loop while it takes
        # a key, a nested flush goes on with the next key, and this loop finds the rest gone.
        while self._outbox:
            target, event = self._outbox.popleft()
            receiver = target if shiboken6.isValid(target) else QApplication.focusWidget()
            if receiver is None:
                continue
            self._sending.append(event)
            try:
                QApplication.sendEvent(receiver, event)
            finally:
                self._sending.pop()

    def _ms(self, event: QKeyEvent) -> float:
        if self._clock is not None:
            return self._clock()
        stamp = event.timestamp()
        return float(stamp) if stamp else time.monotonic() * 1000.0

    @Slot()
    def _on_quiet_timeout(self) -> None:
        self.flush()

    @Slot(QWidget, QWidget)
    def _on_app_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        self._let_through()

    @Slot(str)
    def _on_scan_ready(self, text: str) -> None:
        self.scanned.emit(text)


def _key_receiver() -> QWidget | None:
    """The widget Qt gives a key to first, routed as its widget windows route keys.

    A keyboard grab or an open popup (a completer's list of names, a menu) takes the keys
    before the focus widget does: the list a file dialog opens over its name field gets the
    keys typed while it shows, and passes them on to the field itself.
    """
    grabber = QWidget.keyboardGrabber()
    if grabber is not None:
        return grabber
    popup = QApplication.activePopupWidget()
    if popup is not None:
        return popup.focusWidget() or popup
    # The focus window's focus object, as Qt asks for it, rather than the app's focus widget:
    # they differ when a platform leaves the keyboard with a popup's window after it closes
    # (the offscreen one does), and Qt then gives the keys to the popup's focus proxy.
    focus = QApplication.focusObject()
    if isinstance(focus, QWidget):
        return focus
    return QApplication.focusWidget() or QApplication.activeWindow()


def _end_key(event: QKeyEvent) -> EndKey | None:
    extra = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if extra != Qt.KeyboardModifier.NoModifier:
        return None
    return _END_KEYS.get(event.key())


def _burst_char(event: QKeyEvent) -> str | None:
    text = event.text()
    if not is_burst_char(text):
        return None
    mods = event.modifiers()
    # Ctrl/Alt/Meta + key is a command, not a character, except Ctrl+] (GS, see wedge.GS) and
    # Ctrl+Alt, which is how Windows reports AltGr characters.
    commanded = bool(mods & (_CTRL | _ALT | _META))
    alt_gr = bool(mods & _CTRL) and bool(mods & _ALT)
    if commanded and not alt_gr and text.isprintable():
        return None
    return text
