"""What the counter can do with the unit shown: one table for the buttons, the keys and F1."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from warranty_desk.permissions import Permission
from warranty_desk.views import WarrantyVerdict

# A claim cannot start on these (the start-claim screen would only say why).
_NO_CLAIM_VERDICTS = frozenset({"void", "not_started"})


@dataclass(frozen=True, slots=True)
class CounterAction:
    """One action on the unit shown: its button words, key, F1 line, who may, and when."""

    name: str
    label: str
    key: str
    help: str
    permission: Permission
    applies: Callable[[WarrantyVerdict], bool]
    why_not: str  # said when the key is pressed on a unit it does not apply to

    def refusal(self, verdict: WarrantyVerdict) -> str:
        """Why the action does not apply to this unit, and what to do instead."""
        if self.name == "start_claim" and verdict.open_claim:
            return (f"Claim {verdict.open_claim} is already open for this unit. "
                    f"{action_named('open_claim').key} opens it.")
        return self.why_not


def _always(_verdict: WarrantyVerdict) -> bool:
    return True


ACTIONS: tuple[CounterAction, ...] = (
    CounterAction("open_claim", "Open claim", "Ctrl+O", "Open the claim still open on the unit",
                  Permission.LOOKUP, lambda v: v.open_claim is not None,
                  "No claim is open on this unit."),
    CounterAction("start_claim", "Start claim", "Ctrl+N", "Start a claim on the unit shown",
                  Permission.START_CLAIM,
                  lambda v: v.open_claim is None and v.verdict not in _NO_CLAIM_VERDICTS,
                  "A claim cannot start on this unit: see the verdict."),
    CounterAction("extension", "Sell extension", "Ctrl+E",
                  "Sell an extension (when the unit can still take one)",
                  Permission.SELL_EXTENSION, lambda v: bool(v.extension_offers),
                  "This unit can take no extension plan now."),
    CounterAction("customer", "Customer", "Ctrl+U", "Open the customer of the unit shown",
                  Permission.LOOKUP, lambda v: bool(v.customer_name or v.customer_phone),
                  "This unit was sold without a customer on record."),
    CounterAction("sale", "Sale", "Ctrl+I", "Open the sale (invoice) of the unit shown",
                  Permission.ACTIVATE_SALE, _always, ""),
    CounterAction("slip", "Print slip", "Ctrl+P", "Print the warranty slip (a reprint says COPY)",
                  Permission.PRINT, _always, ""),
    CounterAction("certificate", "Certificate", "Ctrl+Shift+P",
                  "Print the warranty certificate (A4 page)", Permission.PRINT, _always, ""),
)


def action_named(name: str) -> CounterAction:
    """The action with this name."""
    return next(a for a in ACTIONS if a.name == name)


def button_text(action: CounterAction, verdict: WarrantyVerdict | None) -> str:
    """The words on the action's button, with its key."""
    label = action.label
    if action.name == "open_claim" and verdict is not None and verdict.open_claim:
        label = f"Open claim {verdict.open_claim}"
    return f"{label}  ({action.key})"


class ActionBar(QWidget):
    """A button per action that applies to the unit shown and that the person may take.

    The buttons take no focus, so a click leaves the cursor in the scan field; they wrap onto
    as many rows as the width needs (1024 px fits half of them on a row).
    """

    triggered = Signal(str)  # the action's name

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("counterActions")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for action in ACTIONS:
            button = QPushButton(button_text(action, None), self)
            button.setObjectName(f"action_{action.name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(action.help)
            button.clicked.connect(lambda _checked=False, n=action.name: self.triggered.emit(n))
            button.hide()
            self.buttons[action.name] = button
        self._columns = 0
        self._shown: list[str] = []

    def show_for(self, verdict: WarrantyVerdict | None,
                 may: Callable[[Permission], bool]) -> None:
        """Show the actions open on this unit to this person; none without a unit."""
        self._shown = [a.name for a in ACTIONS
                       if verdict is not None and a.applies(verdict) and may(a.permission)]
        for action in ACTIONS:
            button = self.buttons[action.name]
            button.setText(button_text(action, verdict))
            button.setVisible(action.name in self._shown)
        self._columns = 0
        self._reflow()

    def shown(self) -> list[str]:
        """The names of the actions on show, in order."""
        return list(self._shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()

    def _reflow(self) -> None:
        buttons = [self.buttons[name] for name in self._shown]
        spacing = self._grid.horizontalSpacing()
        widest = max((b.sizeHint().width() for b in buttons), default=1)
        columns = max(1, min(len(buttons), (self.width() + spacing) // (widest + spacing)))
        if columns == self._columns:
            return
        self._columns = columns
        for button in self.buttons.values():
            self._grid.removeWidget(button)
        for n, button in enumerate(buttons):
            self._grid.addWidget(button, n // columns, n % columns)
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 0)
        self._grid.setColumnStretch(columns, 1)
