"""The counter: one scan field that always has focus, and the verdict card it fills."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout

from ui.context import AppContext
from ui.keys import bind_key
from ui.screens.base import Screen
from ui.screens.counter_parts.actions import ACTIONS, ActionBar, action_named
from ui.screens.counter_parts.matches import (
    CARD_STRETCH,
    LIST_MAX_WIDTH,
    LIST_STRETCH,
    SIDE_BY_SIDE_WIDTH,
    STACKED_LIST_HEIGHT,
    Match,
    MatchList,
    claim_state_words,
)
from ui.screens.start_claim_parts.unknown_sale import UnknownSale
from ui.widgets.labels import Label
from ui.widgets.layout import scroll_area
from ui.widgets.reason_dialog import ReasonDialog
from ui.widgets.record_delivery import DeliveryDialog, ask_delivery
from ui.widgets.scan_field import ScanField
from ui.widgets.verdict_card import VerdictCard
from ui.widgets.void_warranty import ask_to_void
from warranty_desk.permissions import Permission
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services.lookup import lookup
from warranty_desk.views import ClaimMatch, LookupResult, WarrantyVerdict

if TYPE_CHECKING:
    from ui.printing.desk import PrintDesk

# Qt's "no limit" for a widget's maximum size.
QWIDGETSIZE_MAX = (1 << 24) - 1
# The screen each action opens, and what it is handed (the rest print from here).
_OPENS = {"start_claim": "StartClaimScreen", "extension": "ExtensionScreen",
          "customer": "CustomerScreen"}


def scanned_serial(text: str) -> str:
    """The serial a scan that found nothing names, for an unknown sale's claim; "" when it
    was a phone number, a name, a code or a product barcode rather than a serial."""
    scan = classify(text)
    if scan.kind is ScanKind.GS1:
        return scan.serial or ""
    return scan.lookup_value(ScanKind.SERIAL) if ScanKind.SERIAL in scan.candidates else ""


class CounterScreen(Screen):
    """Home: scan or type, get the verdict, act on it by key."""

    title = "Counter"
    shortcut = "F2"
    help_keys = (
        ("Enter", "Look up what is in the scan field; again, open the match picked"),
        ("Esc", "Clear the scan field"),
        ("Up/Down", "Pick one of several matches (Enter opens a claim)"),
        *((a.key, a.help) for a in ACTIONS),
    )
    key_permissions: ClassVar[dict[str, Permission]] = {a.key: a.permission for a in ACTIONS}

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.field = ScanField()
        self.field.setObjectName("scanField")
        self.field.setPlaceholderText(
            "Scan or type: serial, warranty code, claim or invoice number, phone or name")
        self.field.setClearButtonEnabled(True)
        layout.addWidget(self.field)
        self.status = Label("")
        self.status.setObjectName("subtle")
        layout.addWidget(self.status)
        self._row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.matches = MatchList()
        self.matches.hide()
        self._row.addWidget(self.matches, LIST_STRETCH)
        self.card = VerdictCard()
        # Beside the matches the card is narrower and its facts wrap: it scrolls down rather
        # than clip, and never sideways (see resizeEvent).
        self.card_area = scroll_area(self.card)
        self.card_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._row.addWidget(self.card_area, CARD_STRETCH)
        layout.addLayout(self._row, 1)
        self.action_bar = ActionBar()
        layout.addWidget(self.action_bar)
        self.result: LookupResult | None = None
        # Set while the card says NOT FOUND: Ctrl+N starts a claim for an unknown sale.
        self.unknown_sale: UnknownSale | None = None
        self._looked_up = ""  # the field's text when its result came back
        self._print_desk: PrintDesk | None = None
        self.void_dialog: ReasonDialog | None = None
        self.delivery_dialog: DeliveryDialog | None = None
        self.field.returnPressed.connect(self._on_field_return)
        self.field.stepped.connect(self.matches.step)
        self.matches.currentRowChanged.connect(self._on_matches_row_changed)
        self.matches.itemActivated.connect(lambda _item: self.open_match())
        self.action_bar.triggered.connect(self.act)
        keys = ["Esc", *(a.key for a in ACTIONS)]
        bind_key(self, "Esc", self._clear)
        for action in ACTIONS:
            bind_key(self, action.key, partial(self.act, action.name))
        self.field.let_through(keys)

    @property
    def print_desk(self) -> PrintDesk:
        """The print desk, made on the first print."""
        # The counter is built before sign-in, and printing brings its renderers (a tenth of a
        # second to load), which a scan never needs.
        if self._print_desk is None:
            from ui.printing.desk import PrintDesk

            self._print_desk = PrintDesk(self.ctx, self)
        return self._print_desk

    # --- Acting on the unit shown -----------------------------------------------------------

    def act(self, name: str) -> None:
        """Take one of the counter's actions on the unit shown, if it applies and is allowed."""
        action, verdict = action_named(name), self.card.verdict
        if verdict is None and name == "start_claim" and self.unknown_sale is not None:
            self._start_unknown_sale(self.unknown_sale)
            return
        if verdict is None:
            self.ctx.notice.emit("Look a unit up first.", "warning")
            return
        if not self.ctx.may(action.permission):
            self.ctx.notice.emit(f"{action.label.rstrip('…')} is not available to your role.",
                                 "warning")
            return
        if not action.applies(verdict):
            self.ctx.notice.emit(action.refusal(verdict), "warning")
            return
        if name == "open_claim":
            self.ctx.navigate.emit("ClaimDetailScreen", verdict.open_claim)
        elif name == "sale":
            self.ctx.navigate.emit("SaleScreen", verdict.invoice_number)
        elif name == "slip":
            self.print_desk.print_slip(verdict.warranty_code)
        elif name == "certificate":
            self.print_desk.print_certificate(verdict.warranty_code)
        elif name == "delivered":
            # Once recorded, the unit is looked up again: the card shows the cover's new dates.
            self.delivery_dialog = ask_delivery(self.ctx, self, verdict, self.handle_scan)
        elif name == "void":
            # Once voided, the unit is looked up again: the card shows it void, with the reason.
            self.void_dialog = ask_to_void(self.ctx, self, verdict.warranty_code,
                                           verdict.product_name, self.handle_scan)
        else:
            self.ctx.navigate.emit(_OPENS[name], verdict)

    def _start_unknown_sale(self, sale: UnknownSale) -> None:
        # Bought elsewhere, or sold before the shop's records began: the claim starts from the
        # customer's proof of purchase, with the serial just scanned.
        if not self.ctx.may(Permission.START_CLAIM):
            self.ctx.notice.emit("Start claim is not available to your role.", "warning")
            return
        self.ctx.navigate.emit("StartClaimScreen", sale)

    def print_slip(self) -> None:
        """The warranty slip of the unit shown, on the receipt printer."""
        self.act("slip")

    def print_certificate(self) -> None:
        """The warranty certificate of the unit shown, as a page for the document printer."""
        self.act("certificate")

    # --- Scanning and looking up ------------------------------------------------------------

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
        # Enter on the text already looked up opens the match picked with Up/Down.
        if self.matches.isVisible() and self.field.text() == self._looked_up:
            self.open_match()
            return
        self.look_up(self.field.text())

    def look_up(self, text: str) -> None:
        """Run the lookup off the GUI thread and show the result when it comes back."""
        actor = self.ctx.require_actor()
        self.status.setText("Looking up…")
        self.ctx.run(lambda: lookup(self.ctx.db, actor, text), self.show_result)

    def show_result(self, result: LookupResult) -> None:
        self.result = result
        self._looked_up = self.field.text()
        self.status.setText(result.problem or "")
        self.field.selectAll()
        self.field.setFocus()
        entries: list[Match] = [*result.matches, *result.claims]
        # A claim ticket opens its claim; so does the end of a number that names one claim.
        if result.claims and (result.scan_kind == "claim_number"
                              or (len(result.claims) == 1 and not result.matches)):
            entries = [result.claims[0]]
        self.matches.fill(entries)
        self.unknown_sale = None
        if not entries:
            self.matches.hide()
            if result.product is not None:
                self.card.show_product(result.product)
            else:
                self.card.show_message(result.message)
                if result.scan_kind != ScanKind.EMPTY:
                    self.unknown_sale = UnknownSale(scanned_serial(result.query))
            self.action_bar.show_for(None, self.ctx.may,
                                     unknown_sale=self.unknown_sale is not None)
            return
        if len(entries) == 1:
            self.matches.hide()
            self._show(entries[0])
            if isinstance(entries[0], ClaimMatch):
                self.open_match(entries[0])
            return
        self.matches.show()
        self.status.setText(result.message if result.matches else
                            f"{len(entries)} claims match. Up/Down to pick, Enter opens.")
        self.matches.setCurrentRow(0)

    def _on_matches_row_changed(self, _row: int) -> None:
        entry = self.matches.current_entry()
        if entry is not None:
            self._show(entry)

    def _show(self, entry: Match) -> None:
        if isinstance(entry, ClaimMatch):
            self.card.show_claim(entry, claim_state_words(entry.state), "Enter opens the claim.")
            self.action_bar.show_for(None, self.ctx.may)
        else:
            self.card.show_verdict(entry)
            self.action_bar.show_for(entry, self.ctx.may)
        bar = self.card_area.verticalScrollBar().sizeHint().width()
        self.card_area.setMinimumWidth(self.card.minimumSizeHint().width() + bar)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Too narrow for a readable list beside the card (1024 px): the list goes above it.
        super().resizeEvent(event)
        side_by_side = event.size().width() >= SIDE_BY_SIDE_WIDTH
        self._row.setDirection(QBoxLayout.Direction.LeftToRight if side_by_side
                               else QBoxLayout.Direction.TopToBottom)
        self.matches.setMaximumHeight(QWIDGETSIZE_MAX if side_by_side else STACKED_LIST_HEIGHT)
        self.matches.setMaximumWidth(LIST_MAX_WIDTH if side_by_side else QWIDGETSIZE_MAX)

    def open_match(self, entry: Match | None = None) -> None:
        """Open the claim picked; a unit picked becomes the one shown, the list put away."""
        entry = entry or self.matches.current_entry()
        if isinstance(entry, ClaimMatch):
            self.ctx.navigate.emit("ClaimDetailScreen", entry.number)
        elif isinstance(entry, WarrantyVerdict):
            self.matches.hide()
            self._show(entry)
        self.field.setFocus()

    def clear_for_sign_out(self) -> None:
        self.field.clear()
        self.status.setText("")
        self.matches.fill([])
        self.matches.hide()
        self.card.clear()
        self.action_bar.show_for(None, self.ctx.may)
        self.result = None
        self.unknown_sale = None
        self._looked_up = ""
        self.void_dialog = None  # the window closes it
