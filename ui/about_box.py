"""The About box (Shift+F1): version, schemas and folders, as plain text to copy for support."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from warranty_desk.about import about, lines
from warranty_desk.storage.home import Home

TITLE = "About Warranty Desk"


class AboutBox(QDialog):
    """What `warranty-desk --version` says, with where the logs and backups are."""

    def __init__(self, parent: QWidget, home: Home) -> None:
        super().__init__(parent)
        self.setObjectName("aboutBox")
        self.setWindowTitle(TITLE)
        layout = QVBoxLayout(self)
        # A text box, not labels: a folder's name is shown as typed, never read as markup,
        # and Ctrl+A, Ctrl+C copies it all for a support call.
        self.facts = QPlainTextEdit()
        self.facts.setObjectName("aboutFacts")
        self.facts.setReadOnly(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                           | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.facts.setPlainText("\n".join(lines(about(home))))
        layout.addWidget(self.facts)
        close = QPushButton("Close  (Esc)")
        close.clicked.connect(self.accept)
        layout.addWidget(close)
        self.facts.setFocus()
        self.resize(720, 320)
