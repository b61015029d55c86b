"""Manager override: a second person, a manager or owner, types their PIN and a reason; nobody
is signed out."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.widgets.dialog_buttons import message_label, ok_cancel
from ui.widgets.labels import Label
from ui.widgets.pin_field import pin_field
from warranty_desk.errors import WarrantyDeskError
from warranty_desk.permissions import ROLE_LABELS, Actor, Permission, allowed
from warranty_desk.services import staff
from warranty_desk.services.claim_common import Override

# The services refuse shorter reasons too; checking here keeps the PIN from being spent on it.
MIN_REASON = 5


class OverrideDialog(QDialog):
    """Emits `approved(Override)` once the approver's PIN checks out; stays open on a refusal."""

    approved = Signal(object)  # claim_common.Override

    def __init__(self, ctx: AppContext, what: str, blockers: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("overrideDialog")
        self.setWindowTitle("Manager override")
        layout = QVBoxLayout(self)
        intro = Label(f"{what}\n\nWhat blocks it: {blockers}\n\nAnother manager or the owner "
                       "can approve it with their PIN (never the person asking). The reason is "
                       "kept with the claim and in the audit log. You stay signed in.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.approver = QComboBox()
        self.approver.setObjectName("approver")
        asking = ctx.actor.staff_id if ctx.actor is not None else None
        # The person asking is not offered: an override is a second person's approval (the
        # services refuse the asker's own PIN too).
        for person in staff.list_staff(ctx.db):
            if person.active and allowed(person.role, Permission.OVERRIDE_RULE) \
                    and person.id != asking:
                self.approver.addItem(f"{person.name}  ·  {ROLE_LABELS[person.role]}",
                                      person.name)
        # Nobody is picked for the approver: a PIN typed against a name chosen by default would
        # count as a wrong try for that person. Typing a name's first letters finds it.
        self.approver.setPlaceholderText("type or pick who approves")
        self.approver.setCurrentIndex(-1)
        form.addRow("&Approved by", self.approver)
        self.pin = pin_field("their PIN", "overridePin")
        form.addRow("&PIN", self.pin)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("overrideReason")
        self.reason.setPlaceholderText("why the rule may be passed this time, in plain words")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        form.addRow("&Reason", self.reason)
        layout.addLayout(form)
        self.message = message_label()
        layout.addWidget(self.message)
        buttons, self.ok = ok_cancel(self, "Approve override  (Enter)",
                                     self._on_buttons_accepted)
        # Enter anywhere but the reason box presses this default button, once.
        self.ok.setDefault(True)
        layout.addWidget(buttons)
        self.approver.setFocus()

    def _on_buttons_accepted(self) -> None:
        reason = self.reason.toPlainText().strip()
        name = self.approver.currentData()
        if self.approver.count() == 0:
            self.message.setText("Nobody else here may approve overrides. Ask the owner.")
            return
        if name is None:
            self.message.setText("Pick who approves: their name in the list above, then "
                                 "their PIN.")
            self.approver.setFocus()
            return
        if len(reason) < MIN_REASON:
            self.message.setText("Write the reason for the override (a few words at least).")
            self.reason.setFocus()
            return
        if not self.pin.text():
            self.message.setText("Type the approver's PIN.")
            self.pin.setFocus()
            return
        pin = self.pin.text()
        self.ok.setEnabled(False)
        self.message.setText("Checking the PIN…")
        # The PIN hash costs about a tenth of a second: checked off the GUI thread.
        self.ctx.run(lambda: staff.verify_override(self.ctx.db, str(name), pin),
                     lambda approver: self._on_verified(approver, reason), self._on_refused)

    def _on_verified(self, approver: Actor, reason: str) -> None:
        self.ok.setEnabled(True)
        self.approved.emit(Override(approver, reason))
        self.accept()

    def _on_refused(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus()
        if isinstance(exc, WarrantyDeskError):
            self.message.setText(str(exc))
        else:
            self.message.setText("The PIN could not be checked.")
            self.ctx.report(exc)
