"""A change that needs a written reason: what it does, the reason box, and a worded Ok."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QVBoxLayout, QWidget

from ui.keys import bind_key
from ui.widgets.dialog_buttons import message_label, ok_cancel
from ui.widgets.labels import Label, TextView


class ReasonDialog(QDialog):
    """Emits `given(reason)` once a reason of at least `min_length` characters is typed.

    `preview`, when given, is the wording the customer will read, shown as plain text below.
    """

    given = Signal(str)

    def __init__(self, title: str, intro: str, ok_text: str, *, placeholder: str,
                 min_length: int = 5, preview: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self.min_length = min_length
        layout = QVBoxLayout(self)
        self.intro = Label(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reasonText")
        self.reason.setPlaceholderText(placeholder)
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        layout.addWidget(self.reason)
        self.preview = TextView()
        self.preview.set_text(preview)
        self.preview.setObjectName("reasonPreview")
        self.preview.setVisible(bool(preview))
        layout.addWidget(self.preview)
        self.message = message_label()
        layout.addWidget(self.message)
        buttons, self.ok = ok_cancel(self, f"{ok_text}  (Ctrl+Enter)", self._on_buttons_accepted)
        # Enter makes a new line in the reason; Ctrl+Enter confirms, as in the decision dialog.
        bind_key(self, "Ctrl+Return", self._on_buttons_accepted)
        layout.addWidget(buttons)
        self.reason.setFocus()

    def text(self) -> str:
        """The reason as typed, without surrounding blanks."""
        return self.reason.toPlainText().strip()

    def _on_buttons_accepted(self) -> None:
        if len(self.text()) < self.min_length:
            self.message.setText("Write the reason in a few words; it is kept with the record "
                                 "and in the audit log.")
            self.reason.setFocus()
            return
        self.given.emit(self.text())
        self.accept()
