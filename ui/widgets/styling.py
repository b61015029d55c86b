"""Dynamic stylesheet properties: set one, and make Qt restyle the widget for it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def set_style_property(widget: QWidget, name: str, value: str) -> None:
    """Qt only re-reads property selectors (QLabel[level="error"]) after a repolish."""
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def show_level(label: QLabel, text: str, level: str) -> None:
    """A message styled by its level: info, success, warning or error."""
    label.setText(text)
    set_style_property(label, "level", level)
