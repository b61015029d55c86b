"""A customer's warranty certificate: the till's own layout, from head office's record."""

from __future__ import annotations

from django.urls import reverse

from portal import clock
from portal.projections.cover import spans
from portal.projections.models import Warranty
from printing.pdf.certificate import render_certificate
from warranty_desk.printables import ShopHeader, SlipView
from warranty_desk.rules.delivery_words import cover_on_delivery
from warranty_desk.views import LayerView

# Head office holds no policy text; the shop's own copy carries the full terms.
TERMS = ("This is head office's copy of your warranty record. The full terms are on the "
         "certificate the shop gave you at the sale; ask the shop for another copy.")
HOW_TO_CLAIM = "Bring the unit, this certificate and your receipt to the shop that sold it."


def slip_of(warranty: Warranty, page_url: str | None = None) -> SlipView:
    """The certificate's view of a projected warranty (prefetch `layers`)."""
    layers = tuple(LayerView(layer.kind, layer.start_on, layer.end_on, layer.plan or None)
                   for layer in warranty.layers.all())
    start = warranty.start_on or (layers[0].start_on if layers else clock.today())
    end = warranty.end_on or (layers[-1].end_on if layers else start)
    branch = warranty.branch
    return SlipView(
        shop=ShopHeader(name=branch.name or branch.code, branch_name=branch.name,
                        branch_code=branch.code, address="", phone="", email="",
                        locale="en_GB", currency="GBP"),
        copy=True, printed_at=clock.now(), warranty_code=warranty.code,
        status="void" if warranty.status == "void" else "active",
        invoice_number=warranty.invoice, sold_on=min([start, *(x.start_on for x in layers)]),
        product_name=warranty.product.name if warranty.product else "Product",
        sku=warranty.product.sku if warranty.product else "", brand="", category="",
        serial=warranty.serial or None, customer_name=None, start_on=start, end_on=end,
        layers=() if warranty.awaits_delivery else layers, key_terms=(), terms=TERMS,
        exclusions=(), how_to_claim=HOW_TO_CLAIM, portal_url=page_url,
        # Before delivery the layers are only the terms laid from the order date: no date of
        # cover goes on paper, the till's own words say when it starts.
        cover_note=cover_on_delivery(spans(warranty)) if warranty.awaits_delivery else None)


def certificate_pdf(warranty: Warranty, base_url: str) -> bytes:
    """The certificate PDF; its QR code opens the public check page of the warranty."""
    return render_certificate(slip_of(
        warranty, base_url + reverse("warranty-check", args=[warranty.code])))
