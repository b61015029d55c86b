"""The PIN box every sign-in, override and staff form uses: hidden digits, and only digits."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit

from warranty_desk.services.staff_names import PIN_MAX_DIGITS, PIN_MIN_DIGITS

DIGITS = f"{PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits"


def pin_field(placeholder: str = f"PIN ({DIGITS})", name: str = "") -> QLineEdit:
    """A password box that takes digits only: a letter typed by mistake never becomes a PIN."""
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(PIN_MAX_DIGITS)
    field.setValidator(QRegularExpressionValidator(
        QRegularExpression(rf"[0-9]{{0,{PIN_MAX_DIGITS}}}"), field))
    field.setPlaceholderText(placeholder)
    return field
