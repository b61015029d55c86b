"""Customers recorded twice (the same phone or email), to open and merge one into the other."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.context import AppContext
from ui.models.record_table import Column, RecordTableModel
from ui.phones import phone
from ui.screens.customer_merge import MERGE_KEY
from ui.widgets.dialog_buttons import message_label
from ui.widgets.record_view import record_view, show_records
from warranty_desk.services import customer_merge
from warranty_desk.services.customer_merge import CustomerCard, DuplicatePair


def _who(card: CustomerCard) -> str:
    return f"{card.name} ({card.reference})"


PAIR_COLUMNS: tuple[Column[DuplicatePair], ...] = (
    Column("Customer", lambda p: _who(p.first)),
    Column("Looks like", lambda p: _who(p.second)),
    Column("Sharing", lambda p: p.shared.removeprefix("the same ")),
    Column("Phone", lambda p: phone(p.first.phone) or "–"),
    Column("Email", lambda p: p.first.email or p.second.email or "–"),
)


class DuplicatesList(QWidget):
    """Every pair of customers that look like one person; Enter opens the first of the pair."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.status = message_label()
        layout.addWidget(self.status)
        self.model: RecordTableModel[DuplicatePair] = RecordTableModel(PAIR_COLUMNS)
        self.table = record_view(self.model, "duplicateCustomers")
        layout.addWidget(self.table, 1)
        self._generation = 0
        self.table.activated.connect(self._on_table_activated)

    def refresh(self) -> None:
        """Find the pairs off the GUI thread."""
        actor = self.ctx.actor
        if actor is None:
            return
        self._generation += 1
        generation, db = self._generation, self.ctx.db
        self.ctx.run(lambda: customer_merge.duplicates(db, actor),
                     lambda found: self._on_found(generation, found))

    def _on_found(self, generation: int, found: tuple[DuplicatePair, ...]) -> None:
        if generation != self._generation:
            return
        show_records(self.table, self.model, found)
        n = len(found)
        self.status.setText(
            f"{n} pair{'s' if n != 1 else ''} of customers share a phone or an email. Enter "
            f"opens the first; {MERGE_KEY} there shows both and merges them." if found
            else "No two customers share a phone or an email.")

    def _on_table_activated(self, index: QModelIndex) -> None:
        pair = self.model.record(index.row())
        if pair is not None:
            self.ctx.navigate.emit("CustomerScreen", pair.first.reference)

    def clear(self) -> None:
        """Forget the list (sign-out)."""
        self._generation += 1
        self.model.set_records(())
        self.status.setText("")
