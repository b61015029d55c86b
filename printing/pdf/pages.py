"""Paper and label sizes by name, with a plain error for a name we do not know."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.units import inch, mm

from warranty_desk.errors import BadInput

PAPERS = ("A4", "Letter", "A5")
LABEL_SIZES = ("62x29mm", "4x6in")

_PAPER_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "Letter": LETTER, "A5": A5}
# 62x29 mm is the Brother DK-11209 roll, printed landscape; 4x6 in is the shipping label, portrait.
_LABEL_SIZES: dict[str, tuple[float, float]] = {
    "62x29mm": (62 * mm, 29 * mm),
    "4x6in": (4 * inch, 6 * inch),
}


def paper_size(name: str) -> tuple[float, float]:
    """Width and height in points of a paper named in PAPERS."""
    try:
        return _PAPER_SIZES[name]
    except KeyError:
        raise BadInput(
            f"Unknown paper size {name!r}: choose one of {', '.join(PAPERS)}.") from None


def label_size(name: str) -> tuple[float, float]:
    """Width and height in points of a label named in LABEL_SIZES."""
    try:
        return _LABEL_SIZES[name]
    except KeyError:
        raise BadInput(
            f"Unknown label size {name!r}: choose one of {', '.join(LABEL_SIZES)}.") from None
