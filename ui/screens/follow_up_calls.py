"""The retention calls to make: raised by the rules, each cleared with a note of what was done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.models.record_table import Column, RecordTableModel
from ui.phones import phone
from ui.widgets.column_fit import AsideLine, fit_width
from ui.widgets.dialog_buttons import message_label
from ui.widgets.reason_dialog import ReasonDialog
from ui.widgets.record_view import record_view, show_records
from warranty_desk.services import retention
from warranty_desk.services.retention import FollowUpView

CLEAR_KEY = "Ctrl+Shift+D"


def call_columns(when: Callable[[datetime], str]) -> tuple[Column[FollowUpView], ...]:
    """The columns of the follow-up list."""
    return (
        Column("Raised", lambda f: when(f.raised_at)),
        Column("Customer", lambda f: f.customer_name),
        Column("Phone", lambda f: phone(f.customer_phone) or "–"),
        Column("Why", lambda f: f.rule_words, tooltip=lambda f: f.reason),
        Column("Claim", lambda f: f.claim_number),
        Column("Cleared", lambda f: (f"{when(f.cleared_at)} by {f.cleared_by}: {f.note}"
                                     if f.cleared_at else "open"), tooltip=lambda f: f.note),
    )


class CallsList(QWidget):
    """Open follow-ups oldest first (or the cleared ones); `changed` after one is cleared."""

    changed = Signal()

    def __init__(self, ctx: AppContext, when: Callable[[datetime], str],
                 show: Callable[[QDialog], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self._show = show
        layout = QVBoxLayout(self)
        self.status = message_label()
        layout.addWidget(self.status)
        self.model: RecordTableModel[FollowUpView] = RecordTableModel(call_columns(when))
        self.table = record_view(self.model, "retentionCalls")
        # Whom to call, on what number and why come first; when it was raised steps aside
        # (the list is oldest first) before the reason is cut short.
        fit_width(self.table, spare=("Raised",), cut=("Customer", "Why", "Cleared"))
        layout.addWidget(self.table, 1)
        layout.addWidget(AsideLine(self.table))
        row = QHBoxLayout()
        self.clear_button = QPushButton(f"Clear with a note…  ({CLEAR_KEY})")
        self.clear_button.setObjectName("primary")
        self.cleared = QCheckBox("Show the cleared ones")
        row.addWidget(self.clear_button)
        row.addWidget(self.cleared)
        row.addStretch(1)
        layout.addLayout(row)
        self._generation = 0
        self.clear_button.clicked.connect(self.clear_selected)
        self.cleared.toggled.connect(lambda _on: self.refresh(raise_first=False))

    def refresh(self, *, raise_first: bool = True) -> None:
        """Run the rules (a claim may have grown too old since), then list the follow-ups."""
        actor = self.ctx.actor
        if actor is None:
            return
        self._generation += 1
        generation, db, cleared = self._generation, self.ctx.db, self.cleared.isChecked()

        def work() -> tuple[FollowUpView, ...]:
            if raise_first:
                retention.raise_due(db, actor)
            return retention.follow_ups(db, actor, cleared=cleared)

        self.ctx.run(work, lambda found: self._on_found(generation, found))

    def _on_found(self, generation: int, found: tuple[FollowUpView, ...]) -> None:
        if generation != self._generation:
            return
        show_records(self.table, self.model, found)
        cleared = self.cleared.isChecked()
        self.clear_button.setEnabled(bool(found) and not cleared)
        n = len(found)
        self.status.setText(
            (f"{n} cleared follow-up{'s' if n != 1 else ''}, newest first." if cleared else
             f"{n} call{'s' if n != 1 else ''} to make, oldest first. Call the customer, then "
             f"clear the follow-up with what was said ({CLEAR_KEY}).") if found else
            ("Nothing cleared yet." if cleared else "No retention call waits."))

    def clear_selected(self) -> None:
        """Clear the selected follow-up, after its note is written."""
        picked = self.model.record(self.table.currentIndex().row())
        actor = self.ctx.actor
        if picked is None or actor is None or picked.cleared_at is not None:
            self.ctx.notice.emit("Pick an open follow-up in the list first.", "info")
            return
        dialog = ReasonDialog(
            f"Clear the follow-up of {picked.customer_name}",
            f"{picked.rule_words}: {picked.reason}.\n\nWrite what was said or done; the note "
            "is kept with the follow-up and the CRM hears it.", "Clear follow-up",
            placeholder="e.g. called, customer happy with the repair; offered Care+",
            min_length=3, parent=self)

        def cleared(view: FollowUpView) -> None:
            self.ctx.notice.emit(f"Follow-up of {view.customer_name} cleared.", "success")
            self.changed.emit()
            self.refresh(raise_first=False)

        db, key = self.ctx.db, picked.id
        dialog.given.connect(lambda note: self.ctx.run(
            lambda: retention.clear(db, actor, key, note), cleared, self.ctx.report))
        self._show(dialog)

    def clear(self) -> None:
        """Forget the list (sign-out)."""
        self._generation += 1
        self.cleared.blockSignals(True)
        self.cleared.setChecked(False)
        self.cleared.blockSignals(False)
        self.model.set_records(())
        self.status.setText("")
