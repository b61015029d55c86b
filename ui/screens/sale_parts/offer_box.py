"""The extension offer on a sale line: the plans open to it, then the customer's answer."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
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

# The customer's answer from anywhere on the sale and the extension screen.
ACCEPT_KEY, DECLINE_KEY = "Alt+A", "Alt+D"
# The customer's answer by key while the offer has focus: yes or no, in either word.
ACCEPT_KEYS = frozenset({Qt.Key.Key_Y, Qt.Key.Key_A})
DECLINE_KEYS = frozenset({Qt.Key.Key_N, Qt.Key.Key_D})


class OfferBox(QFrame):
    """The extension offer for one line: pick a plan, then Accept or Decline.

    The box takes the focus as a whole (its radios and buttons take none), so the keys answer
    wherever the cursor is in it: Y accepts, N declines, Up and Down pick the plan. Alt+A and
    Alt+D answer from anywhere on the screen (the screen's shortcuts call `answer`).
    """

    answered = Signal(object)  # this box, after an answer by key or click

    def __init__(self, offers: Sequence[ExtensionOfferView]) -> None:
        super().__init__()
        self.setObjectName("offer")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.question = Label("")
        self.question.setWordWrap(True)
        layout.addWidget(self.question)
        self.offers = tuple(offers)
        self.plans = QButtonGroup(self)
        self.radios: list[QRadioButton] = []
        for n, o in enumerate(self.offers):
            radio = QRadioButton(f"{o.plan}: {o.months} more months for "
                                 f"{money(o.price_minor)}   ({o.reason})")
            radio.setChecked(n == 0)
            radio.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.plans.addButton(radio, n)
            self.radios.append(radio)
            layout.addWidget(radio)
        row = QHBoxLayout()
        self.accept_button = QPushButton("")
        self.decline_button = QPushButton("")
        answers = QButtonGroup(self)
        for button in (self.accept_button, self.decline_button):
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            answers.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.plans.idToggled.connect(lambda _id, _on: self._ask())
        self.accept_button.clicked.connect(lambda: self.answered.emit(self))
        self.decline_button.clicked.connect(lambda: self.answered.emit(self))
        self._ask()

    def _ask(self) -> None:
        # The buttons name the keys that answer now: Y and N while the offer has focus,
        # Alt+A and Alt+D (which work anywhere on the screen) while it has not.
        yes, no = ("Y", "N") if self.hasFocus() else (ACCEPT_KEY, DECLINE_KEY)
        self.accept_button.setText(f"Accept  ({yes})")
        self.decline_button.setText(f"Decline  ({no})")
        decision = self.decision()
        if decision == "accept":
            self.question.setText(f"Extended warranty: ✔ the customer takes {self.plan()} "
                                  f"({no} changes the answer to no).")
            return
        if decision == "decline":
            self.question.setText("Extended warranty: ✖ the customer declines "
                                  f"({yes} changes the answer to yes).")
            return
        how = f"{yes} or {no} answers"
        if len(self.radios) > 1:
            how = "Up/Down picks the plan; " + how
        self.question.setText(f"Extended warranty: offer it to the customer ({how}).")

    def decision(self) -> str | None:
        """'accept', 'decline', or None while the customer has not answered."""
        if self.accept_button.isChecked():
            return "accept"
        if self.decline_button.isChecked():
            return "decline"
        return None

    def answer(self, decision: str) -> None:
        """Record the customer's answer as a click on its button would."""
        (self.accept_button if decision == "accept" else self.decline_button).click()
        self._ask()

    def plan(self) -> str:
        """The plan picked (the first one unless staff chose another)."""
        return self.offers[max(0, self.plans.checkedId())].plan

    def choose(self, plan: str) -> None:
        """Pick a plan by name."""
        for radio, offer in zip(self.radios, self.offers, strict=True):
            radio.setChecked(offer.plan == plan)

    def offered(self) -> tuple[str, ...]:
        """Every plan shown; a decline is recorded for each."""
        return tuple(o.plan for o in self.offers)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier in (
            Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
        if plain and key in ACCEPT_KEYS:
            self.answer("accept")
        elif plain and key in DECLINE_KEYS:
            self.answer("decline")
        elif plain and key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.radios:
            step = -1 if key == Qt.Key.Key_Up else 1
            n = max(0, min(len(self.radios) - 1, self.plans.checkedId() + step))
            self.radios[n].setChecked(True)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._ask()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._ask()
