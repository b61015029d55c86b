"""The monthly audit sample: a month's randomly drawn closed claims, each opened in claim detail
and reviewed by a manager with a finding and a note."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
)

from ui.context import AppContext
from ui.keys import bind_key
from ui.models.record_table import Column, RecordTableModel
from ui.screens.base import Screen
from ui.screens.shop_time import local_minute
from ui.widgets.audit_review import AuditReviewDialog
from ui.widgets.column_fit import fit_width
from ui.widgets.labels import Label, TextView
from ui.widgets.record_view import record_view, show_records
from warranty_desk.permissions import Permission
from warranty_desk.services import audit_sample
from warranty_desk.services.audit_sample import SampledClaim, SampleView

DRAW_KEY, REVIEW_KEY = "Ctrl+D", "Ctrl+M"
# How far back the month list reaches: a sample is drawn within weeks of its month's end,
# and two years covers any look back an auditor asks for.
MONTHS_LISTED = 24


def months_before(today: date, count: int = MONTHS_LISTED) -> list[date]:
    """The first days of the months that have ended, newest first."""
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        found.append(date(year, month, 1))
    return found


class AuditSampleScreen(Screen):
    """Pick a month, draw its sample once, open and review each claim."""

    title = "Audit sample"
    shortcut = "Ctrl+F8"
    permission = Permission.VIEW_REPORTS
    help_keys = (
        ("Alt+M", "Pick the month"),
        (DRAW_KEY, "Draw the month's sample (once a month)"),
        ("Enter", "Open the chosen claim"),
        (REVIEW_KEY, "Review the chosen claim: a finding and a note"),
        ("Ctrl+R", "Reload the sample"),
    )
    key_permissions: ClassVar[dict[str, Permission]] = {
        DRAW_KEY: Permission.REVIEW_AUDIT_SAMPLE, REVIEW_KEY: Permission.REVIEW_AUDIT_SAMPLE}

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        row = QHBoxLayout()
        self.month = QComboBox()
        self.month.setObjectName("auditMonth")
        month_label = Label("&Month")
        month_label.setBuddy(self.month)
        self.draw_size = QSpinBox()
        self.draw_size.setObjectName("auditSize")
        self.draw_size.setRange(1, audit_sample.MAX_SIZE)
        self.draw_size.setValue(audit_sample.DEFAULT_SIZE)
        size_label = Label("Claims to draw")
        size_label.setBuddy(self.draw_size)
        self.seed = QLineEdit()
        self.seed.setObjectName("auditSeed")
        self.seed.setValidator(QIntValidator(0, audit_sample.MAX_SEED, self.seed))
        self.seed.setPlaceholderText("new seed")
        self.seed.setToolTip("Leave blank for a new seed; type one to draw as it drew before.")
        self.draw_button = QPushButton(f"Draw the sample  ({DRAW_KEY})")
        self.draw_button.setObjectName("primary")
        for widget in (month_label, self.month, size_label, self.draw_size, Label("Seed"),
                       self.seed):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = Label("")
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.model: RecordTableModel[SampledClaim] = RecordTableModel(self._columns(),
                                                                      key=lambda c: c.number)
        self.table = record_view(self.model, "auditSample")
        # The box under the list has the chosen claim whole (closed, reviewed, the note): no
        # line of stepped-aside columns, which would repeat a long note a second time.
        fit_width(self.table, spare=("Closed", "Reviewed by"), cut=("Product", "Note"))
        layout.addWidget(self.table, 1)
        self.full = TextView()
        self.full.setObjectName("auditNoteFull")
        self.full.setMaximumHeight(90)
        layout.addWidget(self.full)
        self.review_button = QPushButton(f"Review…  ({REVIEW_KEY})")
        buttons = QHBoxLayout()
        buttons.addWidget(self.draw_button)
        buttons.addWidget(self.review_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.sample: SampleView | None = None
        self.dialog: QDialog | None = None  # the review open now (tests reach it here)
        self._generation = 0
        self._connect_signals()

    def _columns(self) -> tuple[Column[SampledClaim], ...]:
        def when(at: datetime | None) -> str:
            return local_minute(at, self.ctx.shop.timezone)

        return (
            Column("#", lambda c: str(c.position), numeric=True),
            Column("Claim", lambda c: c.number),
            Column("Product", lambda c: c.product),
            Column("Outcome", lambda c: c.outcome or "–"),
            Column("Closed", lambda c: when(c.closed_at)),
            Column("Finding", lambda c: c.finding_words),
            Column("Reviewed by", lambda c: (f"{c.reviewed_by}, {when(c.reviewed_at)}"
                                             if c.reviewed_at else "–")),
            Column("Note", lambda c: c.note.replace("\n", " "), tooltip=lambda c: c.note),
        )

    def _connect_signals(self) -> None:
        self.month.currentIndexChanged.connect(lambda _n: self.refresh())
        self.draw_button.clicked.connect(self.draw)
        self.review_button.clicked.connect(self.review_chosen)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_full(current.row()))
        bind_key(self, DRAW_KEY, self.draw)
        bind_key(self, REVIEW_KEY, self.review_chosen)
        bind_key(self, "Ctrl+R", self.refresh)

    # --- Showing ------------------------------------------------------------------------------

    def activated(self) -> None:
        months = months_before(self.ctx.today())
        if [self.month.itemData(n) for n in range(self.month.count())] != [
                audit_sample.month_key(m) for m in months]:
            self.month.blockSignals(True)
            self.month.clear()
            for first in months:
                self.month.addItem(audit_sample.month_words(first), audit_sample.month_key(first))
            self.month.blockSignals(False)
        may = self.ctx.may(Permission.REVIEW_AUDIT_SAMPLE)
        for widget in (self.draw_button, self.draw_size, self.seed, self.review_button):
            widget.setVisible(may)
        self.refresh()
        self.month.setFocus()

    def open(self, payload: object) -> None:
        """Show a month's sample when another screen names one (2026-11)."""
        if isinstance(payload, str) and (n := self.month.findData(payload)) >= 0:
            self.month.setCurrentIndex(n)

    def chosen_month(self) -> str:
        """The month picked, as typed on the command line (2026-11)."""
        return str(self.month.currentData() or "")

    def refresh(self) -> None:
        """Read the chosen month's sample off the GUI thread."""
        actor, month = self.ctx.actor, self.chosen_month()
        if actor is None or not month:
            return
        self._generation += 1
        generation, db = self._generation, self.ctx.db
        self.ctx.run(lambda: audit_sample.sample(db, actor, month),
                     lambda found: self._on_found(generation, month, found))

    def _on_found(self, generation: int, month: str, found: SampleView | None) -> None:
        if generation != self._generation:
            return  # another month was picked while this one was read
        self._show(month, found)

    def _show(self, month: str, found: SampleView | None) -> None:
        self.sample = found
        keep = self.table.currentIndex().row()
        show_records(self.table, self.model, found.claims if found else ())
        if found is not None and 0 < keep < len(found.claims):
            self.table.selectRow(keep)
        self._show_full(self.table.currentIndex().row())
        may = self.ctx.may(Permission.REVIEW_AUDIT_SAMPLE)
        self.draw_button.setEnabled(found is None)
        self.review_button.setEnabled(found is not None)
        if found is None:
            words = audit_sample.month_words(audit_sample.parse_month(month))
            self.status.setText(f"No sample of {words} has been drawn yet."
                                + (f" Draw it ({DRAW_KEY})." if may else
                                   " A warranty manager or the owner draws it."))
            return
        self.status.setText(f"{found.words} Drawn on "
                            f"{local_minute(found.drawn_at, self.ctx.shop.timezone)} by "
                            f"{found.drawn_by or 'the command line'}. Enter opens a claim"
                            + (f"; {REVIEW_KEY} reviews it." if may else "."))

    def _show_full(self, row: int) -> None:
        claim = self.model.record(row)
        if claim is None:
            self.full.set_text("")
            return
        zone = self.ctx.shop.timezone
        reviewed = (f" by {claim.reviewed_by}, {local_minute(claim.reviewed_at, zone)}"
                    if claim.reviewed_at else "")
        self.full.set_text(f"{claim.number} · closed {local_minute(claim.closed_at, zone)} · "
                           f"{claim.finding_words}{reviewed}"
                           + (f":\n{claim.note}" if claim.note else ""))

    def _on_table_activated(self, index: QModelIndex) -> None:
        claim = self.model.record(index.row())
        if claim is not None:
            self.ctx.navigate.emit("ClaimDetailScreen", claim.number)

    # --- Drawing and reviewing ----------------------------------------------------------------

    def draw(self) -> None:
        """Draw the chosen month's sample with the size and seed typed (a new seed if none)."""
        actor, month = self.ctx.actor, self.chosen_month()
        if actor is None or not month or not self.ctx.may(Permission.REVIEW_AUDIT_SAMPLE):
            return
        size, typed = self.draw_size.value(), self.seed.text().strip()
        seed = int(typed) if typed else None
        db = self.ctx.db

        def drawn(view: SampleView) -> None:
            self.seed.clear()
            self.ctx.notice.emit(f"Drew the sample of {view.month_words}: "
                                 f"{len(view.claims)} claims, seed {view.seed}."
                                 + (f" {view.shortfall}" if view.shortfall else ""), "success")
            self._show(view.month, view)

        self.ctx.run(lambda: audit_sample.draw(db, actor, month, size=size, seed=seed), drawn)

    def review_chosen(self) -> None:
        """Open the review of the chosen claim."""
        claim = self.model.record(self.table.currentIndex().row())
        actor = self.ctx.actor
        if actor is None or not self.ctx.may(Permission.REVIEW_AUDIT_SAMPLE):
            return
        if claim is None or self.sample is None:
            self.ctx.notice.emit("Pick a claim of the sample first.", "info")
            return
        dialog = AuditReviewDialog(claim, parent=self)
        db, month = self.ctx.db, self.sample.month

        def saved(view: SampledClaim) -> None:
            self.ctx.notice.emit(f"Claim {view.number} reviewed: {view.finding_words}.",
                                 "success")
            self.refresh()

        dialog.reviewed.connect(lambda finding, note: self.ctx.run(
            lambda: audit_sample.review(db, actor, claim.number, finding, note, month=month),
            saved))
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None)
                                if self.dialog is dialog else None)
        dialog.open()

    def clear_for_sign_out(self) -> None:
        self._generation += 1
        self.sample = None
        self.model.set_records(())
        self.full.set_text("")
        self.status.setText("")
        self.seed.clear()
        if self.dialog is not None:
            self.dialog.reject()
