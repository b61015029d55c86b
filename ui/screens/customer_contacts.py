"""The customer's contact rows: email and phone, each corrected in place (a refused one stops
being flagged), and the channel the customer wants messages by."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from ui.context import AppContext
from ui.phones import phone
from ui.widgets.labels import Label
from warranty_desk.services import message_delivery
from warranty_desk.services.customer_view import CustomerProfile

EMAIL_KEY = "Ctrl+Shift+E"
PHONE_KEY = "Ctrl+Shift+H"
# How the customer wants to hear from the shop (customer.preferred_channel).
# With no preference, messages go by email.
CHANNEL_CHOICES = (("No preference", ""), ("Email", "email"), ("SMS", "sms"))


class ContactRows(QWidget):
    """Email and phone with their Save buttons on one row (a 688-pixel-high window has no room
    for two), and the channel drop-down the screen puts beside the segment; the screen hands
    the profile."""

    def __init__(self, ctx: AppContext, reload: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.reload = reload
        self.profile: CustomerProfile | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        # A refused address or number stays flagged until someone corrects it here.
        self.email_edit = QLineEdit()
        self.email_edit.setObjectName("customerEmail")
        self.email_edit.setPlaceholderText(f"Email ({EMAIL_KEY}, Enter saves)")
        self.email_edit.setToolTip(f"Correct the email address: {EMAIL_KEY}, type, Enter")
        self.save_email = QPushButton("Save email")
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("customerPhone")
        self.phone_edit.setPlaceholderText(f"Phone ({PHONE_KEY}, Enter saves)")
        self.phone_edit.setToolTip(f"Correct the phone number: {PHONE_KEY}, type, Enter")
        self.save_phone = QPushButton("Save phone")
        # Texts go only to a customer who prefers them.
        self.channel = QComboBox()
        self.channel.setObjectName("customerChannel")
        self.channel.setToolTip("How the customer wants messages: by SMS only when the till has "
                                "an SMS gateway and the phone takes texts; otherwise by email")
        for words, value in CHANNEL_CHOICES:
            self.channel.addItem(words, value)
        self.channel_label = Label("Messages by:")
        for widget, stretch in ((self.email_edit, 1), (self.save_email, 0),
                                (self.phone_edit, 1), (self.save_phone, 0)):
            row.addWidget(widget, stretch)
        self.email_edit.returnPressed.connect(self.save_email_address)
        self.save_email.clicked.connect(self.save_email_address)
        self.phone_edit.returnPressed.connect(self.save_phone_number)
        self.save_phone.clicked.connect(self.save_phone_number)
        self.channel.activated.connect(self._on_channel_activated)

    def show_profile(self, p: CustomerProfile) -> None:
        """The customer's email, phone and channel as stored."""
        self.profile = p
        self.email_edit.setText(p.email)
        self.phone_edit.setText(phone(p.phone))
        self.channel.setCurrentIndex(max(0, self.channel.findData(p.preferred_channel)))

    def focus(self, edit: QLineEdit) -> None:
        """Put the cursor in one of the two boxes, its text selected, to type over it."""
        if self.profile is not None:
            edit.setFocus()
            edit.selectAll()

    def save_email_address(self) -> None:
        """Save the corrected address; a refused one is no longer flagged."""
        actor, p = self.ctx.actor, self.profile
        if actor is not None and p is not None:
            typed = self.email_edit.text()
            self.ctx.run(lambda: message_delivery.correct_email(
                self.ctx.db, actor, p.reference, typed), self._on_saved)

    def save_phone_number(self) -> None:
        """Save the corrected number; a refused one is no longer flagged."""
        actor, p = self.ctx.actor, self.profile
        if actor is not None and p is not None:
            typed = self.phone_edit.text()
            self.ctx.run(lambda: message_delivery.correct_phone(
                self.ctx.db, actor, p.reference, typed), self._on_saved)

    def _on_channel_activated(self, _index: int) -> None:
        actor, p = self.ctx.actor, self.profile
        if actor is not None and p is not None:
            chosen = str(self.channel.currentData())
            self.ctx.run(lambda: message_delivery.prefer_channel(
                self.ctx.db, actor, p.reference, chosen), self._on_saved,
                self._on_channel_refused)

    def _on_channel_refused(self, exc: BaseException) -> None:
        if self.profile is not None:
            self.channel.setCurrentIndex(max(0, self.channel.findData(
                self.profile.preferred_channel)))
        self.ctx.report(exc)

    def _on_saved(self, words: str) -> None:
        self.ctx.notice.emit(words, "success")
        self.ctx.data_changed.emit("customer")
        self.reload()
