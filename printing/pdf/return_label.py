"""A customer's return label for a unit bought online: where it goes, from whom, the claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from reportlab.pdfgen.canvas import Canvas

from printing.formatting import day
from printing.pdf.fonts import fonts
from printing.pdf.label import Pen, barcode_band, title_bar
from printing.pdf.pages import label_size
from printing.pdf.style import BOLD, MUTED, REGULAR
from printing.pdf.text import safe


@dataclass(frozen=True, slots=True)
class ReturnLabelView:
    """What the label says; every text is the shop's or the customer's words, drawn plain."""

    claim_number: str
    product_name: str
    to_name: str  # the branch that takes the unit in
    to_lines: tuple[str, ...]
    to_phone: str
    from_name: str  # the customer who sends it
    from_lines: tuple[str, ...]
    approved_on: date


def address_lines(text: str, *, limit: int = 6) -> tuple[str, ...]:
    """An address as its lines: as written on several lines, else apart at its commas."""
    parts = text.splitlines() if "\n" in text.strip() else text.split(",")
    return tuple(line.strip() for line in parts if line.strip())[:limit]


def render_return_label(view: ReturnLabelView, *, locale: str = "en_GB") -> bytes:
    """The label as PDF bytes: one 4x6 in page, the claim number as a Code128 the returns
    desk scans to take the unit in."""
    w, h = label_size("4x6in")
    fonts()  # drawn straight on the canvas: the faces are registered here
    out = BytesIO()
    canv = Canvas(out, pagesize=(w, h), invariant=1)
    canv.setTitle(safe(f"Return label {view.claim_number}"))
    canv.setAuthor("Warranty Desk")
    pad, bar = 18.0, 30.0
    title_bar(canv, w, h, pad, bar, "RETURN \u00b7 WARRANTY CLAIM")
    pen = Pen(canv, pad, h - pad - bar - 8, w - 2 * pad, pad)
    pen.write("DELIVER TO", BOLD, 7, color=MUTED)
    pen.write(view.to_name, BOLD, 16, lines=2, smallest=10)
    for line in view.to_lines:
        pen.write(line, REGULAR, 13, smallest=8)
    if view.to_phone:
        pen.write(f"Phone {view.to_phone}", REGULAR, 10)
    pen.y -= 6
    top = barcode_band(canv, view.claim_number, w, pen.y - 4, 58, 1.5, pad)
    pen.y = top - 2
    pen.write(view.claim_number, BOLD, 18, centre=True)
    pen.y -= 6
    pen.field("From", ", ".join((view.from_name, *view.from_lines)), 10, lines=3)
    pen.field("Product", view.product_name, 10, lines=2)
    pen.field("Return approved", day(view.approved_on, locale), 10)
    pen.write("Pack the unit with its charger and accessories; stick this label on the "
              "outside of the parcel. The shop scans it when the parcel arrives.",
              REGULAR, 8, lines=3, color=MUTED)
    canv.showPage()
    canv.save()
    return out.getvalue()
