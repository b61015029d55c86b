"""Erasing the customer shown, on their request: what goes, what stays, a reason, the service."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ui.context import AppContext
from ui.widgets.reason_dialog import ReasonDialog
from warranty_desk.permissions import Actor, Permission
from warranty_desk.services.customer_view import CustomerProfile


class ShowsCustomer(Protocol):
    """The customer screen as the erase button needs it."""

    ctx: AppContext
    profile: CustomerProfile | None
    profile_controls: QWidget

    def load(self, reference: str) -> None: ...


class EraseControl:
    """The erase button below the customer's details, for managers and the owner only."""

    def __init__(self, screen: ShowsCustomer) -> None:
        self.screen = screen
        self.dialog: ReasonDialog | None = None  # the erasure being confirmed, if any
        self.button = QPushButton("Erase personal data on the customer's request…")
        self.button.setObjectName("eraseCustomer")
        self.button.setToolTip("Removes the name, phone and email from this till and head "
                               "office (GDPR Art. 17); warranties and claims stay under a "
                               "pseudonym")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        layout = screen.profile_controls.layout()
        assert layout is not None
        layout.addItem(row)
        self.button.clicked.connect(self.ask)
        screen.ctx.signed_in.connect(self._on_ctx_signed_in)
        self._on_ctx_signed_in(screen.ctx.actor)

    def _on_ctx_signed_in(self, _actor: Actor | None) -> None:
        self.button.setVisible(self.screen.ctx.may(Permission.ERASE_CUSTOMER))

    def ask(self) -> None:
        """What erasure does, the request's reason, then the erasure off the GUI thread."""
        from warranty_desk.services import erasure

        ctx, profile = self.screen.ctx, self.screen.profile
        if profile is None or ctx.actor is None:
            return
        if not ctx.may(Permission.ERASE_CUSTOMER):
            ctx.notice.emit("Your role may not erase customers; a manager or the owner can.",
                            "warning")
            return
        actor, db, reference = ctx.actor, ctx.db, profile.reference
        dialog = ReasonDialog(
            f"Erase {profile.name} ({reference})",
            f"Erasing removes {profile.name}'s name, phone and email from this till, from "
            "head office (their portal account is closed and their uploads deleted) and from "
            "every backup made from now on. Their warranties and claims stay, named "
            "'Erased customer …', so the shop can still answer for them and count them. It "
            "cannot be undone, and the shop can no longer reach them. A customer with a claim "
            "still open is refused: finish or reject it first.",
            "Erase for good", placeholder="on whose request and how it came, e.g. asked by "
                                          "email on 3 December",
            parent=self.screen.profile_controls)

        def erased(report: erasure.ErasureReport) -> None:
            ctx.notice.emit(f"Erased {report.reference}: its records now name "
                            f"{report.pseudonym}.", "success")
            ctx.data_changed.emit("customer")
            self.screen.load(report.reference)

        dialog.given.connect(lambda reason: ctx.run(
            lambda: erasure.erase(db, actor, reference, reason), erased, ctx.report))
        self.dialog = dialog
        dialog.open()
