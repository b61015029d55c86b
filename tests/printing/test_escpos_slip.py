"""The warranty slip on 58 and 80 mm paper, read back through the ESC/POS decoder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from printing.escpos import WIDTHS_MM, render_slip
from tests.printing.escpos_decoder import Decoded, Raster, decode, paper_problems
from tests.printing.escpos_image import paint
from tests.printing.escpos_samples import SLIP_DE, SLIP_VOID, SLIP_VOID_COPY
from tests.printing.samples import SLIP, SLIP_COPY, SLIP_NO_PORTAL_NO_SERIAL
from warranty_desk.demo.files import logo_png
from warranty_desk.errors import BadInput
from warranty_desk.printables import SlipView

widths = pytest.mark.parametrize("width_mm", WIDTHS_MM)


def slip(view: SlipView, width_mm: int) -> Decoded:
    return decode(render_slip(view, width_mm=width_mm))


@widths
def test_every_fact_of_the_slip_is_printed(width_mm: int) -> None:
    text = slip(SLIP, width_mm).flat
    for fact in ("BR01-W-2026-000042", "INV-10042", "Lumen 14 Laptop", "Lumen", "LAP-100",
                 "SN-LUM-000042", "Aoife Ní Bhriain", "Sold on 22 Nov 2026",
                 "From 22 Nov 2026", "Until 21 Nov 2029", "Not covered",
                 "Printed 22/11/2026, 14:05", "Quay Street", "12 Quay Street, Galway H91 X2Y3",
                 "+353 91 555 0101", *SLIP.key_terms, *SLIP.exclusions, SLIP.how_to_claim):
        assert fact in text, fact


@widths
def test_one_line_of_dates_per_layer(width_mm: int) -> None:
    rows = [line.text for line in slip(SLIP, width_mm).lines]
    for label, span in (("Manufacturer", "22 Nov 2026 - 21 Nov 2027"),
                        ("Shop", "22 Nov 2027 - 21 Nov 2028"),
                        ("Extension (Care+ 12)", "22 Nov 2028 - 21 Nov 2029")):
        at = next(i for i, row in enumerate(rows) if row.startswith(label))
        # On 80 mm the dates sit beside the label; on 58 mm on the row below it.
        assert span in rows[at] + rows[at + 1]


@widths
def test_header_centred_and_shop_name_bold_and_large(width_mm: int) -> None:
    first = slip(SLIP, width_mm).lines[0]
    assert first.text == "Harbour Electronics"
    assert (first.align, first.bold, first.size[1]) == ("center", True, 2)


@widths
def test_codes_carry_the_warranty_code_and_portal_link(width_mm: int) -> None:
    decoded = slip(SLIP, width_mm)
    [barcode] = decoded.barcodes
    assert (barcode.kind, barcode.data, barcode.hri) == ("CODE128", SLIP.warranty_code, "below")
    assert barcode.raw == b"{B" + SLIP.warranty_code.encode()
    assert [qr.data for qr in decoded.qrs] == [SLIP.portal_url]
    assert barcode.align == decoded.qrs[0].align == "center"


@pytest.mark.parametrize("view", [SLIP, SLIP_COPY, SLIP_VOID_COPY, SLIP_NO_PORTAL_NO_SERIAL,
                                  SLIP_DE])
@widths
def test_everything_fits_the_paper_and_ends_with_a_cut(view: SlipView, width_mm: int) -> None:
    assert paper_problems(slip(view, width_mm), width_mm) == []


def test_58_and_80_mm_differ_in_measure_and_bar_width() -> None:
    narrow, wide = slip(SLIP, 58), slip(SLIP, 80)
    assert max(line.columns for line in narrow.lines) == 32
    assert max(line.columns for line in wide.lines) == 48
    assert (narrow.barcodes[0].module_width, wide.barcodes[0].module_width) == (1, 2)
    assert narrow.qrs[0].module_size < wide.qrs[0].module_size
    # The shop name is too long for double width on 58 mm, so it is tall only.
    assert (narrow.lines[0].size, wide.lines[0].size) == ((1, 2), (2, 2))


@widths
def test_copy_says_so_in_large_inverted_text(width_mm: int) -> None:
    original, copy = slip(SLIP, width_mm), slip(SLIP_COPY, width_mm)
    assert "COPY" not in original.text
    [mark] = [line for line in copy.lines if line.text.strip() == "COPY"]
    assert mark.invert and mark.bold and mark.size == (2, 2) and mark.align == "center"
    assert "Reprint of the original slip" in copy.text


@widths
def test_void_slip_says_warranty_void_prominently(width_mm: int) -> None:
    decoded = slip(SLIP_VOID, width_mm)
    [mark] = [line for line in decoded.lines if line.text.strip() == "WARRANTY VOID"]
    assert mark.invert and mark.bold and mark.size == (2, 2)
    assert "This warranty no longer gives any cover." in decoded.flat
    assert "WARRANTY VOID" not in slip(SLIP, width_mm).text


@widths
def test_missing_serial_and_portal_are_handled_cleanly(width_mm: int) -> None:
    decoded = slip(SLIP_NO_PORTAL_NO_SERIAL, width_mm)
    assert decoded.qrs == []
    assert "Scan" not in decoded.text and "portal" not in decoded.text
    serial = next(line.text for line in decoded.lines if line.text.startswith("Serial"))
    assert serial.split() == ["Serial", "not", "recorded"]
    assert "Customer" not in decoded.text and "Aoife" not in decoded.text
    assert [code.data for code in decoded.barcodes] == [SLIP.warranty_code]


def test_german_locale_writes_dates_the_german_way() -> None:
    text = slip(SLIP_DE, 80).text
    assert "22.11.2026" in text and "21.11.2029" in text
    assert "22.11.2028 - 21.11.2029" in text
    assert "Nov" not in text


@pytest.mark.parametrize("width_mm", [70, 0, 57, 112])
def test_unknown_width_is_refused_in_plain_words(width_mm: int) -> None:
    with pytest.raises(BadInput, match=f"58 mm or 80 mm wide; {width_mm} is not one of them"):
        render_slip(SLIP, width_mm=width_mm)


def test_accents_print_through_one_explicit_code_page() -> None:
    data = render_slip(SLIP, width_mm=80)
    assert data.startswith(b"\x1b@\x1bt\x13")  # ESC @, then ESC t 19 (PC858)
    assert "Aoife Ní Bhriain".encode("cp858") in data
    assert data.count(b"\x1bt") == 1


@widths
def test_same_view_same_bytes(width_mm: int) -> None:
    assert render_slip(SLIP, width_mm=width_mm) == render_slip(SLIP, width_mm=width_mm)


def test_rendering_prints_nothing_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    for width_mm in WIDTHS_MM:
        render_slip(SLIP, width_mm=width_mm)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("width", [58, 80])
def test_the_shop_logo_prints_centred_above_the_name_within_half_the_roll(
        width: int, tmp_path: Path) -> None:
    view = replace(SLIP, shop=replace(SLIP.shop, logo_png=logo_png()))
    decoded = decode(render_slip(view, width_mm=width))
    first = decoded.items[0]
    assert isinstance(first, Raster) and first.align == "center"
    assert first.width <= {58: 384, 80: 576}[width] // 2 + 8 and first.height <= 120
    # The disc is mostly ink, the tick and the corners are paper: neither blank nor solid.
    assert 0.4 < first.dark / (first.width * first.height) < 0.9
    paint(decoded, {58: 384, 80: 576}[width]).save(tmp_path / f"slip-logo-{width}.png")


def test_a_logo_that_is_not_a_picture_is_left_out_and_the_slip_still_prints() -> None:
    view = replace(SLIP, shop=replace(SLIP.shop, logo_png=b"not a picture"))
    decoded = decode(render_slip(view))
    assert not any(isinstance(item, Raster) for item in decoded.items)
    assert SLIP.warranty_code in "\n".join(line.text for line in decoded.lines)
