"""The counter: one scan field that always has focus, and the verdict card it fills."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem

from ui.screens.base import Screen
from ui.widgets.verdict_card import VerdictCard
from warranty_desk.services.lookup import lookup
from warranty_desk.views import LookupResult, WarrantyVerdict

if TYPE_CHECKING:
    from ui.printing.desk import PrintDesk


class CounterScreen(Screen):
    """Home: scan or type, get the verdict, act on it by key."""

    title = "Counter"
    shortcut = "F2"
    help_keys = (
        ("Enter", "Look up what is in the scan field"),
        ("Esc", "Clear the scan field"),
        ("Up/Down + Enter", "Pick one of several matches"),
        ("Ctrl+N", "Start a claim on the unit shown"),
        ("Ctrl+E", "Sell an extension (when eligible)"),
        ("Ctrl+U", "Open the customer"),
        ("Ctrl+I", "Open the sale (invoice) of the unit shown"),
        ("Ctrl+P", "Print the warranty slip (a reprint says COPY)"),
        ("Ctrl+Shift+P", "Print the warranty certificate (A4 page)"),
    )

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        layout = self.page_layout()
        self.field = QLineEdit()
        self.field.setObjectName("scanField")
        self.field.setPlaceholderText(
            "Scan or type: serial, warranty code, claim or invoice number, phone or name")
        self.field.setClearButtonEnabled(True)
        layout.addWidget(self.field)
        self.status = QLabel("")
        self.status.setObjectName("subtle")
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.matches = QListWidget()
        self.matches.setObjectName("matches")
        self.matches.setMaximumWidth(360)
        self.matches.hide()
        row.addWidget(self.matches)
        self.card = VerdictCard()
        row.addWidget(self.card, 1)
        layout.addLayout(row, 1)
        self.actions = QLabel("")
        self.actions.setObjectName("subtle")
        self.actions.setWordWrap(True)
        layout.addWidget(self.actions)
        self.result: LookupResult | None = None
        self._print_desk: PrintDesk | None = None
        self.field.returnPressed.connect(self._on_field_return)
        self.matches.currentRowChanged.connect(self._on_matches_row_changed)
        self.matches.itemActivated.connect(lambda _i: self.field.setFocus())
        QShortcut(QKeySequence("Esc"), self, activated=self._clear)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: self._go("StartClaimScreen"))
        QShortcut(QKeySequence("Ctrl+E"), self, activated=lambda: self._go("ExtensionScreen"))
        QShortcut(QKeySequence("Ctrl+U"), self, activated=lambda: self._go("CustomerScreen"))
        QShortcut(QKeySequence("Ctrl+I"), self, activated=self._open_sale)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_slip)
        QShortcut(QKeySequence("Ctrl+Shift+P"), self, activated=self.print_certificate)

    @property
    def print_desk(self) -> PrintDesk:
        """The print desk, made on the first print."""
        # The counter is built before sign-in, and printing brings its renderers (a tenth of a
        # second to load), which a scan never needs.
        if self._print_desk is None:
            from ui.printing.desk import PrintDesk

            self._print_desk = PrintDesk(self.ctx, self)
        return self._print_desk

    def _go(self, screen: str) -> None:
        if self.card.verdict is None:
            self.ctx.notice.emit("Look a unit up first.", "warning")
            return
        self.ctx.navigate.emit(screen, self.card.verdict)

    def _open_sale(self) -> None:
        if self.card.verdict is None:
            self.ctx.notice.emit("Look a unit up first.", "warning")
            return
        self.ctx.navigate.emit("SaleScreen", self.card.verdict.invoice_number)

    def print_slip(self) -> None:
        """The warranty slip of the unit shown, on the receipt printer."""
        if self.card.verdict is None:
            self.ctx.notice.emit("Look a unit up first, then print its slip.", "warning")
            return
        self.print_desk.print_slip(self.card.verdict.warranty_code)

    def print_certificate(self) -> None:
        """The warranty certificate of the unit shown, as a page for the document printer."""
        if self.card.verdict is None:
            self.ctx.notice.emit("Look a unit up first, then print its certificate.",
                                 "warning")
            return
        self.print_desk.print_certificate(self.card.verdict.warranty_code)

    def activated(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def handle_scan(self, text: str) -> bool:
        self.field.setText(text)
        self.look_up(text)
        return True

    def _clear(self) -> None:
        self.field.clear()
        self.field.setFocus()

    def _on_field_return(self) -> None:
        self.look_up(self.field.text())

    def look_up(self, text: str) -> None:
        """Run the lookup off the GUI thread and show the result when it comes back."""
        actor = self.ctx.require_actor()
        today = self.ctx.today()
        self.status.setText("Looking up…")
        self.ctx.run(lambda: lookup(self.ctx.db, actor, text, today=today), self.show_result)

    def show_result(self, result: LookupResult) -> None:
        self.result = result
        self.status.setText(result.problem or "")
        self.field.selectAll()
        self.field.setFocus()
        self.matches.blockSignals(True)
        self.matches.clear()
        self.matches.blockSignals(False)
        if not result.matches:
            self.matches.hide()
            self.card.show_message(result.message)
            self.actions.setText("")
            return
        if len(result.matches) > 1:
            for v in result.matches:
                item = QListWidgetItem(f"{v.headline}  ·  {v.product_name}\n"
                                       f"{v.serial or v.warranty_code}  ·  sold {v.sold_on}")
                item.setData(Qt.ItemDataRole.UserRole, v.warranty_code)
                self.matches.addItem(item)
            self.matches.show()
            self.status.setText(result.message)
            self.matches.setCurrentRow(0)
        else:
            self.matches.hide()
            self._show(result.matches[0])

    def _on_matches_row_changed(self, row: int) -> None:
        if self.result is not None and 0 <= row < len(self.result.matches):
            self._show(self.result.matches[row])

    def _show(self, v: WarrantyVerdict) -> None:
        self.card.show_verdict(v)
        keys = ["Ctrl+N start claim", "Ctrl+U customer", "Ctrl+I sale", "Ctrl+P print slip",
                "Ctrl+Shift+P certificate"]
        if v.extension_offers:
            keys.insert(1, "Ctrl+E sell extension")
        self.actions.setText("Actions:  " + "   ·   ".join(keys))

    def clear_for_sign_out(self) -> None:
        self.field.clear()
        self.status.setText("")
        self.matches.clear()
        self.matches.hide()
        self.card.clear()
        self.actions.setText("")
        self.result = None
