"""Painting a PDF's pages onto any QPrinter, and finding the system printer a setting names."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from warranty_desk.errors import WarrantyDeskError

# Pages are rasterised at this resolution before they reach the printer: sharp barcodes and
# small print at 300 dpi, while an A4 page stays near 35 MB (1200 dpi would need 560 MB).
RENDER_DPI = 300
POINTS_PER_INCH = 72.0
DEFAULT_PRINTER_WORDS = "the system's default printer"


class PrintFailed(WarrantyDeskError):
    """The PDF could not be read or the printer could not start; the message says which."""


@contextlib.contextmanager
def loaded(pdf: bytes) -> Iterator[QPdfDocument]:
    """The PDF opened by QtPdf; loaded from a temporary file, as a file loads synchronously."""
    fd, path = tempfile.mkstemp(prefix="warranty-desk-", suffix=".pdf")
    doc = QPdfDocument()
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pdf)
        if doc.load(path) != QPdfDocument.Error.None_ or doc.pageCount() < 1:
            raise PrintFailed("The document could not be prepared for the printer (its PDF "
                              "did not open). Try again; if it keeps failing, save it as a PDF.")
        yield doc
    finally:
        doc.close()
        with contextlib.suppress(OSError):
            os.unlink(path)


def match_paper(printer: QPrinter, pdf: bytes) -> None:
    """Set the printer to the PDF's own page size with no margins: the PDF has its own."""
    with loaded(pdf) as doc:
        points = doc.pagePointSize(0)
    size = QPageSize(points, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    # Portrait keeps the size as given: a wide label stays wide ("landscape" would swap it).
    printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait,
                                      QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)


def paint_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Draw every page of the PDF onto the printer, one printer page each; returns the count."""
    with loaded(pdf) as doc:
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintFailed("The printer did not start the job. Check it is switched on and "
                              "ready, or save the document as a PDF instead.")
        try:
            for page in range(doc.pageCount()):
                if page and not printer.newPage():
                    raise PrintFailed("The printer stopped after page "
                                      f"{page} of {doc.pageCount()}.")
                _draw_page(painter, doc, page, printer)
        finally:
            painter.end()
        return doc.pageCount()


def _draw_page(painter: QPainter, doc: QPdfDocument, page: int, printer: QPrinter) -> None:
    points = doc.pagePointSize(page)
    area = QRectF(painter.viewport())
    # Fit the page into the printable area, keeping its shape and centring what is left over.
    scale = min(area.width() / points.width(), area.height() / points.height())
    drawn = QSizeF(points.width() * scale, points.height() * scale)
    target = QRectF(area.x() + (area.width() - drawn.width()) / 2,
                    area.y() + (area.height() - drawn.height()) / 2,
                    drawn.width(), drawn.height())
    dpi = min(RENDER_DPI, printer.resolution())
    pixels = QSize(round(points.width() * dpi / POINTS_PER_INCH),
                   round(points.height() * dpi / POINTS_PER_INCH))
    painter.drawImage(target, doc.render(page, pixels))


def printer_names() -> list[str]:
    """The printers this computer knows, by the names settings store."""
    return list(QPrinterInfo.availablePrinterNames())


def system_printer(name: str) -> tuple[QPrinter, str]:
    """The named system printer, else the default one; and a note when the named one is gone."""
    note = ""
    if name:
        info = QPrinterInfo.printerInfo(name)
        if not info.isNull():
            return QPrinter(info, QPrinter.PrinterMode.HighResolution), ""
        note = (f"The printer {name!r} chosen under Settings > Devices is not on this "
                f"computer, so {DEFAULT_PRINTER_WORDS} is offered instead.")
    default = QPrinterInfo.defaultPrinter()
    if default.isNull():
        return QPrinter(QPrinter.PrinterMode.HighResolution), note
    return QPrinter(default, QPrinter.PrinterMode.HighResolution), note
