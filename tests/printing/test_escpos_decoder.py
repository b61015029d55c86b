"""The test-side ESC/POS decoder: it reads what printers read and refuses everything else."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy

from tests.printing.escpos_decoder import (
    Barcode,
    Cut,
    DecodeError,
    Feed,
    Line,
    Qr,
    code128,
    decode,
    render_text,
)

ESC, GS = b"\x1b", b"\x1d"


def test_text_rows_with_alignment_emphasis_size_and_inversion() -> None:
    stream = (ESC + b"@" + ESC + b"a\x01" + ESC + b"E\x01" + GS + b"!\x11" + b"Shop\n"
              + ESC + b"a\x00" + ESC + b"E\x00" + GS + b"!\x00" + GS + b"B\x01" + b"COPY\n"
              + GS + b"B\x00" + ESC + b"!\x38" + b"big\n\n")
    lines = decode(stream).lines
    assert [line.text for line in lines] == ["Shop", "COPY", "big", ""]
    assert (lines[0].align, lines[0].bold, lines[0].size) == ("center", True, (2, 2))
    assert lines[0].columns == 8
    assert (lines[1].align, lines[1].bold, lines[1].invert) == ("left", False, True)
    # ESC ! 0x38: emphasis, double height and double width in one byte.
    assert (lines[2].bold, lines[2].size, lines[2].invert) == (True, (2, 2), False)


def test_code_page_selects_how_bytes_read() -> None:
    name = "Aoife Ní Bhriain €"
    stream = ESC + b"t\x13" + name.encode("cp858") + b"\n" + ESC + b"t\x00" + b"\xa1\n"
    assert [line.text for line in decode(stream).lines] == [name, "í"]


def test_barcode_both_function_forms_and_code128_code_sets() -> None:
    stream = (GS + b"h\x50" + GS + b"w\x02" + GS + b"H\x02" + GS + b"f\x00"
              + GS + b"k\x04" + b"AB-12\x00"
              + GS + b"kI\x0b" + b"{BAB{C\x0c\x22{B!")
    first, second = decode(stream).barcodes
    assert (first.kind, first.data, first.height, first.module_width, first.hri) == (
        "CODE39", "AB-12", 80, 2, "below")
    assert (second.kind, second.data) == ("CODE128", "AB1234!")
    assert second.symbols == (104, 33, 34, 99, 12, 34, 100, 1)
    assert second.modules == 11 * 9 + 13


def test_code128_rejects_data_without_a_code_set() -> None:
    with pytest.raises(DecodeError):
        code128(b"BR01")
    assert code128(b"{Ba{{b")[0] == "a{b"


def test_qr_model_size_level_store_and_print() -> None:
    url = "https://portal.example/w/1"
    data = url.encode()
    stream = (GS + b"(k\x04\x001A2\x00" + GS + b"(k\x03\x001C\x06" + GS + b"(k\x03\x001E1"
              + GS + b"(k" + bytes([len(data) + 3, 0]) + b"1P0" + data
              + GS + b"(k\x03\x001Q0")
    assert decode(stream).qrs == [Qr(url, 6, "M", 2, "left")]


def test_feed_and_both_cut_forms() -> None:
    items = decode(b"end" + ESC + b"d\x03" + GS + b"V\x00" + GS + b"VB\x05").items
    assert isinstance(items[0], Line) and items[0].text == "end"
    assert items[1:] == [Feed(3), Cut(partial=False), Feed(5), Cut(partial=True)]


def test_python_escpos_output_decodes(capsys: pytest.CaptureFixture[str]) -> None:
    # The library's own commands, as a second opinion on the decoder's reading of them.
    printer = Dummy()
    printer.hw("INIT")
    printer.set(align="center", bold=True, double_height=True, double_width=True)
    printer.text("Hello\n")
    printer.barcode("{BHELLO-1", "CODE128", function_type="B")
    printer.qr("https://x.example/", native=True, size=4)
    printer.cut()
    capsys.readouterr()
    decoded = decode(printer.output)
    assert decoded.lines[0].text == "Hello" and decoded.lines[0].size == (2, 2)
    assert isinstance(decoded.items[1], Barcode) and decoded.items[1].data == "HELLO-1"
    assert decoded.qrs[0].data == "https://x.example/" and decoded.qrs[0].module_size == 4
    assert decoded.ends_with_cut


@pytest.mark.parametrize("stream", [
    ESC + b"3\x10",  # line spacing: not something the layouts send
    b"\x07",  # a stray control byte
    GS + b"!",  # cut short inside a command
    b"no line feed",  # text left in the buffer
    b"half" + ESC + b"a\x01" + b"row\n",  # alignment only counts at the start of a row
    b"half" + GS + b"kI\x03{BA",  # a barcode in the middle of a row
    ESC + b"t\x63",  # a code page the decoder does not know
    GS + b"(k\x03\x001Q0",  # printing a QR code that was never stored
    GS + b"(k\x03\x002A0",  # a 2D symbol other than QR
    GS + b"kI\x03ABC",  # Code128 without a code set selector
])
def test_anything_not_understood_raises(stream: bytes) -> None:
    with pytest.raises(DecodeError):
        decode(stream)


def test_text_rendering_tags_rows() -> None:
    stream = (ESC + b"a\x01" + ESC + b"E\x01" + b"Shop\n" + ESC + b"a\x00" + ESC + b"E\x00"
              + b"plain\n\n" + GS + b"V\x00")
    assert render_text(decode(stream)).splitlines() == [
        "[C][B]          | Shop", "                | plain", "                |", "[CUT]"]
