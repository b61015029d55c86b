"""The handover receipt on a thermal roll: a pure function of a HandBackView."""

from __future__ import annotations

from printing.escpos.document import Document
from printing.escpos.logo import raster
from printing.escpos.paper import paper_for
from printing.escpos.parts import footer, heading, opening
from printing.formatting import moment
from printing.hand_back_words import received_words
from warranty_desk.printables import HandBackView

# A signature is read, not admired: most of the roll wide, about 20 mm tall at 203 dpi.
SIGNATURE_SHARE = 0.8
SIGNATURE_DOTS = 160
# The longest label ("Collected by") and a space: a claim number still fits beside it on 58 mm.
LABELS = 13


def _field(doc: Document, label: str, value: str, *, bold: bool = False) -> None:
    doc.field(label, value, bold=bold, label_columns=LABELS)


def render_hand_back(view: HandBackView, *, width_mm: int = 80) -> bytes:
    """ESC/POS bytes of the handover receipt, for a 58 or 80 mm printer."""
    doc = Document(paper_for(width_mm))
    locale = view.shop.locale
    opening(doc, view.shop, "HANDOVER RECEIPT", copy_of="handover receipt" if view.copy else None)
    doc.text(view.receipt_number, align="center", bold=True)
    doc.barcode(view.receipt_number)
    _field(doc, "Claim", view.claim_number, bold=True)
    _field(doc, "Handed back", moment(view.handed_at, locale))
    _field(doc, "Handed by", view.handed_by)
    _field(doc, "Collected by", view.collected_by, bold=True)
    if view.on_behalf_proof:
        _field(doc, "For", view.customer_name or "the owner")
        _field(doc, "Proof", view.on_behalf_proof)

    heading(doc, "Replacement unit" if view.unit == "replacement" else "Unit")
    _field(doc, "Product", view.product_name, bold=True)
    if view.brand:
        _field(doc, "Brand", view.brand)
    _field(doc, "Serial", view.serial or "not recorded")
    _field(doc, "Outcome", view.outcome)
    _field(doc, "Accessories", ", ".join(view.accessories) or "Unit only")
    if view.accessories_missing:
        _field(doc, "Not returned", ", ".join(view.accessories_missing), bold=True)
    _field(doc, "Condition", view.condition)

    heading(doc, "Customer's confirmation")
    doc.text(received_words(view))
    picture = (raster(view.signature_png, doc.paper.dots, share=SIGNATURE_SHARE,
                      max_height=SIGNATURE_DOTS) if view.signature_png else None)
    if picture is not None:
        doc.blank()
        doc.image(picture)
        doc.text(f"Signed on screen by {view.collected_by}", align="center")
    else:
        # Room for a pen: the signed roll is what the shop keeps under the receipt number.
        for _ in range(3):
            doc.blank()
        doc.rule("_")
        doc.text(f"Signature of {view.collected_by}", align="center")
    return footer(doc, view.printed_at, locale)
