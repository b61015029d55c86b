"""Receipt paper: the dots and Font A columns each roll width gives, and what fits on it."""

from __future__ import annotations

from dataclasses import dataclass

from warranty_desk.errors import BadInput

# Font A is 12 x 24 dots on every 203 dpi (8 dots/mm) printer the shop uses.
FONT_A_DOTS = 12


@dataclass(frozen=True, slots=True)
class Paper:
    """One roll width: printable dots, text columns, and the sizes its codes print at."""

    width_mm: int
    dots: int
    columns: int
    barcode_height: int  # dots
    qr_module: int  # preferred dots per QR module


PAPERS = {
    58: Paper(58, dots=384, columns=384 // FONT_A_DOTS, barcode_height=64, qr_module=5),
    80: Paper(80, dots=576, columns=576 // FONT_A_DOTS, barcode_height=80, qr_module=6),
}
WIDTHS_MM = (58, 80)

# Code128: 11 modules per symbol; start and check symbols, a 13-module stop, and a quiet zone
# of 10 modules each side, without which scanners miss the first bar.
_CODE128_OVERHEAD = 2 * 11 + 13 + 2 * 10
# Wider bars scan more easily, but past 2 dots the symbol dwarfs the receipt.
_WIDEST_MODULE = 2

# Bytes each QR version holds at error level M, versions 1..20; longer links are not QR'd.
_QR_BYTES_M = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213,
               251, 287, 331, 362, 412, 450, 504, 560, 624, 666)


def paper_for(width_mm: int) -> Paper:
    """The paper for a width in millimetres, or BadInput in plain words."""
    paper = PAPERS.get(width_mm) if isinstance(width_mm, int) else None
    if paper is None:
        raise BadInput(
            f"Receipt printers here are 58 mm or 80 mm wide; {width_mm} is not one of them.")
    return paper


def code128_module(code: str, paper: Paper) -> int | None:
    """The widest module (dots) at which a code set B barcode of code fits, or None."""
    modules = 11 * len(code) + _CODE128_OVERHEAD
    for width in range(_WIDEST_MODULE, 0, -1):
        if modules * width <= paper.dots:
            return width
    return None


def qr_module(data: str, paper: Paper) -> int | None:
    """Dots per module for a QR of data (level M) that fits the paper, or None if it cannot."""
    size = len(data.encode("utf-8"))
    for version, capacity in enumerate(_QR_BYTES_M, start=1):
        if size <= capacity:
            # A 4-module quiet zone each side must fit too.
            modules = 17 + 4 * version + 8
            return min(paper.qr_module, paper.dots // modules) or None
    return None
