"""Fonts, colours and paragraph styles shared by every PDF, built once per size and cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from printing.pdf.fonts import BOLD as BOLD
from printing.pdf.fonts import ITALIC as ITALIC
from printing.pdf.fonts import REGULAR as REGULAR
from printing.pdf.fonts import fonts

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
ACCENT = colors.HexColor("#1d4e89")
RULE = colors.HexColor("#c5ced8")
ZEBRA = colors.HexColor("#f1f4f8")
PANEL = colors.HexColor("#e8eef6")
TOTAL_BG = colors.HexColor("#dce6f2")
WARN = colors.HexColor("#b42318")
WARN_BG = colors.HexColor("#fdecea")
COPY_INK = colors.HexColor("#6b7785")
COPY_BG = colors.HexColor("#eef0f3")
WHITE = colors.white


@dataclass(frozen=True, slots=True)
class Styles:
    """The paragraph styles of one document size."""

    base: float  # body font size: the other sizes follow from it
    title: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    bullet: ParagraphStyle
    caption: ParagraphStyle
    big: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    head: ParagraphStyle
    banner: ParagraphStyle


@lru_cache(maxsize=4)
def styles(compact: bool = False) -> Styles:
    """Styles for A4/Letter, or the tighter set for A5 (compact).

    Every document asks for its styles before it measures or draws a word, so this is where
    the faces are registered (once, at the first PDF).
    """
    # DejaVu Sans runs about 8% wider than Helvetica with a taller x-height: a smaller size
    # reads the same and keeps each document on the pages it was laid out for.
    b = (8.0 if compact else 9.0) * (0.93 if fonts().unicode else 1.0)
    t = 1.8 if compact else 2.2  # the title: A5 keeps it on one line beside the barcode

    def ps(name: str, size: float = b, **kw: object) -> ParagraphStyle:
        kw.setdefault("fontName", REGULAR)
        kw.setdefault("leading", size * 1.3)
        kw.setdefault("textColor", INK)
        return ParagraphStyle(f"{name}-{b}", fontSize=size, **kw)

    return Styles(
        base=b,
        title=ps("title", fontName=BOLD, size=b * t, leading=b * t * 1.2, textColor=ACCENT),
        h2=ps("h2", fontName=BOLD, size=b * 1.2, textColor=ACCENT,
              spaceBefore=b * 0.9, spaceAfter=b * 0.3),
        body=ps("body", spaceAfter=b * 0.4),
        small=ps("small", size=b * 0.85),
        muted=ps("muted", size=b * 0.85, textColor=MUTED),
        label=ps("label", size=b * 0.85, textColor=MUTED),
        value=ps("value", fontName=BOLD),
        bullet=ps("bullet", leftIndent=b * 1.2, bulletIndent=b * 0.3, spaceAfter=b * 0.15),
        caption=ps("caption", size=b * 0.8, textColor=MUTED, alignment=TA_CENTER),
        big=ps("big", fontName=BOLD, size=b * 2.0, leading=b * 2.4),
        cell=ps("cell", size=b * 0.95),
        cell_right=ps("cell-right", size=b * 0.95, alignment=TA_RIGHT),
        head=ps("head", fontName=BOLD, size=b * 0.95, textColor=WHITE),
        banner=ps("banner", fontName=BOLD, size=b * 1.15, alignment=TA_CENTER),
    )
