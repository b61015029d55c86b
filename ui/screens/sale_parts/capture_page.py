"""An imported sale opened by its invoice: who bought what, and a field per missing serial."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.money import money
from ui.phones import phone
from ui.screens.sale_parts.line_box import LineBox, UnitSlot
from ui.screens.sale_parts.line_list import LineList
from ui.widgets.labels import Label
from warranty_desk.services.registration import CaptureLine, SaleCapture

# What staff answered on the page: serials typed, plans accepted, plans declined (by codes).
Serials = list[tuple[str, str]]
Accepts = list[tuple[list[str], str]]
Declines = list[tuple[list[str], tuple[str, ...]]]


class CapturePage(QWidget):
    """The invoice's lines; serials already recorded show read-only."""

    def __init__(self) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        self.header = Label("")
        self.header.setWordWrap(True)
        column.addWidget(self.header)
        self.line_list = LineList()
        column.addWidget(self.line_list)
        column.addStretch(1)
        self.capture: SaleCapture | None = None
        self.boxes: list[tuple[CaptureLine, LineBox]] = []

    def show_capture(self, capture: SaleCapture, keep: dict[str, str], *, sells: bool) -> None:
        """One box per line; the serials typed before a failed finish stay in their fields."""
        self.clear()
        self.capture = capture
        sold = f"Invoice {capture.invoice_number}  ·  sold {capture.sold_on}  ·  " + (
            capture.customer_name or "anonymous sale") + (
            f"  ·  {phone(capture.customer_phone)}" if capture.customer_phone else "")
        missing = len(capture.missing_serials)
        need = ("Every serial is recorded." if not missing
                else "1 unit needs its serial: scan it." if missing == 1
                else f"{missing} units need their serial: scan them in turn.")
        self.header.setText(f"{sold}\n{need}")
        for line in capture.lines:
            # Serials typed before a failed finish come back, still editable: none is saved.
            units = [UnitSlot(u.warranty_code, u.serial or keep.get(u.warranty_code),
                              line.serial_required and not u.void, recorded=u.serial is not None)
                     for u in line.units]
            box = LineBox(f"{line.product}  ({line.sku})",
                          f"{line.quantity} × {money(line.unit_price_minor)}", units,
                          line.extension_offers if sells else (), removable=False)
            self.boxes.append((line, box))
            self.line_list.add(box)

    def answers(self) -> tuple[Serials, Accepts, Declines]:
        """Serials typed here, and each line's answer to the offer, by warranty codes."""
        serials: Serials = []
        accepts: Accepts = []
        declines: Declines = []
        for line, box in self.boxes:
            serials += box.new_serials()
            if box.offer is None or box.offer.decision() is None:
                continue
            open_codes = [u.warranty_code for u in line.units if not u.void and not u.extended]
            if box.offer.decision() == "accept":
                accepts.append((open_codes, box.offer.plan()))
            else:
                declines.append((open_codes, box.offer.offered()))
        return serials, accepts, declines

    def clear(self) -> None:
        self.line_list.clear()
        self.header.setText("")
        self.capture = None
        self.boxes = []
