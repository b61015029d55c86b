"""Parts shared by the certificate, the ticket and the receipts: banners, the title row, names."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from printing.pdf import blocks
from printing.pdf.codes import code128
from printing.pdf.style import ACCENT, COPY_BG, COPY_INK, INK, WARN, WARN_BG, Styles
from printing.pdf.text import markup


def banners(*, void: str | None, copy: str | None, st: Styles, width: float) -> list[Flowable]:
    """The VOID and COPY warnings that open the first page, for those that apply."""
    out: list[Flowable] = []
    for text, ink, fill in ((void, WARN, WARN_BG), (copy, COPY_INK, COPY_BG)):
        if text:
            out += [blocks.banner(text, st, ink, fill, width), blocks.gap(st.base * 0.6)]
    return out


def product_line(brand: str | None, product: str) -> str:
    """Brand and product, without saying the brand twice when the name already starts with it."""
    if not brand or product.casefold().startswith(brand.casefold()):
        return product
    return f"{brand} {product}"


def title_and_code(title: list[Paragraph], code: Drawing, width: float,
                   gap: float = 6.0) -> list[Flowable]:
    """The title with the barcode at its right, or the barcode under it when both do not fit."""
    side = float(code.width)
    if any(stringWidth(p.getPlainText(), p.style.fontName, p.style.fontSize) > width - side
           for p in title):
        code.hAlign = "LEFT"
        return [*title, blocks.gap(gap), code]
    table = Table([[title, code]], colWidths=[width - side, side])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [table]


def numbered_opening(title: str, number: str, copy: str | None, st: Styles,
                     width: float) -> list[Flowable]:
    """The COPY banner if it applies, then the title over the large number, its barcode beside:
    the opening of a document the customer keeps and the shop scans (ticket, receipt)."""
    story = banners(void=None, copy=copy, st=st, width=width)
    code = code128(number, font_size=st.base, height=st.base * 3.6)
    heading = [Paragraph(markup(title), st.title.clone("document-title", textColor=INK)),
               Paragraph(markup(number), st.big.clone("document-number", textColor=ACCENT))]
    return [*story, *title_and_code(heading, code, width, gap=st.base * 0.5),
            blocks.gap(st.base)]
