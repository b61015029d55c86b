"""The returns desk: scan faulty units in, hand replacements over, send units to suppliers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext, explain
from ui.printing.desk import PrintDesk
from ui.screens.base import Screen
from ui.widgets.styling import set_style_property
from warranty_desk.permissions import Permission
from warranty_desk.services import returns
from warranty_desk.services.returns import BatchView, Handover, Receipt, StockUnit

# The banner borrows the verdict card's colours, so both themes style it with no new rules.
_LOOK = {"success": "in_cover", "warning": "not_started", "error": "expired", "info": "not_found"}
_STATUS_WORDS = {"received": "Waiting for a batch", "packed": "Packed in {batch}",
                 "back": "Back from supplier ({batch})"}


class Confirmation(QFrame):
    """A large, coloured answer to the last action, with a symbol and words (never colour alone)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        self.word = QLabel("")
        self.word.setObjectName("verdictWord")
        self.detail = QLabel("")
        self.detail.setObjectName("verdictDetail")
        self.detail.setWordWrap(True)
        layout.addWidget(self.word)
        layout.addWidget(self.detail)
        self.hide()

    def say(self, level: str, word: str, detail: str) -> None:
        symbol = {"success": "✔", "warning": "!", "error": "✖"}.get(level, "i")
        self.setProperty("level", level)
        set_style_property(self, "verdict", _LOOK.get(level, "not_found"))
        self.word.setText(f"{symbol}  {word}")
        self.detail.setText(detail)
        self.show()


def _table(headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: Sequence[tuple[str, Sequence[object]]]) -> None:
    """Each row is (its key, its cells); the key rides on the first cell."""
    table.setRowCount(len(rows))
    for n, (key, cells) in enumerate(rows):
        for col, value in enumerate(cells):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, int):
                item.setData(Qt.ItemDataRole.DisplayRole, value)
            if col == 0:
                item.setData(Qt.ItemDataRole.UserRole, key)
            table.setItem(n, col, item)
    table.resizeColumnsToContents()


class ReturnsDeskScreen(Screen):
    """Storekeeper's desk: every scan and button answers with a large confirmation."""

    title = "Returns desk"
    shortcut = "F5"
    permission = Permission.HANDLE_STOCK
    help_keys = (
        ("Enter", "Receive the scanned claim ticket or unit serial into returns stock"),
        ("Esc", "Clear the scan field"),
        ("Ctrl+R", "Hand over a replacement: scan the claim, then the new unit's serial"),
        ("Ctrl+B", "Pack the selected units into a batch for their supplier"),
        ("Ctrl+Shift+S", "Mark the selected batch sent"),
        ("Ctrl+Shift+B", "Mark the selected batch back from the supplier"),
        ("Ctrl+Shift+L", "Print the return label of the unit just received (or selected)"),
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
        self.label_button = QPushButton("Print return label  (Ctrl+Shift+L)")
        self.label_button.setObjectName("labelButton")
        self.label_button.setEnabled(False)
        layout.addWidget(self.label_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(self._handover_row())
        layout.addWidget(QLabel("Returns stock (oldest first). Select units, then Ctrl+B to "
                                "pack them for their supplier."))
        self.stock = _table(("Claim", "Serial", "Product", "Supplier", "Received", "Age (days)",
                             "Status"))
        layout.addWidget(self.stock, 2)
        self.pack = QPushButton("Pack selected for supplier  (Ctrl+B)")
        layout.addWidget(self.pack)
        layout.addWidget(QLabel("Supplier batches"))
        self.batches = _table(("Batch", "Supplier", "State", "Units", "Created", "Sent", "Back"))
        self.batches.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        layout.addWidget(self.batches, 1)
        buttons = QHBoxLayout()
        self.send = QPushButton("Mark sent  (Ctrl+Shift+S)")
        self.back = QPushButton("Mark back  (Ctrl+Shift+B)")
        buttons.addWidget(self.send)
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.units: list[StockUnit] = []
        self.label_claim: str | None = None  # whose return label Ctrl+Shift+L prints
        self.print_desk = PrintDesk(ctx, self)
        self._connect_signals()

    def _handover_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("Hand over a replacement:"))
        self.handover_claim = QLineEdit()
        self.handover_claim.setPlaceholderText("Claim number")
        self.handover_serial = QLineEdit()
        self.handover_serial.setPlaceholderText("Scan the new unit's serial")
        self.handover = QPushButton("Hand over")
        row.addWidget(self.handover_claim)
        row.addWidget(self.handover_serial)
        row.addWidget(self.handover)
        return row

    def _connect_signals(self) -> None:
        # Scans and typing.
        self.field.returnPressed.connect(self._on_field_return)
        self.handover_claim.returnPressed.connect(self.handover_serial.setFocus)
        self.handover_serial.returnPressed.connect(self.hand_over)
        self.handover.clicked.connect(self.hand_over)
        # Batches.
        self.pack.clicked.connect(self.pack_selected)
        self.send.clicked.connect(self.mark_sent)
        self.back.clicked.connect(lambda: self.mark_back())
        # Keys.
        QShortcut(QKeySequence("Esc"), self, self._clear)
        QShortcut(QKeySequence("Ctrl+R"), self, lambda: self.handover_claim.setFocus())
        QShortcut(QKeySequence("Ctrl+B"), self, self.pack_selected)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, self.mark_sent)
        QShortcut(QKeySequence("Ctrl+Shift+B"), self, lambda: self.mark_back())
        # Return labels: for the unit just received, or the one picked in the stock table.
        self.label_button.clicked.connect(self.print_label)
        self.stock.itemSelectionChanged.connect(self._on_stock_selection_changed)
        QShortcut(QKeySequence("Ctrl+Shift+L"), self, self.print_label)

    # --- Showing -------------------------------------------------------------------------

    def activated(self) -> None:
        self.refresh()
        self.field.setFocus()

    def refresh(self) -> None:
        """Reload returns stock and the batches off the GUI thread."""
        if not self.ctx.may(Permission.HANDLE_STOCK):
            return
        actor, db, today = self.ctx.require_actor(), self.ctx.db, self.ctx.today()
        self.ctx.run(lambda: (returns.returns_stock(db, actor, today=today),
                              returns.supplier_batches(db, actor)), self._show_tables)

    def _when(self, at: datetime | None) -> str:
        if at is None:
            return ""
        try:
            zone = ZoneInfo(self.ctx.shop.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    def _show_tables(self, result: tuple[tuple[StockUnit, ...], tuple[BatchView, ...]]) -> None:
        units, batches = result
        self.units = list(units)
        _fill(self.stock, [(u.claim_number, (
            u.claim_number, u.serial or "not recorded", u.product_name, u.supplier,
            u.received_on.isoformat(), u.age_days,
            _STATUS_WORDS[u.status].format(batch=u.batch))) for u in units])
        _fill(self.batches, [(b.number, (
            b.number, b.supplier, b.state, len(b.claim_numbers), self._when(b.created_at),
            self._when(b.sent_at), self._when(b.back_at))) for b in batches])

    def _done(self, word: str, detail: str) -> None:
        self.banner.say("success", word, detail)
        self.ctx.notice.emit(detail, "success")
        self.ctx.data_changed.emit("stock")
        self.refresh()

    def _failed(self, word: str) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            text, level = explain(exc, self.ctx.home)
            self.banner.say(level, word, text)
            self.ctx.notice.emit(text, level)
            self.field.selectAll()
        return show

    def _clear(self) -> None:
        self.field.clear()
        self.field.setFocus()

    # --- Receiving and handing over ------------------------------------------------------

    def handle_scan(self, text: str) -> bool:
        # A scan fills whichever of the desk's fields the person is working in.
        if self.handover_serial.hasFocus():
            self.handover_serial.setText(text)
            self.hand_over()
        elif self.handover_claim.hasFocus():
            self.handover_claim.setText(text)
            self.handover_serial.setFocus()
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
        self._label_for(r.claim_number)

    # --- Return labels -------------------------------------------------------------------

    def _label_for(self, claim: str | None) -> None:
        self.label_claim = claim
        self.label_button.setEnabled(claim is not None)
        self.label_button.setText(f"Print return label for {claim}  (Ctrl+Shift+L)" if claim
                                  else "Print return label  (Ctrl+Shift+L)")

    def _on_stock_selection_changed(self) -> None:
        # Only a person's pick counts; a reload re-selecting rows must not move the label.
        if self.stock.hasFocus():
            chosen = self._selected(self.stock)
            if chosen:
                self._label_for(chosen[0])

    def print_label(self) -> None:
        """The return label (a PDF at the label size) for the label printer."""
        if self.label_claim is None:
            self.banner.say("warning", "NO UNIT", "Receive a unit (scan its claim ticket) or "
                            "select one in returns stock, then print its label.")
            return
        self.print_desk.print_label(self.label_claim)

    def hand_over(self) -> None:
        """Check the scanned replacement against the claim's decision and record the handover."""
        actor, db, today = self.ctx.require_actor(), self.ctx.db, self.ctx.today()
        claim, serial = self.handover_claim.text(), self.handover_serial.text()
        self.ctx.run(lambda: returns.issue_replacement(db, actor, claim, serial, today=today),
                     self._on_handed_over, self._failed("NOT HANDED OVER"))

    def _on_handed_over(self, h: Handover) -> None:
        self.handover_claim.clear()
        self.handover_serial.clear()
        self.field.setFocus()
        self._done("HANDED OVER", f"Replacement {h.product_name}, serial {h.serial}, handed over "
                   f"on claim {h.claim_number}"
                   + (f"; its warranty is {h.warranty_code}." if h.warranty_code else "."))

    # --- Supplier batches ----------------------------------------------------------------

    def _selected(self, table: QTableWidget) -> list[str]:
        rows = sorted({i.row() for i in table.selectedIndexes()})
        items = [table.item(r, 0) for r in rows]
        return [str(i.data(Qt.ItemDataRole.UserRole)) for i in items if i is not None]

    def pack_selected(self) -> None:
        """Pack the selected units into a new batch for their one supplier."""
        chosen = set(self._selected(self.stock))
        units = [u for u in self.units if u.claim_number in chosen]
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
        actor, db, today = self.ctx.require_actor(), self.ctx.db, self.ctx.today()
        numbers = [u.claim_number for u in units]
        self.ctx.run(lambda: returns.create_batch(db, actor, suppliers[0], numbers, today=today),
                     lambda batch: self._done("BATCH CREATED", (
                         f"Batch {batch} for {suppliers[0]}: {len(numbers)} unit"
                         f"{'s' if len(numbers) != 1 else ''} packed. Mark it sent when the "
                         "parcel leaves.")), self._failed("NOT PACKED"))

    def _batch_action(self, action: Callable[..., BatchView], word: str,
                      words: Callable[[BatchView], str]) -> None:
        chosen = self._selected(self.batches)
        if not chosen:
            self.banner.say("warning", "NO BATCH SELECTED", "Select a batch in the list first.")
            return
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: action(db, actor, chosen[0]),
                     lambda b: self._done(word, words(b)), self._failed(f"NOT {word}"))

    def mark_sent(self) -> None:
        """The selected batch's parcel left the shop."""
        self._batch_action(returns.mark_sent, "SENT", lambda b: (
            f"Batch {b.number} is on its way to {b.supplier} with {len(b.claim_numbers)} "
            "unit(s); they left returns stock."))

    def mark_back(self, outcomes: dict[str, str] | None = None) -> None:
        """The supplier answered on the selected batch (by default every unit came back)."""
        def back(db: Any, actor: Any, number: str) -> BatchView:
            return returns.mark_back(db, actor, number, outcome_per_claim=outcomes)
        self._batch_action(back, "BACK", lambda b: (
            f"Batch {b.number} is back from {b.supplier}: "
            + ", ".join(f"{claim} {outcome}" for claim, outcome in b.outcomes) + "."))
