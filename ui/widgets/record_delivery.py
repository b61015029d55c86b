"""Recording that an online order reached its customer: the day, then the delivery service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFormLayout, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.keys import bind_key
from ui.widgets.date_field import date_field, date_of, qdate
from ui.widgets.dialog_buttons import message_label, ok_cancel
from ui.widgets.labels import Label
from warranty_desk.errors import WarrantyDeskError
from warranty_desk.permissions import Permission
from warranty_desk.views import WarrantyVerdict

if TYPE_CHECKING:
    from warranty_desk.services.delivery import DeliveryRecorded

DELIVERY_KEY = "Ctrl+Shift+D"  # D for delivered


class DeliveryDialog(QDialog):
    """The day an order arrived (today unless changed); a refusal is said in the dialog."""

    def __init__(self, ctx: AppContext, verdict: WarrantyVerdict,
                 on_recorded: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deliveryDialog")
        self.ctx, self.order = ctx, verdict.invoice_number
        self._on_recorded = on_recorded
        self.setWindowTitle(f"Order {self.order} delivered")
        layout = QVBoxLayout(self)
        intro = Label(f"The cover of order {self.order}'s units that wait for delivery starts "
                      "on the day the customer received it. Its policy lays the same months "
                      "from that day; the customer's portal shows the new dates.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.day = date_field()
        self.day.setObjectName("deliveredOn")
        self.day.setDate(qdate(ctx.today()))
        form.addRow("Delivered on", self.day)
        layout.addLayout(form)
        self.message = message_label()
        layout.addWidget(self.message)
        buttons, self.ok = ok_cancel(self, "Record delivery  (Ctrl+Enter)", self._on_ok)
        bind_key(self, "Ctrl+Return", self._on_ok)
        layout.addWidget(buttons)
        self.day.setFocus()

    def _on_ok(self) -> None:
        from warranty_desk.services import delivery

        actor, db, order, day = self.ctx.require_actor(), self.ctx.db, self.order, date_of(
            self.day)
        self.ok.setEnabled(False)
        self.ctx.run(lambda: delivery.record_delivery(db, actor, order, day),
                     self._recorded, self._refused)

    def _recorded(self, done: DeliveryRecorded) -> None:
        self.ctx.notice.emit(f"Order {done.order_number} delivered on {done.delivered_on}: "
                             f"cover of {', '.join(done.started)} runs until {done.ends_on}.",
                             "success")
        self.accept()
        self._on_recorded(done.started[0])

    def _refused(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(exc, WarrantyDeskError):
            self.message.setText(str(exc))
            self.day.setFocus()
        else:
            self.ctx.report(exc)


def ask_delivery(ctx: AppContext, parent: QWidget, verdict: WarrantyVerdict,
                 on_recorded: Callable[[str], object]) -> DeliveryDialog | None:
    """Open the dialog for those who may record deliveries; `on_recorded(code)` after."""
    if ctx.actor is None or not ctx.may(Permission.RECORD_DELIVERY):
        ctx.notice.emit("Your role may not record deliveries; sales, the storekeeper, a "
                        "manager or the owner can.", "warning")
        return None
    dialog = DeliveryDialog(ctx, verdict, on_recorded, parent)
    dialog.open()
    return dialog
