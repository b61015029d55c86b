"""Small layout helpers the screens share."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QFrame, QLineEdit, QScrollArea, QVBoxLayout, QWidget


def scroll_area(inner: QWidget) -> QScrollArea:
    """A frameless scroll area that sizes its content to its width (long forms at 1024×768)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    return area


def scrolling_page(page: QWidget) -> tuple[QVBoxLayout, QVBoxLayout]:
    """Give `page` a scrolling body: returns (outer, body) layouts; what goes in `outer` after
    the scroll area (a Save row) stays in view while the body scrolls."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    inner = QWidget()
    body = QVBoxLayout(inner)
    outer.addWidget(scroll_area(inner), 1)
    return outer, body


class _PlaceholderWidth(QObject):
    """Keeps a field as wide as its placeholder in the font it is finally drawn in (the
    style sheet sets that font at polish, after the field was made)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QLineEdit) and event.type() in (
                QEvent.Type.Polish, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            words = watched.placeholderText()
            watched.setMinimumWidth(watched.fontMetrics().horizontalAdvance(words) + 16)
        return False


def fit_placeholder(field: QLineEdit) -> None:
    """Never narrower than its placeholder: an empty field says what it asks for whole."""
    field.installEventFilter(_PlaceholderWidth(field))
