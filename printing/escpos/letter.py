"""A customer message as a letter on the receipt roll: a pure function of a LetterView."""

from __future__ import annotations

from printing.escpos.document import Document
from printing.escpos.paper import paper_for
from printing.escpos.parts import banner, footer, heading, shop_header, title
from warranty_desk.locales import written_day
from warranty_desk.printables import LetterView


def render_letter(view: LetterView, *, width_mm: int = 80) -> bytes:
    """ESC/POS bytes of the letter the customer takes away, for a 58 or 80 mm printer."""
    doc = Document(paper_for(width_mm))
    locale = view.shop.locale
    shop_header(doc, view.shop)
    title(doc, "LETTER")
    if view.copy:
        banner(doc, "COPY", view.copy_note or "A reprint of a letter given before")
    doc.blank()
    if view.customer_name:
        doc.field("To", view.customer_name, bold=True)
    doc.field("Date", written_day(view.written_on, locale))
    if view.claim_number:
        doc.field("Claim", view.claim_number)
    heading(doc, view.subject)
    for paragraph in view.body.replace("\r\n", "\n").split("\n\n"):
        if paragraph.strip():
            doc.blank()
            for line in paragraph.strip().split("\n"):
                doc.text(line)
    if view.claim_number:
        doc.blank()
        doc.barcode(view.claim_number)
    return footer(doc, view.printed_at, locale)
