"""A sale entered by hand: the invoice and customer, a product picker, and the lines so far."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.money import money, to_box
from ui.screens.sale_parts.line_box import LineBox, UnitSlot
from ui.screens.sale_parts.line_list import LineList
from warranty_desk.models import Segment
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.registration import ProductChoice
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.views import ExtensionOfferView

# A counter sale of more units than this is a bulk order and belongs in an import file.
MAX_QUANTITY = 50


@dataclass(frozen=True, slots=True)
class ManualLine:
    """A line added by hand: the product, how many, at what price, and its editor."""

    product: ProductChoice
    quantity: int
    price_minor: int
    box: LineBox


_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# "2*phone": a quantity before the product, as tills take it; Enter then adds the line at once.
_QUANTITY_PREFIX_RE = re.compile(r"^\s*([0-9]{1,3})\s*\*\s*")


class ManualSalePage(QWidget):
    """Customer details in two columns, so the lines below stay in view at 1024×768.

    Enter moves on: invoice number, customer (an empty name skips the rest of the customer),
    product search (Enter takes the product picked, Up/Down pick another), quantity or price
    (Enter adds the line). A search typed as "2*phone" adds two of it on Enter.
    """

    add_requested = Signal()  # Enter in the quantity or price
    search_done = Signal()  # Enter in the product search

    def __init__(self) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        self.receipt = QLineEdit()
        self.receipt.setPlaceholderText("As printed on the till receipt")
        self.customer_name = QLineEdit()
        self.customer_name.setPlaceholderText("Empty for an anonymous sale")
        self.customer_phone = QLineEdit()
        self.customer_email = QLineEdit()
        self.segment = QComboBox()
        for segment in Segment:
            self.segment.addItem(segment.value.capitalize(), segment.value)
        # Asked at the sale, never ticked for the customer: reminders are an offer, not service.
        self.reminders = QCheckBox("Agreed")
        self.reminders.setObjectName("saleReminders")
        self.reminders.setToolTip("The customer agrees to a reminder before a warranty ends, "
                                  "with the plans that could extend it")
        halves = QHBoxLayout()
        for rows in ((("Invoice number", self.receipt), ("Customer", self.customer_name),
                      ("Segment", self.segment)),
                     (("Phone", self.customer_phone), ("Email", self.customer_email),
                      ("Reminders", self.reminders))):
            form = QFormLayout()
            for label, field in rows:
                form.addRow(label, field)
            halves.addLayout(form, 1)
        column.addLayout(halves)
        column.addLayout(self._picker())
        self.line_list = LineList()
        column.addWidget(self.line_list)
        column.addStretch(1)
        self.products: tuple[ProductChoice, ...] = ()
        self.lines: list[ManualLine] = []
        self.search.textChanged.connect(self.fill_products)
        self.product_list.currentRowChanged.connect(self._on_product_list_row_changed)
        self._chain_enter()

    def _chain_enter(self) -> None:
        # Enter moves on through what a hand-entered sale needs; Tab still visits every field.
        self.receipt.returnPressed.connect(self.customer_name.setFocus)
        self.customer_name.returnPressed.connect(
            lambda: (self.customer_phone if self.customer_name.text().strip()
                     else self.search).setFocus())
        self.customer_phone.returnPressed.connect(self.customer_email.setFocus)
        self.customer_email.returnPressed.connect(self.search.setFocus)
        self.search.returnPressed.connect(self.search_done)
        for widget in (self.search, self.quantity, self.price):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if watched is self.search and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            count = self.product_list.count()
            if count:
                step = -1 if key == Qt.Key.Key_Up else 1
                self.product_list.setCurrentRow(
                    max(0, min(count - 1, self.product_list.currentRow() + step)))
            return True
        if watched in (self.quantity, self.price) and key in _ENTER_KEYS:
            self.quantity.interpretText()
            self.price.interpretText()
            self.add_requested.emit()
            return True
        return False

    def take_listed_product(self) -> ProductChoice | None:
        """The product picked in the list, else the first one listed."""
        if self.product_list.currentRow() < 0 and self.product_list.count():
            self.product_list.setCurrentRow(0)
        return self.selected_product()

    def focus_quantity(self) -> None:
        """The cursor in the quantity, its number selected for typing over."""
        self.quantity.setFocus()
        self.quantity.selectAll()

    def _picker(self) -> QHBoxLayout:
        picker = QHBoxLayout()
        left = QVBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            "Search products by name, SKU, brand or category  (2*name adds two)")
        self.search.setClearButtonEnabled(True)
        left.addWidget(self.search)
        self.product_list = QListWidget()
        self.product_list.setObjectName("products")
        self.product_list.setMinimumHeight(110)
        # Four or five products: the line and its offer below need the height at 768 px.
        self.product_list.setMaximumHeight(120)
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
        return picker

    # --- The catalogue ------------------------------------------------------------------------

    def set_products(self, products: tuple[ProductChoice, ...]) -> None:
        self.products = products
        self.fill_products()

    def search_parts(self) -> tuple[int | None, str]:
        """The quantity typed before the search ("2*phone"), if any, and the search itself."""
        text = self.search.text()
        match = _QUANTITY_PREFIX_RE.match(text)
        return (int(match[1]), text[match.end():]) if match else (None, text)

    def fill_products(self) -> None:
        """List the products matching every word of the search."""
        words = self.search_parts()[1].casefold().split()
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
            self.price.setValue(to_box(product.list_price_minor))

    def pick_product(self, sku: str) -> None:
        """Select a product by SKU (search cleared so it is listed)."""
        self.search.clear()
        for row in range(self.product_list.count()):
            if self.product_list.item(row).data(Qt.ItemDataRole.UserRole) == sku:
                self.product_list.setCurrentRow(row)
                return

    def pick_scanned_product(self, text: str) -> bool:
        """A scanned product barcode picks its product, ready for the quantity."""
        scan = classify(text)
        if scan.kind is not ScanKind.GS1 or scan.gtin is None:
            return False
        product = next((p for p in self.products if p.gtin == scan.gtin), None)
        if product is None:
            return False
        self.pick_product(product.sku)
        self.quantity.setFocus()
        return True

    # --- Lines --------------------------------------------------------------------------------

    def add_product(self, product: ProductChoice, quantity: int, price_minor: int,
                    offers: Sequence[ExtensionOfferView]) -> LineBox:
        """A new line with a serial field per unit; the quantity goes back to one."""
        units = [UnitSlot(f"Unit {n}", None, product.serial_required)
                 for n in range(1, quantity + 1)]
        box = LineBox(f"{product.name}  ({product.sku})", f"{quantity} × {money(price_minor)}",
                      units, offers, removable=True)
        box.remove_requested.connect(self._on_box_remove_requested)
        self.lines.append(ManualLine(product, quantity, price_minor, box))
        self.line_list.add(box)
        self.quantity.setValue(1)
        return box

    def grow_last_line(self, text: str) -> tuple[LineBox | None, str | None]:
        """A serial scanned when every field is full: one more unit of the last line's product.

        So two of a product are sold by scanning two serials, as at a till; the quantity need
        not be typed first. Only while the line's offer is unanswered (an answer covers the
        units the customer was asked about) and for a product with serials. Returns the line
        grown, or None with why not (None: not a serial at all, for the caller to handle).
        """
        scan = classify(text)
        is_serial = scan.kind is ScanKind.SERIAL or (
            scan.kind is ScanKind.GS1 and scan.serial is not None)
        if not self.lines or not is_serial:
            return None, None
        last = self.lines[-1]
        offer = last.box.offer
        if not last.product.serial_required or (offer is not None and offer.decision()):
            return None, None
        if last.quantity >= MAX_QUANTITY:
            return None, (f"A sale at the counter takes 1 to {MAX_QUANTITY} of a product; more "
                          "is a bulk order for an import file.")
        problem, serial = self.line_list.check(text)
        if problem is not None:
            return None, problem
        quantity = last.quantity + 1
        self.lines[-1] = replace(last, quantity=quantity)
        last.box.info.setText(f"{quantity} × {money(last.price_minor)}")
        self.line_list.grow(last.box, UnitSlot(f"Unit {quantity}", None, True), serial)
        return last.box, None

    def _on_box_remove_requested(self, box: LineBox) -> None:
        self.lines = [ln for ln in self.lines if ln.box is not box]
        self.line_list.remove(box)

    def clear(self) -> None:
        """Every field and line empty again."""
        self.line_list.clear()
        self.lines = []
        for field in (self.receipt, self.customer_name, self.customer_phone,
                      self.customer_email, self.search):
            field.clear()
        self.segment.setCurrentIndex(0)
        self.reminders.setChecked(False)
        self.quantity.setValue(1)

    def sale_input(self, today: date) -> SaleInput:
        """The sale as the activation service takes it, the plans declined on each line too."""
        name, phone, email = (self.customer_name.text().strip(),
                              self.customer_phone.text().strip(),
                              self.customer_email.text().strip())
        customer = (CustomerInput(name, phone, email, str(self.segment.currentData()),
                                  reminders_agreed=self.reminders.isChecked())
                    if name or phone or email else None)
        lines = tuple(LineInput(
            ln.product.sku, ln.quantity, ln.price_minor,
            tuple(serial for _, serial in ln.box.new_serials()),
            ln.box.offer.plan() if ln.box.offer and ln.box.offer.decision() == "accept"
            else None,
            declined_plans=ln.box.offer.offered() if ln.box.offer
            and ln.box.offer.decision() == "decline" else ()) for ln in self.lines)
        return SaleInput(self.receipt.text().strip(), today, lines, customer)
