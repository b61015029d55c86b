"""What the counter can do with the unit shown: one table for the buttons, the keys and F1."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.widgets.record_delivery import DELIVERY_KEY
from ui.widgets.void_warranty import VOID_KEY
from warranty_desk.permissions import Permission
from warranty_desk.views import WarrantyVerdict

# Between two buttons of the bar.
SPACING = 8
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
    CounterAction("start_claim", "Start claim", "Ctrl+N",
                  "Start a claim on the unit shown; on NOT FOUND, for a sale the shop has no "
                  "record of (the serial scanned is filled in)",
                  Permission.START_CLAIM,
                  lambda v: v.open_claim is None and v.verdict not in _NO_CLAIM_VERDICTS,
                  "A claim cannot start on this unit: see the verdict."),
    CounterAction("extension", "Sell extension", "Ctrl+E",
                  "Sell an extension (when the unit can still take one)",
                  Permission.SELL_EXTENSION, lambda v: bool(v.extension_offers),
                  "This unit can take no extension plan now."),
    CounterAction("delivered", "Record delivery…", DELIVERY_KEY,
                  "Record the day an online order reached the customer: its cover starts then",
                  Permission.RECORD_DELIVERY, lambda v: v.awaits_delivery,
                  "This unit's cover is not waiting for a delivery."),
    CounterAction("customer", "Customer", "Ctrl+U", "Open the customer of the unit shown",
                  Permission.LOOKUP, lambda v: bool(v.customer_name or v.customer_phone),
                  "This unit was sold without a customer on record."),
    CounterAction("sale", "Sale", "Ctrl+I", "Open the sale (invoice) of the unit shown",
                  Permission.ACTIVATE_SALE, _always, ""),
    CounterAction("slip", "Print slip", "Ctrl+P", "Print the warranty slip (a reprint says COPY)",
                  Permission.PRINT, _always, ""),
    CounterAction("certificate", "Certificate", "Ctrl+Shift+P",
                  "Print the warranty certificate (A4 page)", Permission.PRINT, _always, ""),
    CounterAction("void", "Void warranty…", VOID_KEY,
                  "Void the warranty of the unit shown, with a written reason",
                  Permission.VOID_WARRANTY, lambda v: v.verdict != "void",
                  "This warranty is void already."),
)


def action_named(name: str) -> CounterAction:
    """The action with this name."""
    return next(a for a in ACTIONS if a.name == name)


# On NOT FOUND the start-claim button starts one for a sale the shop has no record of.
UNKNOWN_SALE_LABEL = "Start claim: unknown sale…"


def button_text(action: CounterAction, verdict: WarrantyVerdict | None,
                unknown_sale: bool = False) -> str:
    """The words on the action's button, with its key."""
    label = action.label
    if action.name == "open_claim" and verdict is not None and verdict.open_claim:
        label = f"Open claim {verdict.open_claim}"
    if action.name == "start_claim" and unknown_sale:
        label = UNKNOWN_SALE_LABEL
    return f"{label}  ({action.key})"


class ActionBar(QWidget):
    """A button per action that applies to the unit shown and that the person may take.

    The buttons take no focus, so a click leaves the cursor in the scan field; they fill a row
    left to right and go on to a second row only when the width runs out (1024 px).
    """

    triggered = Signal(str)  # the action's name

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("counterActions")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        # A row for each button at most, made once: a row with no button takes no room.
        self._rows: list[QHBoxLayout] = []
        for _action in ACTIONS:
            row = QHBoxLayout()
            row.setSpacing(SPACING)
            row.addStretch(1)
            column.addLayout(row)
            self._rows.append(row)
        self.buttons: dict[str, QPushButton] = {}
        for action in ACTIONS:
            button = QPushButton(button_text(action, None), self)
            button.setObjectName(f"action_{action.name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(action.help)
            button.clicked.connect(lambda _checked=False, n=action.name: self.triggered.emit(n))
            button.hide()
            self.buttons[action.name] = button
        self._shown: list[str] = []
        self._laid_out: list[list[str]] = []

    def show_for(self, verdict: WarrantyVerdict | None,
                 may: Callable[[Permission], bool], *, unknown_sale: bool = False) -> None:
        """Show the actions open on this unit to this person; without a unit, none, or only
        starting a claim for an unknown sale when the scan found nothing."""
        self._shown = [a.name for a in ACTIONS if may(a.permission) and (
            a.applies(verdict) if verdict is not None
            else unknown_sale and a.name == "start_claim")]
        for action in ACTIONS:
            button = self.buttons[action.name]
            button.setText(button_text(action, verdict, unknown_sale and verdict is None))
            button.setVisible(action.name in self._shown)
        self._reflow()

    def shown(self) -> list[str]:
        """The names of the actions on show, in order."""
        return list(self._shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()

    def _reflow(self) -> None:
        spacing, room = SPACING, max(1, self.width())
        widths = {name: self.buttons[name].sizeHint().width() for name in self._shown}

        def fits(row: list[str]) -> bool:
            return sum(widths[n] for n in row) + spacing * (len(row) - 1) <= room

        rows: list[list[str]] = []
        for name in self._shown:
            if not rows or not fits([*rows[-1], name]):
                rows.append([])
            rows[-1].append(name)
        # As many buttons on each row as the rows need, rather than one left alone below.
        if len(rows) > 1:
            per = -(-len(self._shown) // len(rows))
            even = [self._shown[n:n + per] for n in range(0, len(self._shown), per)]
            if len(even) == len(rows) and all(fits(row) for row in even):
                rows = even
        if rows == self._laid_out:
            return
        self._laid_out = rows
        for row in self._rows:
            for button in self.buttons.values():
                row.removeWidget(button)
        for row, names in zip(self._rows, rows, strict=False):
            for name in names:
                row.insertWidget(row.count() - 1, self.buttons[name])
