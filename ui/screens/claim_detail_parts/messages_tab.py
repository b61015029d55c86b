"""The claim's Messages tab: what the customer was sent and wrote, how it went, what the next
move would send; a message that did not arrive is sent again, by the other of email and SMS, or
as a letter in one key, any one printed as a letter, a queued one reworded before it goes, and
the customer answered."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.keys import IN_WIDGET_AND_CHILDREN, bind_key
from ui.printing.desk import PDF_ROUTE, PRINT_LETTER_KEY, RECEIPT, RECEIPT_LETTER_KEY
from ui.widgets.labels import Label, TextView
from warranty_desk.services.board import STATE_LABELS
from warranty_desk.services.claim_detail import ClaimDetail, MessageItem
from warranty_desk.services.message_delivery import EMAIL, LETTER, SMS, TROUBLE

RETRY_KEY = "Ctrl+Shift+M"
LETTER_KEY = "Ctrl+Shift+K"
SWITCH_KEY = "Ctrl+Shift+T"  # between email and SMS (J prints on the receipt roll)
EDIT_MESSAGE_KEY = "Ctrl+Shift+E"
REPLY_KEY = "Ctrl+Shift+A"
# Sending the reply or the reworded message, while the cursor is in it.
SEND_KEY = "Ctrl+Return"
NEW_MARK = "● new"


def list_words(m: MessageItem, when: str) -> str:
    """One message as the list shows it: when, which way, its state, and its subject."""
    new = f"{NEW_MARK}  ·  " if m.unread else ""
    return f"{new}{when}  ·  {m.direction}, {m.delivery or m.state}\n{m.subject}"


def may_print(m: MessageItem | None) -> bool:
    """Any of the shop's messages prints as a letter; one gone by another road as a copy."""
    return m is not None and bool(m.id) and m.direction == "outbound"


def _may_go_as_letter(m: MessageItem) -> bool:
    return m.direction == "outbound" and m.state not in ("sent", "delivered", "sending")


_CHANNEL_NAMES = {EMAIL: "email", SMS: "SMS"}


def switch_target(m: MessageItem, senders: Collection[str]) -> str:
    """The channel a message that did not arrive can go by instead: the other of email and
    SMS, when this till sends by it; "" when none applies. A message queued for a channel
    nobody here sends by (a letter, a text after the gateway was taken out) may move too."""
    stuck = m.state == "queued" and m.channel in (LETTER, SMS, EMAIL) and m.channel not in senders
    if m.direction != "outbound" or not (m.state in TROUBLE or stuck):
        return ""
    others = {SMS: (EMAIL,), LETTER: (EMAIL, SMS)}.get(m.channel, (SMS,))
    return next((c for c in others if c in senders), "")


class MessagesTab(QWidget):
    """Messages on the left; the one picked (or the next message's preview) on the right, and
    under it the writing box for a reply or a reworded message."""

    # The picked message's id (hex): send it again by its channel, or as a letter.
    retry_requested = Signal(str)
    letter_requested = Signal(str)
    switch_requested = Signal(str, str)  # message id, the channel to send it by instead
    edit_requested = Signal(str, str, str)  # message id, subject, body
    reply_requested = Signal(str)  # the reply's words
    print_requested = Signal(str, str)  # message id, "pdf" or "receipt"

    def __init__(self) -> None:
        super().__init__()
        # Side by side: at 1024×768 the tab is short, and both halves need their lines.
        row = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("messageList")
        self.list.setWordWrap(True)
        row.addWidget(self.list, 2)
        right = QVBoxLayout()
        self.body = TextView()
        self.body.setObjectName("messageBody")
        right.addWidget(self.body, 3)
        right.addLayout(self._buttons())
        right.addWidget(self._writer(), 2)
        row.addLayout(right, 3)
        self.messages: tuple[MessageItem, ...] = ()
        self.editing: MessageItem | None = None  # None while replying or not writing
        self.may_write = False
        self.edit_allowed = True
        # The channels this till sends by itself (sms_settings.own_channels), set by the screen.
        self.senders: tuple[str, ...] = ()
        self.list.currentRowChanged.connect(self._on_list_row_changed)
        bind_key(self, EDIT_MESSAGE_KEY, self.start_edit, where=IN_WIDGET_AND_CHILDREN)
        bind_key(self, REPLY_KEY, self.start_reply, where=IN_WIDGET_AND_CHILDREN)
        bind_key(self.writer, SEND_KEY, self.send, where=IN_WIDGET_AND_CHILDREN)
        bind_key(self, RETRY_KEY, self.retry, where=IN_WIDGET_AND_CHILDREN)
        bind_key(self, LETTER_KEY, self.as_letter, where=IN_WIDGET_AND_CHILDREN)
        bind_key(self, PRINT_LETTER_KEY, lambda: self.print_letter(PDF_ROUTE),
                 where=IN_WIDGET_AND_CHILDREN)
        bind_key(self, RECEIPT_LETTER_KEY, lambda: self.print_letter(RECEIPT),
                 where=IN_WIDGET_AND_CHILDREN)
        bind_key(self, SWITCH_KEY, self.switch_channel, where=IN_WIDGET_AND_CHILDREN)

    def _buttons(self) -> QVBoxLayout:
        # Rows of two: four buttons with their keys are wider than the tab at 1024 px.
        rows = QVBoxLayout()
        delivery, words, paper = QHBoxLayout(), QHBoxLayout(), QHBoxLayout()
        self.retry_button = QPushButton(f"Send again  ({RETRY_KEY})")
        self.retry_button.setObjectName("messageRetry")
        self.letter_button = QPushButton(f"Send as a letter  ({LETTER_KEY})")
        self.letter_button.setObjectName("messageLetter")
        self.switch_button = QPushButton(f"Send by SMS instead  ({SWITCH_KEY})")
        self.switch_button.setObjectName("messageSwitch")
        self.switch_button.hide()  # only where the till sends by both email and SMS
        self.edit_button = QPushButton(f"Edit before it goes  ({EDIT_MESSAGE_KEY})")
        self.reply_button = QPushButton(f"Reply  ({REPLY_KEY})")
        self.print_button = QPushButton(f"Print letter…  ({PRINT_LETTER_KEY})")
        self.print_button.setObjectName("messagePrint")
        self.receipt_button = QPushButton(f"Receipt roll  ({RECEIPT_LETTER_KEY})")
        self.receipt_button.setToolTip("Print the message as a letter on the receipt printer")
        self.receipt_button.setObjectName("messageReceipt")
        for row, pair in ((delivery, (self.retry_button, self.letter_button,
                                      self.switch_button)),
                          (words, (self.edit_button, self.reply_button)),
                          (paper, (self.print_button, self.receipt_button))):
            for button in pair:
                row.addWidget(button)
            row.addStretch(1)
            rows.addLayout(row)
        self.retry_button.clicked.connect(self.retry)
        self.letter_button.clicked.connect(self.as_letter)
        self.switch_button.clicked.connect(self.switch_channel)
        self.edit_button.clicked.connect(self.start_edit)
        self.reply_button.clicked.connect(self.start_reply)
        self.print_button.clicked.connect(lambda: self.print_letter(PDF_ROUTE))
        self.receipt_button.clicked.connect(lambda: self.print_letter(RECEIPT))
        return rows

    def _writer(self) -> QWidget:
        self.writer = QWidget()
        column = QVBoxLayout(self.writer)
        column.setContentsMargins(0, 0, 0, 0)
        self.writer_title = Label("")
        self.subject = QLineEdit()
        self.subject.setObjectName("messageSubject")
        self.text = QPlainTextEdit()
        self.text.setObjectName("messageText")
        self.text.setTabChangesFocus(True)
        self.problem = Label("")
        self.problem.setProperty("level", "warning")
        self.problem.setWordWrap(True)
        actions = QHBoxLayout()
        self.send_button = QPushButton(f"Send  ({SEND_KEY.replace('Return', 'Enter')})")
        self.send_button.setObjectName("primary")
        self.cancel_button = QPushButton("Cancel")
        actions.addWidget(self.send_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        for widget in (self.writer_title, self.subject, self.text, self.problem):
            column.addWidget(widget)
        column.addLayout(actions)
        self.send_button.clicked.connect(self.send)
        self.cancel_button.clicked.connect(self.close_writer)
        self.writer.hide()
        return self.writer

    def show_detail(self, d: ClaimDetail, when: Callable[[datetime], str], *,
                    may_write: bool = False) -> None:
        """The claim's messages, and a preview of what the next permitted move sends."""
        self.messages = d.messages
        self.may_write, self.edit_allowed = may_write, d.message_edit_allowed
        self.list.blockSignals(True)
        self.list.clear()
        for m in d.messages:
            self.list.addItem(list_words(m, when(m.created_at)))
        self.list.blockSignals(False)
        previews = [f"If the claim moves to {STATE_LABELS.get(o.target, o.target).lower()}, "
                    f"the customer gets:\n{p.subject}\n{p.body}"
                    for o in d.moves if o.permitted for p in o.previews[:1]]
        if d.reopen is not None and d.reopen.permitted:
            previews += [f"If the claim is reopened, the customer gets:\n{p.subject}\n{p.body}"
                         for p in d.reopen.previews[:1]]
        self.body.set_text("Next message (preview)\n\n" + "\n\n".join(previews)
                           if previews else "")
        self.close_writer()
        self.reply_button.setEnabled(may_write)
        self._update_edit_button()

    def clear(self) -> None:
        """No claim, no messages."""
        self.messages = ()
        self.may_write = False
        self.list.blockSignals(True)
        self.list.clear()
        self.list.blockSignals(False)
        self.body.clear()
        self.close_writer()
        self.reply_button.setEnabled(False)
        self._update_edit_button()

    def picked(self) -> MessageItem | None:
        """The message picked in the list, if any."""
        row = self.list.currentRow()
        return self.messages[row] if 0 <= row < len(self.messages) else None

    def _update_edit_button(self) -> None:
        m = self.picked()
        self.edit_button.setEnabled(self.may_write and m is not None and m.editable
                                    and self.edit_allowed)
        self.retry_button.setEnabled(m is not None and m.state in TROUBLE)
        self.letter_button.setEnabled(m is not None and _may_go_as_letter(m))
        for button in (self.print_button, self.receipt_button):
            button.setEnabled(may_print(m))
        target = switch_target(m, self.senders) if m is not None else ""
        self.switch_button.setEnabled(bool(target))
        self.switch_button.setVisible(len(self.senders) > 1 or bool(target))
        if target:
            self.switch_button.setText(f"Send by {_CHANNEL_NAMES[target]} instead  "
                                       f"({SWITCH_KEY})")

    def set_senders(self, senders: tuple[str, ...]) -> None:
        """The channels this till sends by itself; the switch shows when it has two."""
        self.senders = senders
        self._update_edit_button()

    def _on_list_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.messages):
            m = self.messages[row]
            said = f"\n\nDelivery: {m.delivery}" if m.delivery else ""
            self.body.set_text(f"{m.subject}\n\n{m.body}{said}")
        self._update_edit_button()

    def retry(self) -> None:
        """Send the picked message again, if it did not arrive."""
        m = self.picked()
        if m is not None and m.id and m.state in TROUBLE:
            self.retry_requested.emit(m.id)

    def switch_channel(self) -> None:
        """Send the picked message by the other of email and SMS instead."""
        m = self.picked()
        target = switch_target(m, self.senders) if m is not None and m.id else ""
        if m is not None and target:
            self.switch_requested.emit(m.id, target)

    def as_letter(self) -> None:
        """Send the picked message as a paper letter instead."""
        m = self.picked()
        if m is not None and m.id and _may_go_as_letter(m):
            self.letter_requested.emit(m.id)

    def print_letter(self, route: str) -> None:
        """Print the picked message as a letter ("pdf" or "receipt"); it is then delivered."""
        m = self.picked()
        if may_print(m) and m is not None:
            self.print_requested.emit(m.id, route)

    # --- writing -------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def start_edit(self) -> None:
        """Open the picked queued message for rewording, or say why it cannot be."""
        m = self.picked()
        if not self.may_write:
            return
        self.writer.show()
        if m is None or m.direction != "outbound":
            self._open("", None)
            self._say("Pick one of the shop's messages that is still waiting to go.")
            return
        if not self.edit_allowed:
            self._open("", None)
            self._say("This claim's policy does not let staff reword its messages.")
            return
        if not m.editable:
            self._open("", None)
            self._say("This message has already gone; send a reply instead.")
            return
        self._open("Reword the message before it goes:", m)
        self.subject.setText(m.subject)
        self.text.setPlainText(m.body)
        self.text.setFocus()

    def start_reply(self) -> None:
        """Open an empty reply to the customer."""
        if not self.may_write or not self.reply_button.isEnabled():
            return
        self._open("Reply to the customer (the shop's greeting and name are added):", None)
        self.text.setFocus()

    def _open(self, title: str, editing: MessageItem | None) -> None:
        self.editing = editing
        self.writer.show()
        self.writer_title.setText(title)
        self.subject.setVisible(editing is not None)
        self.subject.clear()
        self.text.clear()
        for widget in (self.text, self.send_button):
            widget.setVisible(bool(title))
        self._say("")

    def send(self) -> None:
        """Hand the reply or the reworded message to the screen, which saves it."""
        if not self.writer.isVisible() or not self.text.isVisible():
            return
        words = self.text.toPlainText()
        if not words.strip():
            self._say("Write the message first, or press Cancel.")
            return
        if self.editing is not None:
            self.edit_requested.emit(self.editing.id, self.subject.text(), words)
        else:
            self.reply_requested.emit(words)

    def close_writer(self) -> None:
        """Put the writing box away, its words dropped."""
        self.editing = None
        self.subject.clear()
        self.text.clear()
        self._say("")
        self.writer.hide()

    def failed(self, text: str) -> None:
        """The save was refused: say why beside the words, which stay as typed."""
        self._say(text)
