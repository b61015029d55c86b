"""Checking a customer's proof of purchase: the document, what they say, accept or refuse."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.keys import bind_key
from ui.screens.claim_detail_parts.evidence_tab import size_words
from ui.widgets.dialog_buttons import message_label
from ui.widgets.labels import Label
from warranty_desk.services.claim_detail import EvidenceItem

# The service refuses shorter notes too; checking here says so before anything is sent.
MIN_NOTE = 3


class ProofCheckDialog(QDialog):
    """Emits `checked(accepted, note)`; `open_requested(sha256)` asks to show a document."""

    checked = Signal(bool, str)
    open_requested = Signal(str)

    def __init__(self, number: str, proofs: Sequence[EvidenceItem],
                 claimed: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("proofCheckDialog")
        self.setWindowTitle(f"Check the proof of purchase: claim {number}")
        layout = QVBoxLayout(self)
        said = "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in claimed)
        intro = Label("Open the document and compare it with what the customer says: the shop, "
                       "the date, the product and the serial. Accept it if they match: the "
                       "proof then no longer holds the claim back. Refuse it if they do not."
                       "\n\n"
                       + (f"The customer says: {said}." if said else "The customer gave no "
                          "purchase details."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.documents = QListWidget()
        self.documents.setObjectName("proofDocuments")
        self.documents.setMaximumHeight(80)
        for proof in proofs:
            row = QListWidgetItem(f"{proof.original_name or 'unnamed'}  ·  {proof.media_type}, "
                                  f"{size_words(proof)}")
            row.setData(Qt.ItemDataRole.UserRole, proof.sha256)
            self.documents.addItem(row)
        self.documents.setCurrentRow(0)
        layout.addWidget(self.documents)
        self.open_button = QPushButton("Open the proof  (Ctrl+Shift+O)")
        self.open_button.clicked.connect(self._on_open_clicked)
        self.documents.itemActivated.connect(lambda _item: self._on_open_clicked())
        bind_key(self, "Ctrl+Shift+O", self._on_open_clicked)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.note = QPlainTextEdit()
        self.note.setObjectName("proofNote")
        self.note.setPlaceholderText("what you checked: shop, date, product, serial")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(80)
        layout.addWidget(self.note)
        self.message = message_label()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton("Accept proof  (Ctrl+Enter)")
        self.accept_button.setObjectName("primary")
        self.refuse_button = QPushButton("Refuse proof  (Ctrl+Shift+Enter)")
        cancel = QPushButton("Cancel")
        for button in (self.accept_button, self.refuse_button, cancel):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.accept_button.clicked.connect(lambda: self._decide(True))
        self.refuse_button.clicked.connect(lambda: self._decide(False))
        cancel.clicked.connect(self.reject)
        bind_key(self, "Ctrl+Return", lambda: self._decide(True))
        bind_key(self, "Ctrl+Shift+Return", lambda: self._decide(False))
        self.note.setFocus()

    def _on_open_clicked(self) -> None:
        item = self.documents.currentItem()
        if item is not None:
            self.open_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _decide(self, accepted: bool) -> None:
        note = self.note.toPlainText().strip()
        if len(note) < MIN_NOTE:
            self.message.setText("Write what you checked on the proof (shop, date, product), "
                                 "so the next person knows.")
            self.note.setFocus()
            return
        self.checked.emit(accepted, note)
        self.accept()
