"""Key bindings: every keyboard shortcut of the app is made by `bind_key`, in one way."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTabBar, QTabWidget, QWidget

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


def bind_tab_keys(parent: QWidget, tabs: QTabWidget | QTabBar) -> None:
    """Ctrl+PgDown / Ctrl+PgUp step through `tabs` from anywhere on `parent`: a table with
    the focus would otherwise take the keys for itself. Hidden and disabled tabs are passed
    over (tabs a person may not use)."""
    def step(by: int) -> None:
        count, n = tabs.count(), tabs.currentIndex()
        for _ in range(count):
            n = (n + by) % count
            if tabs.isTabVisible(n) and tabs.isTabEnabled(n):
                tabs.setCurrentIndex(n)
                return

    bind_key(parent, "Ctrl+PgDown", lambda: step(1))
    bind_key(parent, "Ctrl+PgUp", lambda: step(-1))
