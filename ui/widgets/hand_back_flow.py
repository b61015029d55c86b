"""Handing a claim's unit back, from any screen: the check, the form, the save, the receipt, and
the letters for a customer nothing else reaches."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ui.context import AppContext, explain
from ui.printing.desk import PrintDesk
from ui.widgets.hand_back_dialog import HandBackDialog
from ui.widgets.hand_back_letters import ask_to_print_letters
from ui.wording import count
from warranty_desk.services import hand_back, letters
from warranty_desk.services.hand_back import HandBackDue, HandBackRecord, HandBackRequest
from warranty_desk.services.letters import HandBack

# Asks whether to print the letters a customer no email or phone reaches; True to print.
AskLetters = Callable[[QWidget, HandBack], bool]


def handed_back_words(done: HandBackRecord) -> str:
    """The confirmation in words, for the banner and the notice bar."""
    what = "Replacement" if done.unit == "replacement" else "Unit"
    how = ("signed on screen" if done.confirmation == "signature"
           else "sign the printed receipt and keep it")
    return (f"{what} {done.product_name}, serial {done.serial or 'not recorded'}, handed back on "
            f"claim {done.claim_number} to {done.collected_by} (receipt {done.number}: {how}).")


class HandBackFlow(QObject):
    """Opens the form for a claim whose unit the shop holds; `refused(exc)` when it holds none
    or the person cancels nothing, `handed_back(record)` once saved and the receipt is sent."""

    refused = Signal(object)
    handed_back = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget, print_desk: PrintDesk) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window = parent
        self.print_desk = print_desk
        self.ask_letters: AskLetters = ask_to_print_letters
        self.dialog: HandBackDialog | None = None  # the form while it is open

    def start(self, claim_number: str) -> None:
        """Check the claim, then open the form (or say why there is nothing to hand back)."""
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: hand_back.due(db, actor, claim_number), self._on_due,
                     self.refused.emit)

    def close(self) -> None:
        """Drop the open form unsaved (the counter locked: the next person starts afresh)."""
        if self.dialog is not None:
            self.dialog.reject()

    def _on_due(self, due: HandBackDue) -> None:
        dialog = HandBackDialog(due, self.window)
        dialog.submitted.connect(self._on_dialog_submitted)
        dialog.finished.connect(lambda _result: self._on_dialog_finished(dialog))
        self.dialog = dialog
        dialog.open()
        dialog.activateWindow()

    def _on_dialog_finished(self, dialog: HandBackDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _on_dialog_submitted(self, request: HandBackRequest) -> None:
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: hand_back.hand_back(db, actor, request), self._on_saved,
                     self._on_refused_save)

    def _on_refused_save(self, exc: BaseException) -> None:
        if self.dialog is not None:
            self.dialog.show_problem(explain(exc, self.ctx.home)[0])
        else:
            self.ctx.report(exc)

    def _on_saved(self, done: HandBackRecord) -> None:
        if self.dialog is not None:
            self.dialog.accept()
        self.ctx.data_changed.emit("stock")
        self.handed_back.emit(done)
        # The receipt is what the customer keeps, or signs at the counter when not on screen.
        self.print_desk.print_hand_back(done.claim_number)
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: letters.hand_back(db, actor, done.claim_number),
                     self._on_letters_checked, self.ctx.report)

    def _on_letters_checked(self, hb: HandBack) -> None:
        # The customer is at the counter: one no email or phone reaches leaves with the news
        # on paper.
        if not hb.offer_letters:
            return
        if self.ask_letters(self.window, hb):
            self.print_desk.print_letters(hb.message_ids)
        else:
            self.ctx.notice.emit(f"Not printed: the {count(len(hb.message_ids), 'message')} "
                                 f"on claim {hb.claim_number} still wait; print them from the "
                                 "claim's Messages tab.", "info")
