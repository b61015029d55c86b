"""The customer's complaints: listed, logged in their words (Ctrl+K) and settled with a note."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.keys import bind_key
from ui.models.record_table import Column, RecordTableModel
from ui.screens.shop_time import local_minute
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.record_view import fit_columns, record_view
from warranty_desk.models.complaint import COMPLAINT_CHANNELS
from warranty_desk.services import complaints
from warranty_desk.services.complaints import ComplaintView
from warranty_desk.services.customer_view import CustomerProfile


@dataclass(frozen=True, slots=True)
class NewComplaint:
    """What the log-complaint dialog gives back."""

    text: str
    channel: str
    claim_number: str | None


class ComplaintDialog(QDialog):
    """The customer's words, how they came, and which claim it is about (if any)."""

    def __init__(self, parent: QWidget | None, claim_numbers: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Log a complaint")
        form = QFormLayout()
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("What the customer is unhappy about, in their words")
        self.channel = QComboBox()
        self.channel.addItems(COMPLAINT_CHANNELS)
        self.claim = QComboBox()
        self.claim.addItems(["Not about one claim", *claim_numbers])
        form.addRow("Complaint", self.text)
        form.addRow("Came in by", self.channel)
        form.addRow("About claim", self.claim)
        buttons, _ok = ok_cancel(self, "Log complaint  (Ctrl+Enter)", self.accept)
        bind_key(self, "Ctrl+Return", self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def result_value(self) -> NewComplaint:
        claim = self.claim.currentText() if self.claim.currentIndex() > 0 else None
        return NewComplaint(self.text.toPlainText(), self.channel.currentText(), claim)


def ask_complaint(parent: QWidget | None, claim_numbers: list[str]) -> NewComplaint | None:
    """The dialog, modal; None when cancelled."""
    dialog = ComplaintDialog(parent, claim_numbers)
    return dialog.result_value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_resolution(parent: QWidget | None) -> str | None:
    """How the complaint was settled; None when cancelled."""
    text, ok = QInputDialog.getText(parent, "Settle the complaint",
                                    "How was it settled? (kept with the complaint)")
    return text if ok else None


class ComplaintsTab(QWidget):
    """A table of complaints with Log and Settle; the customer screen hands it the profile."""

    def __init__(self, ctx: AppContext, reload: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.reload = reload
        self.profile: CustomerProfile | None = None
        # Modal dialogs, replaced in tests.
        self.ask_complaint = ask_complaint
        self.ask_resolution = ask_resolution
        self.model: RecordTableModel[ComplaintView] = RecordTableModel((
            Column("Logged", lambda c: local_minute(c.logged_at, ctx.shop.timezone)),
            Column("By", lambda c: c.logged_by),
            Column("Came in by", lambda c: c.channel),
            Column("Claim", lambda c: c.claim_number or ""),
            Column("Complaint", lambda c: c.text),
            Column("Settled", lambda c: c.resolution or "Open"),
        ), key=lambda c: c.id)
        self.view = record_view(self.model, "customerComplaints")
        self.log_button = QPushButton("Log complaint…  (Ctrl+K)")
        self.settle_button = QPushButton("Settle selected…")
        row = QHBoxLayout()
        row.addWidget(self.log_button)
        row.addWidget(self.settle_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.log_button.clicked.connect(self.log)
        self.settle_button.clicked.connect(self.settle)

    def show_profile(self, profile: CustomerProfile) -> None:
        self.profile = profile
        self.model.set_records(profile.complaints)
        fit_columns(self.view)
        allowed = self.ctx.may(complaints.COMPLAINT_PERMISSION)
        self.log_button.setEnabled(allowed)
        self.settle_button.setEnabled(allowed and any(
            c.resolved_at is None for c in profile.complaints))

    def clear(self) -> None:
        """No customer: no complaints, nothing to log or settle."""
        self.profile = None
        self.model.set_records(())
        self.log_button.setEnabled(False)
        self.settle_button.setEnabled(False)

    def log(self) -> None:
        """Ask for the complaint and keep it."""
        if self.profile is None or not self.log_button.isEnabled():
            return
        answer = self.ask_complaint(self, [c.number for c in self.profile.claims])
        if answer is None:
            return
        actor, db, ref = self.ctx.require_actor(), self.ctx.db, self.profile.reference
        self.ctx.run(lambda: complaints.log_complaint(
            db, actor, ref, answer.text, channel=answer.channel,
            claim_number=answer.claim_number), self._done("Complaint logged; the CRM hears "
                                                          "of it with the next sync."))

    def settle(self) -> None:
        """Close the selected open complaint with how it was settled."""
        if self.profile is None:
            return
        rows = self.view.selectionModel().selectedRows()
        chosen = (self.profile.complaints[rows[0].row()] if rows
                  else next((c for c in self.profile.complaints if c.resolved_at is None), None))
        if chosen is None or chosen.resolved_at is not None:
            self.ctx.notice.emit("Pick an open complaint first.", "warning")
            return
        how = self.ask_resolution(self)
        if how is None:
            return
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: complaints.resolve_complaint(db, actor, chosen.id, how),
                     self._done("Complaint settled."))

    def _done(self, words: str) -> Callable[[ComplaintView], None]:
        def done(_view: ComplaintView) -> None:
            self.ctx.notice.emit(words, "success")
            self.ctx.data_changed.emit("customer")
            self.reload()
        return done
