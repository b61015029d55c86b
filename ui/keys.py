"""Key bindings: every keyboard shortcut of the app is made by `bind_key`, in one way."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

# Where a key acts: anywhere in the parent's window (Qt's default), only while the focus is
# inside the parent (a screen, so hidden screens never catch each other's keys), or only while
# the parent itself has the focus (a table's Enter and Delete).
IN_WINDOW = Qt.ShortcutContext.WindowShortcut
IN_WIDGET_AND_CHILDREN = Qt.ShortcutContext.WidgetWithChildrenShortcut
ON_WIDGET = Qt.ShortcutContext.WidgetShortcut


def bind_key(parent: QWidget, key: str | Qt.Key, slot: Callable[[], object], *,
             where: Qt.ShortcutContext = IN_WINDOW) -> QShortcut:
    """Call `slot` when `key` (e.g. "Ctrl+Shift+W", Qt.Key.Key_Escape) is pressed."""
    shortcut = QShortcut(QKeySequence(key), parent)
    shortcut.setContext(where)
    shortcut.activated.connect(slot)
    return shortcut
