"""The returns desk: scan faulty units in, hand units back, send units to suppliers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QPushButton

from ui.context import AppContext
from ui.keys import bind_key
from ui.printing.desk import PrintDesk
from ui.screens.base import Screen
from ui.screens.returns_parts.batch_units import batch_units
from ui.screens.returns_parts.confirmation import Confirmation, refusal_shower
from ui.screens.returns_parts.panels import BatchPanel, StockPanel
from ui.screens.shop_time import local_minute
from ui.widgets.hand_back_flow import HandBackFlow, handed_back_words
from ui.widgets.labels import Label
from ui.widgets.mark_back_dialog import BackUnit, MarkBackDialog, outcome_summary
from ui.wording import count
from warranty_desk.permissions import Permission
from warranty_desk.services import returns
from warranty_desk.services.hand_back import HandBackRecord
from warranty_desk.services.returns import BatchView, Receipt, StockUnit

# Asks what the supplier did with each unit; None when the person cancels.
AskOutcomes = Callable[[BatchView, tuple[BackUnit, ...]], dict[str, str] | None]


class ReturnsDeskScreen(Screen):
    """Storekeeper's desk: every scan and button answers with a large confirmation."""

    title = "Returns desk"
    shortcut = "F5"
    permission = Permission.HANDLE_STOCK
    help_keys = (
        ("Enter", "Receive the scanned claim ticket or unit serial into returns stock"),
        ("Esc", "Clear the scan field"),
        ("Ctrl+H", "Hand a unit back (repaired, rejected, or the replacement): scan the claim, "
                   "then the unit's serial, tick its accessories, and the customer signs on "
                   "screen or on the printed receipt; a customer no email or phone reaches is "
                   "offered their messages as letters"),
        ("Ctrl+B", "Pack the selected units into a batch for their supplier"),
        ("Ctrl+Shift+S", "Mark the selected batch sent"),
        ("Ctrl+Shift+B", "Mark the selected batch back: the supplier's answer for each unit"),
        ("Ctrl+Shift+L", "Print the return label of the unit just received (or selected)"),
        ("Ctrl+R", "Reload returns stock and the batches"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.field = QLineEdit()
        self.field.setObjectName("scanField")
        self.field.setPlaceholderText("Scan the claim ticket or the returned unit's serial")
        layout.addWidget(self.field)
        self.banner = Confirmation()
        layout.addWidget(self.banner)
        layout.addLayout(self._handover_row())
        self.stock_panel = StockPanel()
        layout.addWidget(self.stock_panel, 2)
        self.batch_panel = BatchPanel(self._when)
        layout.addWidget(self.batch_panel, 1)
        # The panels' parts, by the names the desk's actions (and its tests) use.
        self.stock, self.pack = self.stock_panel.table, self.stock_panel.pack
        self.label_button = self.stock_panel.label_button
        self.batches = self.batch_panel.table
        self.send, self.back = self.batch_panel.send, self.batch_panel.back
        self.units: list[StockUnit] = []
        self.dialog: MarkBackDialog | None = None  # the Mark back dialog while it is open
        self.ask_outcomes: AskOutcomes = self._ask_in_dialog
        self.print_desk = PrintDesk(ctx, self)
        self.hand_back_flow = HandBackFlow(ctx, self, self.print_desk)
        self._connect_signals()

    def _handover_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(Label("Hand a unit back:"))
        self.handover_claim = QLineEdit()
        self.handover_claim.setPlaceholderText("Scan the claim ticket (repaired, rejected or "
                                               "replaced)")
        self.handover = QPushButton("Hand back  (Ctrl+H)")
        row.addWidget(self.handover_claim, 1)
        row.addWidget(self.handover)
        return row

    def _connect_signals(self) -> None:
        # Scans and typing.
        self.field.returnPressed.connect(self._on_field_return)
        self.handover_claim.returnPressed.connect(self.hand_back)
        self.handover.clicked.connect(self.hand_back)
        self.hand_back_flow.handed_back.connect(self._on_handed_back)
        self.hand_back_flow.refused.connect(self._failed("NOT HANDED BACK"))
        # Batches.
        self.pack.clicked.connect(self.pack_selected)
        self.send.clicked.connect(self.mark_sent)
        self.back.clicked.connect(lambda: self.mark_back())
        # Keys.
        bind_key(self, "Esc", self._clear)
        bind_key(self, "Ctrl+H", lambda: self.handover_claim.setFocus())
        bind_key(self, "Ctrl+B", self.pack_selected)
        bind_key(self, "Ctrl+Shift+S", self.mark_sent)
        bind_key(self, "Ctrl+Shift+B", lambda: self.mark_back())
        bind_key(self, "Ctrl+R", self.refresh)
        # Return labels: for the unit just received, or the one picked in the stock table.
        self.label_button.clicked.connect(self.print_label)
        self.stock.selectionModel().selectionChanged.connect(
            lambda _new, _old: self._on_stock_selection_changed())
        bind_key(self, "Ctrl+Shift+L", self.print_label)

    # --- Showing -------------------------------------------------------------------------

    def activated(self) -> None:
        self.refresh()
        self.field.setFocus()

    def refresh(self) -> None:
        """Reload returns stock and the batches off the GUI thread."""
        if not self.ctx.may(Permission.HANDLE_STOCK):
            return
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: (returns.returns_stock(db, actor),
                              returns.supplier_batches(db, actor)), self._show_tables)

    def _when(self, at: datetime | None) -> str:
        return local_minute(at, self.ctx.shop.timezone)

    def _show_tables(self, result: tuple[tuple[StockUnit, ...], tuple[BatchView, ...]]) -> None:
        units, batches = result
        self.units = list(units)
        self.stock_panel.show_units(units)
        self.batch_panel.show_batches(batches)

    def _done(self, word: str, detail: str) -> None:
        self.banner.say("success", word, detail)
        self.ctx.notice.emit(detail, "success")
        self.ctx.data_changed.emit("stock")
        self.refresh()

    def _failed(self, word: str) -> Callable[[BaseException], None]:
        return refusal_shower(self.ctx, self.banner, self.field, word)

    def _clear(self) -> None:
        self.field.clear()
        self.field.setFocus()

    def clear_for_sign_out(self) -> None:
        for field in (self.field, self.handover_claim):
            field.clear()
        self.hand_back_flow.close()
        self.banner.clear()
        self.units = []
        self.stock_panel.show_units(())
        self.batch_panel.show_batches(())
        self.stock_panel.label_for(None)

    # --- Receiving and handing over ------------------------------------------------------

    def handle_scan(self, text: str) -> bool:
        # With Mark back open, a scanned ticket or serial picks its unit in the dialog.
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.pick_scanned(text)
            return True
        # With the hand-back form open, a scan is the unit's serial.
        form = self.hand_back_flow.dialog
        if form is not None and form.isVisible():
            form.take_scan(text)
            return True
        # A scan fills whichever of the desk's fields the person is working in.
        if self.handover_claim.hasFocus():
            self.handover_claim.setText(text)
            self.hand_back()
        else:
            self.field.setText(text)
            self.receive(text)
        return True

    def _on_field_return(self) -> None:
        self.receive(self.field.text())

    def receive(self, code: str) -> None:
        """Receive a claim's faulty unit into returns stock."""
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: returns.receive(db, actor, code), self._on_received,
                     self._failed("NOT RECEIVED"))

    def _on_received(self, r: Receipt) -> None:
        self.field.selectAll()
        self.field.setFocus()
        what = f"{r.product_name}, serial {r.serial or 'not recorded'}"
        if r.already_received:
            text = (f"Claim {r.claim_number} ({what}) was already received on "
                    f"{self._when(r.received_at)} by {r.received_by}. Nothing changed.")
            self.banner.say("warning", "ALREADY RECEIVED", text)
            self.ctx.notice.emit(text, "warning")
            return
        self._done("RECEIVED", f"Claim {r.claim_number}: {what}"
                   + (f" from {r.customer_name}" if r.customer_name else "")
                   + " is in returns stock now. Print its return label: Ctrl+Shift+L.")
        self.stock_panel.label_for(r.claim_number)

    def hand_back(self) -> None:
        """Open the hand-back form for the scanned claim (or say why nothing goes back)."""
        self.hand_back_flow.start(self.handover_claim.text())

    def _on_handed_back(self, done: HandBackRecord) -> None:
        self.handover_claim.clear()
        self.field.setFocus()
        self._done("HANDED BACK", handed_back_words(done))

    # --- Return labels -------------------------------------------------------------------

    def _on_stock_selection_changed(self) -> None:
        # Only a person's pick counts; a reload re-selecting rows must not move the label.
        if self.stock.hasFocus():
            chosen = self.stock_panel.selected()
            if chosen:
                self.stock_panel.label_for(chosen[0].claim_number)

    def print_label(self) -> None:
        """The return label (a PDF at the label size) for the label printer."""
        claim = self.stock_panel.label_claim
        if claim is None:
            self.banner.say("warning", "NO UNIT", "Receive a unit (scan its claim ticket) or "
                            "select one in returns stock, then print its label.")
            return
        self.print_desk.print_label(claim)

    # --- Supplier batches ----------------------------------------------------------------

    def _selected_batch(self) -> BatchView | None:
        batch = self.batch_panel.selected()
        if batch is None:
            self.banner.say("warning", "NO BATCH SELECTED", "Select a batch in the list first.")
        return batch

    def pack_selected(self) -> None:
        """Pack the selected units into a new batch for their one supplier."""
        units = self.stock_panel.selected()
        if not units:
            self.banner.say("warning", "NOTHING SELECTED",
                            "Select the units to send in the returns stock table first.")
            return
        suppliers = sorted({u.supplier for u in units})
        if len(suppliers) > 1:
            self.banner.say("error", "SEVERAL SUPPLIERS",
                            f"The selected units go to {', '.join(suppliers)}. Pack one "
                            "supplier's units at a time.")
            return
        actor, db = self.ctx.require_actor(), self.ctx.db
        numbers = [u.claim_number for u in units]
        self.ctx.run(lambda: returns.create_batch(db, actor, suppliers[0], numbers),
                     lambda batch: self._done("BATCH CREATED", (
                         f"Batch {batch} for {suppliers[0]}: {count(len(numbers), 'unit')} "
                         "packed. Mark it sent when the parcel leaves.")),
                     self._failed("NOT PACKED"))

    def mark_sent(self) -> None:
        """The selected batch's parcel left the shop."""
        batch = self._selected_batch()
        if batch is None:
            return
        actor, db, number = self.ctx.require_actor(), self.ctx.db, batch.number
        self.ctx.run(lambda: returns.mark_sent(db, actor, number), lambda b: self._done(
            "SENT", f"Batch {b.number} is on its way to {b.supplier} with "
                    f"{count(len(b.claim_numbers), 'unit')}; they left returns stock."),
            self._failed("NOT SENT"))

    def mark_back(self, outcomes: dict[str, str] | None = None) -> None:
        """The supplier answered on the selected batch: asks what became of each unit.

        With `outcomes` ({claim number: returned | credited | scrapped}) nothing is asked.
        """
        batch = self._selected_batch()
        if batch is None:
            return
        if outcomes is not None:
            self._record_back(batch, outcomes)
            return
        if batch.state != "sent":
            # The service refuses it too; saying so first spares the person the dialog.
            self.banner.say("warning", "NOT BACK", f"Batch {batch.number} is {batch.state}: "
                            "only a batch marked sent can come back.")
            return
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: batch_units(db, actor, batch),
                     lambda units: self._on_batch_units(batch, units), self._failed("NOT BACK"))

    def _on_batch_units(self, batch: BatchView, units: tuple[BackUnit, ...]) -> None:
        outcomes = self.ask_outcomes(batch, units)
        if self.ctx.actor is None:
            return  # the counter locked itself while the dialog was open: nothing is saved
        if outcomes is None:
            self.banner.say("info", "NOTHING CHANGED", f"Batch {batch.number} is still marked "
                            f"sent to {batch.supplier}.")
            return
        self._record_back(batch, outcomes)

    def _ask_in_dialog(self, batch: BatchView, units: tuple[BackUnit, ...]
                       ) -> dict[str, str] | None:
        self.dialog = MarkBackDialog(batch.number, batch.supplier, units, self)
        try:
            accepted = self.dialog.exec() == QDialog.DialogCode.Accepted
            return self.dialog.outcomes() if accepted else None
        finally:
            self.dialog.deleteLater()
            self.dialog = None

    def _record_back(self, batch: BatchView, outcomes: dict[str, str]) -> None:
        actor, db, number = self.ctx.require_actor(), self.ctx.db, batch.number
        self.ctx.run(lambda: returns.mark_back(db, actor, number, outcome_per_claim=outcomes),
                     self._on_back, self._failed("NOT BACK"))

    def _on_back(self, b: BatchView) -> None:
        each = ", ".join(f"{claim} {outcome}" for claim, outcome in b.outcomes)
        self._done("BACK", f"Batch {b.number} is back from {b.supplier}: "
                           f"{outcome_summary(o for _c, o in b.outcomes)} ({each}).")
