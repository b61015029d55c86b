"""The point-of-sale close report as a PDF: each staff member's day, totals, and serial gaps."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from printing.formatting import day, moment
from printing.pdf import blocks
from printing.pdf.document import Chrome, build, content_width, footer_text, paper_styles
from printing.pdf.style import BOLD, Styles
from printing.pdf.text import markup, safe
from warranty_desk.money import MoneyFormat
from warranty_desk.printables import CloseReportView, StaffDay

COLUMNS = ("Staff", "Activations", "Extensions sold", "Extension revenue", "Registration gaps",
           "Claims opened", "Claims closed")
NO_ACTIVITY = "No activity recorded on this day."
NO_GAPS = "No registration gaps today."


def _row(r: StaffDay, money: MoneyFormat) -> tuple[str, ...]:
    return (r.staff_name, str(r.activations), str(r.extensions_sold),
            money.people(r.extension_revenue_minor), str(r.registration_gaps),
            str(r.claims_opened), str(r.claims_closed))


def _staff(view: CloseReportView, st: Styles, width: float) -> Flowable:
    shop = view.shop
    rows = [_row(r, shop.money) for r in (*view.rows, view.totals)]
    # Each column at least as wide as its longest heading word and value, so nothing breaks
    # mid-word on A5; the spare width is shared out evenly.
    pad = st.base * 0.9 + 1
    need = [max([stringWidth(w, BOLD, st.head.fontSize) for w in head.split()] +
                [stringWidth(safe(r[i]), BOLD, st.cell.fontSize) for r in rows]) + pad
            for i, head in enumerate(COLUMNS)]
    spare = max(width - sum(need), 0.0) / len(need)
    return blocks.table(COLUMNS, rows, [w + spare for w in need], st,
                        right=frozenset(range(1, len(COLUMNS))), total=True)


def _gaps(view: CloseReportView, st: Styles, width: float) -> list[Flowable]:
    if not view.gaps:
        return [blocks.section("Registration gaps", [Paragraph(NO_GAPS, st.body)], st)]
    intro = Paragraph("These units need a serial number: capture it from the unit or call the "
                      "customer.", st.body)
    rows = [(g.invoice_number, g.product_name, g.sku, g.warranty_code, g.staff_name)
            for g in view.gaps]
    widths = [width * x for x in (0.15, 0.3, 0.13, 0.25, 0.17)]
    table = blocks.table(("Invoice", "Product", "SKU", "Warranty code", "Sold by"), rows,
                         widths, st)
    return [blocks.section("Registration gaps", [intro, table], st)]


def render_close_report_pdf(view: CloseReportView, *, paper: str = "A4") -> bytes:
    """The day's close report as PDF bytes."""
    st = paper_styles(paper)
    width = content_width(paper)
    shop = view.shop
    when = day(view.day, shop.locale)
    story: list[Flowable] = [
        Paragraph(markup(f"Close report \u2014 {when}"), st.title),
        Paragraph(markup(f"{shop.branch_name} ({shop.branch_code})"), st.body),
        blocks.gap(st.base)]
    if view.rows:
        story.append(_staff(view, st, width))
    else:
        story.append(Paragraph(f"<b>{NO_ACTIVITY}</b>", st.body))
    story += _gaps(view, st, width)
    chrome = Chrome(shop, "Close report", f"{when} \u00b7 {shop.branch_code}",
                    footer_text(f"Printed {moment(view.printed_at, shop.locale)}", shop))
    return build(story, chrome, paper=paper)
