"""The extension offer on a sale line: the plans open to it, then the customer's answer."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from ui.money import money
from ui.widgets.labels import Label
from warranty_desk.views import ExtensionOfferView

# The customer's answer to an extension offer, by key, on the sale and the extension screen.
ACCEPT_KEY, DECLINE_KEY = "Alt+A", "Alt+D"


class OfferBox(QFrame):
    """The extension offer for one line: pick a plan, then Accept or Decline."""

    def __init__(self, offers: Sequence[ExtensionOfferView]) -> None:
        super().__init__()
        self.setObjectName("offer")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(Label("Extended warranty: offer it to the customer"))
        self.offers = tuple(offers)
        self.plans = QButtonGroup(self)
        self.radios: list[QRadioButton] = []
        for n, o in enumerate(self.offers):
            radio = QRadioButton(f"{o.plan}: {o.months} more months for "
                                 f"{money(o.price_minor)}   ({o.reason})")
            radio.setChecked(n == 0)
            self.plans.addButton(radio, n)
            self.radios.append(radio)
            layout.addWidget(radio)
        row = QHBoxLayout()
        self.accept_button = QPushButton(f"Accept  ({ACCEPT_KEY})")
        self.decline_button = QPushButton(f"Decline  ({DECLINE_KEY})")
        answers = QButtonGroup(self)
        for button in (self.accept_button, self.decline_button):
            button.setCheckable(True)
            answers.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

    def decision(self) -> str | None:
        """'accept', 'decline', or None while the customer has not answered."""
        if self.accept_button.isChecked():
            return "accept"
        if self.decline_button.isChecked():
            return "decline"
        return None

    def plan(self) -> str:
        """The plan picked (the first one unless staff chose another)."""
        return self.offers[max(0, self.plans.checkedId())].plan

    def choose(self, plan: str) -> None:
        """Pick a plan by name."""
        for radio, offer in zip(self.radios, self.offers, strict=True):
            radio.setChecked(offer.plan == plan)

    def answer(self, decision: str) -> None:
        """Record the customer's answer ('accept' or 'decline'), as its button would."""
        (self.accept_button if decision == "accept" else self.decline_button).click()

    def offered(self) -> tuple[str, ...]:
        """Every plan shown; a decline is recorded for each."""
        return tuple(o.plan for o in self.offers)
