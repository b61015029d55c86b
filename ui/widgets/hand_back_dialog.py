"""The hand-back form: scan the unit, tick its accessories, say its condition, who collects,
and the customer's signature on screen or on the printed receipt."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.keys import bind_key
from ui.widgets.dialog_buttons import message_label, ok_cancel
from ui.widgets.labels import Label
from ui.widgets.signature_pad import SignaturePad
from warranty_desk.services.hand_back import HandBackDue, HandBackRequest

PAPER_KEY = "Alt+P"
CLEAR_KEY = "Alt+C"
_OUTCOMES = {"repair": "repaired", "replace": "replaced", "reject": "rejected"}


class HandBackDialog(QDialog):
    """Emits `submitted(request)` on Ctrl+Enter; stays open, everything kept, until the caller
    says it was saved (accept) or shows why not (show_problem)."""

    submitted = Signal(object)

    def __init__(self, due: HandBackDue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handBackDialog")
        self.setWindowTitle(f"Hand back: claim {due.claim_number}")
        self.due = due
        layout = QVBoxLayout(self)
        what = "the replacement unit" if due.unit == "replacement" else "the unit"
        intro = Label(f"Claim {due.claim_number} ({_OUTCOMES.get(due.outcome, due.outcome)}): "
                      f"{due.product_name}, for {due.customer_name or 'no customer on file'}. "
                      f"Scan {what} as you hand it over.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.serial = QLineEdit()
        self.serial.setObjectName("handBackSerial")
        self.serial.setPlaceholderText(f"Scan the serial of {what}")
        form.addRow("Serial", self.serial)
        self.accessories = self._accessory_boxes(form)
        self.condition = QLineEdit()
        self.condition.setObjectName("handBackCondition")
        self.condition.setPlaceholderText("As it goes back, e.g. repaired, screen intact")
        form.addRow("Condition", self.condition)
        if due.intake_condition.strip():
            form.addRow("", Label(f"At intake: {due.intake_condition.strip()}"))
        layout.addLayout(form)
        layout.addWidget(self._collector_box())
        layout.addWidget(self._confirmation_box())
        self.message = message_label()
        layout.addWidget(self.message)
        buttons, self.ok = ok_cancel(self, "Hand back and print the receipt  (Ctrl+Enter)",
                                     self._on_ok)
        layout.addWidget(buttons)
        bind_key(self, "Ctrl+Return", self._on_ok)
        bind_key(self, PAPER_KEY, self.on_paper.toggle)
        bind_key(self, CLEAR_KEY, self.pad.clear)
        # A scanner ends with Enter: from the serial, go on to what a person checks next.
        self.serial.returnPressed.connect(self._after_serial)
        self.serial.setFocus()

    def _accessory_boxes(self, form: QFormLayout) -> list[QCheckBox]:
        if not self.due.intake_accessories:
            form.addRow("Accessories", Label("None were taken in: the unit only."))
            return []
        row = QHBoxLayout()
        boxes = []
        for name in self.due.intake_accessories:
            box = QCheckBox(name)
            box.setObjectName("handBackAccessory")
            row.addWidget(box)
            boxes.append(box)
        row.addStretch(1)
        form.addRow("Accessories", row)
        form.addRow("", Label("Tick each one as you hand it back."))
        return boxes

    def _collector_box(self) -> QGroupBox:
        box = QGroupBox("Who collects")
        layout = QVBoxLayout(box)
        customer = self.due.customer_name
        self.to_customer = QRadioButton(f"The customer, {customer}" if customer
                                        else "The customer (none on file)")
        self.to_customer.setEnabled(customer is not None)
        self.to_other = QRadioButton("Someone collecting for them")
        (self.to_customer if customer else self.to_other).setChecked(True)
        self.collector = QLineEdit()
        self.collector.setObjectName("handBackCollector")
        self.collector.setPlaceholderText("Their full name")
        self.proof = QLineEdit()
        self.proof.setObjectName("handBackProof")
        self.proof.setPlaceholderText("How they proved it, e.g. ID shown and the claim ticket")
        for widget in (self.to_customer, self.to_other, self.collector, self.proof):
            layout.addWidget(widget)
        self.to_other.toggled.connect(self._on_to_other_toggled)
        self._on_to_other_toggled(self.to_other.isChecked())
        return box

    def _confirmation_box(self) -> QGroupBox:
        box = QGroupBox("The customer's confirmation")
        layout = QVBoxLayout(box)
        self.pad = SignaturePad()
        layout.addWidget(self.pad)
        row = QHBoxLayout()
        self.clear_signature = QPushButton(f"Clear signature  ({CLEAR_KEY})")
        self.clear_signature.clicked.connect(self.pad.clear)
        self.on_paper = QCheckBox(f"Signed on paper instead: the printed receipt is signed at "
                                  f"the counter and kept  ({PAPER_KEY})")
        self.on_paper.setObjectName("handBackOnPaper")
        row.addWidget(self.on_paper, 1)
        row.addWidget(self.clear_signature)
        layout.addLayout(row)
        self.on_paper.toggled.connect(self._on_on_paper_toggled)
        return box

    # --- Reacting --------------------------------------------------------------------------

    def _after_serial(self) -> None:
        (self.accessories[0] if self.accessories else self.condition).setFocus()

    def _on_to_other_toggled(self, other: bool) -> None:
        self.collector.setEnabled(other)
        self.proof.setEnabled(other)
        if other:
            self.collector.setFocus()

    def _on_on_paper_toggled(self, paper: bool) -> None:
        self.pad.setEnabled(not paper)
        self.clear_signature.setEnabled(not paper)
        if paper:
            self.pad.clear()

    def _on_ok(self) -> None:
        if not self.on_paper.isChecked() and not self.pad.is_signed():
            self.show_problem("The customer has not signed yet: ask them to sign in the box, "
                              "or tick 'Signed on paper' and have them sign the printed receipt.")
            return
        self.message.setText("Saving…")
        self.submitted.emit(self.request())

    # --- Answering -------------------------------------------------------------------------

    def request(self) -> HandBackRequest:
        """The hand-back as entered."""
        other = self.to_other.isChecked()
        paper = self.on_paper.isChecked()
        return HandBackRequest(
            claim_number=self.due.claim_number, serial=self.serial.text(),
            accessories=tuple(b.text() for b in self.accessories if b.isChecked()),
            condition=self.condition.text(),
            collector=self.collector.text() if other else "",
            collector_proof=self.proof.text() if other else "",
            signature_png=None if paper else self.pad.png(), signed_on_paper=paper)

    def take_scan(self, text: str) -> None:
        """A scanned serial, from a scanner that does not type into the field."""
        self.serial.setText(text)
        self._after_serial()

    def show_problem(self, text: str) -> None:
        """Why it was not saved, with everything typed and drawn still there."""
        self.message.setText(text)
