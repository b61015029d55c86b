"""A strict ESC/POS interpreter for tests: bytes in, what the printer would print out.

It understands the commands the layouts are allowed to send and raises DecodeError on any
other byte sequence, so a layout that starts emitting something new fails its tests until
the decoder (and a person) has looked at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

# ESC t n: the code pages a layout may select, as Python codecs.
CODE_PAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}
ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
HRI = {0: "off", 1: "above", 2: "below", 3: "both", 48: "off", 49: "above", 50: "below",
       51: "both"}
QR_EC = {48: "L", 49: "M", 50: "Q", 51: "H"}
BARCODE_A = {0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "NW7"}
BARCODE_B = {65: "UPC-A", 66: "UPC-E", 67: "EAN13", 68: "EAN8", 69: "CODE39", 70: "ITF",
             71: "NW7", 72: "CODE93", 73: "CODE128"}
ESC, GS, LF = 0x1B, 0x1D, 0x0A


class DecodeError(Exception):
    """The stream holds something a printer would not take as the layout meant it."""


@dataclass(frozen=True)
class Span:
    """A run of text printed with one style."""

    text: str
    bold: bool
    width: int
    height: int
    invert: bool
    underline: int
    font: int


@dataclass(frozen=True)
class Line:
    """One printed row, ended by LF (or by the feed that printed it)."""

    spans: tuple[Span, ...]
    align: str

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)

    @property
    def bold(self) -> bool:
        return bool(self.spans) and all(span.bold for span in self.spans)

    @property
    def invert(self) -> bool:
        return bool(self.spans) and all(span.invert for span in self.spans)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) multipliers: the largest used on the row."""
        if not self.spans:
            return (1, 1)
        return (max(s.width for s in self.spans), max(s.height for s in self.spans))

    @property
    def columns(self) -> int:
        """Font A columns the row takes across the paper."""
        return sum(len(span.text) * span.width for span in self.spans)


@dataclass(frozen=True)
class Barcode:
    """A barcode the printer draws itself (GS k)."""

    kind: str
    data: str  # the human-readable content, code set selectors removed
    raw: bytes  # the bytes sent, e.g. b"{BBR01-..."
    symbols: tuple[int, ...]  # Code128 values from the start symbol on (empty for others)
    module_width: int
    height: int
    hri: str
    hri_font: int
    align: str

    @property
    def modules(self) -> int:
        """Code128 modules: the symbols, the check symbol and the 13-module stop."""
        return 11 * (len(self.symbols) + 1) + 13


@dataclass(frozen=True)
class Qr:
    """A QR code the printer draws itself (GS ( k)."""

    data: str
    module_size: int
    ec: str
    model: int
    align: str


@dataclass(frozen=True)
class Feed:
    """ESC d n: n blank rows."""

    lines: int


@dataclass(frozen=True)
class Cut:
    """GS V: the paper is cut here."""

    partial: bool


@dataclass(frozen=True)
class Raster:
    """GS v 0: a bit image printed as it is (the shop logo)."""

    width: int  # dots, a whole number of bytes
    height: int  # dots
    bits: bytes  # rows of MSB-first bits, 1 = a black dot
    align: str

    @property
    def dark(self) -> int:
        """How many dots print black."""
        return sum(bin(b).count("1") for b in self.bits)


Item = Line | Barcode | Qr | Feed | Cut | Raster


@dataclass
class Decoded:
    """Everything the printer did, in order."""

    items: list[Item] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [item for item in self.items if isinstance(item, Line)]

    @property
    def barcodes(self) -> list[Barcode]:
        return [item for item in self.items if isinstance(item, Barcode)]

    @property
    def qrs(self) -> list[Qr]:
        return [item for item in self.items if isinstance(item, Qr)]

    @property
    def text(self) -> str:
        """All printed text, one row a line."""
        return "\n".join(line.text for line in self.lines)

    @property
    def flat(self) -> str:
        """All printed text with rows and runs of spaces joined by single spaces.

        Wrapped sentences read whole again, so a test can look for a phrase anywhere.
        """
        return " ".join(self.text.split())

    @property
    def ends_with_cut(self) -> bool:
        return bool(self.items) and isinstance(self.items[-1], Cut)


@dataclass
class _State:
    align: str = "left"
    bold: bool = False
    underline: int = 0
    font: int = 0
    width: int = 1
    height: int = 1
    invert: bool = False
    code_page: str = "cp437"
    bar_height: int = 162
    bar_width: int = 3
    hri: str = "off"
    hri_font: int = 0
    qr_model: int = 2
    qr_size: int = 3
    qr_ec: str = "L"
    qr_data: bytes | None = None


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.state = _State()
        self.spans: list[Span] = []
        self.out = Decoded()

    def fail(self, what: str) -> DecodeError:
        start = max(0, self.pos - 8)
        return DecodeError(f"{what} at byte {self.pos}: ...{self.data[start:self.pos + 8]!r}")

    def take(self, count: int = 1) -> bytes:
        if self.pos + count > self.data.__len__():
            raise self.fail(f"stream ends inside a command (wanted {count} more bytes)")
        chunk = self.data[self.pos:self.pos + count]
        self.pos += count
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def at_line_start(self, command: str) -> None:
        # Epson applies these only at the start of a row; mid-row they are ignored or
        # print the buffer early, which is never what a layout means.
        if self.spans:
            raise self.fail(f"{command} in the middle of a row")

    def flush(self) -> None:
        self.out.items.append(Line(tuple(self.spans), self.state.align))
        self.spans = []

    def run(self) -> Decoded:
        while self.pos < len(self.data):
            value = self.byte()
            if value == LF:
                self.flush()
            elif value == ESC:
                self.esc(self.byte())
            elif value == GS:
                self.gs(self.byte())
            elif value >= 0x20 and value != 0x7F:
                self.text(value)
            else:
                self.pos -= 1
                raise self.fail(f"unknown control byte 0x{value:02x}")
        if self.spans:
            raise self.fail("text left in the print buffer at the end (no LF)")
        return self.out

    def text(self, first: int) -> None:
        end = self.pos
        while end < len(self.data) and self.data[end] >= 0x20 and self.data[end] != 0x7F:
            end += 1
        raw = bytes([first]) + self.data[self.pos:end]
        self.pos = end
        s = self.state
        self.spans.append(Span(raw.decode(s.code_page), s.bold, s.width, s.height, s.invert,
                               s.underline, s.font))

    def esc(self, command: int) -> None:
        s = self.state
        if command == ord("@"):
            self.at_line_start("ESC @")
            self.state = _State()
        elif command == ord("a"):
            self.at_line_start("ESC a")
            s.align = self.lookup(ALIGN, self.byte(), "alignment")
        elif command == ord("E"):
            s.bold = bool(self.byte() & 1)
        elif command == ord("-"):
            s.underline = self.lookup({0: 0, 1: 1, 2: 2, 48: 0, 49: 1, 50: 2}, self.byte(),
                                      "underline")
        elif command == ord("!"):
            n = self.byte()
            s.font, s.bold = n & 1, bool(n & 8)
            s.height, s.width = (2 if n & 16 else 1), (2 if n & 32 else 1)
            s.underline = 1 if n & 128 else 0
        elif command == ord("M"):
            s.font = self.lookup({0: 0, 1: 1, 48: 0, 49: 1}, self.byte(), "font")
        elif command == ord("t"):
            s.code_page = self.lookup(CODE_PAGES, self.byte(), "code page")
        elif command == ord("d"):
            if self.spans:
                self.flush()
            self.out.items.append(Feed(self.byte()))
        else:
            self.pos -= 1
            raise self.fail(f"unknown command ESC 0x{command:02x}")

    def gs(self, command: int) -> None:
        s = self.state
        if command == ord("!"):
            n = self.byte()
            if n & 0x88:
                raise self.fail(f"character size 0x{n:02x} out of range")
            s.width, s.height = (n >> 4) + 1, (n & 7) + 1
        elif command == ord("B"):
            s.invert = bool(self.byte() & 1)
        elif command == ord("h"):
            s.bar_height = self.byte()
            if s.bar_height == 0:
                raise self.fail("barcode height 0")
        elif command == ord("w"):
            s.bar_width = self.byte()
            if not 1 <= s.bar_width <= 6:
                raise self.fail(f"barcode module width {s.bar_width}")
        elif command == ord("H"):
            s.hri = self.lookup(HRI, self.byte(), "HRI position")
        elif command == ord("f"):
            s.hri_font = self.lookup({0: 0, 1: 1, 48: 0, 49: 1}, self.byte(), "HRI font")
        elif command == ord("k"):
            self.barcode()
        elif command == ord("("):
            if self.take(1) != b"k":
                self.pos -= 1
                raise self.fail("unknown command GS (")
            self.two_d()
        elif command == ord("V"):
            self.at_line_start("GS V")
            self.cut()
        elif command == ord("v"):
            if self.take(1) != b"0":
                self.pos -= 1
                raise self.fail("unknown command GS v")
            self.at_line_start("GS v 0")
            self.raster()
        else:
            self.pos -= 1
            raise self.fail(f"unknown command GS 0x{command:02x}")

    def raster(self) -> None:
        mode = self.byte()
        if mode not in (0, 48):
            raise self.fail(f"raster mode {mode} (only normal size is used)")
        xl, xh, yl, yh = self.take(4)
        row_bytes, height = xl + 256 * xh, yl + 256 * yh
        if not row_bytes or not height:
            raise self.fail("an empty raster image")
        bits = self.take(row_bytes * height)
        self.out.items.append(Raster(row_bytes * 8, height, bits, self.state.align))

    def lookup(self, table: dict[int, T], value: int, what: str) -> T:
        if value not in table:
            self.pos -= 1
            raise self.fail(f"unknown {what} {value}")
        return table[value]

    def cut(self) -> None:
        mode = self.byte()
        if mode in (0, 1, 48, 49):
            self.out.items.append(Cut(partial=mode in (1, 49)))
        elif mode in (65, 66):
            self.out.items.append(Feed(self.byte()))
            self.out.items.append(Cut(partial=mode == 66))
        else:
            raise self.fail(f"unknown cut mode {mode}")

    def barcode(self) -> None:
        self.at_line_start("GS k")
        m = self.byte()
        if m in BARCODE_A:
            end = self.data.find(b"\x00", self.pos)
            if end < 0:
                raise self.fail("barcode data without its NUL terminator")
            raw, kind = self.take(end - self.pos), BARCODE_A[m]
            self.pos += 1
        elif m in BARCODE_B:
            kind = BARCODE_B[m]
            raw = self.take(self.byte())
        else:
            raise self.fail(f"unknown barcode type {m}")
        if not raw:
            raise self.fail("empty barcode")
        data, symbols = code128(raw) if kind == "CODE128" else (raw.decode("ascii"), ())
        s = self.state
        self.out.items.append(Barcode(kind, data, raw, symbols, s.bar_width, s.bar_height,
                                      s.hri, s.hri_font, s.align))

    def two_d(self) -> None:
        size = int.from_bytes(self.take(2), "little")
        body = self.take(size)
        if len(body) < 2 or body[0] != ord("1"):
            raise self.fail("GS ( k for a symbol other than QR")
        fn, args, s = body[1], body[2:], self.state
        if fn == 65 and len(args) == 2 and args[0] in (49, 50, 51):
            s.qr_model = args[0] - 48
        elif fn == 67 and len(args) == 1 and 1 <= args[0] <= 16:
            s.qr_size = args[0]
        elif fn == 69 and len(args) == 1 and args[0] in QR_EC:
            s.qr_ec = QR_EC[args[0]]
        elif fn == 80 and args[:1] == b"0":
            s.qr_data = args[1:]
        elif fn == 81 and args == b"0":
            self.at_line_start("QR print")
            if not s.qr_data:
                raise self.fail("QR print with no data stored")
            self.out.items.append(Qr(s.qr_data.decode("utf-8"), s.qr_size, s.qr_ec,
                                     s.qr_model, s.align))
        else:
            raise self.fail(f"unknown QR function {fn} {args!r}")


# Code128 code set selectors in ESC/POS data: "{A", "{B", "{C" switch, "{S" shifts one
# character, "{1".."{4" are FNC1..FNC4 and "{{" is a literal brace.
_SWITCH = {ord("A"): 101, ord("B"): 100, ord("C"): 99}
_START = {ord("A"): 103, ord("B"): 104, ord("C"): 105}
_FNC = {ord("1"): 102, ord("2"): 97, ord("3"): 96}


def code128(raw: bytes) -> tuple[str, tuple[int, ...]]:
    """The text a scanner reads from ESC/POS Code128 data, and the symbol values printed."""
    if len(raw) < 2 or raw[0] != ord("{") or raw[1] not in _START:
        raise DecodeError(f"Code128 data must start with a code set selector: {raw!r}")
    code_set, symbols, text, i = chr(raw[1]), [_START[raw[1]]], [], 2
    while i < len(raw):
        b = raw[i]
        if code_set == "C" and b != ord("{"):
            if b > 99:
                raise DecodeError(f"code set C byte {b} is not 0..99 in {raw!r}")
            symbols.append(b)
            text.append(f"{b:02d}")
        elif b == ord("{"):
            i += 1
            if i == len(raw):
                raise DecodeError(f"Code128 data ends after '{{': {raw!r}")
            sel = raw[i]
            if sel in _SWITCH:
                if chr(sel) == code_set:
                    raise DecodeError(f"switch to code set {code_set} while in it: {raw!r}")
                symbols.append(_SWITCH[sel])
                code_set = chr(sel)
            elif sel == ord("4") and code_set != "C":
                symbols.append(101 if code_set == "A" else 100)
            elif sel in _FNC:
                symbols.append(_FNC[sel])
            elif sel == ord("{") and code_set == "B":
                symbols.append(ord("{") - 32)
                text.append("{")
            else:
                raise DecodeError(f"unknown Code128 selector {{{chr(sel)} in {raw!r}")
        elif code_set == "B" and 32 <= b <= 127:
            symbols.append(b - 32)
            text.append(chr(b))
        elif code_set == "A" and b <= 95:
            symbols.append(b - 32 if b >= 32 else b + 64)
            text.append(chr(b))
        else:
            raise DecodeError(f"byte {b} is not in Code128 code set {code_set}: {raw!r}")
        i += 1
    return "".join(text), tuple(symbols)


def decode(data: bytes) -> Decoded:
    """Interpret an ESC/POS stream; DecodeError on anything not understood."""
    return _Decoder(data).run()


_GUTTER = 16


def _tags(align: str | None, bold: bool, width: int, height: int, invert: bool) -> str:
    tags = {"center": "[C]", "right": "[R]"}.get(align or "", "")
    tags += "[B]" if bold else ""
    tags += f"[{width}x{height}]" if (width, height) != (1, 1) else ""
    return tags + ("[INV]" if invert else "")


def render_text(decoded: Decoded) -> str:
    """A readable text form of what was printed, for golden files.

    Each row is "tags | text": [C] centred, [R] right, [B] bold, [2x2] width x height,
    [INV] white on black; untagged rows are left-aligned plain text. The gutter keeps the
    paper's columns lined up whatever the tags.
    """
    out: list[str] = []
    for item in decoded.items:
        if isinstance(item, Line):
            first = item.spans[0] if item.spans else None
            same = first is not None and all(
                (s.bold, s.width, s.height, s.invert)
                == (first.bold, first.width, first.height, first.invert) for s in item.spans)
            if first is None or not item.text.strip():
                out.append(f"{'':{_GUTTER}}|")
            elif same:
                tags = _tags(item.align, first.bold, first.width, first.height, first.invert)
                out.append(f"{tags:{_GUTTER}}| {item.text}".rstrip())
            else:
                parts = [f"{{{_tags(None, s.bold, s.width, s.height, s.invert)}}}{s.text}"
                         for s in item.spans]
                tags = _tags(item.align, False, 1, 1, False)
                out.append(f"{tags:{_GUTTER}}| {''.join(parts)}")
        elif isinstance(item, Barcode):
            out.append(f"[BARCODE {item.kind} module {item.module_width} height {item.height}"
                       f" text {item.hri}] {item.data}")
        elif isinstance(item, Qr):
            out.append(f"[QR module {item.module_size} level {item.ec}] {item.data}")
        elif isinstance(item, Feed):
            out.append(f"[FEED {item.lines}]")
        elif isinstance(item, Raster):
            out.append(f"[IMAGE {item.width}x{item.height} dots, {item.align}]")
        else:
            out.append("[PARTIAL CUT]" if item.partial else "[CUT]")
    return "\n".join(out) + "\n"


# What the paper holds, independently of the layouts' own idea of it: Font A is 12 dots wide
# and the printers print 8 dots a millimetre across 48 mm (58 mm roll) or 72 mm (80 mm roll).
PAPER_DOTS = {58: 384, 80: 576}
PAPER_COLUMNS = {58: 32, 80: 48}


def paper_problems(decoded: Decoded, width_mm: int) -> list[str]:
    """Everything that would not fit the roll or would not come out right; empty when fine."""
    dots, columns = PAPER_DOTS[width_mm], PAPER_COLUMNS[width_mm]
    problems = [f"{line.columns} columns > {columns}: {line.text!r}"
                for line in decoded.lines if line.columns > columns]
    for code in decoded.barcodes:
        # A quiet zone of 10 modules each side belongs to the symbol's width.
        width = (code.modules + 20) * code.module_width
        if width > dots:
            problems.append(f"barcode {code.data} is {width} dots on {dots}")
        if code.hri == "off":
            problems.append(f"barcode {code.data} has no human-readable text")
    if not decoded.ends_with_cut:
        problems.append("the stream does not end with a cut")
    return problems
