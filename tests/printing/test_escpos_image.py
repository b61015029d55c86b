"""Receipts painted dot for dot and scanned with the real zbarimg, as a customer's phone would."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from printing.escpos import WIDTHS_MM, render_close_report, render_slip, render_ticket
from tests.printing.escpos_decoder import PAPER_DOTS, decode
from tests.printing.escpos_image import paint, save, zbar
from tests.printing.escpos_samples import SLIP_DE, SLIP_VOID_COPY
from tests.printing.samples import CLOSE_REPORT, SLIP, TICKET

# Previews a person can open and look at; kept outside the repository.
PREVIEWS = Path("/tmp/escpos-previews")

needs_zbar = pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg not installed")
widths = pytest.mark.parametrize("width_mm", WIDTHS_MM)

DOCUMENTS: dict[str, tuple[Callable[..., bytes], Any]] = {
    "slip": (render_slip, SLIP),
    "slip-void-copy": (render_slip, SLIP_VOID_COPY),
    "slip-de": (render_slip, SLIP_DE),
    "ticket": (render_ticket, TICKET),
    "close-report": (render_close_report, CLOSE_REPORT),
}


def preview(name: str, width_mm: int) -> Path:
    render, view = DOCUMENTS[name]
    decoded = decode(render(view, width_mm=width_mm))
    return save(decoded, PAPER_DOTS[width_mm], PREVIEWS / f"{name}-{width_mm}.png")


@needs_zbar
@widths
def test_slip_codes_scan_back_exactly(width_mm: int) -> None:
    found = zbar(preview("slip", width_mm))
    assert sorted(found) == sorted([SLIP.warranty_code, str(SLIP.portal_url)])


@needs_zbar
@widths
def test_ticket_codes_scan_back_exactly(width_mm: int) -> None:
    found = zbar(preview("ticket", width_mm))
    assert sorted(found) == sorted([TICKET.claim_number, str(TICKET.portal_url)])


@needs_zbar
@widths
@pytest.mark.parametrize("name", ["slip-void-copy", "slip-de", "close-report"])
def test_other_previews_paint_and_scan(name: str, width_mm: int) -> None:
    # Painting raises if anything is wider than the paper; the scan finds only real codes.
    found = zbar(preview(name, width_mm))
    expected = [] if name == "close-report" else [SLIP.warranty_code, str(SLIP.portal_url)]
    assert sorted(found) == sorted(expected)


@widths
def test_image_is_the_printer_dot_width(width_mm: int) -> None:
    image = paint(decode(render_slip(SLIP, width_mm=width_mm)), PAPER_DOTS[width_mm])
    assert image.width == PAPER_DOTS[width_mm]
    assert 1000 < image.height < 4000
