"""What the start-claim screen shows once the claim exists: its number, large, and what next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.screens.start_claim_parts.creating import ClaimStarted
from ui.widgets.labels import Label
from warranty_desk.rules.claim_states import first_state_needing_evidence, target_words
from warranty_desk.rules.evidence import evidence_label


class ClaimDonePanel(QWidget):
    """The claim number, whether its ticket is printing, and Open claim / Back to the counter."""

    def __init__(self) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        self.ticket_note = Label("")
        self.ticket_note.setWordWrap(True)
        column.addWidget(self.ticket_note)
        self.number = Label("")
        self.number.setObjectName("claimNumber")
        self.number.setStyleSheet("font-size: 40px; font-weight: 800;")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.number)
        self.detail = Label("")
        self.detail.setWordWrap(True)
        column.addWidget(self.detail)
        buttons = QHBoxLayout()
        self.open_claim_button = QPushButton("Open claim")
        self.open_claim_button.setObjectName("primary")
        buttons.addWidget(self.open_claim_button)
        self.ticket_button = QPushButton("Print ticket again  (Ctrl+P)")
        buttons.addWidget(self.ticket_button)
        self.counter_button = QPushButton("Back to the counter")
        buttons.addWidget(self.counter_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addStretch(1)

    def clear(self) -> None:
        """No claim shown."""
        for label in (self.ticket_note, self.number, self.detail):
            label.setText("")

    def show_started(self, started: ClaimStarted, *, ticket_printing: bool) -> None:
        """The number, the state and what is still missing, and how the ticket gets printed."""
        summary = started.summary
        self.number.setText(summary.number)
        lines = [f"State: {summary.state.replace('_', ' ')}."]
        if summary.proof_status == "unverified":
            lines.append("The proof of purchase waits to be checked by support or a manager.")
        if summary.missing_evidence:
            # Named by the rules' own first state that needs them, so the words stay true.
            before = target_words(first_state_needing_evidence())
            lines.append(f"Still needed before {before}: " + ", ".join(
                evidence_label(k) for k in summary.missing_evidence) + ".")
        else:
            lines.append("Every document the policy asks for is attached.")
        lines += [f"Not attached: {p}" for p in started.problems]
        self.detail.setText("\n".join(lines))
        # The receipt printer prints at once; a page printer needs its print dialog, which
        # the person opens when ready rather than having it jump up unasked.
        if ticket_printing:
            self.ticket_note.setText("Claim created. The customer's drop-off ticket is "
                                     "printing; the claim number is:")
            self.ticket_button.setText("Print ticket again  (Ctrl+P)")
        else:
            self.ticket_note.setText("Claim created. No receipt printer is set up, so the "
                                     "drop-off ticket prints as a page: press Ctrl+P. The claim "
                                     "number is:")
            self.ticket_button.setText("Print ticket…  (Ctrl+P)")
