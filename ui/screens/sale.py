"""Sale activation: open an imported invoice or enter a sale by hand, scan serials, offer cover."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from ui.context import AppContext, explain
from ui.keys import IN_WIDGET_AND_CHILDREN, bind_key
from ui.money import amount_decimals, currency_symbol, from_box
from ui.printing.desk import PrintDesk
from ui.screens.base import Screen
from ui.screens.sale_parts.capture_page import CapturePage
from ui.screens.sale_parts.done_panel import CodeRow, SaleDonePanel
from ui.screens.sale_parts.finishing import SaleRecorder
from ui.screens.sale_parts.line_box import LineBox
from ui.screens.sale_parts.line_list import LineList
from ui.screens.sale_parts.manual_page import MAX_QUANTITY, ManualLine, ManualSalePage
from ui.screens.sale_parts.offer_box import ACCEPT_KEY, DECLINE_KEY, OfferBox
from ui.widgets.labels import Label
from ui.widgets.layout import scroll_area
from ui.widgets.message_line import MessageLine
from warranty_desk.errors import NotFound
from warranty_desk.permissions import Permission
from warranty_desk.services import registration
from warranty_desk.services.registration import PlanChoice, ProductChoice, SaleCapture
from warranty_desk.services.sale_plan import PlanCharge


class SaleScreen(Screen):
    """Activate warranties: every unit's serial, the extension offer, then the codes."""

    title = "Sale activation"
    shortcut = "F3"
    permission = Permission.ACTIVATE_SALE
    help_keys = (
        ("Scan", "An invoice number opens the sale; a serial fills the next empty field, or "
                 "with every field full adds a unit to the last line"),
        ("Enter", "Open the invoice typed in the top field (one never imported: enter it by "
                  "hand); in a form, on to the next field"),
        ("Up/Down", "In the product search: pick another product"),
        ("2*name, Enter", "In the product search: add two of the product at once"),
        ("Y / N", "Answer the extension offer: accept or decline"),
        ("Ctrl+Return", "Finish: record the sale or the serials"),
        ("Ctrl+Shift+N", "Enter a sale by hand"),
        (ACCEPT_KEY, "Accept the extension offered (on the line you are on, else the first "
                     "one not answered yet)"),
        (DECLINE_KEY, "Decline the extension offered (the same line)"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        top = QHBoxLayout()
        self.invoice = QLineEdit()
        self.invoice.setObjectName("scanField")
        # Short enough to read whole beside the buttons at 1024×768; the tooltip says more.
        self.invoice.setPlaceholderText("Scan an invoice number")
        self.invoice.setToolTip("Scan or type the invoice number of a sale imported from the "
                                "till, then Enter")
        top.addWidget(self.invoice, 1)
        self.open_button = QPushButton("Open invoice  (Enter)")
        top.addWidget(self.open_button)
        self.manual_button = QPushButton("Enter a sale by hand")
        top.addWidget(self.manual_button)
        layout.addLayout(top)
        self.message = MessageLine(ctx.notice.emit)
        layout.addWidget(self.message)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.start_page = Label("Scan the invoice of a sale imported from the till to capture "
                                 "its serials, or enter a sale by hand.")
        self.start_page.setWordWrap(True)
        self.start_page.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.manual, self.capture_view, self.done = ManualSalePage(), CapturePage(), SaleDonePanel()
        self.manual_page, self.capture_page, self.done_page = (
            scroll_area(self.manual), scroll_area(self.capture_view), scroll_area(self.done))
        for page in (self.start_page, self.manual_page, self.capture_page, self.done_page):
            self.stack.addWidget(page)
        bottom = QHBoxLayout()
        self.progress = Label("")
        self.progress.setObjectName("subtle")
        self.progress.setWordWrap(True)
        bottom.addWidget(self.progress, 1)
        self.finish_button = QPushButton("Finish  (Ctrl+Return)")
        self.finish_button.setObjectName("primary")
        self.finish_button.setAutoDefault(True)  # Enter on it finishes, as on a dialog's OK
        bottom.addWidget(self.finish_button)
        layout.addLayout(bottom)
        # The pages' parts, by the names the screen's flows (and its tests) use.
        m = self.manual
        self.receipt, self.customer_name, self.customer_phone = (
            m.receipt, m.customer_name, m.customer_phone)
        self.search, self.product_list, self.quantity, self.price, self.add_button = (
            m.search, m.product_list, m.quantity, m.price, m.add_button)
        self.capture_header = self.capture_view.header
        self.done_title, self.slip_note, self.next_button = (
            self.done.title, self.done.slip_note, self.done.next_button)

        self.plans: tuple[PlanChoice, ...] = ()
        self.result_codes: tuple[str, ...] = ()
        self.print_desk = PrintDesk(ctx, self)
        self.done.print_with(self.print_desk, self.ctx.notice.emit)
        self.recorder = SaleRecorder(ctx, self)
        self._connect_signals()
        self._show(self.start_page)

    def _connect_signals(self) -> None:
        # Opening a sale.
        self.invoice.returnPressed.connect(self._on_invoice_return)
        self.open_button.clicked.connect(self._on_invoice_return)
        self.manual_button.clicked.connect(self.new_manual_sale)
        # Keys only while focus is inside this screen: hidden screens must not catch each
        # other's keys.
        inside = IN_WIDGET_AND_CHILDREN
        bind_key(self, "Ctrl+Shift+N", self.new_manual_sale, where=inside)
        bind_key(self, ACCEPT_KEY, lambda: self.answer_offer("accept"), where=inside)
        bind_key(self, DECLINE_KEY, lambda: self.answer_offer("decline"), where=inside)
        # Hand entry, and the serial fields and offers of either page.
        self.add_button.clicked.connect(self.add_line)
        self.manual.add_requested.connect(self.add_line)
        self.manual.search_done.connect(self._on_manual_search_done)
        for lines in (self.manual.line_list, self.capture_view.line_list):
            lines.field_done.connect(self._focus_next_empty)
            lines.changed.connect(self._update_progress)
            lines.offer_answered.connect(self._on_offer_answered)
        # Finishing, and the certificates of the new warranties.
        self.finish_button.clicked.connect(self.finish)
        bind_key(self, "Ctrl+Return", self.finish, where=inside)
        self.next_button.clicked.connect(self.reset)
        self.recorder.saved.connect(self._on_recorder_saved)
        self.recorder.failed.connect(self._fail)

    # --- Screen hooks -----------------------------------------------------------------------

    def activated(self) -> None:
        db = self.ctx.db
        # The shop's currency may have changed: its sign, and its decimals (none for yen).
        self.price.setPrefix(currency_symbol())
        self.price.setDecimals(amount_decimals())

        def loaded(found: tuple[tuple[ProductChoice, ...], tuple[PlanChoice, ...]]) -> None:
            products, self.plans = found
            self.manual.set_products(products)

        self.ctx.run(lambda: (registration.catalogue_for_sale(db),
                              registration.extension_plans_for_sale(db)), loaded)
        if self.stack.currentWidget() in (self.start_page, self.done_page):
            self.invoice.setFocus()
            self.invoice.selectAll()

    def open(self, payload: object) -> None:
        if isinstance(payload, str) and payload.strip():
            self.open_invoice(payload)

    def handle_scan(self, text: str) -> bool:
        page = self.stack.currentWidget()
        if page in (self.manual_page, self.capture_page):
            field = self.next_empty_field()
            if field is not None:
                self.fill_serial(field, text)
                return True
            if page is self.manual_page:
                if self.manual.pick_scanned_product(text):
                    return True
                if self.receipt.hasFocus() or not (self.receipt.text().strip() or self.lines):
                    # The till receipt's barcode: its number, and on to the customer.
                    self.receipt.setText(text.strip())
                    self.customer_name.setFocus()
                    return True
                grown, problem = self.manual.grow_last_line(text)
                if grown is not None or problem:
                    self._say(problem or "", "warning" if problem else "info")
                    if grown is not None:
                        self._focus_next_empty()
                        self._bring_into_view(grown.offer)
                    return True
                if self.lines:
                    self._say("Every serial is in. Press Finish, or Next sale to start over.",
                              "warning")
                    return True
        self.open_invoice(text)
        return True

    # --- Messages and pages -----------------------------------------------------------------

    def _say(self, text: str, level: str = "info") -> None:
        self.message.say(text, level)

    def _fail(self, exc: BaseException) -> None:
        self._say(*explain(exc, self.ctx.home))

    def _show(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        self.finish_button.setVisible(page in (self.manual_page, self.capture_page))
        self._update_progress()

    @property
    def lines(self) -> list[ManualLine]:
        """The lines of the sale entered by hand."""
        return self.manual.lines

    @property
    def capture_boxes(self) -> list[tuple[registration.CaptureLine, LineBox]]:
        """The imported sale's lines, each with its editor."""
        return self.capture_view.boxes

    # --- Hand entry -------------------------------------------------------------------------

    def new_manual_sale(self) -> None:
        """A fresh hand-entered sale."""
        self.reset()
        self._show(self.manual_page)
        self.receipt.setFocus()

    def _on_manual_search_done(self) -> None:
        # Enter in the product search: on to the quantity, or with "2*" typed, add the line.
        quantity, words = self.manual.search_parts()
        if self.manual.take_listed_product() is None:
            self._say(f"No product matches {words.strip()!r}: search by name, SKU, brand or "
                      "category.", "warning")
            return
        if quantity is None:
            self.manual.focus_quantity()
        elif not 1 <= quantity <= MAX_QUANTITY:
            self._say(f"A sale at the counter takes 1 to {MAX_QUANTITY} of a product; more is a "
                      "bulk order for an import file.", "warning")
            self.manual.focus_quantity()
        else:
            self.quantity.setValue(quantity)
            self.add_line()

    def add_line(self) -> None:
        """Add the picked product with its quantity and price; one serial field per unit."""
        product = self.manual.selected_product()
        if product is None:
            self._say("Pick a product from the list first.", "warning")
            self.search.setFocus()
            return
        price, today = from_box(self.price.value()), self.ctx.today()
        offers = registration.offers_for(
            self.plans, category=product.category, unit_price_minor=price, sold_on=today,
            today=today) if self.ctx.may(Permission.SELL_EXTENSION) else ()
        box = self.manual.add_product(product, self.quantity.value(), price, offers)
        self._say("")
        if fields := box.editable_fields():
            self.manual.line_list.focus(fields[0])
        elif box.offer is not None:
            self.manual.line_list.focus(box.offer)
        else:
            self.search.setFocus()  # nothing to scan on this line: on to the next product
            self.search.selectAll()
        self._update_progress()
        if box.offer is not None:
            # The offer sits under the serials: scroll it into view with them, once laid out,
            # so it is seen and answered (Y / N, or Alt+A / Alt+D) before Finish. Tied to the
            # line, so nothing runs if the line is gone by then.
            offer, first = box.offer, fields[0] if fields else None
            QTimer.singleShot(0, box, lambda: self._bring_into_view(offer, first))

    def _bring_into_view(self, *widgets: QWidget | None) -> None:
        # The new line's place is known once the page's layouts have run (two levels deep).
        for _ in range(2):
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        for widget in widgets:
            if widget is not None:
                self.manual_page.ensureWidgetVisible(widget)

    # --- Serials ----------------------------------------------------------------------------

    def _line_list(self) -> LineList:
        if self.stack.currentWidget() is self.capture_page:
            return self.capture_view.line_list
        return self.manual.line_list

    def next_empty_field(self) -> QLineEdit | None:
        """The focused empty serial field, else the first empty one."""
        return self._line_list().next_empty_field()

    def _focus_next_empty(self) -> None:
        if not self._line_list().focus_next_empty():
            self.finish_button.setFocus()

    def _on_offer_answered(self, _offer: OfferBox) -> None:
        # On to the next question, or to Finish: the sale is recorded on a press of its own.
        self._update_progress()
        self._focus_next_empty()

    def fill_serial(self, field: QLineEdit, text: str) -> bool:
        """Put a scanned serial in a field, refusing product barcodes and repeats."""
        problem = self._line_list().fill(field, text)
        if problem is not None:
            if problem:
                self._say(problem, "warning")
            return False
        self._say("")
        self._focus_next_empty()
        return True

    def answer_offer(self, decision: str) -> None:
        """The customer's answer to the extension offer of the line being worked on (the one
        holding focus), else of the first line whose offer is not answered yet."""
        offers = [box.offer for box in self._line_list().boxes() if box.offer is not None]
        if not offers:
            self._say("No extension is offered on this sale.", "info")
            return
        focused = QApplication.focusWidget()
        here = [o for o, line in ((o, o.parentWidget()) for o in offers)
                if focused is not None and line is not None and line.isAncestorOf(focused)]
        (here or [o for o in offers if o.decision() is None] or offers)[0].answer(decision)

    def _update_progress(self) -> None:
        shown = self.stack.currentWidget() in (self.manual_page, self.capture_page)
        self.progress.setText(self._line_list().progress() if shown else "")

    # --- Imported sales ---------------------------------------------------------------------

    def _on_invoice_return(self) -> None:
        self.open_invoice(self.invoice.text())

    def open_invoice(self, number: str, keep: dict[str, str] | None = None) -> None:
        """Look the invoice up off the GUI thread and show its units."""
        actor = self.ctx.require_actor()
        db = self.ctx.db
        self.invoice.setText(number.strip())
        if keep is None:
            self._say("")
        by_hand = keep is None and self._nothing_entered()

        def failed(exc: BaseException) -> None:
            if by_hand and isinstance(exc, NotFound):
                self.start_by_hand(number.strip())
            else:
                self._fail(exc)

        self.ctx.run(lambda: registration.sale_for_capture(db, actor, number),
                     lambda capture: self.show_capture(capture, keep or {}), failed)

    def _nothing_entered(self) -> bool:
        """Whether the screen holds no sale in progress (a fresh hand entry counts as none)."""
        page = self.stack.currentWidget()
        if page is self.manual_page:
            return not self.lines and not any(
                f.text().strip() for f in (self.customer_name, self.customer_phone,
                                           self.manual.customer_email))
        return page in (self.start_page, self.done_page)

    def start_by_hand(self, number: str) -> None:
        """A sale the till never exported: hand entry with its invoice number filled in."""
        self.new_manual_sale()
        self.receipt.setText(number)
        self.search.setFocus()
        self._say(f"{number} is not among the imported sales, so it is entered here by hand: "
                  "search the product, Enter, its quantity, Enter, then scan the serials. The "
                  "customer's details are optional (above). Check the number if the sale "
                  "should have been imported.", "info")

    def show_capture(self, capture: SaleCapture, keep: dict[str, str] | None = None) -> None:
        """One box per line; the serials typed before a failed finish stay in their fields."""
        self.reset(clear_invoice=False)
        self.capture_view.show_capture(capture, keep or {},
                                       sells=self.ctx.may(Permission.SELL_EXTENSION))
        self._show(self.capture_page)
        self._focus_next_empty()

    # --- Finishing --------------------------------------------------------------------------

    def finish(self) -> None:
        """Record the hand-entered sale, or the imported sale's serials and extensions."""
        page = self.stack.currentWidget()
        if page is self.manual_page:
            self._finish_manual()
        elif page is self.capture_page:
            self._finish_capture()

    def _finish_manual(self) -> None:
        if not self.lines:
            self._say("Add at least one line: pick a product, its quantity and price.",
                      "warning")
            return
        empty = self.next_empty_field()
        if empty is not None:
            count = sum(1 for f in self.manual.line_list.fields() if not f.text().strip())
            self._say(f"Scan the serial of every unit: {count} still empty.", "warning")
            self.manual.line_list.focus(empty)
            return
        if self._offer_unanswered():
            return
        self.recorder.record_manual(list(self.lines), self.manual.sale_input(self.ctx.today()))

    def _finish_capture(self) -> None:
        capture = self.capture_view.capture
        if capture is not None and not self._offer_unanswered():
            self.recorder.save_capture(capture, *self.capture_view.answers())

    def _offer_unanswered(self) -> bool:
        """Say which line's extension offer still waits for the customer's answer, if any."""
        box = self._line_list().unanswered_offer()
        if box is None or box.offer is None:
            return False
        self._say(f"Offer the extended warranty on {box.title} to the customer, then press "
                  "Accept or Decline. The sale is finished once every offer is answered.",
                  "warning")
        self._line_list().focus(box.offer.accept_button)
        return True

    def _on_recorder_saved(self, title: str, rows: Sequence[CodeRow],
                           to_print: Sequence[str] | None,
                           charges: Sequence[PlanCharge]) -> None:
        self.reset(clear_invoice=False)
        self.done.show_result(title, rows, charges)
        self.result_codes = tuple(code for code, _, _ in rows)
        self._say("")
        self.ctx.notice.emit(title + ".", "success")
        self._show(self.done_page)
        self.next_button.setFocus()
        self.done.print_slips(self.result_codes if to_print is None else tuple(to_print))

    def clear_for_sign_out(self) -> None:
        self.reset()

    def reset(self, *, clear_invoice: bool = True) -> None:
        """Clear every line, field and result; back to the start."""
        self.manual.clear()
        self.capture_view.clear()
        self.done.clear()
        self.result_codes = ()
        if clear_invoice:
            self.invoice.clear()
            self._say("")
        self._show(self.start_page)
