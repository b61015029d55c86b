"""The returns label: a page exactly the label's size, drawn straight on the canvas to fit."""

from __future__ import annotations

from io import BytesIO

from reportlab.graphics import renderPDF
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from printing.formatting import day
from printing.pdf.codes import code128, code128_width
from printing.pdf.fit import fit
from printing.pdf.fonts import fonts
from printing.pdf.pages import label_size
from printing.pdf.parts import product_line
from printing.pdf.style import ACCENT, BOLD, INK, MUTED, REGULAR, RULE, WHITE
from printing.pdf.text import safe
from warranty_desk.printables import LabelView

_MIN_QUIET = 10  # Code128 modules of white each side of the bars


class Pen:
    """Writes lines of text downwards from the top of the label, never past its edges."""

    def __init__(self, canv: Canvas, x: float, y: float, width: float, bottom: float):
        self.canv, self.x, self.y, self.width, self.bottom = canv, x, y, width, bottom

    def room(self, size: float) -> bool:
        return self.y - size * 1.2 >= self.bottom - 0.5

    def write(self, text: str, font: str, size: float, *, lines: int = 1, smallest: float = 4.5,
              color: Color = INK, centre: bool = False) -> None:
        size, rows = fit(safe(text), font, self.width, largest=size, smallest=smallest,
                         max_lines=lines)
        self.canv.setFont(font, size)
        self.canv.setFillColor(color)
        for row in rows:
            if not self.room(size):
                return
            self.y -= size * 1.2
            base = self.y + size * 0.22  # the descender sits inside the line box
            if centre:
                self.canv.drawCentredString(self.x + self.width / 2, base, row)
            else:
                self.canv.drawString(self.x, base, row)

    def field(self, label: str, value: str, size: float, lines: int = 1) -> None:
        self.write(label.upper(), BOLD, size * 0.62, color=MUTED)
        self.write(value, REGULAR, size, lines=lines, smallest=size * 0.7)
        self.y -= size * 0.25
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.5)
        self.canv.line(self.x, self.y, self.x + self.width, self.y)
        self.y -= size * 0.35


def barcode_band(canv: Canvas, value: str, page_w: float, top: float, height: float,
                 max_module: float, pad: float) -> float:
    """A Code128 of value centred across the page, its top at `top`; where its bars end."""
    # The widest module that fits with the minimum quiet zone (the label's white edge counts)
    # and keeps the bars inside the padding, away from where the cutter may be off.
    modules = code128_width(value, 1.0) - 24  # code128_width counts 12 quiet modules per side
    module = min(max_module, page_w / (modules + 2 * _MIN_QUIET), (page_w - 2 * pad) / modules)
    drawing = code128(value, module=module, height=height, human=False)
    renderPDF.draw(drawing, canv, (page_w - drawing.width) / 2, top - height)
    return top - height


def title_bar(canv: Canvas, w: float, h: float, pad: float, bar: float, title: str,
              right: str = "") -> None:
    """A large label's heading: white words on the accent colour across its top."""
    canv.setFillColor(ACCENT)
    # Inside the margins: label printers do not print reliably to the edge.
    canv.roundRect(pad, h - pad - bar, w - 2 * pad, bar, 3, stroke=0, fill=1)
    canv.setFillColor(WHITE)
    canv.setFont(BOLD, 13)
    canv.drawString(pad + 9, h - pad - bar + 10, title)
    if right:
        canv.drawRightString(w - pad - 9, h - pad - bar + 10, safe(right))


def _small(canv: Canvas, view: LabelView, w: float, h: float, locale: str) -> None:
    # 62x29 mm, read from close up: ~0.27 mm modules are 3 dots at 300 dpi.
    pad, t = 5.0, 6.2
    top = barcode_band(canv, view.claim_number, w, h - pad, 21, 0.76, pad)
    pen = Pen(canv, pad, top - 1, w - 2 * pad, pad * 0.6)
    pen.write(view.claim_number, BOLD, 7.5, centre=True)
    pen.y -= 2
    pen.write(product_line(view.brand, view.product_name), BOLD, t * 1.15, lines=2)
    ids = [f"S/N {view.serial or 'not recorded'}", f"SKU {view.sku}" if view.sku else ""]
    pen.write(" \u00b7 ".join(x for x in ids if x), REGULAR, t)
    pen.write(f"Supplier: {view.supplier}", REGULAR, t)
    pen.write(f"Received {day(view.received_on, locale)} \u00b7 Branch {view.branch_code}",
              REGULAR, t)
    if view.fault and pen.room(t):
        pen.write(f"Fault: {view.fault}", REGULAR, t, color=MUTED)


def _large(canv: Canvas, view: LabelView, w: float, h: float, locale: str) -> None:
    # 4x6 in: a returns-shelf tag big enough to read across the store room.
    pad, bar = 18.0, 30.0
    title_bar(canv, w, h, pad, bar, "RETURN TO SUPPLIER", view.branch_code)
    pen = Pen(canv, pad, h - pad - bar - 10, w - 2 * pad, pad)
    pen.write("SUPPLIER", BOLD, 7, color=MUTED)
    pen.write(view.supplier, BOLD, 17, lines=2, smallest=10)
    top = barcode_band(canv, view.claim_number, w, pen.y - 10, 62, 1.5, pad)
    pen.y = top - 2
    pen.write(view.claim_number, BOLD, 20, centre=True)
    pen.y -= 8
    pen.field("Product", product_line(view.brand, view.product_name), 12, lines=3)
    pen.field("Serial number", view.serial or "not recorded", 12)
    pen.field("SKU \u00b7 Brand", " \u00b7 ".join(x for x in (view.sku, view.brand) if x), 12)
    pen.field("Received", f"{day(view.received_on, locale)} at branch {view.branch_code}", 12)
    if view.fault:
        pen.field("Fault", view.fault, 12, lines=4)


def render_label(view: LabelView, *, size: str = "62x29mm", locale: str = "en_GB") -> bytes:
    """A returns label of the given size as PDF bytes (one page, the label's exact size).

    The label view carries no shop, so dates are written for `locale` (en_GB by default).
    """
    page_w, page_h = label_size(size)
    fonts()  # drawn straight on the canvas: no styles, so the faces are registered here
    out = BytesIO()
    canv = Canvas(out, pagesize=(page_w, page_h), invariant=1)
    canv.setTitle(safe(f"Return label {view.claim_number}"))
    canv.setAuthor("Warranty Desk")
    (_small if size == "62x29mm" else _large)(canv, view, page_w, page_h, locale)
    canv.showPage()
    canv.save()
    return out.getvalue()
