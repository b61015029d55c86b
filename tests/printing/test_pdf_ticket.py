"""The claim drop-off ticket PDF: what was received, the claim number to scan, how to follow."""

from __future__ import annotations

from dataclasses import replace

import pytest

from printing.pdf import PAPERS, render_ticket_pdf
from tests.printing.pdf_tools import decode, page_sizes, render, text, text_runs
from tests.printing.samples import SHOP, TICKET


def test_every_fact_is_on_the_ticket() -> None:
    words = text(render_ticket_pdf(TICKET))
    for fact in ("Claim drop-off ticket", "BR01-C-2026-000007", "Seán Murphy",
                 "+353 87 555 0199", "Opened 22/11/2026, 15:28", "The counter",
                 "Received by Sam Sales", "Ready by 6 Dec 2026", "What we received",
                 "Orbit X Phone (PHN-200)", "Serial number ORB-77-1234",
                 "Warranty BR01-W-2026-000031", "Accessories Charger, case",
                 "Visible condition Small scratch on the back; screen intact",
                 "The fault, as you told us",
                 "Does not charge with the original cable; battery drains overnight.",
                 "We aim to have it ready by 6 Dec 2026.",
                 "quoting the claim number.", "Scan to follow your claim",
                 "Keep this ticket", "Page 1 of 1"):
        assert fact in words, fact
    assert "COPY" not in words


def test_the_claim_number_is_printed_large() -> None:
    sizes = [r.size for r in text_runs(render_ticket_pdf(TICKET))
             if r.text == TICKET.claim_number]
    assert max(sizes) >= 16


@pytest.mark.parametrize("paper", PAPERS)
def test_claim_number_and_portal_scan_on_every_paper(paper: str) -> None:
    pdf = render_ticket_pdf(TICKET, paper=paper)
    assert len(page_sizes(pdf)) == 1
    pages = render(pdf, f"test-ticket-{paper}")
    assert sorted(decode(pages[0])) == sorted([TICKET.claim_number, TICKET.portal_url])


def test_without_date_accessories_serial_or_portal() -> None:
    bare = replace(TICKET, promised_on=None, accessories="  ", serial=None, portal_url=None,
                   warranty_code=None, customer_phone=None)
    pdf = render_ticket_pdf(bare)
    words = text(pdf)
    assert "We will call you with a date" in words
    assert "Accessories Unit only" in words
    assert "Serial number not recorded" in words
    assert "Scan to follow" not in words
    assert decode(render(pdf, "test-ticket-bare")[0]) == [TICKET.claim_number]


def test_a_copy_says_copy() -> None:
    pdf = render_ticket_pdf(replace(TICKET, copy=True), paper="A5")
    assert "COPY — reprinted 22/11/2026, 15:30. Same claim; not a second one." in text(pdf)
    pages = render(pdf, "test-ticket-copy")
    assert sorted(decode(pages[0])) == sorted([TICKET.claim_number, TICKET.portal_url])


def test_german_shop_writes_german_dates() -> None:
    words = text(render_ticket_pdf(replace(TICKET, shop=replace(SHOP, locale="de_DE"))))
    assert "Ready by 06.12.2026" in words and "Opened 22.11.26, 15:28" in words


def test_same_ticket_same_bytes() -> None:
    assert render_ticket_pdf(TICKET) == render_ticket_pdf(TICKET)
