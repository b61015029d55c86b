"""A sale entered by hand: the invoice and customer, a product picker, and the lines so far."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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

from ui.money import money
from ui.screens.sale_parts.line_box import LineBox, UnitSlot
from ui.screens.sale_parts.line_list import LineList
from warranty_desk.models import Segment
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services.activation import LineInput, SaleInput
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.registration import ProductChoice
from warranty_desk.views import ExtensionOfferView

# A counter sale of more units than this is a bulk order and belongs in an import file.
MAX_QUANTITY = 50
# Plans declined on a line: (line number, plans shown).
Declines = list[tuple[int, tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class ManualLine:
    """A line added by hand: the product, how many, at what price, and its editor."""

    product: ProductChoice
    quantity: int
    price_minor: int
    box: LineBox


class ManualSalePage(QWidget):
    """Customer details in two columns, so the lines below stay in view at 1024×768."""

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
        halves = QHBoxLayout()
        for rows in ((("Invoice number", self.receipt), ("Customer", self.customer_name),
                      ("Segment", self.segment)),
                     (("Phone", self.customer_phone), ("Email", self.customer_email))):
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

    def _picker(self) -> QHBoxLayout:
        picker = QHBoxLayout()
        left = QVBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search products by name, SKU, brand or category")
        self.search.setClearButtonEnabled(True)
        left.addWidget(self.search)
        self.product_list = QListWidget()
        self.product_list.setObjectName("products")
        self.product_list.setMinimumHeight(110)
        self.product_list.setMaximumHeight(170)
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

    def fill_products(self) -> None:
        """List the products matching every word of the search."""
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
        self.quantity.setValue(1)

    def sale_input(self, today: date) -> tuple[SaleInput, Declines]:
        """The sale as the activation service takes it, and the extension plans declined."""
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
        declines = [(n, ln.box.offer.offered()) for n, ln in enumerate(self.lines)
                    if ln.box.offer and ln.box.offer.decision() == "decline"]
        return SaleInput(self.receipt.text().strip(), today, lines, customer), declines
