"""Settings > Shop: the shop and branch details printed on slips and sent to head office."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ui.context import AppContext, ShopInfo
from ui.screens.settings_tabs import SettingsTab
from ui.widgets.labels import Label
from warranty_desk.services import shop_settings
from warranty_desk.services.shop_settings import (
    MAX_REMINDER_DAYS,
    MIN_REMINDER_DAYS,
    ShopUpdate,
    ShopView,
)
from warranty_desk.storage.documents import DocumentStore

# How large the logo shows here; slips and certificates size it for their own paper.
LOGO_PREVIEW_PX = 72


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
        self.branch_note = Label("")
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
        self.reminder_days = QSpinBox(minimum=MIN_REMINDER_DAYS, maximum=MAX_REMINDER_DAYS,
                                      suffix=" days before it ends")
        self.reminder_days.setObjectName("reminderDays")
        self.open_days = QSpinBox(minimum=MIN_REMINDER_DAYS, maximum=MAX_REMINDER_DAYS,
                                  suffix=" days open")
        self.open_days.setObjectName("followUpOpenDays")
        form.addRow("Shop name", self.name)
        form.addRow("Branch code", self.branch_code)
        form.addRow("", self.branch_note)
        form.addRow("Branch name", self.branch_name)
        form.addRow("Address", self.address)
        form.addRow("Phone", self.phone)
        form.addRow("Email", self.email)
        # Beside the currency for the same reason as the reminder beside the time zone.
        currency_row = QHBoxLayout()
        currency_row.addWidget(self.currency, 1)
        currency_row.addWidget(Label("Retention call after"))
        currency_row.addWidget(self.open_days)
        form.addRow("Currency", currency_row)
        form.addRow("Locale (dates, amounts)", self.locale_field)
        # Beside the time zone, not a row of its own: the tab has no height to spare at 688 px.
        zone_row = QHBoxLayout()
        zone_row.addWidget(self.timezone, 1)
        zone_row.addWidget(Label("Warranty reminder"))
        zone_row.addWidget(self.reminder_days)
        form.addRow("Time zone", zone_row)
        form.addRow("Customer portal link", self.portal)
        logo_row = QHBoxLayout()
        self.logo_preview = Label("No logo")
        self.logo_preview.setObjectName("subtle")
        self.logo_preview.setFixedSize(LOGO_PREVIEW_PX, LOGO_PREVIEW_PX)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_button = QPushButton("Choose logo…")
        self.logo_remove = QPushButton("Remove logo")
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(self.logo_button)
        logo_row.addWidget(self.logo_remove)
        logo_row.addStretch(1)
        form.addRow("Logo (PNG or JPEG, on slips and certificates)", logo_row)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.save_button = QPushButton("Save shop details  (Ctrl+S)")
        self.save_button.setObjectName("primary")
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.logo_button.clicked.connect(self._on_logo_button_clicked)
        self.logo_remove.clicked.connect(lambda: self.set_logo(None))
        # Replaced in tests; a file dialog is the one modal step here.
        self.ask_logo_path = self._ask_logo_path

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
        self._show_logo(view.logo_sha256)
        self.reminder_days.setValue(view.reminder_days)
        self.open_days.setValue(view.follow_up_open_days)
        self.branch_code.setReadOnly(view.branch_code_locked)
        self.branch_note.setText(
            "Fixed: warranty codes, claim numbers and customer references already carry it."
            if view.branch_code_locked else
            "Can still change: no number carrying it has been handed out yet.")

    def _store(self) -> DocumentStore:
        return DocumentStore(self.ctx.home.documents)

    def _show_logo(self, sha256: str | None) -> None:
        self.logo_remove.setEnabled(sha256 is not None)
        pixmap = QPixmap()
        if sha256 is not None and self._store().exists(sha256):
            pixmap.loadFromData(self._store().open(sha256))
        if pixmap.isNull():
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("No logo")
            return
        self.logo_preview.setPixmap(pixmap.scaled(
            LOGO_PREVIEW_PX, LOGO_PREVIEW_PX, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    def _ask_logo_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the shop logo", "",
                                              "Pictures (*.png *.jpg *.jpeg)")
        return path

    def _on_logo_button_clicked(self) -> None:
        path = self.ask_logo_path()
        if not path:
            return
        try:
            with open(path, "rb") as handle:
                data = handle.read(shop_settings.LOGO_MAX_BYTES + 1)
        except OSError as exc:
            self.ctx.notice.emit(f"Could not read {path} ({exc.strerror}). Pick the file "
                                 "again, or copy it to this computer first.", "error")
            return
        self.set_logo(data)

    def set_logo(self, data: bytes | None) -> None:
        """Keep a new logo (or remove it) and show it here."""
        actor = self.ctx.require_actor()
        store = self._store()

        def done(view: ShopView) -> None:
            self._fill(view)
            self.ctx.notice.emit("Logo saved; slips and certificates print it from now on."
                                 if data is not None else "Logo removed.", "success")

        self.ctx.run(lambda: shop_settings.set_logo(self.ctx.db, actor, store, data), done)

    def save(self) -> None:
        if self.view is None:
            return
        code = self.branch_code.text().strip().upper()
        data = ShopUpdate(
            name=self.name.text(), branch_name=self.branch_name.text(),
            address=self.address.text(), phone=self.phone.text(), email=self.email.text(),
            currency=self.currency.text(), locale=self.locale_field.text(),
            timezone=self.timezone.text(), portal_url_template=self.portal.text(),
            branch_code=None if code == self.view.branch_code else code,
            reminder_days=self.reminder_days.value(), follow_up_open_days=self.open_days.value())
        actor = self.ctx.require_actor()
        self.ctx.run(lambda: shop_settings.update_shop(self.ctx.db, actor, data), self._saved)

    def _saved(self, view: ShopView) -> None:
        self._fill(view)
        # Screens read the shop through the context; give them the new details at once.
        self.ctx.shop = ShopInfo(view.name, view.branch_code, view.timezone, view.locale,
                                 view.currency)
        self.ctx.data_changed.emit("settings")
        self.ctx.notice.emit("Shop details saved.", "success")
