"""Pieces every receipt shares: the shop header, titles, the COPY mark and the footer."""

from __future__ import annotations

from datetime import datetime

from printing.escpos.document import Document
from printing.escpos.logo import raster
from printing.formatting import moment
from warranty_desk.printables import ShopHeader


def shop_header(doc: Document, shop: ShopHeader) -> None:
    """The logo, the shop's name large and bold, then branch, address and phone, centred."""
    if shop.logo_png:
        picture = raster(shop.logo_png, doc.paper.dots)
        if picture is not None:
            doc.image(picture)
    # Double size only when the name fits on one row; a name broken over two giant rows
    # reads worse than one tall row.
    width = 2 if doc.fits(shop.name, 2) else 1
    doc.text(shop.name, align="center", bold=True, width=width, height=2)
    for line in (shop.branch_name, shop.address, shop.phone):
        if line:
            doc.text(line, align="center")


def title(doc: Document, text: str) -> None:
    """The document's name, large, with a rule above it."""
    doc.rule("=")
    width = 2 if doc.fits(text, 2) else 1
    doc.text(text, align="center", bold=True, width=width, height=2)


def banner(doc: Document, text: str, note: str) -> None:
    """A white-on-black mark nobody can miss (COPY, WARRANTY VOID) and a line saying why."""
    padded = f" {text} "
    width = 2 if doc.fits(padded, 2) else 1
    doc.text(padded, align="center", bold=True, width=width, height=2, invert=True)
    doc.text(note, align="center", bold=True)


def copy_mark(doc: Document, what: str) -> None:
    """The reprint mark, so a copy is never taken for a second original."""
    banner(doc, "COPY", f"Reprint of the original {what}")


def opening(doc: Document, shop: ShopHeader, text: str, *, copy_of: str | None) -> None:
    """The shop header, the document's title, the COPY mark on a reprint of `copy_of`, a gap."""
    shop_header(doc, shop)
    title(doc, text)
    if copy_of is not None:
        copy_mark(doc, copy_of)
    doc.blank()


def heading(doc: Document, text: str) -> None:
    """A bold section heading after a blank row."""
    doc.blank()
    doc.text(text, bold=True)


def footer(doc: Document, printed_at: datetime, locale: str) -> bytes:
    """When this was printed, then feed and cut."""
    doc.rule()
    doc.text(f"Printed {moment(printed_at, locale)}", align="center")
    return doc.finish()
