"""Settings > Shop: the shop and branch details printed on slips and sent to head office."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from ui.context import AppContext, ShopInfo
from ui.screens.settings_tabs import SettingsTab
from warranty_desk.services import shop_settings
from warranty_desk.services.shop_settings import ShopUpdate, ShopView


class ShopTab(SettingsTab):
    """Name, branch, contact details, currency, locale, time zone and the portal link."""

    title = "Shop && branch"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.view: ShopView | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit()
        self.branch_code = QLineEdit()
        self.branch_code.setMaxLength(6)
        self.branch_note = QLabel("")
        self.branch_note.setObjectName("subtle")
        self.branch_note.setWordWrap(True)
        self.branch_name = QLineEdit()
        self.address = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.currency = QLineEdit()
        self.currency.setMaxLength(3)
        self.currency.setPlaceholderText("EUR, GBP, USD …")
        self.locale_field = QLineEdit()
        self.locale_field.setPlaceholderText("en_GB, de_DE …")
        self.timezone = QLineEdit()
        self.timezone.setPlaceholderText("Europe/London")
        self.portal = QLineEdit()
        self.portal.setPlaceholderText("https://portal.example.com/warranty/{code}")
        form.addRow("Shop name", self.name)
        form.addRow("Branch code", self.branch_code)
        form.addRow("", self.branch_note)
        form.addRow("Branch name", self.branch_name)
        form.addRow("Address", self.address)
        form.addRow("Phone", self.phone)
        form.addRow("Email", self.email)
        form.addRow("Currency", self.currency)
        form.addRow("Locale (dates, amounts)", self.locale_field)
        form.addRow("Time zone", self.timezone)
        form.addRow("Customer portal link", self.portal)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.save_button = QPushButton("Save shop details  (Ctrl+S)")
        self.save_button.setObjectName("primary")
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)

    def refresh(self) -> None:
        self.ctx.run(lambda: shop_settings.get_shop(self.ctx.db), self._fill)

    def _fill(self, view: ShopView) -> None:
        self.view = view
        for field, value in ((self.name, view.name), (self.branch_code, view.branch_code),
                             (self.branch_name, view.branch_name), (self.address, view.address),
                             (self.phone, view.phone), (self.email, view.email),
                             (self.currency, view.currency), (self.locale_field, view.locale),
                             (self.timezone, view.timezone),
                             (self.portal, view.portal_url_template)):
            field.setText(value)
        self.branch_code.setReadOnly(view.branch_code_locked)
        self.branch_note.setText(
            "Fixed: warranty codes, claim numbers and customer references already carry it."
            if view.branch_code_locked else
            "Can still change: no number carrying it has been handed out yet.")

    def save(self) -> None:
        if self.view is None:
            return
        code = self.branch_code.text().strip().upper()
        data = ShopUpdate(
            name=self.name.text(), branch_name=self.branch_name.text(),
            address=self.address.text(), phone=self.phone.text(), email=self.email.text(),
            currency=self.currency.text(), locale=self.locale_field.text(),
            timezone=self.timezone.text(), portal_url_template=self.portal.text(),
            branch_code=None if code == self.view.branch_code else code)
        actor = self.ctx.require_actor()
        self.ctx.run(lambda: shop_settings.update_shop(self.ctx.db, actor, data), self._saved)

    def _saved(self, view: ShopView) -> None:
        self._fill(view)
        # Screens read the shop through the context; give them the new details at once.
        self.ctx.shop = ShopInfo(view.name, view.branch_code, view.timezone, view.locale,
                                 view.currency)
        self.ctx.data_changed.emit("settings")
        self.ctx.notice.emit("Shop details saved.", "success")
