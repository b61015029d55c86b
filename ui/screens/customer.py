"""Customers: find one by name or phone, see their purchases, cover, claims and messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from PySide6.QtCore import QModelIndex, QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.keys import bind_key
from ui.models.record_table import RecordTableModel
from ui.phones import phone
from ui.printing.desk import (
    MESSAGE_CHANGED,
    PDF_ROUTE,
    PRINT_LETTER_KEY,
    RECEIPT,
    RECEIPT_LETTER_KEY,
    PrintDesk,
)
from ui.screens import customer_columns as columns
from ui.screens.base import Screen
from ui.screens.customer_complaints import ComplaintsTab
from ui.screens.customer_contacts import EMAIL_KEY, PHONE_KEY, ContactRows
from ui.screens.customer_erase import EraseControl
from ui.screens.customer_merge import MERGE_KEY, MergeDialog, ask_to_merge
from ui.screens.shop_time import local_minute
from ui.widgets.exception_notes import NOTE_KEY, NoteDialog, NotesPanel, ask_for_note
from ui.widgets.labels import Label
from ui.widgets.record_view import fit_columns, record_view
from ui.widgets.void_warranty import VOID_KEY, ask_to_void
from ui.wording import count
from warranty_desk.models import Segment
from warranty_desk.permissions import Actor, Permission
from warranty_desk.services import customer_view
from warranty_desk.services.customer_view import (
    ClaimLine,
    CustomerBrief,
    CustomerProfile,
    MessageLine,
)
from warranty_desk.storage.database import Database
from warranty_desk.views import WarrantyVerdict

# The customers found sit above the profile, this many rows tall (more scroll): beside it they
# squeezed its buttons at 1024×768. With one found, or none, the list hides.
RESULT_ROWS = 4
TAB_WORDS = ("Purchases", "Claims", "Messages", "Complaints", "Notes")
NO_CUSTOMER = ("Search by name, phone, email or customer reference, or open a customer from "
               "the counter with Ctrl+U.")


class CustomerScreen(Screen):
    """One customer's whole story with the shop, for the counter and for support."""

    title = "Customers"
    shortcut = "F6"
    permission = Permission.LOOKUP
    help_keys = (
        ("Enter (search)", "Find customers by name, phone, email or reference"),
        ("Up/Down", "Pick one of the customers found"),
        ("Enter (claims)", "Open the selected claim"),
        ("Ctrl+F", "Back to the search box"),
        ("Ctrl+Shift+P", "Print the certificate of the purchase selected"),
        (PRINT_LETTER_KEY, "Print the message selected as a letter (a page)"),
        (RECEIPT_LETTER_KEY, "Print the message selected as a letter on the receipt printer"),
        ("Ctrl+K", "Log a complaint from this customer"),
        (EMAIL_KEY, "Correct the customer's email address (Enter saves it)"),
        (PHONE_KEY, "Correct the customer's phone number (Enter saves it)"),
        (NOTE_KEY, "Add an exception note on the customer, with its reason"),
        (MERGE_KEY, "Merge a duplicate of this customer (same phone or email) into one"),
        (VOID_KEY, "Void the warranty of the purchase selected, with a written reason"),
    )
    key_permissions: ClassVar[dict[str, Permission]] = {
        VOID_KEY: Permission.VOID_WARRANTY, MERGE_KEY: Permission.MERGE_CUSTOMERS}

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.search = QLineEdit()
        self.search.setObjectName("customerSearch")
        self.search.setPlaceholderText("Name, phone, email or customer reference, then Enter")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.status = Label("")
        self.status.setObjectName("subtle")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.results = QListWidget()
        self.results.setObjectName("customerResults")
        self.results.hide()
        layout.addWidget(self.results)
        layout.addLayout(self._profile_column(), 1)
        self.profile: CustomerProfile | None = None
        self.note_dialog: NoteDialog | None = None  # the note being written, if any
        self.merge_dialog: MergeDialog | None = None  # the merge being confirmed, if any
        self.erase = EraseControl(self)  # below the customer's details: managers and the owner
        self.print_desk = PrintDesk(ctx, self)
        self._connect_signals()

    def _profile_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.name = Label("No customer shown")
        self.name.setObjectName("heading")
        self.name.setWordWrap(True)
        self.facts = Label(NO_CUSTOMER)
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.name)
        column.addWidget(self.facts)
        # The customer's segment and follow-up: shown only with a customer (with none, a
        # segment of 'retail' would seem to say something).
        self.profile_controls = QWidget()
        controls = QVBoxLayout(self.profile_controls)
        controls.setContentsMargins(0, 0, 0, 0)
        flags = QHBoxLayout()
        flags.addWidget(Label("Segment:"))
        self.segment = QComboBox()
        self.segment.addItems([s.value for s in Segment])
        flags.addWidget(self.segment)
        flags.addSpacing(16)
        self.retention = QCheckBox("Retention follow-up")
        flags.addWidget(self.retention)
        flags.addSpacing(16)
        self.contacts = ContactRows(self.ctx, self._reload)
        flags.addWidget(self.contacts.channel_label)
        flags.addWidget(self.contacts.channel)
        flags.addStretch(1)
        controls.addLayout(flags)
        controls.addLayout(self._consent_row())
        # The reason gets a row of its own: squeezed beside the flags it showed two letters.
        why = QHBoxLayout()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why the follow-up changes (kept with the change)")
        self.save_retention = QPushButton("Save follow-up")
        why.addWidget(self.reason, 1)
        why.addWidget(self.save_retention)
        controls.addLayout(why)
        controls.addWidget(self.contacts)
        column.addWidget(self.profile_controls)
        self.tabs = QTabWidget()
        self.purchase_model: RecordTableModel[WarrantyVerdict] = RecordTableModel(
            columns.PURCHASE_COLUMNS, key=lambda v: v.warranty_code)
        self.claim_model: RecordTableModel[ClaimLine] = RecordTableModel(
            columns.CLAIM_COLUMNS, key=lambda c: c.number)
        self.message_model: RecordTableModel[MessageLine] = RecordTableModel(
            columns.message_columns(self._when))
        self.purchases = record_view(self.purchase_model, "purchases")
        self.claims = record_view(self.claim_model, "customerClaims")
        self.messages = record_view(self.message_model, "customerMessages")
        columns.fit_tables(self.purchases, self.claims, self.messages)
        self.complaints = ComplaintsTab(self.ctx, self._reload)
        self.notes = NotesPanel(self._when, "customerNotes")
        for table, label in zip((self.purchases, self.claims, self.messages, self.complaints,
                                 self.notes), TAB_WORDS, strict=True):
            self.tabs.addTab(table, label)
        column.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.certificate_button = QPushButton("Print certificate of the selected purchase…  "
                                              "(Ctrl+Shift+P)")
        self.certificate_button.setEnabled(False)
        row.addWidget(self.certificate_button)
        self.void_button = QPushButton(f"Void warranty…  ({VOID_KEY})")
        self.void_button.setToolTip("Void the warranty of the purchase selected above, with a "
                                    "written reason")
        self.void_button.setObjectName("voidWarranty")
        self.void_button.hide()  # for those who may void warranties
        row.addStretch(1)
        column.addLayout(row)
        # A row of its own: beside the certificate button it was cut at 1024 pixels.
        second = QHBoxLayout()
        self.letter_button = QPushButton(f"Print the selected message as a letter…  "
                                         f"({PRINT_LETTER_KEY})")
        self.letter_button.setObjectName("customerLetter")
        second.addWidget(self.letter_button)
        second.addWidget(self.void_button)
        second.addStretch(1)
        column.addLayout(second)
        self._set_editable(False)
        return column

    def _consent_row(self) -> QHBoxLayout:
        # Consent to reminders: saved as soon as it is ticked or cleared, with its day shown.
        consent = QHBoxLayout()
        self.reminders = QCheckBox("Reminders before a warranty ends")
        self.reminders.setObjectName("customerReminders")
        self.reminders_since = Label("")
        self.reminders_since.setObjectName("subtle")
        consent.addWidget(self.reminders)
        consent.addWidget(self.reminders_since, 1)
        return consent

    def _connect_signals(self) -> None:
        # Searching and picking.
        self.search.returnPressed.connect(self._on_search_return)
        self.results.currentRowChanged.connect(self._on_results_row_changed)
        # Changes to the customer.
        self.segment.activated.connect(self._on_segment_activated)
        self.save_retention.clicked.connect(self._on_save_retention_clicked)
        self.reminders.clicked.connect(self._on_reminders_clicked)
        # Claims open in their own screen, by Enter or a double click.
        self.claims.activated.connect(self._on_claims_activated)
        bind_key(self, "Ctrl+F", lambda: self.search.setFocus())
        # A purchase's certificate, for a customer who lost their slip.
        self.certificate_button.clicked.connect(self.print_certificate)
        bind_key(self, "Ctrl+Shift+P", self.print_certificate)
        # Any message on paper, for a customer no email or phone reaches.
        self.letter_button.clicked.connect(lambda: self.print_letter(PDF_ROUTE))
        bind_key(self, PRINT_LETTER_KEY, lambda: self.print_letter(PDF_ROUTE))
        bind_key(self, RECEIPT_LETTER_KEY, lambda: self.print_letter(RECEIPT))
        self.ctx.data_changed.connect(self._on_ctx_data_changed)
        bind_key(self, "Ctrl+K", self._log_complaint)
        bind_key(self, EMAIL_KEY, lambda: self.contacts.focus(self.contacts.email_edit))
        bind_key(self, PHONE_KEY, lambda: self.contacts.focus(self.contacts.phone_edit))
        self.notes.add_requested.connect(self.add_note)
        bind_key(self, NOTE_KEY, self.add_note)
        bind_key(self, MERGE_KEY, self.merge_duplicate)
        # Voiding, for a sale returned or a warranty issued by mistake.
        self.void_button.clicked.connect(self.void_selected)
        bind_key(self, VOID_KEY, self.void_selected)

    def _set_editable(self, loaded: bool) -> None:
        self.profile_controls.setVisible(loaded)
        allowed = loaded and self.ctx.may(customer_view.CUSTOMER_PERMISSION)
        for widget in (self.segment, self.retention, self.reason, self.save_retention,
                       self.reminders, self.contacts.channel):
            widget.setEnabled(allowed)
            widget.setToolTip("" if allowed or not loaded
                              else "Your role may not change this customer.")

    # --- Opening ---------------------------------------------------------------------------

    def activated(self) -> None:
        self._set_editable(self.profile is not None)
        if self.profile is None:
            self.search.setFocus()

    def open(self, payload: object) -> None:
        """Show the customer of a verdict (from the counter) or of a customer reference."""
        if isinstance(payload, WarrantyVerdict):
            if payload.customer_reference is None:
                self.status.setText(f"The sale of {payload.product_name} on invoice "
                                    f"{payload.invoice_number} has no customer recorded "
                                    "(anonymous sale). Search by name or phone instead.")
                self.search.setFocus()
                return
            self.load(payload.customer_reference)
        elif isinstance(payload, str) and payload.strip():
            self.load(payload.strip())

    def load(self, reference: str) -> None:
        """Fetch the customer's profile off the GUI thread."""
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: customer_view.customer_profile(db, actor, reference),
                     self.show_profile)

    def _on_search_return(self) -> None:
        actor, db, text = self.ctx.require_actor(), self.ctx.db, self.search.text()
        self.ctx.run(lambda: customer_view.find_customers(db, actor, text), self._show_found)

    def _show_found(self, found: tuple[CustomerBrief, ...]) -> None:
        self.results.blockSignals(True)
        self.results.clear()
        for c in found:
            # One line each, so the short list above the profile shows four customers.
            item = QListWidgetItem(f"{c.name}  ·  {phone(c.phone) or c.email or 'no contact'}"
                                   f"  ·  {c.segment}")
            item.setData(Qt.ItemDataRole.UserRole, c.reference)
            self.results.addItem(item)
        self.results.blockSignals(False)
        self.results.setFixedHeight(self.results.sizeHintForRow(0) * min(
            len(found), RESULT_ROWS) + 2 * self.results.frameWidth())
        # One found (a phone, a reference) opens at once: a list of one only takes width.
        self.results.setVisible(len(found) > 1)
        if not found:
            self.status.setText(f"No customer matches {self.search.text().strip()!r}. Try the "
                                "phone number, or fewer letters of the name.")
            return
        self.status.setText(f"{len(found)} customer{'s' if len(found) != 1 else ''} found.")
        self.results.setCurrentRow(0)

    def _on_results_row_changed(self, row: int) -> None:
        item = self.results.item(row)
        if item is not None:
            self.load(str(item.data(Qt.ItemDataRole.UserRole)))

    # --- Showing ---------------------------------------------------------------------------

    def _when(self, at: datetime) -> str:
        return local_minute(at, self.ctx.shop.timezone)

    def show_profile(self, p: CustomerProfile) -> None:
        self.profile = p
        self.name.setText(p.name)
        refused = (f"email refused, messages cannot reach it: {p.email_undeliverable} "
                   f"Correct it with {EMAIL_KEY}" if p.email_undeliverable else "")
        no_texts = (f"phone refused, texts cannot reach it: {p.phone_undeliverable} "
                    f"Correct it with {PHONE_KEY}" if p.phone_undeliverable else "")
        self.facts.setText("  ·  ".join(x for x in (
            phone(p.phone), p.email, p.reference,
            "prefers SMS" if p.preferred_channel == "sms" else "",
            "flagged for a retention call" if p.retention_follow_up else "", refused,
            no_texts) if x))
        self.contacts.show_profile(p)
        self.segment.setCurrentText(p.segment)
        self.retention.setChecked(p.retention_follow_up)
        self.reminders.setChecked(p.reminders_agreed)
        self.reminders_since.setText(columns.consent_words(p))
        self.reason.clear()
        self._set_editable(True)
        self.purchase_model.set_records(p.purchases)
        self.claim_model.set_records(p.claims)
        self.message_model.set_records(p.messages)
        for view in (self.purchases, self.claims, self.messages):
            fit_columns(view)
        more = (f" (newest {len(p.purchases)} shown)" if p.purchase_count > len(p.purchases)
                else "")
        self.tabs.setTabText(0, f"Purchases ({p.purchase_count}){more}")
        self.tabs.setTabText(1, f"Claims ({len(p.claims)})")
        self.tabs.setTabText(2, f"Messages ({len(p.messages)})")
        open_ones = sum(1 for c in p.complaints if c.resolved_at is None)
        self.tabs.setTabText(3, f"Complaints ({open_ones} open)" if open_ones
                             else f"Complaints ({len(p.complaints)})")
        self.complaints.show_profile(p)
        self.notes.show_notes(p.notes)
        self.tabs.setTabText(4, f"Notes ({len(p.notes)})")
        self.certificate_button.setEnabled(bool(p.purchases))
        self.void_button.setVisible(self.ctx.may(Permission.VOID_WARRANTY))
        self.void_button.setEnabled(any(v.verdict != "void" for v in p.purchases))
        if p.purchases:
            self.purchases.selectRow(0)
        # The segment has its own drop-down below; the line says what the tabs add up to.
        self.status.setText(f"{count(p.purchase_count, 'unit')} bought, "
                            f"{count(len(p.claims), 'claim')}.")

    def clear_for_sign_out(self) -> None:
        self.search.clear()
        with QSignalBlocker(self.results):
            self.results.clear()
        self.results.hide()
        self.status.setText("")
        self.profile = None
        self.name.setText("No customer shown")
        self.facts.setText(NO_CUSTOMER)
        self.segment.setCurrentIndex(0)
        self.retention.setChecked(False)
        self.reminders.setChecked(False)
        self.reminders_since.setText("")
        self.reason.clear()
        for model in (self.purchase_model, self.claim_model, self.message_model):
            model.set_records(())
        for n, words in enumerate(TAB_WORDS):
            self.tabs.setTabText(n, words)
        self.complaints.clear()
        self.notes.clear()
        self.certificate_button.setEnabled(False)
        self.void_button.hide()
        self._set_editable(False)

    def _reload(self) -> None:
        if self.profile is not None:
            self.load(self.profile.reference)

    def _log_complaint(self) -> None:
        self.tabs.setCurrentWidget(self.complaints)
        self.complaints.log()

    def print_certificate(self) -> None:
        """The warranty certificate of the purchase selected in the Purchases tab."""
        row = self.purchases.currentIndex().row()
        if self.profile is None or not 0 <= row < len(self.profile.purchases):
            self.ctx.notice.emit("Select a purchase in the Purchases tab first.", "warning")
            return
        self.print_desk.print_certificate(self.profile.purchases[row].warranty_code)

    def print_letter(self, route: str) -> None:
        """The message selected in the Messages tab as a letter; printing delivers it."""
        picked = columns.shop_message(self.messages.currentIndex().row(),
                              self.profile.messages if self.profile is not None else ())
        if picked is None:
            self.tabs.setCurrentWidget(self.messages)
            self.ctx.notice.emit("Select one of the shop's messages in the Messages tab first.",
                                 "warning")
            return
        self.print_desk.print_letter(picked.id, route)

    def _on_ctx_data_changed(self, what: str) -> None:
        # A letter printed here or on the claim: its delivery reads differently now.
        if what == MESSAGE_CHANGED and self.profile is not None and self.isVisible():
            self._reload()

    def void_selected(self) -> None:
        """Void the warranty of the purchase selected, after its reason is written."""
        if not self.ctx.may(Permission.VOID_WARRANTY):
            return
        row = self.purchases.currentIndex().row()
        if self.profile is None or not 0 <= row < len(self.profile.purchases):
            self.ctx.notice.emit("Select a purchase in the Purchases tab first.", "warning")
            return
        purchase = self.profile.purchases[row]
        if purchase.verdict == "void":
            self.ctx.notice.emit(f"Warranty {purchase.warranty_code} is already void.", "info")
            return

        def voided(_code: str) -> None:
            self.ctx.data_changed.emit("warranty")
            self._reload()

        ask_to_void(self.ctx, self, purchase.warranty_code, purchase.product_name, voided)

    def _on_claims_activated(self, index: QModelIndex) -> None:
        self.open_claim(index.row())

    def open_claim(self, row: int) -> None:
        """Open the claim on that row in the claim screen."""
        if self.profile is not None and 0 <= row < len(self.profile.claims):
            self.ctx.navigate.emit("ClaimDetailScreen", self.profile.claims[row].number)

    # --- Changing --------------------------------------------------------------------------

    def _change(self, service: Callable[[Database, Actor, str], CustomerBrief],
                said: Callable[[CustomerBrief], str], undo: Callable[[], None]) -> None:
        """One change to the customer shown: its words on the notice line and the customer
        read again; refused, the control is put back as the record still has it."""
        if self.profile is None:
            return
        actor, db, ref = self.ctx.require_actor(), self.ctx.db, self.profile.reference

        def done(brief: CustomerBrief) -> None:
            self.ctx.notice.emit(said(brief), "success")
            self.ctx.data_changed.emit("customer")
            self.load(brief.reference)

        def failed(exc: BaseException) -> None:
            self.ctx.report(exc)
            undo()

        self.ctx.run(lambda: service(db, actor, ref), done, failed)

    def _on_segment_activated(self, index: int) -> None:
        segment = self.segment.itemText(index)
        if self.profile is None or segment == self.profile.segment:
            return
        self._change(
            lambda db, actor, ref: customer_view.set_segment(db, actor, ref, segment),
            lambda brief: f"{brief.name} is now in the {brief.segment} segment.",
            lambda: self.segment.setCurrentText(self.profile.segment if self.profile else ""))

    def _on_reminders_clicked(self, agree: bool) -> None:
        words = "agreed to" if agree else "withdrew from"
        self._change(
            lambda db, actor, ref: customer_view.set_reminder_consent(db, actor, ref, agree),
            lambda brief: f"{brief.name} {words} reminders before a warranty ends.",
            lambda: self.reminders.setChecked(bool(self.profile
                                                   and self.profile.reminders_agreed)))

    def _on_save_retention_clicked(self) -> None:
        flag, reason = self.retention.isChecked(), self.reason.text()

        def said(brief: CustomerBrief) -> str:
            state = "flagged for" if brief.retention_follow_up else "cleared of"
            return f"{brief.name} is {state} a retention follow-up."

        # Refused (no reason given), the box stays as ticked so the reason can be added.
        self._change(lambda db, actor, ref: customer_view.set_retention_follow_up(
            db, actor, ref, flag, reason), said, lambda: None)

    def add_note(self) -> None:
        """Ctrl+Shift+N: an exception note on the customer shown (unreachable, and so on)."""
        if self.profile is not None:
            self.tabs.setCurrentWidget(self.notes)
            self.note_dialog = ask_for_note(self.ctx, self, "customer", self.profile.reference,
                                            f"customer {self.profile.name} "
                                            f"({self.profile.reference})",
                                            lambda _note: self._reload(),
                                            lambda dialog: dialog.open())

    def merge_duplicate(self) -> None:
        """Ctrl+Shift+D: the customer's duplicate beside them, merged once confirmed."""
        if self.profile is not None:
            ask_to_merge(self.ctx, self, self.profile.reference,
                         lambda card: self.load(card.reference), self._open_merge)

    def _open_merge(self, dialog: MergeDialog) -> None:
        self.merge_dialog = dialog
        dialog.open()
