"""The claim screen's hand-back: its button and key, the form, then the receipt again."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QPushButton, QWidget

from ui.context import AppContext
from ui.printing.desk import PrintDesk
from ui.widgets.hand_back_flow import HandBackFlow, handed_back_words
from warranty_desk.permissions import Permission
from warranty_desk.services.claim_detail import ClaimDetail
from warranty_desk.services.hand_back import HandBackRecord

HAND_BACK_KEY = "Ctrl+H"
_HAND_BACK = f"Hand back…  ({HAND_BACK_KEY})"
_RECEIPT_AGAIN = f"Print handover receipt  ({HAND_BACK_KEY})"


def hand_back_step(d: ClaimDetail) -> str | None:
    """"due" when the claim is decided and its unit not yet back with the customer, "done"
    once handed back with a receipt, None otherwise (open, refunded, or a replacement handed
    over before receipts were kept)."""
    kinds = {e.kind for e in d.timeline}
    if "handed_back" in kinds or any(e.kind == "handed_over" and "(receipt " in e.reason
                                     for e in d.timeline):
        return "done"
    if "handed_over" in kinds or d.state not in ("resolved", "rejected") or d.outcome == "refund":
        return None
    return "due"


class HandBackAction(QObject):
    """Shown once the claim's unit is due back; `reload` runs after a hand-back is saved."""

    def __init__(self, ctx: AppContext, parent: QWidget, print_desk: PrintDesk,
                 reload: Callable[[], None]) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.print_desk = print_desk
        self.reload = reload
        self.number: str | None = None
        self.step: str | None = None
        self.button = QPushButton(_HAND_BACK)
        self.button.setObjectName("handBack")
        self.button.hide()
        self.flow = HandBackFlow(ctx, parent, print_desk)
        self.button.clicked.connect(self.run)
        self.flow.handed_back.connect(self._on_flow_handed_back)
        self.flow.refused.connect(ctx.report)

    def show_detail(self, d: ClaimDetail) -> None:
        """The button for this claim, as the person may use it."""
        self.number = d.number
        self.step = hand_back_step(d) if self.ctx.may(Permission.HAND_BACK) else None
        self.button.setVisible(self.step is not None)
        self.button.setText(_RECEIPT_AGAIN if self.step == "done" else _HAND_BACK)

    def run(self) -> None:
        """Open the hand-back form, or print the receipt again once the unit went back."""
        if self.number is None or self.step is None:
            return
        if self.step == "done":
            self.print_desk.print_hand_back(self.number)
        else:
            self.flow.start(self.number)

    def clear(self) -> None:
        """Nothing shown, the form dropped unsaved (the counter locked)."""
        self.number = self.step = None
        self.button.hide()
        self.flow.close()

    def _on_flow_handed_back(self, done: HandBackRecord) -> None:
        self.ctx.notice.emit(handed_back_words(done), "success")
        self.reload()
