"""A claim on a unit looked up at the counter: eligibility, the claim's facts, its evidence."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.screens.start_claim_parts.evidence import EvidenceChecklist
from ui.screens.start_claim_parts.fields import (
    combo,
    fault_box,
    set_faults,
)
from ui.widgets.date_field import date_field, date_of, qdate
from ui.widgets.labels import Label
from ui.widgets.styling import set_style_property
from ui.wording import CHANNEL_WORDS, CLAIM_TYPE_WORDS
from warranty_desk.fault_presets import faults_for
from warranty_desk.services import claims
from warranty_desk.services.claim_common import CHANNELS, CLAIM_TYPES
from warranty_desk.services.claims import ClaimPreview, StartClaim
from warranty_desk.views import WarrantyVerdict

# Opens the claim already open on the unit (the counter's key for the same).
OPEN_CLAIM_KEY = "Ctrl+O"


class KnownUnitForm(QWidget):
    """Eligibility in words above the form; the checklist follows the claim type chosen."""

    def __init__(self) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        self.eligibility = Label("")
        self.eligibility.setObjectName("notice")
        self.eligibility.setWordWrap(True)
        column.addWidget(self.eligibility)
        # A claim already open blocks a new one: the way to it sits right under the reason.
        open_row = QHBoxLayout()
        self.open_existing_button = QPushButton("")
        self.open_existing_button.hide()
        open_row.addWidget(self.open_existing_button)
        open_row.addStretch(1)
        column.addLayout(open_row)
        self.open_claim: str | None = None
        self.limit = Label("")
        self.limit.setObjectName("subtle")
        self.limit.setWordWrap(True)
        column.addWidget(self.limit)
        form = QFormLayout()
        self.claim_type = combo(CLAIM_TYPE_WORDS, CLAIM_TYPES)
        form.addRow("Claim type", self.claim_type)
        self.channel = combo(CHANNEL_WORDS, CHANNELS)
        form.addRow("Channel", self.channel)
        self.fault = fault_box(())
        form.addRow("Fault", self.fault)
        self.accessories = QLineEdit()
        self.accessories.setPlaceholderText("What was handed in with it: charger, case, box…")
        form.addRow("Accessories", self.accessories)
        self.condition = QLineEdit()
        self.condition.setPlaceholderText("Visible condition: scratches, dents, cracks…")
        form.addRow("Condition", self.condition)
        self.promised = date_field()
        form.addRow("Promised by", self.promised)
        column.addLayout(form)
        column.addWidget(Label("Evidence the policy asks for"))
        self.checklist = EvidenceChecklist()
        column.addWidget(self.checklist)
        self.exclusions = Label("")
        self.exclusions.setObjectName("subtle")
        self.exclusions.setWordWrap(True)
        column.addWidget(self.exclusions)
        column.addStretch(1)

    def reset(self, today: date) -> None:
        """Empty fields; the promise date a few days ahead, never in the past."""
        for field in (self.accessories, self.condition):
            field.clear()
        for box in (self.claim_type, self.channel):
            box.setCurrentIndex(0)
        self.fault.setCurrentIndex(-1)
        self.fault.setEditText("")
        for label in (self.eligibility, self.limit, self.exclusions):
            label.setText("")
        self._show_open_claim(None)
        self.promised.setMinimumDate(qdate(today))
        self.promised.setDate(qdate(today + timedelta(days=claims.DEFAULT_PROMISE_DAYS)))

    def show_verdict(self, verdict: WarrantyVerdict) -> None:
        """The unit's common faults and exclusions; eligibility waits for the preview."""
        set_faults(self.fault, faults_for(verdict.category))
        self._eligible("Checking the policy…", "info")
        self._show_open_claim(verdict.open_claim)
        self.limit.setText("")
        self.exclusions.setText("Not covered: " + ", ".join(verdict.exclusions) + "."
                                if verdict.exclusions else "")

    def show_preview(self, preview: ClaimPreview) -> None:
        """Eligibility in words (with a symbol, never colour alone) and the claim limit."""
        e = preview.eligibility
        if e.eligible:
            self._eligible("✔  A claim can be opened. " + " ".join(e.reasons), "success")
        elif e.needs_override:
            self._eligible("⚠  Needs a manager's approval: " + " ".join(e.reasons), "warning")
        else:
            self._eligible("✖  A claim is not possible: " + " ".join(e.reasons), "error")
        limit = preview.limit
        self.limit.setText("The policy sets no claim limit." if limit.limit is None
                           else f"Claim limit: {limit.message}")
        self._show_open_claim(preview.open_claim)

    def _show_open_claim(self, number: str | None) -> None:
        self.open_claim = number
        self.open_existing_button.setText(f"Open claim {number}  ({OPEN_CLAIM_KEY})"
                                          if number is not None else "")
        self.open_existing_button.setVisible(number is not None)

    def _eligible(self, text: str, level: str) -> None:
        self.eligibility.setText(text)
        set_style_property(self.eligibility, "level", level)

    def typed(self) -> bool:
        """Whether anything is typed into the form."""
        return any(text.strip() for text in (self.fault.currentText(), self.accessories.text(),
                                             self.condition.text()))

    def evidence_kinds(self, preview: ClaimPreview | None) -> tuple[str, ...]:
        """What the policy asks for the claim type chosen."""
        if preview is None:
            return ()
        return preview.evidence_required.get(str(self.claim_type.currentData()), ())

    def claim_input(self, warranty_code: str) -> StartClaim:
        """The form as the claims service takes it."""
        return StartClaim(
            warranty_code, self.fault.currentText().strip(),
            channel=str(self.channel.currentData()),
            claim_type=str(self.claim_type.currentData()),
            accessories=self.accessories.text(), condition=self.condition.text(),
            promised_on=date_of(self.promised))
