"""The claim's Messages tab: what the customer was sent, how it went, and what the next move
would send; a message that did not arrive is sent again, or as a letter, in one key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QPushButton, QVBoxLayout, QWidget

from ui.keys import IN_WIDGET_AND_CHILDREN, bind_key
from ui.widgets.labels import TextView
from warranty_desk.services.board import STATE_LABELS
from warranty_desk.services.claim_detail import ClaimDetail, MessageItem
from warranty_desk.services.message_delivery import TROUBLE

RETRY_KEY = "Ctrl+Shift+M"
LETTER_KEY = "Ctrl+Shift+K"


class MessagesTab(QWidget):
    """Messages on the left; the one picked (or the next message's preview) on the right."""

    # The picked message's id (hex): send it again by its channel, or as a letter.
    retry_requested = Signal(str)
    letter_requested = Signal(str)

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
        right.addWidget(self.body, 1)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton(f"Send again  ({RETRY_KEY})")
        self.retry_button.setObjectName("messageRetry")
        self.letter_button = QPushButton(f"Send as a letter  ({LETTER_KEY})")
        self.letter_button.setObjectName("messageLetter")
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.letter_button)
        buttons.addStretch(1)
        right.addLayout(buttons)
        row.addLayout(right, 3)
        self.messages: tuple[MessageItem, ...] = ()
        self.list.currentRowChanged.connect(self._on_list_row_changed)
        self.retry_button.clicked.connect(self.retry)
        self.letter_button.clicked.connect(self.as_letter)
        bind_key(self, RETRY_KEY, self.retry, where=IN_WIDGET_AND_CHILDREN)
        bind_key(self, LETTER_KEY, self.as_letter, where=IN_WIDGET_AND_CHILDREN)
        self._enable(None)

    def show_detail(self, d: ClaimDetail, when: Callable[[datetime], str]) -> None:
        """The claim's messages, and a preview of what the next permitted move sends."""
        self.messages = d.messages
        self.list.blockSignals(True)
        self.list.clear()
        for m in d.messages:
            state = m.delivery or m.state
            self.list.addItem(f"{when(m.created_at)}  ·  {m.direction}, {state}\n{m.subject}")
        self.list.blockSignals(False)
        self._enable(None)
        previews = [f"If the claim moves to {STATE_LABELS.get(o.target, o.target).lower()}, "
                    f"the customer gets:\n{p.subject}\n{p.body}"
                    for o in d.moves if o.permitted for p in o.previews[:1]]
        if d.reopen is not None and d.reopen.permitted:
            previews += [f"If the claim is reopened, the customer gets:\n{p.subject}\n{p.body}"
                         for p in d.reopen.previews[:1]]
        self.body.set_text("Next message (preview)\n\n" + "\n\n".join(previews)
                           if previews else "")

    def clear(self) -> None:
        """No claim, no messages."""
        self.messages = ()
        self.list.blockSignals(True)
        self.list.clear()
        self.list.blockSignals(False)
        self.body.clear()
        self._enable(None)

    def picked(self) -> MessageItem | None:
        """The message picked in the list, if any."""
        row = self.list.currentRow()
        return self.messages[row] if 0 <= row < len(self.messages) else None

    def retry(self) -> None:
        """Send the picked message again, if it did not arrive."""
        m = self.picked()
        if m is not None and m.id and m.state in TROUBLE:
            self.retry_requested.emit(m.id)

    def as_letter(self) -> None:
        """Send the picked message as a paper letter instead."""
        m = self.picked()
        if m is not None and m.id and m.direction == "outbound" and m.state not in (
                "sent", "delivered", "sending"):
            self.letter_requested.emit(m.id)

    def _enable(self, m: MessageItem | None) -> None:
        self.retry_button.setEnabled(m is not None and m.state in TROUBLE)
        self.letter_button.setEnabled(m is not None and m.direction == "outbound"
                                      and m.state not in ("sent", "delivered", "sending"))

    def _on_list_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.messages):
            m = self.messages[row]
            said = f"\n\nDelivery: {m.delivery}" if m.delivery else ""
            self.body.set_text(f"{m.subject}\n\n{m.body}{said}")
            self._enable(m)
        else:
            self._enable(None)
