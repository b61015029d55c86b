"""The claim drop-off ticket on a thermal roll: a pure function of a TicketView."""

from __future__ import annotations

from printing.escpos.document import Document
from printing.escpos.paper import paper_for
from printing.escpos.parts import footer, heading, opening
from printing.formatting import day, moment
from warranty_desk.printables import TicketView


def render_ticket(view: TicketView, *, width_mm: int = 80) -> bytes:
    """ESC/POS bytes of the claim ticket the customer keeps, for a 58 or 80 mm printer."""
    doc = Document(paper_for(width_mm))
    locale = view.shop.locale
    opening(doc, view.shop, "CLAIM TICKET", copy_of="ticket" if view.copy else None)
    # The number is what the customer quotes on the phone, so it is the largest thing here.
    width = 2 if doc.fits(view.claim_number, 2) else 1
    doc.text(view.claim_number, align="center", bold=True, width=width, height=2)
    doc.barcode(view.claim_number)
    doc.blank()
    doc.field("Opened", moment(view.opened_at, locale))
    doc.field("Received by", view.received_by)

    if view.customer_name or view.customer_phone:
        heading(doc, "Customer")
        if view.customer_name:
            doc.field("Name", view.customer_name)
        if view.customer_phone:
            doc.field("Phone", view.customer_phone)

    heading(doc, "Unit")
    doc.field("Product", view.product_name, bold=True)
    if view.brand:
        doc.field("Brand", view.brand)
    if view.sku:
        doc.field("SKU", view.sku)
    doc.field("Serial", view.serial or "not recorded")
    doc.field("Warranty", view.warranty_code or "none on record")
    doc.field("Handed in", view.accessories.strip() or "Unit only")
    if view.condition.strip():
        doc.field("Condition", view.condition)

    heading(doc, "The fault, as you told us")
    doc.text(view.fault)

    doc.blank()
    if view.promised_on:
        doc.field("Ready by", day(view.promised_on, locale), bold=True)
    else:
        doc.text("We will call you with a date.", bold=True)
    if view.how_to_follow:
        heading(doc, "Following your claim")
        doc.text(view.how_to_follow)
    if view.portal_url:
        doc.qr(view.portal_url, "Scan to follow your claim online")
    else:
        doc.blank()
    return footer(doc, view.printed_at, locale)
