"""A claim on a sale the shop has no record of: customer, product as on the receipt, proof."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from ui.screens.start_claim_parts.evidence import EvidenceChecklist, PendingFile
from ui.screens.start_claim_parts.fields import (
    combo,
    fault_box,
)
from ui.widgets.date_field import date_field, date_of, qdate
from ui.widgets.labels import Label
from ui.wording import CHANNEL_WORDS, CLAIM_TYPE_WORDS
from warranty_desk.fault_presets import faults_for
from warranty_desk.services import claims
from warranty_desk.services.claim_common import CHANNELS, CLAIM_TYPES
from warranty_desk.services.customers import CustomerInput


class UnknownSaleForm(QWidget):
    """Two columns (who and where, then what), so the proof of purchase is in view at 768 px."""

    def __init__(self) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        intro = Label("The shop has no record of this sale. The claim starts with the "
                       "customer's proof of purchase, which a manager or support checks later.")
        intro.setWordWrap(True)
        column.addWidget(intro)
        self.name, self.phone, self.email = QLineEdit(), QLineEdit(), QLineEdit()
        self.bought_on = date_field()
        self.where = QLineEdit()
        self.where.setPlaceholderText("Shop, branch or website")
        self.product = QLineEdit()
        self.product.setPlaceholderText("As on the receipt")
        self.product.setToolTip("As on the receipt, e.g. Orbit X Phone 128 GB black")
        self.sku = QLineEdit()
        self.sku.setPlaceholderText("Optional: our SKU")
        self.sku.setToolTip("Our SKU, if it is a product we sell")
        self.serial = QLineEdit()
        self.claim_type = combo(CLAIM_TYPE_WORDS, CLAIM_TYPES)
        self.channel = combo(CHANNEL_WORDS, CHANNELS)
        halves = QHBoxLayout()
        for rows in ((("Customer", self.name), ("Phone", self.phone), ("Email", self.email),
                      ("Bought on", self.bought_on), ("Bought at", self.where)),
                     (("Product", self.product), ("SKU", self.sku), ("Serial", self.serial),
                      ("Claim type", self.claim_type), ("Channel", self.channel))):
            form = QFormLayout()
            for label, field in rows:
                form.addRow(label, field)
            halves.addLayout(form, 1)
        column.addLayout(halves)
        fault = QFormLayout()
        self.fault = fault_box(faults_for(None))
        fault.addRow("Fault", self.fault)
        column.addLayout(fault)
        column.addWidget(Label("Proof of purchase"))
        self.proof_checklist = EvidenceChecklist()
        column.addWidget(self.proof_checklist)
        column.addStretch(1)
        self.given_serial = ""

    def reset(self, today: date, serial: str = "") -> None:
        """Empty fields but the serial the counter did not find; bought today at the latest."""
        for field in (self.name, self.phone, self.email, self.product, self.sku, self.serial,
                      self.where):
            field.clear()
        self.given_serial = serial
        self.serial.setText(serial)
        for box in (self.claim_type, self.channel):
            box.setCurrentIndex(0)
        self.fault.setCurrentIndex(-1)
        self.fault.setEditText("")
        self.bought_on.setMaximumDate(qdate(today))
        self.bought_on.setDate(qdate(today))

    def typed(self) -> bool:
        """Whether anything is typed into the form (the serial handed in is not typing)."""
        fields = (self.name, self.phone, self.email, self.product, self.sku, self.where)
        return (any(f.text().strip() for f in fields) or bool(self.fault.currentText().strip())
                or self.serial.text().strip() != self.given_serial)

    def claim_input(self, proof: PendingFile) -> claims.StartUnknownSaleClaim:
        """The form and its proof of purchase, as the claims service takes them."""
        return claims.StartUnknownSaleClaim(
            customer=CustomerInput(self.name.text(), self.phone.text(), self.email.text()),
            product_description=self.product.text(), serial=self.serial.text(),
            purchased_on=date_of(self.bought_on), purchased_where=self.where.text(),
            fault=self.fault.currentText().strip(), proof_sha256=proof.document.sha256,
            proof_media_type=proof.document.media_type, proof_size=proof.document.size,
            proof_name=proof.name, sku=self.sku.text().strip() or None,
            channel=str(self.channel.currentData()),
            claim_type=str(self.claim_type.currentData()))
