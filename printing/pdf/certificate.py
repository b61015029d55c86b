"""The warranty certificate PDF: the customer's full record of one unit's cover."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph

from printing.formatting import day, moment
from printing.pdf import blocks
from printing.pdf.codes import code128
from printing.pdf.document import (
    Chrome,
    Watermark,
    build,
    compact,
    content_width,
    footer_text,
    paper_styles,
)
from printing.pdf.parts import banners, product_line, title_and_code
from printing.pdf.style import COPY_BG, WARN_BG, Styles
from printing.pdf.text import markup
from warranty_desk.printables import SlipView
from warranty_desk.views import LayerView

_VOID_MARK = Watermark("VOID", WARN_BG)
_COPY_MARK = Watermark("COPY", COPY_BG)
NOT_RECORDED = "not recorded"


def layer_name(layer: LayerView) -> str:
    """Who stands behind a span of cover, in the customer's words."""
    if layer.kind == "extension":
        return f"Extension ({layer.plan})" if layer.plan else "Extension"
    return {"manufacturer": "Manufacturer", "shop": "Shop"}.get(layer.kind, layer.kind.title())


def _opening(view: SlipView, st: Styles, width: float) -> list[Flowable]:
    loc = view.shop.locale
    story = banners(
        void="VOID \u2014 this warranty is no longer valid." if view.status == "void" else None,
        copy=(f"COPY \u2014 reprinted {moment(view.printed_at, loc)}. It does not add or extend "
              "cover.") if view.copy else None, st=st, width=width)
    code = code128(view.warranty_code, font_size=st.base, height=st.base * 3.6)
    title = [Paragraph("Warranty certificate", st.title),
             Paragraph(markup(product_line(view.brand, view.product_name)), st.body)]
    story += [*title_and_code(title, code, width), blocks.gap(st.base)]
    story.append(blocks.facts([
        ("Warranty code", view.warranty_code), ("Customer", view.customer_name or NOT_RECORDED),
        ("Product", view.product_name), ("Invoice", view.invoice_number),
        ("Brand", view.brand), ("Sale date", day(view.sold_on, loc)),
        ("SKU", view.sku), ("Serial number", view.serial or NOT_RECORDED),
    ], st, width))
    if view.cover_note is not None:
        story.append(blocks.section("Your cover", [
            Paragraph(f"<b>{markup(view.cover_note)}</b>", st.body)], st))
        return story
    period = f"Covered from {day(view.start_on, loc)} to {day(view.end_on, loc)}"
    rows = [(layer_name(x), day(x.start_on, loc), day(x.end_on, loc)) for x in view.layers]
    story.append(blocks.section("Your cover", [
        Paragraph(f"<b>{markup(period)}</b>", st.body),
        blocks.table(("Who stands behind it", "From", "To"), rows,
                     [width * 0.5, width * 0.25, width * 0.25], st)], st))
    return story


def _terms(view: SlipView, st: Styles, width: float, small: bool) -> list[Flowable]:
    parts = [[blocks.heading(title, st), *blocks.bullets(items, st)] for title, items in
             (("Key terms", view.key_terms), ("Not covered", view.exclusions)) if items]
    terms = blocks.paragraphs(view.terms, st)
    full = [blocks.section("Terms", terms[:1], st), *terms[1:]] if terms else []
    if small and len(parts) == 2:
        # A5 is short: the two short lists share a row, the long terms follow at full width.
        return [blocks.gap(st.base * 0.6), blocks.columns(parts, width, st.base * 1.5), *full]
    lists = [KeepTogether(p) for p in parts]
    return [*lists[:1], *full, *lists[1:]]


def _claim(view: SlipView, st: Styles, width: float) -> Flowable:
    signed = day(view.printed_at.date(), view.shop.locale)
    claim = blocks.paragraphs(view.how_to_claim, st)
    if view.portal_url:
        qr_size = st.base * 9
        side_w = qr_size + st.base * 9
        side = blocks.qr_box(view.portal_url, "Scan to claim online", st, qr_size, side_w)
        # The signature goes under the claim text, beside the QR code: no orphan on page 2.
        claim += [blocks.signature("Signed for the shop", signed, st, width - side_w)]
        claim = [blocks.beside(claim, side, width, side_w)]
    else:
        claim += [blocks.gap(st.base), blocks.signature("Signed for the shop", signed, st, width)]
    return blocks.section("How to claim", claim, st)


def render_certificate(view: SlipView, *, paper: str = "A4") -> bytes:
    """The certificate of one unit's warranty as PDF bytes."""
    st = paper_styles(paper)
    width = content_width(paper)
    story = [*_opening(view, st, width), *_terms(view, st, width, compact(paper)),
             _claim(view, st, width)]
    mark = _VOID_MARK if view.status == "void" else _COPY_MARK if view.copy else None
    printed = f"Printed {moment(view.printed_at, view.shop.locale)}"
    chrome = Chrome(view.shop, "Warranty certificate", view.warranty_code,
                    footer_text(printed, view.shop, copy=view.copy), mark)
    return build(story, chrome, paper=paper)
