"""The warranty slip on a thermal roll: a pure function of a SlipView."""

from __future__ import annotations

from printing.escpos.document import Document
from printing.escpos.paper import paper_for
from printing.escpos.parts import banner, copy_mark, footer, heading, shop_header, title
from printing.formatting import day
from warranty_desk.printables import SlipView
from warranty_desk.views import LayerView

_LAYER_NAMES = {"manufacturer": "Manufacturer", "shop": "Shop", "extension": "Extension"}


def layer_label(layer: LayerView) -> str:
    """What a span of cover is called on paper, with its plan when it has one."""
    name = _LAYER_NAMES.get(layer.kind, layer.kind.capitalize())
    return f"{name} ({layer.plan})" if layer.plan else name


def render_slip(view: SlipView, *, width_mm: int = 80) -> bytes:
    """ESC/POS bytes of the warranty slip for a 58 or 80 mm printer."""
    doc = Document(paper_for(width_mm))
    locale = view.shop.locale
    shop_header(doc, view.shop)
    if view.status == "void":
        doc.rule("=")
        banner(doc, "WARRANTY VOID", "This warranty no longer gives any cover.")
    else:
        title(doc, "WARRANTY")
    if view.copy:
        copy_mark(doc, "slip")
    doc.text(view.warranty_code, align="center", bold=True)
    doc.rule()
    doc.field("Invoice", view.invoice_number)
    doc.field("Sold on", day(view.sold_on, locale))
    doc.field("Product", view.product_name, bold=True)
    doc.field("Brand", view.brand)
    doc.field("SKU", view.sku)
    doc.field("Serial", view.serial or "not recorded")
    if view.customer_name:
        doc.field("Customer", view.customer_name)

    heading(doc, "Your cover")
    if view.cover_note is not None:
        doc.text(view.cover_note, bold=True)
    else:
        doc.field("From", day(view.start_on, locale), bold=True)
        doc.field("Until", day(view.end_on, locale), bold=True)
        doc.pairs([(layer_label(layer),
                    f"{day(layer.start_on, locale)} - {day(layer.end_on, locale)}")
                   for layer in view.layers])

    if view.key_terms:
        heading(doc, "Key terms")
        for term in view.key_terms:
            doc.text(f"- {term}", hang=2)
    if view.exclusions:
        heading(doc, "Not covered")
        for exclusion in view.exclusions:
            doc.text(f"- {exclusion}", hang=2)
    if view.how_to_claim:
        heading(doc, "How to claim")
        doc.text(view.how_to_claim)

    doc.blank()
    doc.barcode(view.warranty_code)
    if view.portal_url:
        doc.qr(view.portal_url, "Scan to see your warranty online")
    return footer(doc, view.printed_at, locale)
