"""Settings > Sync: head office's portal, the CRM, customer email and texts, and their secrets
(kept out of config.toml)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sync import secrets
from ui.context import AppContext
from ui.screens.settings_tabs import SettingsTab
from ui.screens.settings_tabs.sync_fields import (
    SECRET_WORDS,
    SecretField,
    SyncForm,
    line_edit,
    note_label,
    problem_label,
    read_form,
)
from ui.widgets.labels import Label
from ui.widgets.layout import scrolling_page
from ui.widgets.styling import show_level
from warranty_desk import config
from warranty_desk.config import Settings, SyncSettings
from warranty_desk.errors import WarrantyDeskError
from warranty_desk.permissions import Permission
from warranty_desk.sms_settings import sms_on

CRM_CHOICES = (("No CRM", "none"),
               ("Signed webhook (your own server, Zapier, n8n…)", "webhook"),
               ("Tryton", "tryton"))
MESSAGE_CHOICES = (("Head office emails them (through the portal)", "head_office"),
                   ("This till emails them, by the shop's own mail server", "smtp"))
TLS_CHOICES = (("STARTTLS (port 587)", "starttls"), ("TLS from the start (port 465)", "tls"),
               ("None (only a server on this computer)", "none"))
# Which field each sentence of config.sync_problems is about, by the words it uses; anything
# not matched is shown above the form.
PROBLEM_FIELDS = (("portal address", "portal_url"), ("branch code", "branch"),
                  ("sync every", "interval"), ("CRM address", "crm_url"),
                  ("has no address", "crm_url"), ("CRM kind", "crm"),
                  ("Tryton CRM needs", "tryton"), ("certificate bundle", "ca_bundle"),
                  ("From address", "mail_from"), ("SMS sender", "sms_sender"),
                  ("SMS gateway", "sms_url"), ("message channel", "mail"),
                  ("mail server", "mail"))


class SyncTab(SettingsTab):
    """Saved to config.toml on this till; tokens and passwords go to the secret store."""

    title = "Sync"
    permission = Permission.MANAGE_SYNC

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.settings = Settings()
        outer, layout = scrolling_page(self)
        self.warning = problem_label()
        layout.addWidget(self.warning)
        self.problems: dict[str, QLabel] = {key: problem_label() for key in
                                            ("portal_url", "branch", "interval", "token", "crm",
                                             "crm_url", "webhook_secret", "tryton",
                                             "tryton_password", "ca_bundle", "mail",
                                             "mail_from", "smtp_password", "sms_url",
                                             "sms_sender", "sms_token", "other")}
        layout.addWidget(self.problems["other"])
        layout.addWidget(self._portal_group())
        layout.addWidget(self._crm_group())
        layout.addWidget(self._mail_group())
        self.where = note_label("")
        layout.addWidget(self.where)
        layout.addStretch(1)

        row = QHBoxLayout()
        row.setContentsMargins(9, 6, 9, 9)
        self.save_button = QPushButton("Save sync settings  (Ctrl+S)")
        self.save_button.setObjectName("primary")
        row.addWidget(self.save_button)
        self.test_button = QPushButton("Test connection")
        self.test_button.setToolTip("Asks head office's portal with the address and token typed "
                                    "above; saves nothing")
        row.addWidget(self.test_button)
        self.test_result = Label("")
        self.test_result.setWordWrap(True)
        row.addWidget(self.test_result, 1)
        outer.addLayout(row)
        self._connect_signals()

    def _portal_group(self) -> QGroupBox:
        box = QGroupBox("Head office portal")
        form = QFormLayout(box)
        self.portal_url = line_edit("syncPortalUrl", "https://portal.example.com/api/v1")
        form.addRow("Portal address", self._with(self.portal_url, "portal_url",
                                                 "Empty: this till does not sync."))
        self.branch = QLineEdit()
        self.branch.setObjectName("syncBranch")
        self.branch.setMaxLength(6)
        self.branch.setPlaceholderText(f"{self.ctx.shop.branch_code} (the shop's own code)")
        form.addRow("Branch code", self._with(
            self.branch, "branch", "Leave empty unless head office knows this till by another "
            "code."))
        low, high = config.SYNC_INTERVAL_RANGE
        self.interval = QSpinBox(minimum=low, maximum=high, suffix=" minutes")
        self.interval.setObjectName("syncInterval")
        self.interval.setMaximumWidth(180)
        form.addRow("Sync every", self._with(self.interval, "interval"))
        self.token = SecretField(secrets.PORTAL_TOKEN)
        form.addRow("Sync token", self._with(self.token, "token",
                                             "Head office gives each branch its own token."))
        form.addRow("Certificate authority", self._with(
            self._ca_bundle_row(), "ca_bundle",
            "Only when head office signs its certificate with its own authority: the .pem "
            "file it gave you. Empty: this computer's trusted authorities."))
        return box

    def _ca_bundle_row(self) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.ca_bundle = line_edit("syncCaBundle", "Empty: this computer's trusted authorities")
        row.addWidget(self.ca_bundle, 1)
        self.ca_bundle_button = QPushButton("Choose…")
        self.ca_bundle_button.setToolTip("Pick head office's certificate authority file (.pem)")
        row.addWidget(self.ca_bundle_button)
        return holder

    def _crm_group(self) -> QGroupBox:
        box = QGroupBox("Customer records (CRM)")
        self.crm_form = form = QFormLayout(box)
        self.crm = QComboBox()
        self.crm.setObjectName("syncCrm")
        self.crm.setMaximumWidth(460)
        for words, kind in CRM_CHOICES:
            self.crm.addItem(words, kind)
        form.addRow("Send customers to", self._with(self.crm, "crm"))
        self.crm_url = line_edit("syncCrmUrl", "https://crm.example.com/…")
        self.webhook_secret = SecretField(secrets.WEBHOOK_SECRET)
        self.tryton_database = QLineEdit()
        self.tryton_database.setObjectName("syncTrytonDatabase")
        self.tryton_user = QLineEdit()
        self.tryton_user.setObjectName("syncTrytonUser")
        self.tryton_password = SecretField(secrets.TRYTON_PASSWORD)
        # Each row with the CRM kinds it belongs to; the others are hidden.
        self.crm_rows: tuple[tuple[QWidget, frozenset[str]], ...] = tuple(
            (self._row(form, label, field, problem, note), frozenset(kinds))
            for label, field, problem, note, kinds in (
                ("CRM address", self.crm_url, "crm_url", "", ("webhook", "tryton")),
                ("Webhook secret", self.webhook_secret, "webhook_secret",
                 "Each request is signed with it, so the receiver knows it came from this "
                 "shop.", ("webhook",)),
                ("Tryton database", self.tryton_database, None, "", ("tryton",)),
                ("Tryton user", self.tryton_user, "tryton", "", ("tryton",)),
                ("Tryton password", self.tryton_password, "tryton_password", "", ("tryton",))))
        return box

    def _mail_group(self) -> QGroupBox:
        box = QGroupBox("Messages to customers")
        self.mail_form = form = QFormLayout(box)
        self.messages = QComboBox()
        self.messages.setObjectName("syncMessages")
        self.messages.setMaximumWidth(460)
        for words, kind in MESSAGE_CHOICES:
            self.messages.addItem(words, kind)
        form.addRow("Who emails customers", self._with(
            self.messages, "mail", "One or the other, never both: a shop without head office "
            "uses its own mail server."))
        self.smtp_host, self.smtp_user, self.mail_from = (
            line_edit(name, hint) for name, hint in (
                ("syncSmtpHost", "smtp.example.com"),
                ("syncSmtpUser", "Empty: the server asks for no login"),
                ("syncMailFrom", "repairs@example.com")))
        self.smtp_port = QSpinBox(minimum=1, maximum=65535)
        self.smtp_port.setObjectName("syncSmtpPort")
        self.smtp_port.setMaximumWidth(140)
        self.smtp_tls = QComboBox()
        self.smtp_tls.setObjectName("syncSmtpTls")
        for words, kind in TLS_CHOICES:
            self.smtp_tls.addItem(words, kind)
        self.smtp_password = SecretField(secrets.SMTP_PASSWORD)
        self.mail_rows: tuple[QWidget, ...] = tuple(
            self._row(form, label, field, problem, note)
            for label, field, problem, note in (
                ("Mail server", self.smtp_host, None, ""),
                ("Port", self.smtp_port, None, ""),
                ("Security", self.smtp_tls, None, ""),
                ("User name", self.smtp_user, None, ""),
                ("Password", self.smtp_password, "smtp_password", ""),
                ("From address", self.mail_from, "mail_from",
                 "The shop's address the customers see and answer to."),
                *self._sms_rows()))
        return box

    def _sms_rows(self) -> tuple[tuple[str, QWidget, str, str], ...]:
        """The SMS gateway's rows: shown with the till's own mail server, as texts go by it."""
        self.sms_url = line_edit("syncSmsUrl", "Empty: no texts; https://sms.example.com/v1/send")
        self.sms_sender = line_edit("syncSmsSender", "LumenRepair")
        self.sms_sender.setMaxLength(16)
        self.sms_token = SecretField(secrets.SMS_TOKEN)
        return (("SMS gateway", self.sms_url, "sms_url",
                 "Customers who prefer texts get them through this gateway (HTTP JSON); "
                 "everyone else gets email."),
                ("SMS sender name", self.sms_sender, "sms_sender",
                 "What the customer's phone shows as the sender: up to 11 letters or digits."),
                ("SMS token", self.sms_token, "sms_token", ""))

    def _row(self, form: QFormLayout, label: str, field: QWidget, problem: str | None,
             note: str) -> QWidget:
        holder = self._with(field, problem, note) if problem or note else field
        form.addRow(label, holder)
        return holder

    def _with(self, field: QWidget, problem: str | None, note: str = "") -> QWidget:
        """A field with its problem (shown when there is one) and a note under it."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        if problem is not None:
            column.addWidget(self.problems[problem])
        if note:
            column.addWidget(note_label(note))
        return box

    def secret_fields(self) -> tuple[SecretField, ...]:
        """The portal token, webhook secret and Tryton password boxes."""
        return (self.token, self.webhook_secret, self.tryton_password, self.smtp_password,
                self.sms_token)

    def _connect_signals(self) -> None:
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.ca_bundle_button.clicked.connect(self._on_ca_bundle_button_clicked)
        self.crm.currentIndexChanged.connect(self._on_crm_current_index_changed)
        self.messages.currentIndexChanged.connect(self._on_messages_current_index_changed)
        self.branch.textEdited.connect(self._on_branch_text_edited)
        for field in self.secret_fields():
            field.remove_requested.connect(self._on_secret_remove_requested)
        for edit in (self.portal_url, self.branch, self.crm_url, self.tryton_database,
                     self.tryton_user, self.ca_bundle, self.smtp_host, self.smtp_user,
                     self.mail_from, self.sms_url, self.sms_sender):
            edit.editingFinished.connect(lambda: self.show_problems(self.form_settings().sync))

    # --- Showing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        home = self.ctx.home
        self.ctx.run(lambda: read_form(home), self._fill)

    def _fill(self, form: SyncForm) -> None:
        settings, warning = form.loaded
        self.settings = settings
        show_level(self.warning, warning or "", "warning")
        self.warning.setVisible(bool(warning))
        sync = settings.sync
        self.portal_url.setText(sync.portal_url)
        self.branch.setText(sync.branch)
        self.interval.setValue(sync.interval_minutes)
        self.crm.setCurrentIndex(max(0, self.crm.findData(sync.crm)))
        self.crm_url.setText(sync.crm_url)
        self.tryton_database.setText(sync.tryton_database)
        self.tryton_user.setText(sync.tryton_user)
        self.ca_bundle.setText(sync.ca_bundle)
        self.messages.setCurrentIndex(max(0, self.messages.findData(sync.messages)))
        self.smtp_host.setText(sync.smtp_host)
        self.smtp_port.setValue(sync.smtp_port)
        self.smtp_tls.setCurrentIndex(max(0, self.smtp_tls.findData(sync.smtp_tls)))
        self.smtp_user.setText(sync.smtp_user)
        self.mail_from.setText(sync.mail_from)
        self.sms_url.setText(sync.sms_url)
        self.sms_sender.setText(sync.sms_sender)
        self._on_messages_current_index_changed()
        self._show_stored(form.stored)
        self.where.setText(f"Tokens and passwords are kept in {form.where}, never in "
                           "config.toml, and are never shown again once stored.")
        self.test_result.setText("")
        self._on_crm_current_index_changed()
        self.show_problems(sync)

    def _show_stored(self, stored: dict[str, bool]) -> None:
        for field in self.secret_fields():
            field.show_stored(stored.get(field.name, False))

    def _on_branch_text_edited(self, text: str) -> None:
        # Branch codes are capitals; typing them lower-case is not a mistake worth a message.
        if text != text.upper():
            position = self.branch.cursorPosition()
            self.branch.setText(text.upper())
            self.branch.setCursorPosition(position)

    def _on_crm_current_index_changed(self, _index: int = 0) -> None:
        kind = self.crm.currentData()
        for holder, kinds in self.crm_rows:
            self.crm_form.setRowVisible(holder, kind in kinds)

    def _on_messages_current_index_changed(self, _index: int = 0) -> None:
        own = self.messages.currentData() == "smtp"
        for holder in self.mail_rows:
            self.mail_form.setRowVisible(holder, own)

    def form_settings(self) -> Settings:
        """What the form says; the rest of config.toml (and of [sync]) is kept as loaded."""
        return replace(self.settings, sync=replace(
            self.settings.sync,
            portal_url=self.portal_url.text().strip(), branch=self.branch.text().strip(),
            interval_minutes=self.interval.value(), crm=self.crm.currentData(),
            crm_url=self.crm_url.text().strip(),
            tryton_database=self.tryton_database.text().strip(),
            tryton_user=self.tryton_user.text().strip(),
            ca_bundle=self.ca_bundle.text().strip(), messages=self.messages.currentData(),
            smtp_host=self.smtp_host.text().strip(), smtp_port=self.smtp_port.value(),
            smtp_tls=self.smtp_tls.currentData(), smtp_user=self.smtp_user.text().strip(),
            mail_from=self.mail_from.text().strip(), sms_url=self.sms_url.text().strip(),
            sms_sender=self.sms_sender.text().strip()))

    def show_problems(self, sync: SyncSettings) -> list[str]:
        """Each problem beside its field, in plain words; the list of them (empty: fine)."""
        found = config.sync_problems(sync)
        said: dict[str, list[str]] = {}
        for problem in found:
            key = next((k for words, k in PROBLEM_FIELDS if words in problem), "other")
            said.setdefault(key, []).append(problem[0].upper() + problem[1:] + ".")
        # The secrets are not in config.toml, so sync_problems cannot see them; sync needs them.
        for needed, field, key in ((bool(sync.portal_url), self.token, "token"),
                                   (sync.crm == "webhook", self.webhook_secret, "webhook_secret"),
                                   (sync.crm == "tryton", self.tryton_password,
                                    "tryton_password"),
                                   (sync.messages == "smtp" and bool(sync.smtp_user),
                                    self.smtp_password, "smtp_password"),
                                   (sms_on(sync), self.sms_token, "sms_token")):
            if needed and not (field.stored or field.typed()):
                said.setdefault(key, []).append(
                    f"Nothing is stored yet: type the {SECRET_WORDS[field.name]}; sync cannot "
                    "start without it.")
        for key, label in self.problems.items():
            text = " ".join(said.get(key, []))
            show_level(label, text, "error")
            label.setVisible(bool(text))
        return found

    # --- Acting ------------------------------------------------------------------------------

    def save(self) -> None:
        """Store typed secrets, write config.toml, and tell the sync worker to read it."""
        settings = self.form_settings()
        found = self.show_problems(settings.sync)
        if found:
            self.ctx.notice.emit("Not saved: " + "; ".join(found) + ".", "error")
            return
        typed = {f.name: f.typed() for f in self.secret_fields() if f.typed()}
        home = self.ctx.home

        def work() -> SyncForm:
            for name, value in typed.items():
                secrets.set_secret(home, name, value)
            config.save(home, settings)
            return read_form(home)

        def done(form: SyncForm) -> None:
            self._fill(form)
            self.ctx.data_changed.emit("config")
            if not settings.sync.portal_url and settings.sync.messages == "smtp":
                texts = " (texts by the SMS gateway)" if sms_on(settings.sync) else ""
                self.ctx.notice.emit("Sync settings saved: this till emails its customers by "
                                     f"{settings.sync.smtp_host}{texts} and sends nothing to "
                                     "head office (no portal address).", "success")
            elif not settings.sync.portal_url:
                self.ctx.notice.emit("Sync settings saved: sync is off on this till (no "
                                     "portal address).", "success")
            elif not form.stored[secrets.PORTAL_TOKEN]:
                self.ctx.notice.emit("Sync settings saved, but no sync token is stored: "
                                     "nothing is sent until you type it.", "warning")
            else:
                stored = [SECRET_WORDS[n] for n in typed]
                extra = f" The new {' and '.join(stored)} {'is' if len(stored) == 1 else 'are'}" \
                        " stored." if stored else ""
                self.ctx.notice.emit(f"Sync settings saved; this till syncs now and every "
                                     f"{settings.sync.interval_minutes} minutes.{extra}",
                                     "success")

        self.ctx.run(work, done)

    def _on_secret_remove_requested(self, name: str) -> None:
        home = self.ctx.home

        def done(form: SyncForm) -> None:
            self._show_stored(form.stored)
            self.show_problems(self.form_settings().sync)
            self.ctx.notice.emit(f"The {SECRET_WORDS[name]} is removed from this till.",
                                 "success")

        def work() -> SyncForm:
            secrets.delete_secret(home, name)
            return read_form(home)

        self.ctx.run(work, done)

    def _on_ca_bundle_button_clicked(self) -> None:
        start = self.ca_bundle.text().strip() or str(self.ctx.home.root)
        path, _ = QFileDialog.getOpenFileName(
            self, "Head office's certificate authority", start,
            "Certificate files (*.pem *.crt *.cer);;All files (*)")
        if path:
            self.ca_bundle.setText(path)
            self.show_problems(self.form_settings().sync)

    def _on_test_button_clicked(self) -> None:
        sync = self.form_settings().sync
        if self.show_problems(sync):
            self.test_result.setText("Fix the settings marked above first.")
            self.ctx.notice.emit("Not tested: fix the sync settings marked in red first.",
                                 "error")
            return
        # requests and the sync client load on the first test, not while the app starts.
        from ui.sync.check import check_portal

        home, db, token = self.ctx.home, self.ctx.db, self.token.typed()
        self.test_button.setEnabled(False)
        self.test_result.setText("Asking head office's portal…")
        self.ctx.run(lambda: check_portal(home, db, sync, token), self._on_check_done,
                     self._on_check_failed)

    def _on_check_done(self, text: str) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(text)
        self.ctx.notice.emit(text, "success")

    def _on_check_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(exc, WarrantyDeskError):
            self.test_result.setText(str(exc))
            self.ctx.notice.emit(f"The connection test failed: {exc}", "error")
        else:
            self.test_result.setText("The test failed inside Warranty Desk (a bug).")
            self.ctx.report(exc)
