"""Finishing a sale: record it off the GUI thread, then say which warranties to show."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ui.context import AppContext
from ui.screens.sale_parts.capture_page import Accepts, Declines, Serials
from ui.screens.sale_parts.done_panel import CodeRow
from ui.screens.sale_parts.manual_page import Declines as LineDeclines
from ui.screens.sale_parts.manual_page import ManualLine
from ui.screens.sale_parts.recording import codes_per_line, record_declines, save_capture
from ui.wording import count
from warranty_desk.services import activation
from warranty_desk.services.activation import SaleInput, SaleResult
from warranty_desk.services.registration import SaleCapture


class SaleRecorder(QObject):
    """Emits `saved(title, rows, codes to print or None for all)` or `failed(exception)`.

    After a failed capture, `retry(invoice, serials typed)` asks for the sale to be shown
    again with what was typed, so nothing has to be scanned twice.
    """

    saved = Signal(str, list, object)
    failed = Signal(object)
    retry = Signal(str, dict)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def record_manual(self, lines: list[ManualLine], sale: SaleInput,
                      declines: LineDeclines) -> None:
        """A sale entered by hand: every unit gets its warranty; declines are kept after."""
        actor, db, today = self.ctx.require_actor(), self.ctx.db, self.ctx.today()
        self.ctx.run(lambda: activation.record_sale(db, actor, sale, today=today),
                     lambda result: self._on_recorded(result, lines, sale, declines),
                     self.failed.emit)

    def _on_recorded(self, result: SaleResult, lines: list[ManualLine], sale: SaleInput,
                     declines: LineDeclines) -> None:
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
                        None)
        if declines:
            actor, db = self.ctx.require_actor(), self.ctx.db
            decline_codes = [(per_line[n], plans) for n, plans in declines]
            # The sale stands whatever happens here: a failed decline only means asking again.
            self.ctx.run(lambda: record_declines(db, actor, decline_codes), lambda _: None,
                         self.failed.emit)

    def save_capture(self, capture: SaleCapture, serials: Serials, accepts: Accepts,
                     declines: Declines) -> None:
        """An imported sale: the serials typed, and each line's answer to the offer."""
        actor, today, db = self.ctx.require_actor(), self.ctx.today(), self.ctx.db

        def failed(exc: BaseException) -> None:
            # Whatever was saved before the failure shows as recorded after the reload.
            self.retry.emit(capture.invoice_number, dict(serials))
            self.failed.emit(exc)

        # Slips for the units changed now; units registered on an earlier visit have theirs.
        touched = {code for code, _ in serials} | {c for codes, _ in accepts for c in codes}
        self.ctx.run(lambda: save_capture(db, actor, capture.invoice_number, serials=serials,
                                          accepts=accepts, declines=declines, today=today),
                     lambda saved: self._on_capture_saved(saved, touched), failed)

    def _on_capture_saved(self, capture: SaleCapture, touched: set[str]) -> None:
        self.ctx.data_changed.emit("sale")
        rows: list[CodeRow] = [(u.warranty_code, line.product, u.serial)
                               for line in capture.lines for u in line.units if not u.void]
        missing = len(capture.missing_serials)
        title = f"Invoice {capture.invoice_number}: warranties registered"
        if missing:
            title += f"; {count(missing, 'unit')} still without a serial"
        self.saved.emit(title, rows, [code for code, _, _ in rows if code in touched])
