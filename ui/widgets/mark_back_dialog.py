"""Mark a supplier batch back: what the supplier did with each unit, chosen from the keyboard."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.models.record_table import Column, RecordTableModel
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.labels import Label
from ui.widgets.record_view import fit_columns, record_view
from warranty_desk import normalize

# outcome: (key, words in the table, words in the summary). The order is the services' own
# (returns.BACK_OUTCOMES): only "returned" puts the unit back in returns stock.
OUTCOMES: dict[str, tuple[str, str, str]] = {
    "returned": ("R", "Returned to stock", "returned to stock"),
    "credited": ("C", "Credited", "credited"),
    "scrapped": ("S", "Scrapped", "scrapped"),
}
DEFAULT_OUTCOME = "returned"
_KEYS = {getattr(Qt.Key, f"Key_{key}"): outcome for outcome, (key, _t, _s) in OUTCOMES.items()}
# A plain letter (Shift and the keypad allowed) sets an outcome; with Ctrl or Alt it is not ours.
_NOT_PLAIN = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | (
    Qt.KeyboardModifier.MetaModifier)


@dataclass(frozen=True, slots=True)
class BackUnit:
    """One unit of the batch and what the supplier did with it."""

    claim_number: str
    product: str
    serial: str | None
    outcome: str = DEFAULT_OUTCOME


def outcome_summary(outcomes: Iterable[str]) -> str:
    """'3 returned to stock, 1 credited, 0 scrapped': every outcome named, even at nought."""
    counts = Counter(outcomes)
    return ", ".join(f"{counts[name]} {words}" for name, (_k, _t, words) in OUTCOMES.items())


COLUMNS: tuple[Column[BackUnit], ...] = (
    Column("Claim", lambda u: u.claim_number),
    Column("Product", lambda u: u.product),
    Column("Serial", lambda u: u.serial or "not recorded"),
    Column("Outcome", lambda u: f"{OUTCOMES[u.outcome][1]}  ({OUTCOMES[u.outcome][0]})"),
)


class MarkBackDialog(QDialog):
    """Every unit of one batch, returned to stock unless the person picks another outcome.

    Up/Down move, R/C/S set the outcome of the selected rows (Ctrl+A selects them all),
    Enter saves and Esc cancels. A scanned claim ticket or serial jumps to its unit.
    """

    def __init__(self, batch: str, supplier: str, units: Sequence[BackUnit],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("markBackDialog")
        self.setWindowTitle(f"Batch {batch} back from {supplier}")
        layout = QVBoxLayout(self)
        intro = Label(f"What did {supplier} do with each unit of batch {batch}? Pick a unit "
                       "with Up/Down, then press R (returned to stock), C (credited) or "
                       "S (scrapped). Enter saves; Esc changes nothing.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model: RecordTableModel[BackUnit] = RecordTableModel(
            COLUMNS, key=lambda u: u.claim_number)
        self.model.set_records(units)
        self.table = record_view(self.model, "backUnits", single=False)
        fit_columns(self.table)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.outcome_buttons: dict[str, QPushButton] = {}
        for outcome, (key, words, _summary) in OUTCOMES.items():
            button = QPushButton(f"{words}  ({key})")
            # Enter always saves: an outcome button must never become the default one.
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, o=outcome: self.set_outcome(o))
            row.addWidget(button)
            self.outcome_buttons[outcome] = button
        row.addStretch(1)
        layout.addLayout(row)
        self.summary = Label("")
        self.summary.setObjectName("backSummary")
        self.summary.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.summary)
        buttons, self.ok = ok_cancel(self, "Mark back  (Enter)", self.accept)
        self.ok.setDefault(True)
        self.cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.setText("Cancel  (Esc)")
        self.cancel.setAutoDefault(False)
        layout.addWidget(buttons)
        self._show_summary()
        # The letters are read before the table's type-to-search takes them.
        self.table.installEventFilter(self)
        if units:
            self.table.selectRow(0)
        self.table.setFocus()
        self.resize(720, 420)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and self._outcome_key(event)):
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Focus on a button: the letter reaches the dialog itself.
        if not self._outcome_key(event):
            super().keyPressEvent(event)

    def _outcome_key(self, event: QKeyEvent) -> bool:
        outcome = _KEYS.get(Qt.Key(event.key()))
        if outcome is None or event.modifiers() & _NOT_PLAIN:
            return False
        self.set_outcome(outcome)
        return True

    def units(self) -> tuple[BackUnit, ...]:
        """The units with the outcomes chosen so far."""
        return self.model.records

    def outcomes(self) -> dict[str, str]:
        """{claim number: outcome}, as returns.mark_back takes it."""
        return {u.claim_number: u.outcome for u in self.model.records}

    def set_outcome(self, outcome: str) -> None:
        """Give the selected units (or the current one) this outcome."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        for row in rows:
            unit = self.model.record(row)
            if unit is not None:
                self.model.replace(row, dataclasses.replace(unit, outcome=outcome))
        self._show_summary()

    def pick_scanned(self, scanned: str) -> bool:
        """Select the unit whose claim number or serial was scanned; False if none matches."""
        wanted = normalize.serial(scanned)
        for row, unit in enumerate(self.model.records):
            if wanted in (unit.claim_number.upper(), normalize.serial(unit.serial or "")):
                self.table.selectRow(row)
                self.table.setFocus()
                return True
        return False

    def _show_summary(self) -> None:
        self.summary.setText(outcome_summary(u.outcome for u in self.model.records))
