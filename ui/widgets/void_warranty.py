"""Voiding a warranty from any screen that shows one: the reason, then the service."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QWidget

from ui.context import AppContext
from ui.widgets.reason_dialog import ReasonDialog
from warranty_desk.permissions import Permission

VOID_KEY = "Ctrl+Shift+W"


def ask_to_void(ctx: AppContext, parent: QWidget, code: str, product: str,
                on_voided: Callable[[str], object],
                show: Callable[[QDialog], None] | None = None) -> ReasonDialog | None:
    """Ask for the reason, void the warranty off the GUI thread, then call `on_voided(code)`.

    Only for those who may void warranties; the caller says what changed to everyone else.
    """
    # Loaded when someone voids: the counter offers this key from the start, which should not
    # pay for the activation service before the first scan.
    from warranty_desk.services import activation

    if ctx.actor is None or not ctx.may(Permission.VOID_WARRANTY):
        ctx.notice.emit("Your role may not void warranties; a manager or the owner can.",
                        "warning")
        return None
    actor, db = ctx.actor, ctx.db
    dialog = ReasonDialog(
        f"Void warranty {code}",
        f"Voiding ends the cover of warranty {code} ({product}) for good: a lookup shows it as "
        "void, with your reason, and no claim can be opened on it. Use it "
        "for a sale returned or cancelled, or a warranty issued by mistake.",
        "Void warranty",
        placeholder="why the warranty is voided, e.g. sale returned for a credit note",
        parent=parent)

    def voided(_result: object) -> None:
        ctx.notice.emit(f"Warranty {code} is void now.", "success")
        on_voided(code)

    dialog.given.connect(lambda reason: ctx.run(
        lambda: activation.void_warranty(db, actor, code, reason), voided, ctx.report))
    if show is not None:
        show(dialog)
    else:
        dialog.open()
    return dialog
