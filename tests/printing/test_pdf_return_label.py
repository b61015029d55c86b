"""The customer's return label: its barcode scans as the claim, its words stay plain text."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from printing.pdf.return_label import ReturnLabelView, address_lines, render_return_label
from tests.printing.pdf_tools import decode, page_sizes, render, text, text_runs

VIEW = ReturnLabelView(
    claim_number="BR01-C-2026-000042", product_name='Lumen 14" <Laptop> «Pro»',
    to_name="Brightside Electronics, Camden",
    to_lines=address_lines("12 High Street, Camden, London NW1 7JR"), to_phone="+44 20 7946 0000",
    from_name="Mary <b>Somerville</b>", from_lines=address_lines("4 Elm Row\nEdinburgh\nEH7 4AA"),
    approved_on=date(2026, 11, 22))


def test_an_address_is_read_as_written_on_lines_or_apart_at_its_commas() -> None:
    assert address_lines("12 High Street, Camden,, London NW1 7JR ") == (
        "12 High Street", "Camden", "London NW1 7JR")
    assert address_lines("Flat 2, 4 Elm Row\nEdinburgh\n\nEH7 4AA") == (
        "Flat 2, 4 Elm Row", "Edinburgh", "EH7 4AA")


def test_the_label_is_a_4x6_page_whose_barcode_scans_as_the_claim() -> None:
    pdf = render_return_label(VIEW)
    assert page_sizes(pdf) == [(288.0, 432.0)]
    assert decode(render(pdf, "test-return-label", dpi=150)[0]) == [VIEW.claim_number]


def test_every_fact_is_on_the_label_as_plain_text() -> None:
    words = " ".join(text(render_return_label(VIEW)).split())
    for fact in ("DELIVER TO", "Brightside Electronics, Camden", "12 High Street",
                 "London NW1 7JR", "+44 20 7946 0000", VIEW.claim_number,
                 "Mary <b>Somerville</b>, 4 Elm Row, Edinburgh, EH7 4AA",
                 'Lumen 14" <Laptop> «Pro»', "22 Nov 2026"):
        assert fact in words, fact


def test_a_long_address_stays_on_the_label() -> None:
    long = replace(VIEW, to_name="Brightside Electronics Superstore and Service Centre " * 3,
                   from_lines=("Very Long Street Name That Goes On And On " * 4,))
    assert all(r.x >= 0 and r.right <= 288.0 and 0 <= r.y <= 432.0
               for r in text_runs(render_return_label(long)))
