"""Small layout helpers the screens share."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


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
