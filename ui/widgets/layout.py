"""Small layout helpers the screens share."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scroll_area(inner: QWidget) -> QScrollArea:
    """A frameless scroll area that sizes its content to its width (long forms at 1024×768)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    return area
