"""Where a scan goes when the screen on show does not take it: the text field with the cursor."""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

TextField = QLineEdit | QPlainTextEdit


def _as_text(text: str) -> str:
    # A scanner's control characters (GS between GS1 fields, a stray CR) mean nothing in a
    # field a person reads; the scan's own characters go in as typed.
    return "".join(ch for ch in text if ch.isprintable())


def text_field(widget: QWidget | None) -> TextField | None:
    """The editable text field a person would be typing into with this widget focused."""
    if isinstance(widget, QComboBox) and widget.isEditable():
        widget = widget.lineEdit()
    if isinstance(widget, QLineEdit):
        hidden = widget.echoMode() != QLineEdit.EchoMode.Normal  # a PIN is no place for a scan
        return None if widget.isReadOnly() or hidden or not widget.isEnabled() else widget
    if isinstance(widget, QPlainTextEdit):
        return None if widget.isReadOnly() or not widget.isEnabled() else widget
    return None


def _accepts(field: QLineEdit, text: str) -> bool:
    """Whether the field would take the text typed at its cursor (its validator, its length)."""
    start = field.selectionStart() if field.hasSelectedText() else field.cursorPosition()
    end = start + len(field.selectedText())
    after = field.text()[:start] + text + field.text()[end:]
    if len(after) > field.maxLength():
        return False
    validator = field.validator()
    if validator is None:
        return True
    # PySide gives (state, text, position); its stubs say only "object".
    answer: object = validator.validate(after, start + len(text))
    state = answer[0] if isinstance(answer, tuple) else answer
    return state != QValidator.State.Invalid


def type_into_focus(text: str) -> bool:
    """Put a scan into the focused text field, as if typed there; False if none would take it."""
    field = text_field(QApplication.focusWidget())
    typed = _as_text(text)
    if field is None or not typed:
        return False
    if isinstance(field, QLineEdit):
        if not _accepts(field, typed):
            return False
        field.insert(typed)
    else:
        field.insertPlainText(typed)
    return True


def ask_to_leave(parent: QWidget, scanned: str, what: str) -> bool:
    """Ask before a scan throws away what was typed; True to leave and look the scan up.

    The scan is a stranger's text: the box shows it as typed, like every label in the app
    (ui/widgets/labels.py).
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Leave unsaved?")
    box.setText(f"You scanned {_as_text(scanned)}. Leave {what} unsaved and look it up?")
    box.setInformativeText("Stay keeps everything as it is; the scan is not used.")
    leave = box.addButton("Leave and look it up", QMessageBox.ButtonRole.DestructiveRole)
    stay = box.addButton("Stay", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay)
    box.setEscapeButton(stay)
    box.exec()
    return box.clickedButton() is leave
