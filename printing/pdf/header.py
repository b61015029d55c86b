"""The shop header (logo, name, branch, contacts) that tops every page of a document."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle

from printing.pdf.style import ACCENT, BOLD, MUTED, Styles
from printing.pdf.text import markup, safe
from warranty_desk.printables import ShopHeader


def fitted_image(png: bytes, max_w: float, max_h: float) -> Image | None:
    """The picture scaled to fit the box, or None when it cannot be read: a damaged logo or
    signature must not stop the document, which prints without it."""
    try:
        w, h = ImageReader(BytesIO(png)).getSize()
    except Exception:  # Pillow raises many kinds of error for bad image bytes
        return None
    scale = min(max_w / w, max_h / h)
    return Image(BytesIO(png), width=w * scale, height=h * scale)


def shop_header(shop: ShopHeader, st: Styles, width: float, right: str) -> Flowable:
    """A table: logo (if any), shop name and contacts, and on the right what this document is."""
    b = st.base
    name = Paragraph(markup(shop.name), st.title.clone(
        "shop-name", fontSize=b * 1.55, leading=b * 1.85, textColor=ACCENT))
    # A shop with no address (or no branch name) gets no dangling separator.
    where = f"{shop.branch_name} ({shop.branch_code})" if shop.branch_name else shop.branch_code
    branch = markup(" · ".join(x for x in (where, shop.address.strip()) if x))
    contact = markup(" · ".join(x for x in (shop.phone, shop.email) if x))
    info = [name, Paragraph(f"{branch}<br/>{contact}", st.muted)]
    tag = Paragraph("<br/>".join(markup(line) for line in right.split("\n")),
                    st.small.clone("header-right", alignment=2, fontName=BOLD,
                                   textColor=MUTED, leading=b * 1.2))
    logo = fitted_image(shop.logo_png, width * 0.2, b * 5) if shop.logo_png else None
    # The right column takes what its lines need (within reason); the shop's details the rest.
    needed = max(stringWidth(safe(line), BOLD, tag.style.fontSize) for line in right.split("\n"))
    right_w = min(max(needed + 2, width * 0.2), width * 0.42)
    if logo is not None:
        logo_w = float(logo.drawWidth) + 10
        row: list[object] = [logo, info, tag]
        widths = [logo_w, width - logo_w - right_w, right_w]
    else:
        row, widths = [info, tag], [width - right_w, right_w]
    table = Table([row], colWidths=widths)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table
