"""Customers: find one by name or phone, see their purchases, cover, claims and messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from ui.context import AppContext
from ui.printing.desk import PrintDesk
from ui.screens.base import Screen
from ui.widgets.verdict_card import SYMBOLS
from warranty_desk.models import Segment
from warranty_desk.permissions import Permission
from warranty_desk.services import customer_view
from warranty_desk.services.customer_view import CustomerBrief, CustomerProfile
from warranty_desk.views import WarrantyVerdict


def _table(headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[object]]) -> None:
    table.setRowCount(len(rows))
    for n, cells in enumerate(rows):
        for col, value in enumerate(cells):
            table.setItem(n, col, QTableWidgetItem("" if value is None else str(value)))
    table.resizeColumnsToContents()


def _words(state: str | None) -> str:
    return (state or "").replace("_", " ")


class CustomerScreen(Screen):
    """One customer's whole story with the shop, for the counter and for support."""

    title = "Customers"
    shortcut = "F6"
    permission = Permission.LOOKUP
    help_keys = (
        ("Enter (search)", "Find customers by name, phone, email or reference"),
        ("Up/Down", "Pick one of the customers found"),
        ("Enter (claims)", "Open the selected claim"),
        ("Ctrl+F", "Back to the search box"),
        ("Ctrl+Shift+P", "Print the certificate of the purchase selected"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.search = QLineEdit()
        self.search.setObjectName("customerSearch")
        self.search.setPlaceholderText("Name, phone, email or customer reference, then Enter")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.status = QLabel("")
        self.status.setObjectName("subtle")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.results = QListWidget()
        self.results.setObjectName("customerResults")
        self.results.setMaximumWidth(320)
        row.addWidget(self.results)
        row.addLayout(self._profile_column(), 1)
        layout.addLayout(row, 1)
        self.profile: CustomerProfile | None = None
        self.print_desk = PrintDesk(ctx, self)
        self._connect_signals()

    def _profile_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.name = QLabel("Search for a customer, or open one from the counter (Ctrl+U).")
        self.name.setObjectName("heading")
        self.facts = QLabel("")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.name)
        column.addWidget(self.facts)
        flags = QHBoxLayout()
        flags.addWidget(QLabel("Segment:"))
        self.segment = QComboBox()
        self.segment.addItems([s.value for s in Segment])
        flags.addWidget(self.segment)
        self.retention = QCheckBox("Retention follow-up")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why (kept with the change)")
        self.save_retention = QPushButton("Save follow-up")
        flags.addWidget(self.retention)
        flags.addWidget(self.reason, 1)
        flags.addWidget(self.save_retention)
        column.addLayout(flags)
        self.tabs = QTabWidget()
        self.purchases = _table(("Cover", "Product", "Serial", "Warranty", "Sold", "Until",
                                 "Open claim"))
        self.claims = _table(("Claim", "Opened", "Product", "Serial", "State", "Outcome",
                              "Fault"))
        self.messages = _table(("Date", "Subject", "Claim", "State", "Direction"))
        for table, label in ((self.purchases, "Purchases"), (self.claims, "Claims"),
                             (self.messages, "Messages")):
            self.tabs.addTab(table, label)
        column.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.certificate_button = QPushButton("Print certificate of the selected purchase…  "
                                              "(Ctrl+Shift+P)")
        self.certificate_button.setEnabled(False)
        row.addWidget(self.certificate_button)
        row.addStretch(1)
        column.addLayout(row)
        self._set_editable(False)
        return column

    def _connect_signals(self) -> None:
        # Searching and picking.
        self.search.returnPressed.connect(self._on_search_return)
        self.results.currentRowChanged.connect(self._on_results_row_changed)
        # Changes to the customer.
        self.segment.activated.connect(self._on_segment_activated)
        self.save_retention.clicked.connect(self._on_save_retention_clicked)
        # Claims open in their own screen, by Enter or a double click.
        self.claims.doubleClicked.connect(lambda index: self.open_claim(index.row()))
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.claims,
                          lambda: self.open_claim(self.claims.currentRow()))
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence("Ctrl+F"), self, lambda: self.search.setFocus())
        # A purchase's certificate, for a customer who lost their slip.
        self.certificate_button.clicked.connect(self.print_certificate)
        QShortcut(QKeySequence("Ctrl+Shift+P"), self, self.print_certificate)

    def _set_editable(self, loaded: bool) -> None:
        allowed = loaded and self.ctx.may(customer_view.CUSTOMER_PERMISSION)
        for widget in (self.segment, self.retention, self.reason, self.save_retention):
            widget.setEnabled(allowed)
            widget.setToolTip("" if allowed or not loaded
                              else "Your role may not change this customer.")

    # --- Opening ---------------------------------------------------------------------------

    def activated(self) -> None:
        self._set_editable(self.profile is not None)
        if self.profile is None:
            self.search.setFocus()

    def open(self, payload: object) -> None:
        """Show the customer of a verdict (from the counter) or of a customer reference."""
        if isinstance(payload, WarrantyVerdict):
            if payload.customer_reference is None:
                self.status.setText(f"The sale of {payload.product_name} on invoice "
                                    f"{payload.invoice_number} has no customer recorded "
                                    "(anonymous sale). Search by name or phone instead.")
                self.search.setFocus()
                return
            self.load(payload.customer_reference)
        elif isinstance(payload, str) and payload.strip():
            self.load(payload.strip())

    def load(self, reference: str) -> None:
        """Fetch the customer's profile off the GUI thread."""
        actor, db, today = self.ctx.require_actor(), self.ctx.db, self.ctx.today()
        self.ctx.run(lambda: customer_view.customer_profile(db, actor, reference, today=today),
                     self.show_profile)

    def _on_search_return(self) -> None:
        actor, db, text = self.ctx.require_actor(), self.ctx.db, self.search.text()
        self.ctx.run(lambda: customer_view.find_customers(db, actor, text), self._show_found)

    def _show_found(self, found: tuple[CustomerBrief, ...]) -> None:
        self.results.blockSignals(True)
        self.results.clear()
        for c in found:
            item = QListWidgetItem(f"{c.name}\n{c.phone or c.email or 'no contact'}  ·  "
                                   f"{c.segment}")
            item.setData(Qt.ItemDataRole.UserRole, c.reference)
            self.results.addItem(item)
        self.results.blockSignals(False)
        if not found:
            self.status.setText(f"No customer matches {self.search.text().strip()!r}. Try the "
                                "phone number, or fewer letters of the name.")
            return
        self.status.setText(f"{len(found)} customer{'s' if len(found) != 1 else ''} found.")
        self.results.setCurrentRow(0)

    def _on_results_row_changed(self, row: int) -> None:
        item = self.results.item(row)
        if item is not None:
            self.load(str(item.data(Qt.ItemDataRole.UserRole)))

    # --- Showing ---------------------------------------------------------------------------

    def _when(self, at: datetime) -> str:
        try:
            zone = ZoneInfo(self.ctx.shop.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    def show_profile(self, p: CustomerProfile) -> None:
        self.profile = p
        self.name.setText(p.name)
        self.facts.setText("  ·  ".join(x for x in (
            p.phone, p.email, p.reference,
            "flagged for a retention call" if p.retention_follow_up else "") if x))
        self.segment.setCurrentText(p.segment)
        self.retention.setChecked(p.retention_follow_up)
        self.reason.clear()
        self._set_editable(True)
        _fill(self.purchases, [(f"{SYMBOLS.get(v.verdict, '')}  {v.headline}", v.product_name,
                                v.serial or "", v.warranty_code, v.sold_on, v.end_on,
                                v.open_claim or "") for v in p.purchases])
        _fill(self.claims, [(c.number, c.opened_on, c.product_name, c.serial, _words(c.state),
                             _words(c.outcome), c.fault) for c in p.claims])
        _fill(self.messages, [(self._when(m.created_at), m.subject, m.claim_number,
                               m.state, m.direction) for m in p.messages])
        more = (f" (newest {len(p.purchases)} shown)" if p.purchase_count > len(p.purchases)
                else "")
        self.tabs.setTabText(0, f"Purchases ({p.purchase_count}){more}")
        self.tabs.setTabText(1, f"Claims ({len(p.claims)})")
        self.tabs.setTabText(2, f"Messages ({len(p.messages)})")
        self.certificate_button.setEnabled(bool(p.purchases))
        if p.purchases:
            self.purchases.selectRow(0)
        self.status.setText(f"Segment {p.segment}; {p.purchase_count} unit(s) bought, "
                            f"{len(p.claims)} claim(s).")

    def print_certificate(self) -> None:
        """The warranty certificate of the purchase selected in the Purchases tab."""
        row = self.purchases.currentRow()
        if self.profile is None or not 0 <= row < len(self.profile.purchases):
            self.ctx.notice.emit("Select a purchase in the Purchases tab first.", "warning")
            return
        self.print_desk.print_certificate(self.profile.purchases[row].warranty_code)

    def open_claim(self, row: int) -> None:
        """Open the claim on that row in the claim screen."""
        if self.profile is not None and 0 <= row < len(self.profile.claims):
            self.ctx.navigate.emit("ClaimDetailScreen", self.profile.claims[row].number)

    # --- Changing --------------------------------------------------------------------------

    def _on_segment_activated(self, index: int) -> None:
        if self.profile is None:
            return
        actor, db, ref = self.ctx.require_actor(), self.ctx.db, self.profile.reference
        segment = self.segment.itemText(index)
        if segment == self.profile.segment:
            return

        def done(brief: CustomerBrief) -> None:
            self.ctx.notice.emit(f"{brief.name} is now in the {brief.segment} segment.",
                                 "success")
            self.ctx.data_changed.emit("customer")
            self.load(brief.reference)

        def failed(exc: BaseException) -> None:
            self.ctx.report(exc)
            self.segment.setCurrentText(self.profile.segment if self.profile else "")

        self.ctx.run(lambda: customer_view.set_segment(db, actor, ref, segment), done, failed)

    def _on_save_retention_clicked(self) -> None:
        if self.profile is None:
            return
        actor, db, ref = self.ctx.require_actor(), self.ctx.db, self.profile.reference
        flag, reason = self.retention.isChecked(), self.reason.text()

        def done(brief: CustomerBrief) -> None:
            state = "flagged for" if brief.retention_follow_up else "cleared of"
            self.ctx.notice.emit(f"{brief.name} is {state} a retention follow-up.", "success")
            self.ctx.data_changed.emit("customer")
            self.load(brief.reference)

        self.ctx.run(lambda: customer_view.set_retention_follow_up(db, actor, ref, flag, reason),
                     done)
