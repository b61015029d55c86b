"""Sale activation: open an imported invoice or enter a sale by hand, scan serials, offer cover."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from printing.jobs import PrintOutcome
from ui.context import AppContext, explain
from ui.printing.desk import QUEUE_KEY, PrintDesk, outcome_notice
from ui.screens.base import Screen
from ui.widgets.layout import scroll_area
from ui.widgets.styling import show_level
from ui.widgets.verdict_card import money
from warranty_desk import normalize
from warranty_desk.models import Segment
from warranty_desk.permissions import Actor, Permission
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services import activation, registration
from warranty_desk.services.activation import LineInput, SaleInput, SaleResult
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.registration import (
    CaptureLine,
    PlanChoice,
    ProductChoice,
    SaleCapture,
)
from warranty_desk.storage.database import Database
from warranty_desk.views import ExtensionOfferView

# A counter sale of more units than this is a bulk order and belongs in an import file.
MAX_QUANTITY = 50


@dataclass(frozen=True, slots=True)
class UnitSlot:
    """One unit's row in a line: what it is called, its serial if known, whether it needs one."""

    label: str
    serial: str | None
    needs_serial: bool
    recorded: bool = False


class OfferBox(QFrame):
    """The extension offer for one line: pick a plan, then Accept or Decline."""

    def __init__(self, offers: Sequence[ExtensionOfferView]) -> None:
        super().__init__()
        self.setObjectName("offer")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(QLabel("Extended warranty: offer it to the customer"))
        self.offers = tuple(offers)
        self.plans = QButtonGroup(self)
        self.radios: list[QRadioButton] = []
        for n, o in enumerate(self.offers):
            radio = QRadioButton(f"{o.plan}: {o.months} more months for "
                                 f"{money(o.price_minor)}   ({o.reason})")
            radio.setChecked(n == 0)
            self.plans.addButton(radio, n)
            self.radios.append(radio)
            layout.addWidget(radio)
        row = QHBoxLayout()
        self.accept_button = QPushButton("Accept")
        self.decline_button = QPushButton("Decline")
        answers = QButtonGroup(self)
        for button in (self.accept_button, self.decline_button):
            button.setCheckable(True)
            answers.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

    def decision(self) -> str | None:
        """'accept', 'decline', or None while the customer has not answered."""
        if self.accept_button.isChecked():
            return "accept"
        if self.decline_button.isChecked():
            return "decline"
        return None

    def plan(self) -> str:
        """The plan picked (the first one unless staff chose another)."""
        return self.offers[max(0, self.plans.checkedId())].plan

    def choose(self, plan: str) -> None:
        """Pick a plan by name."""
        for radio, offer in zip(self.radios, self.offers, strict=True):
            radio.setChecked(offer.plan == plan)

    def offered(self) -> tuple[str, ...]:
        """Every plan shown; a decline is recorded for each."""
        return tuple(o.plan for o in self.offers)


class LineBox(QFrame):
    """One sale line: product, a serial field per unit, and the extension offer if eligible."""

    remove_requested = Signal(object)

    def __init__(self, title: str, detail: str, units: Sequence[UnitSlot],
                 offers: Sequence[ExtensionOfferView], *, removable: bool) -> None:
        super().__init__()
        self.setObjectName("card")
        # Labels would otherwise paint the page colour over the white card.
        self.setStyleSheet("QLabel, QRadioButton { background: transparent; }")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        name = QLabel(title)
        name.setStyleSheet("font-weight: 600;")
        top.addWidget(name)
        info = QLabel(detail)
        info.setObjectName("subtle")
        top.addWidget(info)
        top.addStretch(1)
        if removable:
            remove = QPushButton("Remove line")
            remove.clicked.connect(lambda: self.remove_requested.emit(self))
            top.addWidget(remove)
        layout.addLayout(top)
        grid = QGridLayout()
        self.slots: list[tuple[UnitSlot, QLineEdit | None]] = []
        for n, unit in enumerate(units):
            grid.addWidget(QLabel(unit.label), n, 0)
            field: QLineEdit | None = None
            if unit.serial is not None or unit.needs_serial:
                field = QLineEdit(unit.serial or "")
                field.setObjectName("serialField")
                field.setReadOnly(unit.recorded)
                field.setPlaceholderText(f"Scan the serial of {unit.label.lower()}"
                                         if unit.label.startswith("Unit") else "Scan the serial")
                grid.addWidget(field, n, 1)
            else:
                note = QLabel("no serial needed")
                note.setObjectName("subtle")
                grid.addWidget(note, n, 1)
            self.slots.append((unit, field))
        layout.addLayout(grid)
        self.offer = OfferBox(offers) if offers else None
        if self.offer is not None:
            layout.addWidget(self.offer)

    def editable_fields(self) -> list[QLineEdit]:
        """Serial fields staff still fill in (recorded serials are read-only)."""
        return [f for _, f in self.slots if f is not None and not f.isReadOnly()]

    def new_serials(self) -> list[tuple[str, str]]:
        """(unit label, serial) for every field filled in on this screen."""
        return [(u.label, normalize.serial(f.text())) for u, f in self.slots
                if f is not None and not f.isReadOnly() and f.text().strip()]


@dataclass(frozen=True, slots=True)
class _ManualLine:
    product: ProductChoice
    quantity: int
    price_minor: int
    box: LineBox


def _shortcut(parent: QWidget, keys: str, slot: Callable[[], None]) -> None:
    # Only while focus is inside this screen: hidden screens must not catch each other's keys.
    shortcut = QShortcut(QKeySequence(keys), parent)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)


class SaleScreen(Screen):
    """Activate warranties: every unit's serial, the extension offer, then the codes."""

    title = "Sale activation"
    shortcut = "F3"
    permission = Permission.ACTIVATE_SALE
    help_keys = (
        ("Scan", "An invoice number opens the sale; a serial fills the next empty field"),
        ("Enter", "Open the invoice typed in the top field"),
        ("Ctrl+Return", "Finish: record the sale or the serials"),
        ("Ctrl+Shift+N", "Enter a sale by hand"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        top = QHBoxLayout()
        self.invoice = QLineEdit()
        self.invoice.setObjectName("scanField")
        self.invoice.setPlaceholderText("Scan or type the invoice number of an imported sale")
        top.addWidget(self.invoice, 1)
        self.open_button = QPushButton("Open invoice  (Enter)")
        top.addWidget(self.open_button)
        self.manual_button = QPushButton("Enter a sale by hand")
        top.addWidget(self.manual_button)
        layout.addLayout(top)
        self.message = QLabel("")
        self.message.setObjectName("notice")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.start_page = QLabel("Scan the invoice of a sale imported from the till to capture "
                                 "its serials, or enter a sale by hand.")
        self.start_page.setWordWrap(True)
        self.start_page.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.stack.addWidget(self.start_page)
        self._build_manual_page()
        self._build_capture_page()
        self._build_done_page()
        bottom = QHBoxLayout()
        self.progress = QLabel("")
        self.progress.setObjectName("subtle")
        bottom.addWidget(self.progress, 1)
        self.finish_button = QPushButton("Finish  (Ctrl+Return)")
        self.finish_button.setObjectName("primary")
        bottom.addWidget(self.finish_button)
        layout.addLayout(bottom)

        self.products: tuple[ProductChoice, ...] = ()
        self.plans: tuple[PlanChoice, ...] = ()
        self.lines: list[_ManualLine] = []
        self.capture: SaleCapture | None = None
        self.capture_boxes: list[tuple[CaptureLine, LineBox]] = []
        self.result_codes: tuple[str, ...] = ()
        self.print_desk = PrintDesk(ctx, self)
        self._connect_signals()
        self._show(self.start_page)

    # --- Building ---------------------------------------------------------------------------

    def _build_manual_page(self) -> None:
        inner = QWidget()
        column = QVBoxLayout(inner)
        form = QFormLayout()
        self.receipt = QLineEdit()
        self.receipt.setPlaceholderText("The invoice number printed on the till receipt")
        form.addRow("Invoice number", self.receipt)
        self.customer_name = QLineEdit()
        self.customer_name.setPlaceholderText("Leave empty for an anonymous sale")
        form.addRow("Customer", self.customer_name)
        self.customer_phone = QLineEdit()
        form.addRow("Phone", self.customer_phone)
        self.customer_email = QLineEdit()
        form.addRow("Email", self.customer_email)
        self.segment = QComboBox()
        for segment in Segment:
            self.segment.addItem(segment.value.capitalize(), segment.value)
        form.addRow("Segment", self.segment)
        column.addLayout(form)
        picker = QHBoxLayout()
        left = QVBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search products by name, SKU, brand or category")
        self.search.setClearButtonEnabled(True)
        left.addWidget(self.search)
        self.product_list = QListWidget()
        self.product_list.setObjectName("products")
        self.product_list.setMinimumHeight(120)
        self.product_list.setMaximumHeight(200)
        left.addWidget(self.product_list)
        picker.addLayout(left, 2)
        side = QFormLayout()
        self.quantity = QSpinBox()
        self.quantity.setRange(1, MAX_QUANTITY)
        side.addRow("Quantity", self.quantity)
        self.price = QDoubleSpinBox()
        self.price.setRange(0, 1_000_000)
        self.price.setDecimals(2)
        side.addRow("Unit price", self.price)
        self.add_button = QPushButton("Add line")
        side.addRow(self.add_button)
        picker.addLayout(side, 1)
        column.addLayout(picker)
        self.lines_area = QVBoxLayout()
        column.addLayout(self.lines_area)
        column.addStretch(1)
        self.manual_page = scroll_area(inner)
        self.stack.addWidget(self.manual_page)

    def _build_capture_page(self) -> None:
        inner = QWidget()
        column = QVBoxLayout(inner)
        self.capture_header = QLabel("")
        self.capture_header.setWordWrap(True)
        column.addWidget(self.capture_header)
        self.capture_area = QVBoxLayout()
        column.addLayout(self.capture_area)
        column.addStretch(1)
        self.capture_page = scroll_area(inner)
        self.stack.addWidget(self.capture_page)

    def _build_done_page(self) -> None:
        inner = QWidget()
        column = QVBoxLayout(inner)
        self.done_title = QLabel("")
        self.done_title.setObjectName("heading")
        column.addWidget(self.done_title)
        self.codes_area = QVBoxLayout()
        column.addLayout(self.codes_area)
        self.slip_note = QLabel("")
        self.slip_note.setObjectName("notice")
        self.slip_note.setWordWrap(True)
        column.addWidget(self.slip_note)
        self.next_button = QPushButton("Next sale")
        column.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        self.done_page = scroll_area(inner)
        self.stack.addWidget(self.done_page)

    def _connect_signals(self) -> None:
        # Opening a sale.
        self.invoice.returnPressed.connect(self._on_invoice_return)
        self.open_button.clicked.connect(self._on_invoice_return)
        self.manual_button.clicked.connect(self.new_manual_sale)
        _shortcut(self, "Ctrl+Shift+N", self.new_manual_sale)
        # Hand entry.
        self.search.textChanged.connect(self._fill_products)
        self.product_list.currentRowChanged.connect(self._on_product_list_row_changed)
        self.add_button.clicked.connect(self.add_line)
        # Finishing.
        self.finish_button.clicked.connect(self.finish)
        _shortcut(self, "Ctrl+Return", self.finish)
        self.next_button.clicked.connect(self.reset)

    # --- Screen hooks -----------------------------------------------------------------------

    def activated(self) -> None:
        self._load_catalogue()
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
                if self._pick_scanned_product(text):
                    return True
                if self.lines:
                    self._say("Every serial is in. Press Finish, or Next sale to start over.",
                              "warning")
                    return True
        self.open_invoice(text)
        return True

    # --- Messages ---------------------------------------------------------------------------

    def _say(self, text: str, level: str = "info") -> None:
        show_level(self.message, text, level)
        self.message.setVisible(bool(text))
        if text and level in ("warning", "error"):
            self.ctx.notice.emit(text, level)

    def _fail(self, exc: BaseException) -> None:
        text, level = explain(exc, self.ctx.home)
        self._say(text, level)

    def _show(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        self.finish_button.setVisible(page in (self.manual_page, self.capture_page))
        self._update_progress()

    # --- Catalogue --------------------------------------------------------------------------

    def _load_catalogue(self) -> None:
        db = self.ctx.db

        def loaded(found: tuple[tuple[ProductChoice, ...], tuple[PlanChoice, ...]]) -> None:
            self.products, self.plans = found
            self._fill_products()

        self.ctx.run(lambda: (registration.catalogue_for_sale(db),
                              registration.extension_plans_for_sale(db)), loaded)

    def _fill_products(self) -> None:
        words = self.search.text().casefold().split()
        current = self.selected_product()
        self.product_list.blockSignals(True)
        self.product_list.clear()
        for p in self.products:
            haystack = f"{p.name} {p.sku} {p.brand} {p.category}".casefold()
            if all(w in haystack for w in words):
                item = QListWidgetItem(f"{p.name}   ·   {p.sku}   ·   {money(p.list_price_minor)}"
                                       + ("" if p.serial_required else "   ·   no serial"))
                item.setData(Qt.ItemDataRole.UserRole, p.sku)
                self.product_list.addItem(item)
                if current is not None and p.sku == current.sku:
                    self.product_list.setCurrentItem(item)
        self.product_list.blockSignals(False)
        if self.product_list.currentRow() < 0 and self.product_list.count() == 1:
            self.product_list.setCurrentRow(0)

    def selected_product(self) -> ProductChoice | None:
        """The product picked in the list, if any."""
        item = self.product_list.currentItem()
        sku = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return next((p for p in self.products if p.sku == sku), None)

    def _on_product_list_row_changed(self, _row: int) -> None:
        product = self.selected_product()
        if product is not None:
            self.price.setValue(product.list_price_minor / 100)

    def pick_product(self, sku: str) -> None:
        """Select a product by SKU (search cleared so it is listed)."""
        self.search.clear()
        for row in range(self.product_list.count()):
            if self.product_list.item(row).data(Qt.ItemDataRole.UserRole) == sku:
                self.product_list.setCurrentRow(row)
                return

    def _pick_scanned_product(self, text: str) -> bool:
        scan = classify(text)
        if scan.kind is not ScanKind.GS1 or scan.gtin is None:
            return False
        product = next((p for p in self.products if p.gtin == scan.gtin), None)
        if product is None:
            return False
        self.pick_product(product.sku)
        self.quantity.setFocus()
        return True

    # --- Hand entry -------------------------------------------------------------------------

    def new_manual_sale(self) -> None:
        """A fresh hand-entered sale."""
        self.reset()
        self._show(self.manual_page)
        self.receipt.setFocus()

    def add_line(self) -> None:
        """Add the picked product with its quantity and price; one serial field per unit."""
        product = self.selected_product()
        if product is None:
            self._say("Pick a product from the list first.", "warning")
            self.search.setFocus()
            return
        quantity = self.quantity.value()
        price = round(self.price.value() * 100)
        offers: tuple[ExtensionOfferView, ...] = ()
        if self.ctx.may(Permission.SELL_EXTENSION):
            today = self.ctx.today()
            offers = registration.offers_for(self.plans, category=product.category,
                                             unit_price_minor=price, sold_on=today, today=today)
        units = [UnitSlot(f"Unit {n}", None, product.serial_required)
                 for n in range(1, quantity + 1)]
        box = LineBox(f"{product.name}  ({product.sku})", f"{quantity} × {money(price)}",
                      units, offers, removable=True)
        box.remove_requested.connect(self._on_box_remove_requested)
        self._wire_fields(box)
        self.lines.append(_ManualLine(product, quantity, price, box))
        self.lines_area.addWidget(box)
        self.quantity.setValue(1)
        self._say("")
        self._update_progress()
        fields = box.editable_fields()
        if fields:
            self._focus(fields[0])

    def _on_box_remove_requested(self, box: LineBox) -> None:
        self.lines = [ln for ln in self.lines if ln.box is not box]
        box.setParent(None)
        box.deleteLater()
        self._update_progress()

    # --- Serials ----------------------------------------------------------------------------

    def _boxes(self) -> list[LineBox]:
        if self.stack.currentWidget() is self.capture_page:
            return [box for _, box in self.capture_boxes]
        return [ln.box for ln in self.lines]

    def _fields(self) -> list[QLineEdit]:
        return [f for box in self._boxes() for f in box.editable_fields()]

    def _wire_fields(self, box: LineBox) -> None:
        for field in box.editable_fields():
            field.returnPressed.connect(self._focus_next_empty)
            field.textChanged.connect(self._update_progress)

    def next_empty_field(self) -> QLineEdit | None:
        """The focused empty serial field, else the first empty one."""
        fields = self._fields()
        focused = next((f for f in fields if f.hasFocus() and not f.text().strip()), None)
        return focused or next((f for f in fields if not f.text().strip()), None)

    def _focus_next_empty(self) -> None:
        field = self.next_empty_field()
        if field is not None:
            self._focus(field)
        else:
            self.finish_button.setFocus()

    def _focus(self, field: QLineEdit) -> None:
        field.setFocus()
        page = self.stack.currentWidget()
        if isinstance(page, QScrollArea):
            page.ensureWidgetVisible(field)

    def fill_serial(self, field: QLineEdit, text: str) -> bool:
        """Put a scanned serial in a field, refusing product barcodes and repeats."""
        scan = classify(text)
        if scan.kind is ScanKind.EMPTY:
            return False
        if scan.kind is ScanKind.GS1 and scan.serial is None:
            self._say("That is the product barcode, not the serial. Scan the label marked S/N "
                      "or SERIAL.", "warning")
            return False
        serial = normalize.serial(scan.lookup_value(ScanKind.SERIAL))
        if any(normalize.serial(f.text()) == serial for f in self._all_serial_fields()):
            self._say(f"Serial {serial} is already on this sale. Scan the next unit.", "warning")
            return False
        field.setText(serial)
        self._say("")
        self._focus_next_empty()
        return True

    def _all_serial_fields(self) -> list[QLineEdit]:
        return [f for box in self._boxes() for _, f in box.slots if f is not None]

    def _update_progress(self) -> None:
        page = self.stack.currentWidget()
        if page not in (self.manual_page, self.capture_page):
            self.progress.setText("")
            return
        fields = self._fields()
        empty = sum(1 for f in fields if not f.text().strip())
        if not fields:
            self.progress.setText("No serials to scan." if self._boxes() else "")
        elif empty:
            self.progress.setText(f"{empty} of {len(fields)} serial(s) still to scan.")
        else:
            self.progress.setText("Every serial is in. Finish when the customer has answered "
                                  "the extension offer.")

    # --- Imported sales ---------------------------------------------------------------------

    def _on_invoice_return(self) -> None:
        self.open_invoice(self.invoice.text())

    def open_invoice(self, number: str, keep: dict[str, str] | None = None) -> None:
        """Look the invoice up off the GUI thread and show its units."""
        actor = self.ctx.require_actor()
        today = self.ctx.today()
        db = self.ctx.db
        self.invoice.setText(number.strip())
        if keep is None:
            self._say("")
        self.ctx.run(lambda: registration.sale_for_capture(db, actor, number, today=today),
                     lambda capture: self.show_capture(capture, keep or {}), self._fail)

    def show_capture(self, capture: SaleCapture, keep: dict[str, str] | None = None) -> None:
        """One box per line; the serials typed before a failed finish stay in their fields."""
        self.reset(clear_invoice=False)
        self.capture = capture
        sold = f"Invoice {capture.invoice_number}  ·  sold {capture.sold_on}  ·  " + (
            capture.customer_name or "anonymous sale") + (
            f"  ·  {capture.customer_phone}" if capture.customer_phone else "")
        missing = len(capture.missing_serials)
        self.capture_header.setText(sold + "\n" + (
            f"{missing} unit(s) need their serial: scan them in turn." if missing
            else "Every serial is recorded."))
        sells = self.ctx.may(Permission.SELL_EXTENSION)
        for line in capture.lines:
            # Serials typed before a failed finish come back, still editable: none is saved.
            units = [UnitSlot(u.warranty_code, u.serial or (keep or {}).get(u.warranty_code),
                              line.serial_required and not u.void, recorded=u.serial is not None)
                     for u in line.units]
            box = LineBox(f"{line.product}  ({line.sku})",
                          f"{line.quantity} × {money(line.unit_price_minor)}", units,
                          line.extension_offers if sells else (), removable=False)
            self._wire_fields(box)
            self.capture_boxes.append((line, box))
            self.capture_area.addWidget(box)
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
            count = sum(1 for f in self._fields() if not f.text().strip())
            self._say(f"Scan the serial of every unit: {count} still empty.", "warning")
            self._focus(empty)
            return
        today = self.ctx.today()
        name, phone, email = (self.customer_name.text().strip(),
                              self.customer_phone.text().strip(),
                              self.customer_email.text().strip())
        customer = (CustomerInput(name, phone, email, str(self.segment.currentData()))
                    if name or phone or email else None)
        lines = tuple(LineInput(
            ln.product.sku, ln.quantity, ln.price_minor,
            tuple(serial for _, serial in ln.box.new_serials()),
            ln.box.offer.plan() if ln.box.offer and ln.box.offer.decision() == "accept"
            else None) for ln in self.lines)
        sale = SaleInput(self.receipt.text().strip(), today, lines, customer)
        declines = [(n, ln.box.offer.offered()) for n, ln in enumerate(self.lines)
                    if ln.box.offer and ln.box.offer.decision() == "decline"]
        actor = self.ctx.require_actor()
        db = self.ctx.db
        self.ctx.run(lambda: activation.record_sale(db, actor, sale, today=today),
                     lambda result: self._on_recorded(result, sale, declines), self._fail)

    def _on_recorded(self, result: SaleResult, sale: SaleInput,
                     declines: list[tuple[int, tuple[str, ...]]]) -> None:
        codes = iter(result.warranty_codes)
        per_line = [[next(codes) for _ in range(ln.quantity)] for ln in sale.lines]
        rows = []
        for ln, line_codes in zip(self.lines, per_line, strict=True):
            serials = [s for _, s in ln.box.new_serials()]
            for n, code in enumerate(line_codes):
                rows.append((code, ln.product.name, serials[n] if n < len(serials) else None))
        self.ctx.data_changed.emit("sale")
        extra = (f"; {result.extensions_sold} extension(s) sold" if result.extensions_sold
                 else "")
        self._show_done(f"Invoice {result.invoice_number}: {len(rows)} warranty(ies) "
                        f"activated{extra}", rows)
        if declines:
            actor = self.ctx.require_actor()
            db = self.ctx.db
            decline_codes = [(per_line[n], plans) for n, plans in declines]
            # The sale stands whatever happens here: a failed decline only means asking again.
            self.ctx.run(lambda: _record_declines(db, actor, decline_codes), lambda _: None,
                         self._fail)

    def _finish_capture(self) -> None:
        capture = self.capture
        if capture is None:
            return
        serials: list[tuple[str, str]] = []
        accepts: list[tuple[list[str], str]] = []
        declines: list[tuple[list[str], tuple[str, ...]]] = []
        for line, box in self.capture_boxes:
            serials += box.new_serials()
            if box.offer is None or box.offer.decision() is None:
                continue
            open_codes = [u.warranty_code for u in line.units if not u.void and not u.extended]
            if box.offer.decision() == "accept":
                accepts.append((open_codes, box.offer.plan()))
            else:
                declines.append((open_codes, box.offer.offered()))
        typed = dict(serials)
        actor = self.ctx.require_actor()
        today = self.ctx.today()
        db = self.ctx.db

        def work() -> SaleCapture:
            for code, serial in serials:
                registration.register_serial(db, actor, code, serial)
            for codes, plan in accepts:
                for code in codes:
                    activation.sell_extension(db, actor, code, plan, today=today)
            _record_declines(db, actor, declines)
            return registration.sale_for_capture(db, actor, capture.invoice_number,
                                                 today=today)

        def failed(exc: BaseException) -> None:
            # Whatever was saved before the failure shows as recorded after the reload.
            self.open_invoice(capture.invoice_number, keep=typed)
            self._fail(exc)

        # Slips for the units changed now; units registered on an earlier visit have theirs.
        touched = [code for code, _ in serials] + [c for codes, _ in accepts for c in codes]
        self.ctx.run(work, lambda capture: self._on_capture_saved(capture, touched), failed)

    def _on_capture_saved(self, capture: SaleCapture, touched: Sequence[str] = ()) -> None:
        self.ctx.data_changed.emit("sale")
        rows = [(u.warranty_code, line.product, u.serial) for line in capture.lines
                for u in line.units if not u.void]
        missing = len(capture.missing_serials)
        title = f"Invoice {capture.invoice_number}: warranties registered"
        if missing:
            title += f"; {missing} unit(s) still without a serial"
        wanted = set(touched)
        self._show_done(title, rows, [code for code, _, _ in rows if code in wanted])

    def _show_done(self, title: str, rows: Sequence[tuple[str, str, str | None]],
                   to_print: Sequence[str] | None = None) -> None:
        self.reset(clear_invoice=False)
        self.done_title.setText(title)
        self.result_codes = tuple(code for code, _, _ in rows)
        for code, product, serial in rows:
            self.codes_area.addWidget(self._code_row(code, product, serial))
        self._say("")
        self.ctx.notice.emit(title + ".", "success")
        self._show(self.done_page)
        self.next_button.setFocus()
        self._print_slips(self.result_codes if to_print is None else tuple(to_print))

    # --- Printing the new warranties ---------------------------------------------------------

    def _code_row(self, code: str, product: str, serial: str | None) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 4, 0, 4)
        label = QLabel(code)
        label.setObjectName("warrantyCode")
        # Large enough to check against the slip, or to read out if nothing printed.
        label.setStyleSheet("font-size: 22px; font-weight: 700;")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addWidget(label)
        detail = QLabel(f"{product}  ·  serial {serial or 'not recorded'}")
        detail.setObjectName("subtle")
        line.addWidget(detail, 1)
        button = QPushButton("Print certificate…")
        button.setObjectName("certificateButton")
        button.setToolTip(f"The warranty certificate for {code}, as a page for the office "
                          "printer or a PDF")
        button.clicked.connect(lambda: self.print_desk.print_certificate(code))
        line.addWidget(button)
        return row

    def _print_slips(self, codes: Sequence[str]) -> None:
        if not codes:
            self.slip_note.hide()
            return
        self.slip_note.show()
        if not self.print_desk.printers().receipt:
            show_level(self.slip_note, "No receipt printer is set up, so no slips were printed. "
                                       "Give the customer these codes, or print a certificate "
                                       "for each (the buttons beside them). A receipt printer "
                                       "is set up under Settings > Devices.", "warning")
            return
        show_level(self.slip_note, f"Printing {len(codes)} warranty slip"
                                   f"{'s' if len(codes) != 1 else ''}…", "info")
        self.print_desk.print_slips(codes, self._on_slips_printed)

    def _on_slips_printed(self, outcomes: list[PrintOutcome]) -> None:
        printed = [o.job.subject for o in outcomes if o.delivered]
        waiting = [o.job.subject for o in outcomes if not o.delivered]
        if not waiting:
            show_level(self.slip_note, f"Printed {len(printed)} warranty slip"
                                       f"{'s' if len(printed) != 1 else ''}: "
                                       f"{', '.join(printed)}. Hand them to the customer.",
                       "success")
            return
        done = f"Printed: {', '.join(printed)}. " if printed else ""
        show_level(self.slip_note, f"{done}Not printed yet: {', '.join(waiting)}; they wait in "
                                   f"the print queue ({QUEUE_KEY}). Give the customer the codes "
                                   "meanwhile.", "warning")
        first = next(o for o in outcomes if not o.delivered)
        self.ctx.notice.emit(*outcome_notice(first))

    def reset(self, *, clear_invoice: bool = True) -> None:
        """Clear every line, field and result; back to the start."""
        for layout in (self.lines_area, self.capture_area, self.codes_area):
            while layout.count():
                item = layout.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.setParent(None)
                    widget.deleteLater()
        self.lines = []
        self.capture = None
        self.capture_boxes = []
        self.result_codes = ()
        for field in (self.receipt, self.customer_name, self.customer_phone,
                      self.customer_email, self.search):
            field.clear()
        self.segment.setCurrentIndex(0)
        self.quantity.setValue(1)
        if clear_invoice:
            self.invoice.clear()
            self._say("")
        self._show(self.start_page)


def _record_declines(db: Database, actor: Actor,
                     declines: Sequence[tuple[Sequence[str], Sequence[str]]]) -> None:
    """Record each declined plan on each unit, so nobody asks the customer twice."""
    for codes, plans in declines:
        for code in codes:
            for plan in plans:
                activation.decline_extension(db, actor, code, plan)

