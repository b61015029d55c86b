"""The point-of-sale close report on a thermal roll: a pure function of a CloseReportView."""

from __future__ import annotations

from printing.escpos.document import Document
from printing.escpos.paper import paper_for
from printing.escpos.parts import footer, heading, shop_header, title
from printing.escpos.table import staff_table
from printing.formatting import day
from warranty_desk.printables import CloseReportView


def render_close_report(view: CloseReportView, *, width_mm: int = 80) -> bytes:
    """ESC/POS bytes of one day's close report for a 58 or 80 mm printer."""
    doc = Document(paper_for(width_mm))
    locale = view.shop.locale
    shop_header(doc, view.shop)
    title(doc, "CLOSE REPORT")
    doc.text(day(view.day, locale), align="center", bold=True)
    doc.rule()
    if not view.rows and not view.gaps:
        doc.blank()
        doc.text("No activity recorded on this day.", align="center")
        doc.blank()
        return footer(doc, view.printed_at, locale)

    staff_table(doc, view.rows, view.totals, view.shop)
    heading(doc, f"Registration gaps ({len(view.gaps)})" if view.gaps else "Registration gaps")
    if not view.gaps:
        # A report reprinted on a later day should not say "today".
        when = "today" if view.printed_at.date() == view.day else "on this day"
        doc.text(f"No registration gaps {when}.")
    else:
        doc.text("Sold without a serial; capture each one:")
    for gap in view.gaps:
        doc.blank()
        doc.text(f"{gap.invoice_number}  {gap.product_name} ({gap.sku})", bold=True, hang=2)
        doc.text(f"Warranty {gap.warranty_code}", indent=2)
        doc.text(f"Sold by {gap.staff_name}", indent=2)
    doc.blank()
    return footer(doc, view.printed_at, locale)
