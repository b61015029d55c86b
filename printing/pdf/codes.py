"""Code128 and QR codes as reportlab Drawings, sized so a scanner (and zbarimg) reads them."""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.widgets import BarcodeCode128
from reportlab.graphics.shapes import Drawing, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from printing.pdf.style import INK, REGULAR
from printing.pdf.text import safe

# Ten modules is the Code128 minimum quiet zone; a little more survives a tight crop.
_QUIET_MODULES = 12
# 0.96 pt (0.34 mm) is a whole number of dots at 150, 300 and 600 dpi: bars stay crisp, and
# renders at 150-200 dpi decode at any page offset (0.84 pt did not, every time).
DOC_MODULE = 0.96


def code128(value: str, *, module: float = DOC_MODULE, height: float = 34.0,
            font_size: float = 9.0, human: bool = True, font: str = REGULAR) -> Drawing:
    """A Code128 of value with its quiet zones and, below a clear gap, the text to read."""
    quiet = module * _QUIET_MODULES
    widget = BarcodeCode128(value=value, barWidth=module, barHeight=height, quiet=1,
                            lquiet=quiet, rquiet=quiet, humanReadable=0)
    x0, _, x1, _ = widget.getBounds()
    width = x1 - x0
    text_h = font_size * 1.45 if human else 0.0
    drawing = Drawing(width, height + text_h)
    widget.x, widget.y = -x0, text_h
    drawing.add(widget)
    if human:
        text = safe(value)
        # Shrink (never overflow) the human-readable text to the symbol's width.
        size = min(font_size, font_size * (width - 2 * quiet) / max(
            stringWidth(text, font, font_size), 1.0))
        drawing.add(String(width / 2, font_size * 0.25, text, fontName=font, fontSize=size,
                           fillColor=INK, textAnchor="middle"))
    return drawing


def code128_width(value: str, module: float) -> float:
    """The full width (quiet zones included) of value's Code128 at that module width."""
    quiet = module * _QUIET_MODULES
    widget = BarcodeCode128(value=value, barWidth=module, barHeight=10, quiet=1,
                            lquiet=quiet, rquiet=quiet, humanReadable=0)
    x0, _, x1, _ = widget.getBounds()
    return float(x1 - x0)


def qr(value: str, *, size: float) -> Drawing:
    """A square QR code of value, size points wide including its four-module quiet zone."""
    # Level M still reads when the paper is creased or the toner is low.
    widget = QrCodeWidget(value, barWidth=size, barHeight=size, barBorder=4, barLevel="M")
    drawing = Drawing(size, size)
    drawing.add(widget)
    return drawing
