"""Finishing a sale: record it off the GUI thread, then say which warranties to show."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ui.context import AppContext
from ui.screens.sale_parts.capture_page import Accepts, Declines, Serials
from ui.screens.sale_parts.done_panel import CodeRow
from ui.screens.sale_parts.manual_page import ManualLine
from ui.screens.sale_parts.recording import codes_per_line
from ui.wording import count
from warranty_desk.services import activation, registration
from warranty_desk.services.registration import CaptureSaved, SaleCapture
from warranty_desk.services.sale_input import SaleInput
from warranty_desk.services.sale_plan import SaleResult


class SaleRecorder(QObject):
    """Emits `saved(title, rows, codes to print or None for all, plan charges)` or
    `failed(exception)`.

    Each save is one service call and one transaction: after a failure nothing was saved, and
    the screen keeps everything that was typed and answered for another try.
    """

    saved = Signal(str, list, object, tuple)
    failed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def record_manual(self, lines: list[ManualLine], sale: SaleInput) -> None:
        """A sale entered by hand: every unit gets its warranty, declined plans are kept."""
        actor, db = self.ctx.require_actor(), self.ctx.db
        self.ctx.run(lambda: activation.record_sale(db, actor, sale),
                     lambda result: self._on_recorded(result, lines, sale), self.failed.emit)

    def _on_recorded(self, result: SaleResult, lines: list[ManualLine], sale: SaleInput) -> None:
        per_line = codes_per_line(result, sale)
        rows: list[CodeRow] = []
        for ln, line_codes in zip(lines, per_line, strict=True):
            serials = [s for _, s in ln.box.new_serials()]
            rows += [(code, ln.product.name, serials[n] if n < len(serials) else None)
                     for n, code in enumerate(line_codes)]
        self.ctx.data_changed.emit("sale")
        extra = (f"; {count(result.extensions_sold, 'extension')} sold"
                 if result.extensions_sold else "")
        self.saved.emit(f"Invoice {result.invoice_number}: "
                        f"{count(len(rows), 'warranty', 'warranties')} activated{extra}", rows,
                        None, result.charges)

    def save_capture(self, capture: SaleCapture, serials: Serials, accepts: Accepts,
                     declines: Declines) -> None:
        """An imported sale: the serials typed, and each line's answer to the offer."""
        actor, db = self.ctx.require_actor(), self.ctx.db
        # Slips for the units changed now; units registered on an earlier visit have theirs.
        touched = {code for code, _ in serials} | {c for codes, _ in accepts for c in codes}
        self.ctx.run(lambda: registration.capture_sale(
                         db, actor, capture.invoice_number, serials=serials, accepts=accepts,
                         declines=declines),
                     lambda saved: self._on_capture_saved(saved, touched), self.failed.emit)

    def _on_capture_saved(self, saved: CaptureSaved, touched: set[str]) -> None:
        self.ctx.data_changed.emit("sale")
        capture = saved.capture
        rows: list[CodeRow] = [(u.warranty_code, line.product, u.serial)
                               for line in capture.lines for u in line.units if not u.void]
        missing = len(capture.missing_serials)
        title = f"Invoice {capture.invoice_number}: warranties registered"
        if missing:
            title += f"; {count(missing, 'unit')} still without a serial"
        self.saved.emit(title, rows, [code for code, _, _ in rows if code in touched],
                        saved.charges)
