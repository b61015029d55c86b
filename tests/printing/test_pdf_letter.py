"""The letter PDF: the letterhead, to whom, the date in words, the subject, the words, the claim;
a copy says so; a long letter runs on to a second page under the same letterhead."""

from __future__ import annotations

from dataclasses import replace

import pytest

from printing.pdf import PAPERS, render_letter_pdf
from tests.printing.pdf_tools import logo_png, page_sizes, page_texts, pdftotext, render
from tests.printing.samples import LETTER, SHOP

SIZES = {"A4": (595.3, 841.9), "Letter": (612.0, 792.0), "A5": (419.5, 595.3)}


@pytest.mark.parametrize("paper", PAPERS)
def test_every_part_of_the_letter_on_one_page_of_each_paper(paper: str) -> None:
    pdf = render_letter_pdf(LETTER, paper=paper)
    assert page_sizes(pdf) == [SIZES[paper]]
    words = pdftotext(pdf)
    for part in ("Harbour Electronics", "12 Quay Street, Galway H91 X2Y3", "Seán Murphy",
                 "20 November 2026", "Your claim: BR01-C-2026-000007", LETTER.subject,
                 "Hello Seán Murphy,", "ready to collect from the counter.",
                 "Printed 22/11/2026, 16:10", "Page 1 of 1"):
        assert part in words, part
    assert "COPY" not in words


def test_the_date_is_written_in_the_shops_language() -> None:
    words = pdftotext(render_letter_pdf(replace(LETTER, shop=replace(SHOP, locale="de_DE"))))
    assert "20. November 2026" in words


def test_a_copy_says_why_and_is_marked_across_the_page() -> None:
    note = "This message was sent by email; this letter is a copy of it."
    pdf = render_letter_pdf(replace(LETTER, copy=True, copy_note=note,
                                    shop=replace(SHOP, logo_png=logo_png())))
    words = pdftotext(pdf)
    assert f"COPY — {note} Printed 22/11/2026, 16:10." in words
    assert words.count("COPY") >= 2  # the banner and the footer (and the watermark)
    render(pdf, "test-letter-copy-logo")


def test_a_long_letter_runs_on_under_the_same_letterhead() -> None:
    body = "\n\n".join(f"Paragraph {n}: " + "We checked every part of the unit. " * 12
                       for n in range(1, 16))
    pages = page_texts(render_letter_pdf(replace(LETTER, body=body)))
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert "Harbour Electronics" in page and "BR01-C-2026-000007" in page
        assert f"Page {n} of {len(pages)}" in page
    assert "Paragraph 15" in pages[-1]


def test_a_message_with_no_customer_or_claim_still_prints() -> None:
    words = pdftotext(render_letter_pdf(replace(LETTER, customer_name=None, claim_number=None)))
    assert "Your claim" not in words and LETTER.subject in words
