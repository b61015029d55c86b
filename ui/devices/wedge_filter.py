"""The application-wide key filter that takes keyboard-wedge scans out of the typing stream."""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from ui.devices.wedge import EndKey, WedgeConfig, WedgeDetector, is_burst_char

__all__ = ["WedgeFilter"]

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


class WedgeFilter(QObject):
    """Holds fast bursts of keys; a burst ended by Enter/Tab is emitted as `scanned`.

    Anything else is replayed, unchanged and in order, to the widget it was typed into (see
    WedgeDetector for why holding beats deleting afterwards). Install it last, after other
    application filters: a filter that runs before this one sees a replayed key twice.
    """

    scanned = Signal(str)
    _scan_ready = Signal(str)

    def __init__(self, parent: QObject | None = None, *, config: WedgeConfig | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__(parent)
        self.detector = WedgeDetector(config)
        # A clock in ms replaces the events' timestamps (tests); events without one (0) fall
        # back to the monotonic clock.
        self._clock = clock
        self._held: list[tuple[QObject, QKeyEvent]] = []
        self._swallow_release: set[int] = set()
        self._replaying = False
        self._enabled = True
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setTimerType(Qt.TimerType.PreciseTimer)
        self._quiet.timeout.connect(self._on_quiet_timeout)
        # Emitted after the filter returns: a receiver that opens a dialog or moves focus
        # should not do it in the middle of key delivery.
        self._scan_ready.connect(self._on_scan_ready, Qt.ConnectionType.QueuedConnection)

    def install(self, app: QApplication) -> None:
        """Start watching every key of the app."""
        app.installEventFilter(self)
        app.focusChanged.connect(self._on_app_focus_changed)

    def uninstall(self, app: QApplication) -> None:
        """Stop watching; anything held goes to its widget first."""
        self.flush()
        app.removeEventFilter(self)
        app.focusChanged.disconnect(self._on_app_focus_changed)

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
        self._replay()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._replaying or not self._enabled:
            return False
        if kind in _INTERRUPTING_EVENTS:
            if self._held:
                self.flush()
            return False
        if kind not in _KEY_EVENTS or not isinstance(event, QKeyEvent):
            return False
        # The app sees a key once per receiver (window, focus widget, then parents while it
        # is ignored): act only where it is first delivered to a widget.
        if not _is_key_target(watched):
            return False
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
        if self._held and event.key() not in _MODIFIER_KEYS and _burst_char(event) is None:
            self.flush()
        return False

    def _on_key_release(self, watched: QObject, event: QKeyEvent) -> bool:
        if event.key() in self._swallow_release and not event.isAutoRepeat():
            self._swallow_release.discard(event.key())
            return True
        if self._held:
            self._hold(watched, event)
            return True
        return False

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
            self.flush()
            return False
        if event.key() in _MODIFIER_KEYS:
            if self._held:
                self._hold(watched, event)
                return True
            return False
        char = _burst_char(event)
        if char is None or event.isAutoRepeat():
            # Another key (Backspace, arrows, Ctrl+…) or a held-down key: a person is at it.
            self.flush()
            return False
        if self.detector.feed(char, t_ms) is not None:
            self._replay()  # the burst before this character was typing
        self._hold(watched, event)
        limit = self.detector.quiet_limit_ms() or 0.0
        self._quiet.start(int(limit) + _TIMER_MARGIN_MS)
        return True

    def _hold(self, watched: QObject, event: QKeyEvent) -> None:
        self._held.append((watched, event.clone()))

    def _replay(self) -> None:
        held, self._held = self._held, []
        self._replaying = True
        try:
            for target, event in held:
                receiver = target if shiboken6.isValid(target) else QApplication.focusWidget()
                if receiver is not None:
                    QApplication.sendEvent(receiver, event)
        finally:
            self._replaying = False

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
        if self._held:
            self.flush()

    @Slot(str)
    def _on_scan_ready(self, text: str) -> None:
        self.scanned.emit(text)


def _is_key_target(watched: QObject) -> bool:
    if not isinstance(watched, QWidget):
        return False
    focus = QApplication.focusWidget() or QApplication.activeWindow()
    return watched is focus


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
