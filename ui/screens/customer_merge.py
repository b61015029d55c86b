"""Merging a duplicate customer: both records side by side, the one to keep, then a confirm."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QGridLayout, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.keys import bind_key
from ui.phones import phone
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.labels import Label
from warranty_desk.permissions import Permission
from warranty_desk.services import customer_merge
from warranty_desk.services.customer_merge import CustomerCard, DuplicatePair

MERGE_KEY = "Ctrl+Shift+D"  # D for duplicate; J prints a letter on the roll
_FACTS: tuple[tuple[str, Callable[[CustomerCard], str]], ...] = (
    ("Reference", lambda c: c.reference),
    ("Name", lambda c: c.name),
    ("Phone", lambda c: phone(c.phone) or "–"),
    ("Email", lambda c: c.email or "–"),
    ("Segment", lambda c: c.segment),
    ("Holds", lambda c: f"{c.warranties} warranties, {c.claims} claims, {c.messages} "
                        f"messages, {c.sales} sales"),
)


class MergeDialog(QDialog):
    """Emits `confirmed(keep reference, drop reference)` when the merge is confirmed."""

    confirmed = Signal(str, str)

    def __init__(self, pair: DuplicatePair, keep: str, more: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Merge duplicate customers")
        self.pair = pair
        layout = QVBoxLayout(self)
        intro = Label(f"These two records share {pair.shared}. Merging moves every warranty, "
                      "claim, message, sale, complaint and note of the other record to the one "
                      "you keep; the other record goes (the audit log keeps it whole), and head "
                      "office and the CRM are told."
                      + (f" {more} more possible duplicate(s) follow after this one."
                         if more else ""))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        self.cells: dict[tuple[str, int], Label] = {}
        for n, (name, text) in enumerate(_FACTS):
            key = Label(name)
            key.setObjectName("subtle")
            grid.addWidget(key, n, 0, Qt.AlignmentFlag.AlignTop)
            for column, card in enumerate((pair.first, pair.second), start=1):
                cell = Label(text(card))
                cell.setWordWrap(True)
                self.cells[(name, column)] = cell
                grid.addWidget(cell, n, column, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self.keep = QComboBox()
        self.keep.setObjectName("mergeKeep")
        for card in (pair.first, pair.second):
            self.keep.addItem(f"Keep {card.reference} ({card.name})", card.reference)
        self.keep.setCurrentIndex(max(self.keep.findData(keep), 0))
        layout.addWidget(self.keep)
        buttons, self.ok = ok_cancel(self, "Merge  (Ctrl+Enter)", self._on_buttons_accepted)
        bind_key(self, "Ctrl+Return", self._on_buttons_accepted)
        layout.addWidget(buttons)
        self.keep.setFocus()

    def _on_buttons_accepted(self) -> None:
        keep = str(self.keep.currentData())
        drop = (self.pair.second if keep == self.pair.first.reference else self.pair.first)
        self.confirmed.emit(keep, drop.reference)
        self.accept()


def ask_to_merge(ctx: AppContext, parent: QWidget, reference: str,
                 on_merged: Callable[[CustomerCard], object],
                 show: Callable[[MergeDialog], None]) -> None:
    """Find the customer's duplicates; the first opens in the merge dialog, merged on confirm."""
    if ctx.actor is None or not ctx.may(Permission.MERGE_CUSTOMERS):
        ctx.notice.emit("Your role may not merge customers; support or a manager can.",
                        "warning")
        return
    actor, db = ctx.actor, ctx.db

    def found(pairs: tuple[DuplicatePair, ...]) -> None:
        if not pairs:
            ctx.notice.emit(f"No other customer shares the phone or email of {reference}.",
                            "info")
            return
        dialog = MergeDialog(pairs[0], reference, len(pairs) - 1, parent)

        def merged(card: CustomerCard) -> None:
            ctx.notice.emit(f"Merged into {card.name} ({card.reference}).", "success")
            on_merged(card)

        dialog.confirmed.connect(lambda keep, drop: ctx.run(
            lambda: customer_merge.merge(db, actor, keep, drop), merged, ctx.report))
        show(dialog)

    ctx.run(lambda: customer_merge.duplicates(db, actor, reference), found)
