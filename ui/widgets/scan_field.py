"""A line edit for scans whose screen keeps its keys: the line edit's own bindings give way."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit

# A key with its modifiers, as ints: QKeyCombination compares unreliably across bindings.
KeyChord = tuple[int, int]
_IGNORED_MODIFIERS = Qt.KeyboardModifier.KeypadModifier


def chord_of(sequence: QKeySequence | str) -> KeyChord:
    """The first key of a sequence ("Ctrl+U") with its modifiers."""
    combo = QKeySequence(sequence)[0]  # type: ignore[index]  # the stubs lack __getitem__
    return int(combo.key().value), int(combo.keyboardModifiers().value)


def _chord(event: QKeyEvent) -> KeyChord:
    modifiers = event.modifiers() & ~_IGNORED_MODIFIERS
    return int(event.key()), int(modifiers.value)


class ScanField(QLineEdit):
    """Lets chosen keys through to the screen's shortcuts; Up and Down step through a list.

    A focused line edit claims the keys of its platform's editing bindings before any shortcut
    sees them (Qt's ShortcutOverride): on Linux Ctrl+U clears the line and Ctrl+E moves to its
    end, so the counter's keys on those never fired while the cursor was in the scan field.
    Declining the override for the screen's own keys gives them back to its shortcuts on every
    platform's key map, whatever the line edit would have done with them.
    """

    stepped = Signal(int)  # -1 for Up, +1 for Down

    def __init__(self) -> None:
        super().__init__()
        self._through: set[KeyChord] = set()

    def let_through(self, keys: Iterable[QKeySequence | str]) -> None:
        """These keys go to the screen's shortcuts even while the field has focus."""
        self._through |= {chord_of(key) for key in keys}

    def event(self, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and _chord(event) in self._through):
            event.ignore()  # not the field's: the shortcut map gets it
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() & ~_IGNORED_MODIFIERS == Qt.KeyboardModifier.NoModifier:
            if event.key() == Qt.Key.Key_Up:
                self.stepped.emit(-1)
                return
            if event.key() == Qt.Key.Key_Down:
                self.stepped.emit(1)
                return
        super().keyPressEvent(event)
