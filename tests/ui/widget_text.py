"""The words a window's widgets hold: labels, buttons, fields, lists, tables, drop-downs, tabs."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QAbstractItemModel, QModelIndex
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)


def cells(model: QAbstractItemModel) -> Iterator[QModelIndex]:
    """Every cell of a flat model (the app shows no trees)."""
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list widget's own model keeps it private: one column
        columns = 1
    for row in range(model.rowCount(QModelIndex())):
        for column in range(columns):
            yield model.index(row, column, QModelIndex())


def words(top: QWidget, *, shown_only: bool = False) -> str:
    """All text under `top`, one piece a line; with `shown_only`, labels hidden from view are
    left out (the rest counts whether shown or not: a hidden page comes back when opened)."""
    parts: list[str] = [top.windowTitle()]
    for widget in top.findChildren(QWidget):
        if isinstance(widget, QLabel) and shown_only and not widget.isVisibleTo(top):
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            parts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            parts += [widget.currentText(), *(widget.itemText(n) for n in range(widget.count()))]
        elif isinstance(widget, QTabBar):
            parts += [widget.tabText(n) for n in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            parts += [str(model.data(index) or "") for index in cells(model)]
    return "\n".join(parts)
