"""The claim's Messages tab: what the customer was sent, and what the next move would send."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QHBoxLayout, QListWidget, QWidget

from ui.widgets.labels import TextView
from warranty_desk.services.board import STATE_LABELS
from warranty_desk.services.claim_detail import ClaimDetail, MessageItem


class MessagesTab(QWidget):
    """Messages on the left; the one picked (or the next message's preview) on the right."""

    def __init__(self) -> None:
        super().__init__()
        # Side by side: at 1024×768 the tab is short, and both halves need their lines.
        row = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("messageList")
        self.list.setWordWrap(True)
        row.addWidget(self.list, 2)
        self.body = TextView()
        self.body.setObjectName("messageBody")
        row.addWidget(self.body, 3)
        self.messages: tuple[MessageItem, ...] = ()
        self.list.currentRowChanged.connect(self._on_list_row_changed)

    def show_detail(self, d: ClaimDetail, when: Callable[[datetime], str]) -> None:
        """The claim's messages, and a preview of what the next permitted move sends."""
        self.messages = d.messages
        self.list.blockSignals(True)
        self.list.clear()
        for m in d.messages:
            self.list.addItem(f"{when(m.created_at)}  ·  {m.direction}, {m.state}\n{m.subject}")
        self.list.blockSignals(False)
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

    def _on_list_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.messages):
            m = self.messages[row]
            self.body.set_text(f"{m.subject}\n\n{m.body}")
