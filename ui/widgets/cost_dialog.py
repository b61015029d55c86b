"""The add-cost dialog: kind, amount, recoverable or not, and what it was for."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.money import currency_symbol, plain_amount, typed_amount
from ui.widgets.dialog_buttons import message_label, ok_cancel
from warranty_desk.services.decisions import CostLine

# Refunds and replacement units are posted by the decision itself, never by hand.
MANUAL_COST_KINDS = ("labour", "parts", "shipping")


class CostDialog(QDialog):
    """One cost line; `cost_line()` holds it once the dialog is accepted."""

    def __init__(self, parent: QWidget | None = None,
                 kinds: tuple[str, ...] = MANUAL_COST_KINDS) -> None:
        super().__init__(parent)
        self.setObjectName("costDialog")
        self.setWindowTitle("Add a cost")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        for kind in kinds:
            self.kind.addItem(kind.capitalize(), kind)
        form.addRow("&Kind", self.kind)
        self.amount = QLineEdit()
        self.amount.setObjectName("costAmount")
        self.amount.setPlaceholderText(f"for example {plain_amount(2500)}")
        form.addRow(f"&Amount ({currency_symbol()})", self.amount)
        self.description = QLineEdit()
        self.description.setPlaceholderText("what it was for: the part, the time, the courier")
        form.addRow("&What for", self.description)
        self.recoverable = QCheckBox("The brand or supplier pays this back (&recoverable)")
        form.addRow("", self.recoverable)
        layout.addLayout(form)
        self.message = message_label()
        layout.addWidget(self.message)
        buttons, self.ok = ok_cancel(self, "Add cost  (Enter)", self._on_buttons_accepted)
        layout.addWidget(buttons)
        self._line: CostLine | None = None
        self.amount.setFocus()

    def cost_line(self) -> CostLine | None:
        """The cost as typed, once accepted."""
        return self._line

    def _on_buttons_accepted(self) -> None:
        amount = typed_amount(self.amount.text())
        if amount is None or amount <= 0:
            self.message.setText(f"Type the amount as a number, for example {plain_amount(2500)}.")
            self.amount.setFocus()
            return
        self._line = CostLine(str(self.kind.currentData()), amount,
                              self.description.text().strip(), self.recoverable.isChecked())
        self.accept()
