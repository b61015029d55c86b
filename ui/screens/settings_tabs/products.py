"""Settings > Products: the catalogue, searchable, and an all-or-nothing CSV import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ui.context import AppContext
from ui.models.record_table import Column, RecordTableModel
from ui.money import money
from ui.screens.settings_tabs import ProblemTable, SettingsTab
from ui.widgets.column_fit import fit_width
from ui.widgets.labels import Label
from ui.widgets.record_view import fit_columns, record_view
from ui.wording import count
from warranty_desk.services import shop_settings
from warranty_desk.services.product_csv import OPTIONAL, REQUIRED
from warranty_desk.services.shop_settings import ProductsRejected, ProductView


class ProductsTab(SettingsTab):
    """Find a product; add many at once from a spreadsheet."""

    title = "Products"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search SKU, name, brand, category or GTIN")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.model: RecordTableModel[ProductView] = RecordTableModel((
            Column("SKU", lambda p: p.sku),
            Column("Name", lambda p: p.name),
            Column("Brand", lambda p: p.brand),
            Column("Category", lambda p: p.category),
            Column("Policy", lambda p: p.policy),
            Column("GTIN", lambda p: p.gtin or ""),
            Column("Serial", lambda p: "yes" if p.serial_required else "no"),
            Column("List price", lambda p: money(p.list_price_minor), numeric=True),
        ), key=lambda p: p.sku)
        self.table = record_view(self.model, "products")
        # The search finds a product by its GTIN, and its name starts with the brand: both
        # wait in the row's tooltip before the name is cut short.
        fit_width(self.table, spare=("GTIN", "Brand"), cut=("Name", "Policy", "Category"))
        layout.addWidget(self.table, 2)
        help_text = Label(
            f"Add products from a CSV file with the columns {', '.join(REQUIRED)} and, if you "
            f"have them, {', '.join(OPTIONAL)}. Either every row is added or none is.")
        help_text.setWordWrap(True)
        layout.addWidget(help_text)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("Products CSV file")
        self.choose = QPushButton("Choose file…")
        self.import_button = QPushButton("Add products from file")
        self.import_button.setObjectName("primary")
        row.addWidget(self.path, 1)
        row.addWidget(self.choose)
        row.addWidget(self.import_button)
        layout.addLayout(row)
        self.problems = ProblemTable()
        layout.addWidget(self.problems, 1)
        self.search.textChanged.connect(lambda _text: self.refresh())
        self.choose.clicked.connect(self._on_choose_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)

    def clear_for_sign_out(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.path.clear()
        self.problems.clear()

    def refresh(self) -> None:
        words = self.search.text()
        self.ctx.run(lambda: shop_settings.list_products(self.ctx.db, words), self._fill)

    def _fill(self, products: tuple[ProductView, ...]) -> None:
        self.model.set_records(products)
        fit_columns(self.table)

    def _on_choose_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Products file", str(Path.home()),
                                              "CSV files (*.csv);;All files (*)")
        if name:
            self.path.setText(name)

    def _on_import_button_clicked(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.ctx.notice.emit("Choose the products CSV file first.", "warning")
            return
        path, actor = Path(text), self.ctx.require_actor()
        self.problems.clear()
        self.import_button.setEnabled(False)
        self.ctx.run(lambda: shop_settings.import_products_csv(self.ctx.db, actor, path),
                     self._imported, self._failed)

    def _imported(self, added: int) -> None:
        self.import_button.setEnabled(True)
        self.ctx.data_changed.emit("product")
        self.ctx.notice.emit(f"Added {count(added, 'product')}.", "success")
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        if isinstance(exc, ProductsRejected):
            self.problems.show_problems(exc.problems, "no products were added")
            self.ctx.notice.emit(f"No products were added: {count(len(exc.problems), 'problem')} "
                                 "in the file, listed below.", "error")
        else:
            self.ctx.report(exc)
