"""The setup's shop and branch steps: name, address, logo, locale, currency; branch code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLineEdit, QPushButton

from ui.context import AppContext
from ui.screens.first_run_parts.page import SetupState, StepPage
from ui.widgets.labels import Label
from warranty_desk.errors import BadInput
from warranty_desk.locales import currency_of
from warranty_desk.services import first_run
from warranty_desk.services.first_run import ShopStep
from warranty_desk.services.first_run_checks import CURRENCIES, LOCALES, LogoFile
from warranty_desk.services.first_run_progress import Progress
from warranty_desk.storage.documents import DocumentStore

# How tall the picked logo shows beside its button; slips size it for their own paper.
LOGO_PREVIEW_PX = 32
# More than a logo can be (first_run_checks says so): read no further than this.
_READ_AT_MOST = 3 * 1024 * 1024


def _combo(values: tuple[str, ...], name: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setEditable(True)
    box.addItems(list(values))
    return box


def read_logo(path: str) -> LogoFile:
    """The picked file's bytes (blocking); a file that cannot be read says so."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(_READ_AT_MOST)
    except OSError as exc:
        raise BadInput(f"{Path(path).name} could not be read ({exc.strerror}). Pick the "
                       "logo file again.") from None
    return LogoFile(Path(path).name, data)


class ShopPage(StepPage):
    """The shop's name and address (on every slip), its logo, locale, currency, time zone."""

    step = "shop"
    title = "The shop"
    intro = ("The shop's name and address are printed on every slip and certificate. Locale "
             "and currency set how dates and amounts are written.")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.name = QLineEdit()
        self.name.setObjectName("setupShopName")
        self.address = QLineEdit()
        self.address.setObjectName("setupAddress")
        self.address.setPlaceholderText("Street, town, postcode")
        self.logo_button = QPushButton("Choose logo…")
        self.logo_name = Label("No logo (optional: a PNG or JPEG under 2 MB)")
        self.logo_name.setObjectName("subtle")
        self.logo_preview = Label("")
        self.logo_preview.setFixedHeight(LOGO_PREVIEW_PX)
        self.logo_preview.hide()
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(self.logo_button)
        logo_row.addWidget(self.logo_name, 1)
        self.locale_box = _combo(LOCALES, "setupLocale")
        self.currency = _combo(CURRENCIES, "setupCurrency")
        self.timezone = QLineEdit()
        self.timezone.setObjectName("setupTimezone")
        self.timezone.setPlaceholderText("Europe/London")
        self.form.addRow("Shop name", self.name)
        self.form.addRow("Address", self.address)
        self.form.addRow("Logo", logo_row)
        self.form.addRow("Locale (dates, amounts)", self.locale_box)
        self.form.addRow("Currency", self.currency)
        self.form.addRow("Time zone", self.timezone)
        self.logo_path = ""
        self.logo_button.clicked.connect(self._on_logo_button_clicked)
        # The currency follows the locale's country until the person types or picks one.
        self._currency_chosen = False
        self.locale_box.currentTextChanged.connect(self._on_locale_changed)
        self.currency.activated.connect(self._on_currency_chosen)
        line = self.currency.lineEdit()
        if line is not None:
            line.textEdited.connect(self._on_currency_chosen)
        # Replaced in tests: the file dialog is the one modal step here.
        self.ask_logo_path: Callable[[], str] = self._ask_logo_path

    def fill(self, state: SetupState) -> None:
        draft, shop = state.progress.draft("shop"), state.shop
        self.name.setText(draft.get("name", "" if shop.name == "My Shop" else shop.name))
        self.address.setText(draft.get("address", shop.address))
        locale = draft.get("locale", shop.locale)
        suggested = currency_of(locale, self.ctx.today())
        self._currency_chosen = False
        self.locale_box.setCurrentText(locale)
        self.currency.setCurrentText(draft.get("currency", suggested or shop.currency))
        self._currency_chosen = self.currency.currentText() != (suggested or shop.currency)
        self.timezone.setText(draft.get("timezone", shop.timezone))
        if draft.get("logo"):
            self.logo_name.setText(f"Logo kept: {draft['logo']}")

    def _on_locale_changed(self, locale: str) -> None:
        suggested = currency_of(locale, self.ctx.today())
        if suggested is not None and not self._currency_chosen:
            self.currency.setCurrentText(suggested)

    def _on_currency_chosen(self, *_: object) -> None:
        self._currency_chosen = True

    def draft(self) -> dict[str, str]:
        return {"name": self.name.text(), "address": self.address.text(),
                "locale": self.locale_box.currentText(), "currency": self.currency.currentText(),
                "timezone": self.timezone.text()}

    def save_work(self) -> Callable[[], Progress]:
        data = ShopStep(self.name.text(), self.address.text(), self.locale_box.currentText(),
                        self.currency.currentText(), self.timezone.text())
        db, path = self.ctx.db, self.logo_path
        store = DocumentStore(self.ctx.home.documents)

        def work() -> Progress:
            logo = read_logo(path) if path else None
            return first_run.save_shop(db, data, store, logo)

        return work

    def first_field(self) -> QLineEdit:
        return self.name

    def _ask_logo_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "The shop's logo", str(Path.home()),
                                              "Pictures (*.png *.jpg *.jpeg)")
        return path

    def _on_logo_button_clicked(self) -> None:
        path = self.ask_logo_path()
        if path:
            self.logo_path = path
            self.logo_name.setText(f"{Path(path).name} (checked and kept when you press Enter)")
            # A file that is no picture shows nothing here; Enter says what is wrong with it.
            picture = QPixmap(path)
            self.logo_preview.setVisible(not picture.isNull())
            self.logo_preview.setPixmap(QPixmap() if picture.isNull() else picture.scaledToHeight(
                LOGO_PREVIEW_PX, Qt.TransformationMode.SmoothTransformation))


class BranchPage(StepPage):
    """The branch code that starts every number handed out, and the branch's name."""

    step = "branch"
    title = "The branch"
    intro = (f"The branch code starts every warranty code and claim number this branch hands "
             f"out (BR01-W-2026-000123). Allowed: {first_run.BRANCH_RULE}. It cannot change "
             "once a number is handed out.")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.code = QLineEdit()
        self.code.setObjectName("setupBranchCode")
        self.code.setMaxLength(12)  # longer is refused with the rule, not cut silently
        self.branch_name = QLineEdit()
        self.branch_name.setObjectName("setupBranchName")
        self.form.addRow("Branch code", self.code)
        self.form.addRow("Branch name", self.branch_name)

    def fill(self, state: SetupState) -> None:
        draft = state.progress.draft("branch")
        self.code.setText(draft.get("code", state.shop.branch_code))
        self.branch_name.setText(draft.get("branch_name", state.shop.branch_name))

    def draft(self) -> dict[str, str]:
        return {"code": self.code.text(), "branch_name": self.branch_name.text()}

    def save_work(self) -> Callable[[], Progress]:
        db, code, name = self.ctx.db, self.code.text(), self.branch_name.text()
        return lambda: first_run.save_branch(db, code, name)

    def first_field(self) -> QLineEdit:
        return self.code
