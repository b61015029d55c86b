"""The returns desk's lower half: returns stock with its buttons, and the supplier batches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.screens.returns_parts.tables import batch_model, stock_model
from ui.widgets.column_fit import fit_width
from ui.widgets.labels import Label
from ui.widgets.record_view import record_view, refill, selected_rows
from warranty_desk.services.returns import BatchView, StockUnit

# Rows of each table kept in view however tall the banner above gets.
STOCK_MIN_HEIGHT = 150
BATCHES_MIN_HEIGHT = 110


class StockPanel(QWidget):
    """Faulty units in returns stock; several can be picked to pack for their supplier."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(Label("Returns stock (oldest first). Select units, then Ctrl+B to "
                                "pack them for their supplier."))
        self.model = stock_model()
        self.table = record_view(self.model, "returnsStock", single=False)
        # Claim and serial are what is matched against the unit in hand: never cut. The age
        # says how long it has waited; the day it came in is in the row's tooltip.
        fit_width(self.table, spare=("Received",), cut=("Product", "Supplier", "Status"))
        self.table.setMinimumHeight(STOCK_MIN_HEIGHT)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.pack = QPushButton("Pack for supplier  (Ctrl+B)")
        self.pack.setToolTip("Pack the units selected above into a batch for their supplier")
        self.label_button = QPushButton("")
        self.label_button.setObjectName("labelButton")
        row.addWidget(self.pack)
        row.addWidget(self.label_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.label_claim: str | None = None
        self.label_for(None)

    def show_units(self, units: Sequence[StockUnit]) -> None:
        refill(self.table, self.model, units)

    def selected(self) -> list[StockUnit]:
        """The units picked, top to bottom."""
        return [u for r in selected_rows(self.table) if (u := self.model.record(r)) is not None]

    def label_for(self, claim: str | None) -> None:
        """Whose return label the label button (and Ctrl+Shift+L) prints."""
        self.label_claim = claim
        self.label_button.setEnabled(claim is not None)
        self.label_button.setText(f"Print return label: {claim}  (Ctrl+Shift+L)" if claim
                                  else "Print return label  (Ctrl+Shift+L)")


class BatchPanel(QWidget):
    """Supplier batches, newest first, with the buttons that move the one picked."""

    def __init__(self, when: Callable[[datetime | None], str]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(Label("Supplier batches"))
        row.addStretch(1)
        self.send = QPushButton("Mark sent  (Ctrl+Shift+S)")
        self.back = QPushButton("Mark back…  (Ctrl+Shift+B)")
        row.addWidget(self.send)
        row.addWidget(self.back)
        layout.addLayout(row)
        self.model = batch_model(when)
        self.table = record_view(self.model, "supplierBatches")
        # When a batch went and came back is the storekeeper's question; when it was made
        # goes into the row's tooltip first.
        fit_width(self.table, spare=("Created",), cut=("Supplier",))
        self.table.setMinimumHeight(BATCHES_MIN_HEIGHT)
        layout.addWidget(self.table, 1)

    def show_batches(self, batches: Sequence[BatchView]) -> None:
        refill(self.table, self.model, batches)

    def selected(self) -> BatchView | None:
        """The batch picked, if any."""
        rows = selected_rows(self.table)
        return self.model.record(rows[0]) if rows else None
