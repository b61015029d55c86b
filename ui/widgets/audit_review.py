"""The review of one sampled claim: a finding and a note, the note required for follow-up."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QPlainTextEdit, QVBoxLayout, QWidget

from ui.keys import bind_key
from ui.widgets.dialog_buttons import message_label, ok_cancel
from ui.widgets.labels import Label
from warranty_desk.services.audit_sample import FINDINGS, MAX_NOTE, NEEDS_FOLLOW_UP, SampledClaim

# As audit.kept_words asks of a reason: fewer letters say nothing ("ok", "x").
MIN_NOTE = 3


class AuditReviewDialog(QDialog):
    """Emits `reviewed(finding code, note)` once the finding and the note will do."""

    reviewed = Signal(str, str)

    def __init__(self, claim: SampledClaim, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditReviewDialog")
        self.setWindowTitle(f"Review claim {claim.number}")
        layout = QVBoxLayout(self)
        outcome = claim.outcome or "no outcome"
        self.intro = Label(f"Claim {claim.number}: {claim.product}, {outcome}. Look the claim "
                           "over (its proof, costs and decision), then say what you found. The "
                           "review is kept in the audit log.")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.finding = QComboBox()
        self.finding.setObjectName("auditFinding")
        for code, words in FINDINGS.items():
            self.finding.addItem(words, code)
        if claim.finding is not None:
            self.finding.setCurrentIndex(self.finding.findData(claim.finding))
        layout.addWidget(self.finding)
        self.note = QPlainTextEdit()
        self.note.setObjectName("auditNote")
        self.note.setPlaceholderText("what you found; for follow-up, what is to be done and by "
                                     "whom")
        self.note.setPlainText(claim.note)
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(110)
        layout.addWidget(self.note)
        self.message = message_label()
        layout.addWidget(self.message)
        buttons, self.ok = ok_cancel(self, "Save review  (Ctrl+Enter)", self._on_buttons_accepted)
        # Enter makes a new line in the note; Ctrl+Enter saves, as in every note dialog.
        bind_key(self, "Ctrl+Return", self._on_buttons_accepted)
        layout.addWidget(buttons)
        self.finding.setFocus()

    def _on_buttons_accepted(self) -> None:
        code = str(self.finding.currentData())
        words = self.note.toPlainText().strip()
        if code == NEEDS_FOLLOW_UP and len(words) < MIN_NOTE:
            self.message.setText("Write what needs following up, in a few words: the next "
                                 "person acts on it.")
            self.note.setFocus()
            return
        if len(words) > MAX_NOTE:
            self.message.setText(f"The note is {len(words)} characters long; at most "
                                 f"{MAX_NOTE}. Shorten it.")
            self.note.setFocus()
            return
        self.reviewed.emit(code, words)
        self.accept()
