"""A small builder over python-escpos: styled, wrapped rows, barcodes, QR codes and the cut."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from printing.escpos.capabilities import use_lasting_cache

use_lasting_cache()  # must run before python-escpos is imported, below

from escpos.constants import (  # noqa: E402
    BARCODE_FONT_A,
    BARCODE_HEIGHT,
    BARCODE_TXT_BLW,
    BARCODE_TYPE_B,
    BARCODE_WIDTH,
    QR_ECLEVEL_M,
)
from escpos.magicencode import Encoder  # noqa: E402
from escpos.printer import Dummy  # noqa: E402

from printing.escpos.paper import Paper, code128_module, qr_module  # noqa: E402
from printing.escpos.wrap import balanced, printable, wrap  # noqa: E402

# The default profile lists every Epson code page and the native barcode and QR commands.
PROFILE = "default"
# PC858 is PC850 (western European letters: á é í ó ú ü ß ...) plus the euro sign; it is in the
# code page table of every receipt printer the shop is likely to buy.
CODE_PAGE = "CP858"
# Labels of label/value rows take this many columns; the value wraps beside them.
LABEL_COLUMNS = 12

Align = Literal["left", "center", "right"]
_UNPRINTABLE = ord("?")


@cache
def _code_page() -> dict[int, int]:
    """The code page's byte for each character above ASCII: python-escpos's own table for it
    (the one its MagicEncode writes text with), made once rather than for every document."""
    return {ord(char): n + 128 for n, char in enumerate(Encoder._get_codepage_char_list(CODE_PAGE))}


def encoded(text: str) -> bytes:
    """Text as the bytes python-escpos would write for it under the forced code page, "?" for
    a character the page lacks.

    Its encoder looks every character up in Python, one call each: half the time a slip took.
    """
    if text.isascii():
        return text.encode("ascii")
    page = _code_page()
    return bytes(c if c < 128 else page.get(c, _UNPRINTABLE) for c in map(ord, text))


@dataclass(frozen=True, slots=True)
class Style:
    """How a row prints; ESC @ leaves the printer at the defaults below."""

    align: Align = "left"
    bold: bool = False
    width: int = 1  # character width multiplier
    height: int = 1
    invert: bool = False


PLAIN = Style()
CENTRED = Style(align="center")


class Document:
    """One receipt being built; finish() feeds, cuts and returns the bytes."""

    def __init__(self, paper: Paper) -> None:
        self.paper = paper
        self.columns = paper.columns
        self._printer = Dummy(profile=PROFILE)
        self._printer.hw("INIT")
        # Forcing one code page keeps the bytes predictable; what it lacks prints as '?'.
        self._printer.charcode(CODE_PAGE)
        self._style = Style()

    def _apply(self, style: Style) -> None:
        # Only changes are sent, so the stream stays short and the same view gives the same bytes.
        printer, old = self._printer, self._style
        if style.align != old.align:
            printer.set(align=style.align)
        if style.bold != old.bold:
            printer.set(bold=style.bold)
        if (style.width, style.height) != (old.width, old.height):
            # GS ! sets size alone; ESC ! would also clear emphasis.
            printer.set(custom_size=True, width=style.width, height=style.height)
        if style.invert != old.invert:
            printer.set(invert=style.invert)
        self._style = style

    def row(self, text: str, style: Style = PLAIN) -> None:
        """One printed row, already cut to fit; the caller has wrapped it."""
        self._apply(style)
        self._printer._raw(encoded(f"{printable(text)}\n"))

    def text(self, text: str, *, align: Align = "left", bold: bool = False, width: int = 1,
             height: int = 1, invert: bool = False, indent: int = 0, hang: int = 0) -> None:
        """Text wrapped to the columns its size leaves; indent all rows, hang the later ones."""
        style = Style(align, bold, width, height, invert)
        columns = self.columns // width - indent
        rows = (balanced if align == "center" else wrap)(text, columns - hang)
        for number, row in enumerate(rows):
            pad = indent + (hang if number else 0)
            self.row(" " * pad + row, style)

    def fits(self, text: str, width: int) -> bool:
        """Whether text prints on one row at this character width."""
        return len(printable(text)) * width <= self.columns

    def field(self, label: str, value: str, *, bold: bool = False,
              label_columns: int = LABEL_COLUMNS) -> None:
        """A label and its value beside it; the value wraps under itself."""
        rows = wrap(value, self.columns - label_columns) or [""]
        style = Style(bold=bold)
        self.row(label.ljust(label_columns) + rows[0], style)
        for row in rows[1:]:
            self.row(" " * label_columns + row, style)

    def pairs(self, pairs: list[tuple[str, str]], *, bold: bool = False) -> None:
        """Left texts with right-aligned texts; if any pair needs two rows, all take two."""
        cleaned = [(printable(left), printable(right)) for left, right in pairs]
        style = Style(bold=bold)
        one_row = all(len(left) + 1 + len(right) <= self.columns for left, right in cleaned)
        for left, right in cleaned:
            if one_row:
                self.row(left + right.rjust(self.columns - len(left)), style)
                continue
            for row in wrap(left, self.columns):
                self.row(row, style)
            for row in wrap(right, self.columns - 2):
                self.row(row.rjust(self.columns), style)

    def rule(self, char: str = "-") -> None:
        """A full-width line across the paper."""
        self.row(char * self.columns)

    def blank(self) -> None:
        """An empty row."""
        self.row("")

    def barcode(self, code: str) -> None:
        """A centred Code128 of code with its text below; just the text if it cannot fit."""
        module = code128_module(code, self.paper)
        if module is None or not code.isascii() or not code.isprintable():
            self.text(code, align="center", bold=True)
            return
        self._apply(CENTRED)
        printer = self._printer
        # Sent directly: python-escpos refuses module width 1, which 58 mm paper needs for an
        # 18-character code, and its barcode() prints a notice to stdout.
        printer._raw(BARCODE_HEIGHT + bytes([self.paper.barcode_height]))
        printer._raw(BARCODE_WIDTH + bytes([module]))
        printer._raw(BARCODE_FONT_A + BARCODE_TXT_BLW)
        data = b"{B" + code.replace("{", "{{").encode("ascii")
        printer._raw(BARCODE_TYPE_B["CODE128"] + bytes([len(data)]) + data)

    def qr(self, data: str, caption: str) -> None:
        """A caption and a centred QR code of data; the link as text if no QR can fit."""
        module = qr_module(data, self.paper)
        self.blank()
        if module is None:
            self.text(data, align="center")
            return
        self.text(caption, align="center")
        # Blank rows above and below keep the quiet zone phone cameras need.
        self.blank()
        self._apply(CENTRED)
        self._printer.qr(data, ec=QR_ECLEVEL_M, size=module, native=True)
        self.blank()

    def image(self, raster: bytes) -> None:
        """A centred raster image (GS v 0 bytes from logo.raster)."""
        self._apply(CENTRED)
        self._printer._raw(raster)

    def finish(self) -> bytes:
        """Feed the last rows past the cutter, cut, and return the bytes."""
        self._printer.cut()
        return bytes(self._printer.output)
