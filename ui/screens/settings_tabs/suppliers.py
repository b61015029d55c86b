"""Settings > Suppliers: each supplier's warranty terms (what it pays back, its claim window,
when its brand claims go stale, its packet layout) and the shop's settlement limit."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ui.context import AppContext
from ui.models.record_table import Column, RecordTableModel
from ui.money import amount_decimals, currency_symbol, from_box, money, to_box
from ui.screens.settings_tabs import SettingsTab
from ui.widgets.labels import Label
from ui.widgets.record_view import record_view, refill
from warranty_desk.permissions import Permission
from warranty_desk.rules.recovery import RECOVERABLE_KINDS
from warranty_desk.services import supplier_terms
from warranty_desk.services.brand_packet import profile_names
from warranty_desk.services.supplier_terms import TermsInput

_WINDOW_FROM = (("sale", "from the sale"), ("claim", "from the claim"))


def _covers(terms: TermsInput) -> str:
    return ", ".join(k for k in RECOVERABLE_KINDS if k in terms.kinds) or "nothing"


class SuppliersTab(SettingsTab):
    """Pick or type a supplier, set its terms, Ctrl+S; the limit has its own Save."""

    title = "Suppliers"
    permission = Permission.MANAGE_SUPPLIER_TERMS

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.terms: dict[str, TermsInput] = {}
        layout = QVBoxLayout(self)
        self.model: RecordTableModel[TermsInput] = RecordTableModel((
            Column("Supplier", lambda t: t.supplier),
            Column("Pays back", _covers),
            Column("Window", lambda t: f"{t.window_days} days from {t.window_from}"),
            Column("Stale after", lambda t: f"{t.stale_after_days} days", numeric=True),
        ), key=lambda t: t.supplier)
        # The packet layout and service centre show in the form when a supplier is picked:
        # as columns they pushed the list wider than a 1024×768 screen.
        self.table = record_view(self.model, "supplierTerms")
        layout.addWidget(self.table, 1)

        form = QGroupBox("A supplier's terms")
        rows = QFormLayout(form)
        self.supplier = QComboBox()
        self.supplier.setEditable(True)
        self.supplier.setObjectName("termsSupplier")
        rows.addRow("Supplier", self.supplier)
        self.kinds = {kind: QCheckBox(kind) for kind in RECOVERABLE_KINDS}
        kinds_row = QHBoxLayout()
        for box in self.kinds.values():
            kinds_row.addWidget(box)
        kinds_row.addStretch(1)
        rows.addRow("Pays back", kinds_row)
        self.window_days = QSpinBox(minimum=1, maximum=3650, suffix=" days")
        self.window_from = QComboBox()
        for key, words in _WINDOW_FROM:
            self.window_from.addItem(words, key)
        window_row = QHBoxLayout()
        window_row.addWidget(self.window_days)
        window_row.addWidget(self.window_from)
        window_row.addStretch(1)
        rows.addRow("Claim window", window_row)
        self.stale_days = QSpinBox(minimum=1, maximum=365, suffix=" days without news")
        stale_row = QHBoxLayout()
        stale_row.addWidget(self.stale_days)
        stale_row.addStretch(1)
        rows.addRow("Stale after", stale_row)
        self.profile = QComboBox()
        for name in profile_names():
            self.profile.addItem(name, name)
        self.centre = QLineEdit()
        self.centre.setMaxLength(300)
        self.centre.setPlaceholderText("The brand's authorised service centre (optional)")
        packet_row = QHBoxLayout()
        packet_row.addWidget(self.profile)
        packet_row.addSpacing(12)
        packet_row.addWidget(Label("Service centre"))
        packet_row.addWidget(self.centre, 1)
        rows.addRow("Packet layout", packet_row)
        self.save_button = QPushButton("Save the supplier's terms  (Ctrl+S)")
        self.save_button.setObjectName("primary")
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        rows.addRow("", save_row)
        layout.addWidget(form)

        limit_row = QHBoxLayout()
        # A money box with the shop's sign: an amount on screen always carries its currency.
        self.limit = QDoubleSpinBox()
        self.limit.setObjectName("settlementLimit")
        self.limit.setRange(0, to_box(supplier_terms.MAX_SETTLEMENT_LIMIT_MINOR))
        self.limit.setMinimumWidth(130)
        self.limit_button = QPushButton("Save limit")
        limit_row.addWidget(Label("A manager agrees settlements off by more than"))
        limit_row.addWidget(self.limit)
        limit_row.addWidget(self.limit_button)
        limit_row.addStretch(1)
        layout.addLayout(limit_row)

        self.save_button.clicked.connect(self.save)
        self.limit_button.clicked.connect(self.save_limit)
        self.limit.lineEdit().returnPressed.connect(self.save_limit)
        self.supplier.currentTextChanged.connect(self._on_supplier_changed)
        self.table.clicked.connect(self._on_table_clicked)

    def refresh(self) -> None:
        actor = self.ctx.require_actor()
        db = self.ctx.db

        def read() -> tuple[tuple[TermsInput, ...], tuple[str, ...], int]:
            return (supplier_terms.all_terms(db, actor), supplier_terms.suppliers(db, actor),
                    supplier_terms.get_settlement_limit(db, actor))

        self.ctx.run(read, self._fill)

    def _fill(self, found: tuple[tuple[TermsInput, ...], tuple[str, ...], int]) -> None:
        terms, names, limit = found
        self.terms = {t.supplier.casefold(): t for t in terms}
        refill(self.table, self.model, terms)
        typed = self.supplier.currentText()
        self.supplier.blockSignals(True)
        self.supplier.clear()
        self.supplier.addItems(list(names))
        self.supplier.setEditText(typed or (names[0] if names else ""))
        self.supplier.blockSignals(False)
        self._on_supplier_changed(self.supplier.currentText())
        self.limit.setPrefix(currency_symbol())
        self.limit.setDecimals(amount_decimals())
        self.limit.setValue(to_box(limit))
        may_set = self.ctx.may(Permission.MANAGE_SETTINGS)
        self.limit.setEnabled(may_set)
        self.limit_button.setEnabled(may_set)
        self.limit.setToolTip("" if may_set else "The owner sets the shop's settlement limit.")

    def _on_table_clicked(self) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            self.supplier.setEditText(self.model.text(row, 0))

    def _on_supplier_changed(self, text: str) -> None:
        """Show the supplier's terms on record, or the defaults for one without."""
        terms = self.terms.get(" ".join(text.split()).casefold()) or TermsInput(text)
        for kind, box in self.kinds.items():
            box.setChecked(kind in terms.kinds)
        self.window_days.setValue(terms.window_days)
        self.window_from.setCurrentIndex(max(self.window_from.findData(terms.window_from), 0))
        self.stale_days.setValue(terms.stale_after_days)
        self.profile.setCurrentIndex(max(self.profile.findData(terms.packet_profile), 0))
        self.centre.setText(terms.service_centre)

    def typed_terms(self) -> TermsInput:
        """The form as terms."""
        return TermsInput(
            self.supplier.currentText(),
            frozenset(k for k, box in self.kinds.items() if box.isChecked()),
            str(self.window_from.currentData()), self.window_days.value(),
            self.stale_days.value(), str(self.profile.currentData()), self.centre.text())

    def save(self) -> None:
        terms = self.typed_terms()
        actor = self.ctx.require_actor()
        db = self.ctx.db

        def done(saved: TermsInput) -> None:
            self.refresh()
            self.ctx.notice.emit(f"Terms saved for {saved.supplier}: brand claims read them "
                                 "from now on.", "success")

        self.ctx.run(lambda: supplier_terms.set_terms(db, actor, terms), done)

    def save_limit(self) -> None:
        """Save the shop's settlement limit."""
        amount = from_box(self.limit.value())
        actor = self.ctx.require_actor()
        db = self.ctx.db

        def done(saved: int) -> None:
            self.limit.setValue(to_box(saved))
            self.ctx.notice.emit(f"Settlement limit saved: a difference over {money(saved)} "
                                 "needs a manager.", "success")

        self.ctx.run(lambda: supplier_terms.set_settlement_limit(db, actor, amount), done)
