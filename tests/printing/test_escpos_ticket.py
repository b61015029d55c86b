"""The claim drop-off ticket on 58 and 80 mm paper, read back through the ESC/POS decoder."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printing.escpos import WIDTHS_MM, render_ticket
from tests.printing.escpos_decoder import Cut, Decoded, decode, paper_problems
from tests.printing.escpos_samples import TICKET_BARE, TICKET_COPY, TICKET_ODD_TEXT
from tests.printing.samples import TICKET
from warranty_desk.errors import BadInput
from warranty_desk.printables import TicketView

widths = pytest.mark.parametrize("width_mm", WIDTHS_MM)


def ticket(view: TicketView, width_mm: int) -> Decoded:
    return decode(render_ticket(view, width_mm=width_mm))


@widths
def test_every_fact_of_the_ticket_is_printed(width_mm: int) -> None:
    text = ticket(TICKET, width_mm).flat
    for fact in ("CLAIM TICKET", "BR01-C-2026-000007", "Opened 22/11/2026, 15:28",
                 "Received by Sam Sales", "Seán Murphy", "+353 87 555 0199", "Orbit X Phone",
                 "Orbit", "PHN-200", "ORB-77-1234", "BR01-W-2026-000031",
                 "Handed in Charger, case", TICKET.condition, TICKET.fault,
                 "Ready by 6 Dec 2026", TICKET.how_to_follow, "Printed 22/11/2026, 15:30"):
        assert fact in text, fact


@widths
def test_claim_number_is_large_and_in_the_barcode(width_mm: int) -> None:
    decoded = ticket(TICKET, width_mm)
    [number] = [line for line in decoded.lines if line.text == TICKET.claim_number]
    assert number.bold and number.size[1] == 2 and number.align == "center"
    assert [code.data for code in decoded.barcodes] == [TICKET.claim_number]
    assert [qr.data for qr in decoded.qrs] == [TICKET.portal_url]
    assert decoded.lines[0].text == "Harbour Electronics" and decoded.lines[0].bold


@pytest.mark.parametrize("view", [TICKET, TICKET_COPY, TICKET_BARE, TICKET_ODD_TEXT])
@widths
def test_everything_fits_the_paper_and_ends_with_a_cut(view: TicketView, width_mm: int) -> None:
    assert paper_problems(ticket(view, width_mm), width_mm) == []


@widths
def test_copy_mark(width_mm: int) -> None:
    decoded = ticket(TICKET_COPY, width_mm)
    [mark] = [line for line in decoded.lines if line.text.strip() == "COPY"]
    assert mark.invert and mark.size == (2, 2)
    assert "Reprint of the original ticket" in decoded.flat
    assert "COPY" not in ticket(TICKET, width_mm).text


@widths
def test_a_bare_ticket_says_what_is_missing(width_mm: int) -> None:
    decoded = ticket(TICKET_BARE, width_mm)
    text = decoded.flat
    assert "Handed in Unit only" in text
    assert "We will call you with a date." in text
    assert "Serial not recorded" in text and "Warranty none on record" in text
    starts = {line.text.split(" ")[0] for line in decoded.lines}
    assert not starts & {"Customer", "Name", "Phone", "Brand", "SKU"}
    assert "Ready by" not in text
    assert decoded.qrs == [] and "Scan" not in text


def test_odd_characters_never_raise_nor_become_commands() -> None:
    decoded = ticket(TICKET_ODD_TEXT, 58)
    # The ESC @ and GS V typed into the text are dropped; the only cut is the real one.
    assert sum(1 for item in decoded.items if isinstance(item, Cut)) == 1
    assert "Zoë @Ó Súilleabháin ?" in decoded.flat
    assert "Screen ? crackedV - badly..." in decoded.flat


def test_58_mm_keeps_the_claim_number_on_one_row() -> None:
    narrow = ticket(TICKET, 58)
    [number] = [line for line in narrow.lines if line.text == TICKET.claim_number]
    assert number.size == (1, 2)
    [wide_number] = [line for line in ticket(TICKET, 80).lines
                     if line.text == TICKET.claim_number]
    assert wide_number.size == (2, 2)


def test_unknown_width_is_refused() -> None:
    with pytest.raises(BadInput, match="70 is not one of them"):
        render_ticket(TICKET, width_mm=70)


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=120), width_mm=st.sampled_from(WIDTHS_MM))
def test_any_text_prints_within_the_paper(text: str, width_mm: int) -> None:
    view = replace(TICKET, customer_name=text or None, fault=text, condition=text,
                   accessories=text, product_name=text, received_by=text)
    decoded = ticket(view, width_mm)
    assert paper_problems(decoded, width_mm) == []
    assert [code.data for code in decoded.barcodes] == [TICKET.claim_number]
