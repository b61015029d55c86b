"""The setup's last step: head office's portal address and token (checked by calling the
portal), or working alone with the shop's own mail server for customer email."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QRadioButton, QSpinBox

from ui.context import AppContext
from ui.screens.first_run_parts.page import SetupState, StepPage
from warranty_desk import config
from warranty_desk.errors import BadInput
from warranty_desk.services import first_run
from warranty_desk.services.first_run_checks import alone_sync, head_office_sync
from warranty_desk.services.first_run_progress import Progress

TLS_CHOICES = (("STARTTLS (port 587)", "starttls"), ("TLS from the start (port 465)", "tls"),
               ("None (only a server on this computer)", "none"))


def _refused(found: list[str]) -> BadInput:
    said = "; ".join(found)
    return BadInput(f"Not saved: {said[0].upper()}{said[1:]}.")


def _secret_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class HeadOfficePage(StepPage):
    """Head office (a chain: records sync to its portal, which emails customers) or alone."""

    step = "head_office"
    title = "Head office, or working alone"
    intro = ("A shop in a chain sends its records to head office's portal: type the address "
             "and the sync token head office gave this branch; Enter checks them with the "
             "portal. A shop on its own emails its customers through its own mail server.")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.with_head_office = QRadioButton("With head office")
        self.alone = QRadioButton("Work alone")
        self.with_head_office.setChecked(True)
        self.form.addRow("This shop works", self.with_head_office)
        self.form.addRow("", self.alone)
        self.portal_group = QGroupBox("Head office")
        portal = QFormLayout(self.portal_group)
        self.url = QLineEdit()
        self.url.setObjectName("setupPortalUrl")
        self.url.setPlaceholderText("https://portal.example.com/api/v1")
        self.token = _secret_field("setupToken")
        portal.addRow("Portal address", self.url)
        portal.addRow("Sync token", self.token)
        self.mail_group = QGroupBox("The shop's own mail server (for customer email)")
        mail = QFormLayout(self.mail_group)
        self.smtp_host = QLineEdit()
        self.smtp_host.setObjectName("setupSmtpHost")
        self.smtp_host.setPlaceholderText("smtp.example.com")
        self.smtp_port = QSpinBox(minimum=1, maximum=65535)
        self.smtp_port.setValue(587)
        self.smtp_tls = QComboBox()
        for words, value in TLS_CHOICES:
            self.smtp_tls.addItem(words, value)
        self.smtp_user = QLineEdit()
        self.smtp_password = _secret_field("setupSmtpPassword")
        self.mail_from = QLineEdit()
        self.mail_from.setObjectName("setupMailFrom")
        self.mail_from.setPlaceholderText("repairs@example.com")
        for label, field in (("Server", self.smtp_host), ("Port", self.smtp_port),
                             ("Security", self.smtp_tls), ("User name", self.smtp_user),
                             ("Password", self.smtp_password), ("From address", self.mail_from)):
            mail.addRow(label, field)
        self.box.addWidget(self.portal_group)
        self.box.addWidget(self.mail_group)
        self.settings = config.Settings()
        self.alone.toggled.connect(self._on_alone_toggled)
        self._on_alone_toggled(False)

    def _on_alone_toggled(self, alone: bool) -> None:
        self.portal_group.setVisible(not alone)
        self.mail_group.setVisible(alone)

    def fill(self, state: SetupState) -> None:
        self.settings = state.settings
        sync, draft = state.settings.sync, state.progress.draft("head_office")
        self.url.setText(draft.get("url", sync.portal_url))
        self.smtp_host.setText(draft.get("smtp_host", sync.smtp_host))
        self.smtp_user.setText(draft.get("smtp_user", sync.smtp_user))
        self.mail_from.setText(draft.get("mail_from", sync.mail_from))
        self.smtp_port.setValue(int(draft.get("smtp_port", sync.smtp_port)))
        self.smtp_tls.setCurrentIndex(max(self.smtp_tls.findData(
            draft.get("smtp_tls", sync.smtp_tls)), 0))
        self.alone.setChecked(draft.get("choice") == "alone")

    def draft(self) -> dict[str, str]:
        return {"choice": "alone" if self.alone.isChecked() else "head_office",
                "url": self.url.text(), "smtp_host": self.smtp_host.text(),
                "smtp_port": str(self.smtp_port.value()), "smtp_tls": self.smtp_tls.currentData(),
                "smtp_user": self.smtp_user.text(), "mail_from": self.mail_from.text()}

    def save_work(self) -> Callable[[], Progress]:
        # The secret store (keyring) loads when the setup stores a secret, not at start.
        from sync import secrets

        home, db, draft = self.ctx.home, self.ctx.db, self.draft()
        if self.alone.isChecked():
            wanted, found = alone_sync(self.settings.sync, self.smtp_host.text(),
                                       self.smtp_port.value(), self.smtp_tls.currentData(),
                                       self.smtp_user.text(), self.mail_from.text())
            typed = {secrets.SMTP_PASSWORD: self.smtp_password.text()}
        else:
            wanted, found = head_office_sync(self.settings.sync, self.url.text())
            typed = {secrets.PORTAL_TOKEN: self.token.text().strip()}
            if not typed[secrets.PORTAL_TOKEN]:
                found.append("type the sync token head office gave this branch")
        choice = draft["choice"]

        def work() -> Progress:
            if found:
                raise _refused(found)
            if choice == "head_office":
                # requests and the sync client load only for this check.
                from ui.sync.check import check_portal

                check_portal(home, db, wanted, typed[secrets.PORTAL_TOKEN])
            elif wanted.smtp_user and not typed[secrets.SMTP_PASSWORD] \
                    and secrets.get_secret(home, secrets.SMTP_PASSWORD) is None:
                raise _refused([f"type the mail server's password for {wanted.smtp_user}"])
            for name, value in typed.items():
                if value:
                    secrets.set_secret(home, name, value)
            config.save(home, replace(config.load(home).settings, sync=wanted))
            return first_run.finish(db, choice, draft)

        return work

    def first_field(self) -> QRadioButton:
        return self.alone if self.alone.isChecked() else self.with_head_office
