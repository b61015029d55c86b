"""Brand claims at the returns desk: list them, open one, add claims and units by scan, type
the brand's status, record what it paid, send units and take them back, print the packet."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.keys import bind_key
from ui.money import shop_money
from ui.printing.desk import PrintDesk
from ui.screens.base import Screen
from ui.screens.brand_parts.tables import lines_model, list_model, updates_model
from ui.screens.returns_parts.confirmation import Confirmation, refusal_shower
from ui.screens.shop_time import local_minute
from ui.widgets.column_fit import fit_width
from ui.widgets.labels import Label
from ui.widgets.layout import fit_placeholder
from ui.widgets.record_view import record_view, refill, selected_rows
from warranty_desk.errors import BadInput
from warranty_desk.money import MoneyError, parse_typed
from warranty_desk.permissions import ROLE_LABELS, Permission
from warranty_desk.rules.brand_status import BRAND_STATUSES
from warranty_desk.services import brand_claims, brand_stock, settlements
from warranty_desk.services.brand_claim_views import BrandClaimRow, BrandClaimView, brand_claim
from warranty_desk.services.brand_claim_views import brand_claims as listed

# A brand claim's number (BR01-BC-2026-000001): a scan of one opens it.
_BRAND_CLAIM_NUMBER = re.compile(r"^[A-Z0-9]{2,6}-BC-\d{4}-\d{6}$")


class BrandClaimsScreen(Screen):
    """The storekeeper's and finance's brand claims: every action answers in the banner."""

    title = "Brand claims"
    shortcut = "F11"
    permission = Permission.VIEW_BRAND_CLAIMS
    help_keys = (
        ("Enter", "A brand claim's number opens it; a claim ticket or unit serial goes into "
                  "the brand claim that is open"),
        ("Ctrl+N", "Open a new brand claim over the scanned claims or units"),
        ("Ctrl+O", "Open the brand claim picked in the list"),
        ("Ctrl+T", "Record the brand's status typed below"),
        ("Ctrl+M", "Record the supplier's payment or credit note"),
        ("Ctrl+Shift+S", "Send the scanned unit to the supplier"),
        ("Ctrl+Shift+B", "Take the scanned unit back from the supplier"),
        ("Ctrl+P", "Print the packet for the brand (preview, then print or save as PDF)"),
        ("Ctrl+E", "Save the packet's CSV in the brand's own columns"),
        ("Ctrl+R", "Reload the list"),
    )
    key_permissions: ClassVar[dict[str, Permission]] = {"Ctrl+M": Permission.RECORD_SETTLEMENT}

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.field = QLineEdit()
        self.field.setObjectName("scanField")
        self.field.setPlaceholderText("Scan a brand claim number, a claim ticket or a unit's "
                                      "serial")
        layout.addWidget(self.field)
        self.banner = Confirmation()
        layout.addWidget(self.banner)
        self.list_model = list_model(shop_money)
        self.list = record_view(self.list_model, "brandClaims")
        fit_width(self.list, cut=("Supplier", "Status"))
        self.list.setMinimumHeight(110)
        layout.addWidget(self.list, 1)
        self.summary = Label("Open a brand claim from the list (Ctrl+O) or scan its number.")
        self.summary.setObjectName("brandClaimSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.lines_model = lines_model(shop_money)
        self.lines = record_view(self.lines_model, "brandClaimLines")
        fit_width(self.lines, cut=("Product", "Unit is", "Not claimed"))
        layout.addWidget(self.lines, 1)
        self.updates_model = updates_model(self._when)
        self.updates = record_view(self.updates_model, "brandClaimUpdates")
        fit_width(self.updates, cut=("Status", "Entered by", "From", "Note"))
        layout.addWidget(self.updates, 1)
        layout.addWidget(self._status_row())
        layout.addWidget(self._settlement_row())
        self.current: BrandClaimView | None = None
        self.print_desk = PrintDesk(ctx, self)
        self.ask_packet_path: Callable[[str], str] = self._ask_packet_path
        self._connect_signals()

    def _status_row(self) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(Label("Brand's status:"))
        self.status = QComboBox()
        for key, words in BRAND_STATUSES.items():
            self.status.addItem(f"{key.replace('_', ' ')} — {words}", key)
        # The statuses' words are long: the list opens wide, the box keeps to a short name so
        # the note beside it stays readable at 1024 px.
        self.status.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status.setMinimumContentsLength(12)
        self.status.view().setMinimumWidth(self.status.view().sizeHintForColumn(0) + 24)
        self.status_note = QLineEdit()
        self.status_note.setPlaceholderText("Note (what the centre said)")
        fit_placeholder(self.status_note)
        self.status_button = QPushButton("Record status  (Ctrl+T)")
        box.addWidget(self.status, 1)
        box.addWidget(self.status_note, 1)
        box.addWidget(self.status_button)
        return row

    def _settlement_row(self) -> QWidget:
        # Two lines: on one, seven fields cut one another to "N…" at 1024 px.
        row = QWidget()
        lines = QVBoxLayout(row)
        lines.setContentsMargins(0, 0, 0, 0)
        box, second = QHBoxLayout(), QHBoxLayout()
        lines.addLayout(box)
        lines.addLayout(second)
        box.addWidget(Label("Settlement:"))
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("Amount")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Reference")
        self.credit_note = QCheckBox("Credit note")
        self.final = QCheckBox("Final")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why it differs from what was expected")
        self.settle_button = QPushButton("Record settlement  (Ctrl+M)")
        self.settle_fields: tuple[QWidget, ...] = (
            self.amount, self.reference, self.credit_note, self.final, self.reason,
            self.settle_button)
        for field in (self.amount, self.reference, self.reason):
            fit_placeholder(field)
        for widget, stretch in zip(self.settle_fields[:4], (1, 2, 0, 0), strict=True):
            box.addWidget(widget, stretch)
        second.addWidget(self.reason, 1)
        second.addWidget(self.settle_button)
        # Said where the fields would be, for people whose role may not record a payment.
        self.settle_refusal = Label("")
        self.settle_refusal.setObjectName("settlementRefusal")
        self.settle_refusal.setWordWrap(True)
        self.settle_refusal.hide()
        box.addWidget(self.settle_refusal, 1)
        return row

    def _may_not_settle(self) -> str:
        """Why the person signed in may not record a settlement; empty when they may."""
        if self.ctx.may(Permission.RECORD_SETTLEMENT):
            return ""
        actor = self.ctx.actor
        role = ROLE_LABELS[actor.role] if actor is not None else "Nobody signed in"
        return (f"{role}s do not record settlements: finance or a manager records what the "
                "supplier paid.")

    def _fit_to_role(self) -> None:
        why = self._may_not_settle()
        for widget in self.settle_fields:
            widget.setVisible(not why)
        self.settle_refusal.setText(why)
        self.settle_refusal.setVisible(bool(why))

    def _connect_signals(self) -> None:
        # Scans and typing.
        self.field.returnPressed.connect(lambda: self.scan(self.field.text()))
        self.list.doubleClicked.connect(self._on_list_double_clicked)
        self.status_button.clicked.connect(self.record_status)
        self.settle_button.clicked.connect(self.record_settlement)
        self.reason.returnPressed.connect(self.record_settlement)
        self.status_note.returnPressed.connect(self.record_status)
        # Keys.
        bind_key(self, "Ctrl+N", self.open_new)
        bind_key(self, "Ctrl+O", self.open_selected)
        bind_key(self, "Ctrl+T", self.record_status)
        bind_key(self, "Ctrl+M", self.record_settlement)
        bind_key(self, "Ctrl+Shift+S", self.send_unit)
        bind_key(self, "Ctrl+Shift+B", self.take_back)
        bind_key(self, "Ctrl+P", self.print_packet)
        bind_key(self, "Ctrl+E", self.save_packet_csv)
        bind_key(self, "Ctrl+R", self.refresh)
        bind_key(self, "Esc", self._clear)

    # --- Showing -------------------------------------------------------------------------

    def activated(self) -> None:
        self._fit_to_role()
        self.refresh()
        self.field.setFocus()

    def refresh(self, *, open_one: bool = True) -> None:
        """Reload the list (and the open brand claim, unless just shown) off the GUI thread."""
        if not self.ctx.may(Permission.VIEW_BRAND_CLAIMS):
            return
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: listed(db, actor, include_closed=True), self._show_list)
        if open_one and self.current is not None:
            number = self.current.number
            self.ctx.run(lambda: brand_claim(db, actor, number), self._show,
                         self._failed("NOT FOUND"))

    def _when(self, at: datetime) -> str:
        return local_minute(at, self.ctx.shop.timezone)

    def _show_list(self, rows: tuple[BrandClaimRow, ...]) -> None:
        refill(self.list, self.list_model, rows)

    def _show(self, view: BrandClaimView) -> None:
        self.current = view
        money = shop_money()
        stale = "  ⚠ STALE: chase the service centre." if view.stale else ""
        closed = "  Closed." if view.closed else ""
        self.summary.setText(
            f"{view.number} — {view.brand}, {view.supplier}. Brand's id "
            f"{view.external_id or 'not given yet'}; service centre "
            f"{view.service_centre or 'not named'}. Status {view.status.replace('_', ' ')} "
            f"({view.approval}). Expected {money.people(view.expected_minor)}, settled "
            f"{money.people(view.settled_minor)}, outstanding "
            f"{money.people(view.outstanding_minor)}.{stale}{closed}")
        # Fitted to their words, contents and width (ui.widgets.column_fit).
        refill(self.lines, self.lines_model, view.lines)
        refill(self.updates, self.updates_model, view.updates)

    def _done(self, word: str, detail: str) -> Callable[[Any], None]:
        def show(result: Any) -> None:
            self.banner.say("success", word, detail.format(result=result))
            self.ctx.notice.emit(detail.format(result=result), "success")
            self.ctx.data_changed.emit("stock")
            # An action that answers with the brand claim needs only the list read again.
            shown = isinstance(result, BrandClaimView)
            if shown:
                self._show(result)
            self.refresh(open_one=not shown)
            self.field.selectAll()
            self.field.setFocus()
        return show

    def _failed(self, word: str) -> Callable[[BaseException], None]:
        return refusal_shower(self.ctx, self.banner, self.field, word)

    def _clear(self) -> None:
        self.field.clear()
        self.field.setFocus()

    def clear_for_sign_out(self) -> None:
        for field in (self.field, self.status_note, self.amount, self.reference, self.reason):
            field.clear()
        self.credit_note.setChecked(False)
        self.final.setChecked(False)
        self.banner.clear()
        self.current = None
        self.list_model.set_records(())
        self.lines_model.set_records(())
        self.updates_model.set_records(())
        self.summary.setText("Open a brand claim from the list (Ctrl+O) or scan its number.")

    # --- Opening and filling -------------------------------------------------------------

    def handle_scan(self, text: str) -> bool:
        self.field.setText(text)
        self.scan(text)
        return True

    def scan(self, text: str) -> None:
        """A brand claim number opens it; a claim or unit goes into the open brand claim."""
        code = text.strip()
        if not code:
            return
        if _BRAND_CLAIM_NUMBER.match(code.upper()) or self.current is None:
            self.open_number(code)
            return
        actor, db, number = self.ctx.require_actor(), self.ctx.db, self.current.number
        self.ctx.run(lambda: brand_claims.add_claims(db, actor, number, [code]),
                     self._done("ADDED", f"{code} is in brand claim {number} now."),
                     self._failed("NOT ADDED"))

    def open_number(self, number: str) -> None:
        """Show one brand claim by its number or the brand's id for it."""
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: brand_claim(db, actor, number), self._on_opened,
                     self._failed("NOT FOUND"))

    def _on_opened(self, view: BrandClaimView) -> None:
        self._show(view)
        self.banner.say("info", "OPEN", f"Brand claim {view.number}: scan claim tickets or "
                                        "units to add them.")
        self.field.clear()
        self.field.setFocus()

    def _on_list_double_clicked(self, index: QModelIndex) -> None:
        row = self.list_model.record(index.row())
        if row is not None:
            self.open_number(row.number)

    def open_selected(self) -> None:
        rows = selected_rows(self.list)
        row = self.list_model.record(rows[0]) if rows else None
        if row is None:
            self.ctx.notice.emit("Pick a brand claim in the list first.", "warning")
            return
        self.open_number(row.number)

    def open_new(self) -> None:
        """A new brand claim over the codes in the scan field (spaces or commas between)."""
        codes = [c for c in re.split(r"[\s,;]+", self.field.text()) if c]
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: brand_claims.open_brand_claim(db, actor, codes),
                     self._done("OPENED", "Brand claim {result.number} for {result.supplier} "
                                          "is open: scan more units to add them."),
                     self._failed("NOT OPENED"))

    # --- The brand's answers -------------------------------------------------------------

    def _need_current(self) -> BrandClaimView | None:
        if self.current is None:
            self.banner.say("warning", "NO BRAND CLAIM", "Open a brand claim first: pick it in "
                                                         "the list and press Ctrl+O.")
        return self.current

    def record_status(self) -> None:
        current = self._need_current()
        if current is None:
            return
        status, note = str(self.status.currentData()), self.status_note.text()
        actor, db = self.ctx.require_actor(), self.ctx.db

        def done(view: BrandClaimView) -> None:
            self.status_note.clear()
            self._done("STATUS", f"Brand claim {view.number} is {status.replace('_', ' ')} "
                                 "now.")(view)

        self.ctx.run(lambda: brand_claims.update_status(db, actor, current.number, status,
                                                        note=note),
                     done, self._failed("NOT RECORDED"))

    def record_settlement(self) -> None:
        why = self._may_not_settle()
        if why:
            self.banner.say("error", "NOT YOURS TO RECORD", why)
            return
        current = self._need_current()
        if current is None:
            return
        try:
            amount = parse_typed(self.amount.text(), shop_money().currency)
        except MoneyError as exc:
            self._failed("NOT RECORDED")(BadInput(str(exc)))
            self.amount.setFocus()
            return
        entry = settlements.SettlementInput(
            amount, self.reference.text(),
            "credit_note" if self.credit_note.isChecked() else "payment",
            final=self.final.isChecked(), reason=self.reason.text())
        actor, db = self.ctx.require_actor(), self.ctx.db

        def done(view: BrandClaimView) -> None:
            for field in (self.amount, self.reference, self.reason):
                field.clear()
            self.credit_note.setChecked(False)
            self.final.setChecked(False)
            money = shop_money()
            self._done("SETTLED", f"{money.people(amount)} recorded on {view.number}; "
                                  f"outstanding {money.people(view.outstanding_minor)}.")(view)

        self.ctx.run(lambda: settlements.record_settlement(db, actor, current.number, entry),
                     done, self._failed("NOT RECORDED"))

    # --- Units to the supplier and back --------------------------------------------------

    def send_unit(self) -> None:
        current = self._need_current()
        if current is None:
            return
        code = self.field.text()
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: brand_stock.send_unit(db, actor, current.number, code),
                     self._done("SENT", "Claim {result.claim_number}'s unit is "
                                        "{result.place} now."),
                     self._failed("NOT SENT"))

    def take_back(self) -> None:
        code = self.field.text()
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: brand_stock.receive_back(db, actor, code),
                     self._done("BACK", "Claim {result.claim_number}'s unit is "
                                        "{result.place} now."),
                     self._failed("NOT TAKEN BACK"))

    # --- The packet ----------------------------------------------------------------------

    def print_packet(self) -> None:
        """The packet for the brand through the print queue, recorded like every document."""
        current = self._need_current()
        if current is not None:
            self.print_desk.print_brand_packet(current.number)

    def _ask_packet_path(self, name: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Save the packet's CSV for the brand", name,
                                              "CSV files (*.csv)")
        return path

    def save_packet_csv(self) -> None:
        """The packet as a CSV in the brand's own columns, for the brand's portal."""
        current = self._need_current()
        if current is None:
            return
        path = self.ask_packet_path(f"{current.number}.csv")
        if not path:
            return
        actor, db = self.ctx.require_actor(), self.ctx.db
        csv_path = Path(path).with_suffix(".csv")

        def write() -> Path:
            from warranty_desk.services.brand_packet import packet, packet_csv

            sheet = packet_csv(packet(db, actor, current.number))
            csv_path.write_text(sheet, encoding="utf-8", newline="")
            return csv_path

        self.ctx.run(write, self._done("SAVED", "The packet's CSV, in the brand's columns, is "
                                                "saved as {result}."),
                     self._failed("NOT SAVED"))
