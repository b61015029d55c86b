"""A short ESC/POS test page for Settings > Devices, sent through the real printer backends."""

from __future__ import annotations

from datetime import datetime

from printing.backends import open_backend
from printing.targets import parse_target

TEST_CODE = "TEST-PRINT-1"


def test_page(shop: str, printer: str, width_mm: int, at: datetime) -> bytes:
    """What the test prints: who and where, the roll width, and a barcode to check."""
    # The receipt layouts load python-escpos; only a test print needs them.
    from printing.escpos.document import Document
    from printing.escpos.paper import paper_for

    doc = Document(paper_for(width_mm))
    doc.text("TEST PRINT", align="center", bold=True, width=2, height=2)
    doc.text(shop, align="center")
    doc.rule()
    doc.field("Printer", printer)
    doc.field("Paper", f"{width_mm} mm roll")
    doc.field("Printed", at.strftime("%Y-%m-%d %H:%M"))
    doc.rule()
    doc.text("If this page is straight and the barcode below scans, warranty slips and "
             "claim tickets will print well.")
    doc.blank()
    doc.barcode(TEST_CODE)
    return doc.finish()


def send_test_page(target_text: str, width_mm: int, shop: str, at: datetime) -> str:
    """Print the test page (blocking); raises BadInput or DeviceUnavailable in plain words."""
    target = parse_target(target_text)
    backend = open_backend(target)
    try:
        backend.deliver(test_page(shop, str(target), width_mm, at))
    finally:
        backend.close()
    return str(target)
