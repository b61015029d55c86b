"""Paint a decoded ESC/POS stream as the printer would put it on paper, for eyes and zbarimg."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

import qrcode
from barcode.charsets.code128 import CODES
from PIL import Image, ImageDraw, ImageFont

from tests.printing.escpos_decoder import (
    Barcode,
    Cut,
    Decoded,
    Feed,
    Line,
    Qr,
    Raster,
    Span,
)

CELL_W, CELL_H = 12, 24  # Font A, in dots
ROW = 34  # default line spacing, 1/6 inch at 203 dpi
MARGIN = 24  # white paper above and below, so scanners see quiet zones
_FONTS = "/usr/share/fonts/truetype/dejavu/"
_STOP = "1100011101011"  # the 13-module Code128 stop pattern
_QR_EC = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
          "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}


class DoesNotFit(AssertionError):
    """Something would be wider than the printable area; the printer would drop or clip it."""


@lru_cache(maxsize=2)
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    # DejaVu Sans Mono at 20 px advances 12 px a character, like Font A.
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    return ImageFont.truetype(_FONTS + name, 20)


def _x(align: str, width: int, dots: int) -> int:
    return {"left": 0, "center": (dots - width) // 2, "right": dots - width}[align]


def _text_row(line: Line, dots: int) -> Image.Image:
    height = max(ROW, CELL_H * line.size[1] + 6)
    row = Image.new("L", (dots, height), 255)
    if line.columns * CELL_W > dots:
        raise DoesNotFit(f"row of {line.columns} columns on {dots} dots: {line.text!r}")
    x = _x(line.align, line.columns * CELL_W, dots)
    for span in line.spans:
        cells = Image.new("L", (max(1, len(span.text)) * CELL_W, CELL_H),
                          0 if span.invert else 255)
        draw = ImageDraw.Draw(cells)
        for i, char in enumerate(span.text):
            draw.text((i * CELL_W, 0), char, font=_font(span.bold),
                      fill=255 if span.invert else 0)
        size = (len(span.text) * CELL_W * span.width, CELL_H * span.height)
        if size[0]:
            row.paste(cells.resize(size, Image.Resampling.NEAREST),
                      (x, height - CELL_H * span.height - 4))
        x += size[0]
    return row


def _barcode(code: Barcode, dots: int) -> Image.Image:
    if code.kind != "CODE128":
        raise NotImplementedError(code.kind)
    check = (code.symbols[0] + sum(i * v for i, v in enumerate(code.symbols[1:], 1))) % 103
    pattern = "".join(CODES[v] for v in (*code.symbols, check)) + _STOP
    width = len(pattern) * code.module_width
    if width > dots:
        raise DoesNotFit(f"barcode of {width} dots on {dots}: {code.data}")
    hri = CELL_H + 6 if code.hri == "below" else 0
    image = Image.new("L", (dots, code.height + hri), 255)
    draw = ImageDraw.Draw(image)
    x = _x(code.align, width, dots)
    for i, module in enumerate(pattern):
        if module == "1":
            left = x + i * code.module_width
            draw.rectangle((left, 0, left + code.module_width - 1, code.height - 1), fill=0)
    if hri:
        text = Line((Span(code.data, False, 1, 1, False, 0, code.hri_font),), code.align)
        image.paste(_text_row(text, dots).crop((0, 0, dots, hri)), (0, code.height))
    return image


def _qr(code: Qr, dots: int) -> Image.Image:
    qr = qrcode.QRCode(error_correction=_QR_EC[code.ec], box_size=1, border=0)
    qr.add_data(code.data.encode("utf-8"))
    qr.make(fit=True)
    matrix = qr.get_matrix()
    side = len(matrix) * code.module_size
    if side > dots:
        raise DoesNotFit(f"QR of {side} dots on {dots}: {code.data}")
    image = Image.new("L", (dots, side), 255)
    draw = ImageDraw.Draw(image)
    x = _x(code.align, side, dots)
    m = code.module_size
    for r, cells in enumerate(matrix):
        for c, dark in enumerate(cells):
            if dark:
                draw.rectangle((x + c * m, r * m, x + c * m + m - 1, r * m + m - 1), fill=0)
    return image


def paint(decoded: Decoded, dots: int) -> Image.Image:
    """The receipt as an image dots wide, one pixel a printer dot."""
    pieces: list[Image.Image] = [Image.new("L", (dots, MARGIN), 255)]
    for item in decoded.items:
        if isinstance(item, Line):
            pieces.append(_text_row(item, dots))
        elif isinstance(item, Barcode):
            pieces.append(_barcode(item, dots))
        elif isinstance(item, Qr):
            pieces.append(_qr(item, dots))
        elif isinstance(item, Feed):
            pieces.append(Image.new("L", (dots, max(1, item.lines * ROW)), 255))
        elif isinstance(item, Raster):
            picture = Image.frombytes("1", (item.width, item.height), item.bits)
            block = Image.new("L", (dots, item.height), 255)
            left = (dots - item.width) // 2 if item.align == "center" else 0
            # In the printer's bits 1 is ink; in a 1-bit PIL image 1 is white.
            block.paste(picture.point(lambda v: 0 if v else 255).convert("L"), (left, 0))
            pieces.append(block)
        elif isinstance(item, Cut):
            cut = Image.new("L", (dots, 9), 255)
            draw = ImageDraw.Draw(cut)
            for x in range(0, dots, 16):  # a dashed line where the knife goes
                draw.line((x, 4, x + 7, 4), fill=0, width=1)
            pieces.append(cut)
    pieces.append(Image.new("L", (dots, MARGIN), 255))
    sheet = Image.new("L", (dots, sum(p.height for p in pieces)), 255)
    y = 0
    for piece in pieces:
        sheet.paste(piece, (0, y))
        y += piece.height
    return sheet


def save(decoded: Decoded, dots: int, path: Path) -> Path:
    """Paint and save a PNG; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    paint(decoded, dots).save(path)
    return path


def zbar(path: Path) -> list[str]:
    """What zbarimg reads from the image, one entry a symbol, in the order found."""
    result = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True,
                            text=True, timeout=60, check=False)
    return [line for line in result.stdout.splitlines() if line]
