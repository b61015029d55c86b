"""The warranty certificate PDF: every fact on paper, codes that scan, every paper size."""

from __future__ import annotations

from dataclasses import replace

import pytest

from printing.pdf import PAPERS, render_certificate
from tests.printing.pdf_tools import (
    decode,
    logo_png,
    page_sizes,
    page_texts,
    render,
    text,
)
from tests.printing.samples import SHOP, SLIP, SLIP_COPY, SLIP_NO_PORTAL_NO_SERIAL

SIZES = {"A4": (595.3, 841.9), "Letter": (612.0, 792.0), "A5": (419.5, 595.3)}


def test_every_fact_is_on_the_certificate() -> None:
    words = text(render_certificate(SLIP))
    for fact in ("Warranty certificate", "BR01-W-2026-000042", "Aoife Ní Bhriain",
                 "Lumen 14 Laptop", "Lumen", "LAP-100", "SN-LUM-000042", "INV-10042",
                 "22 Nov 2026", "Covered from 22 Nov 2026 to 21 Nov 2029",
                 "Who stands behind it", "Manufacturer", "Shop", "Extension (Care+ 12)",
                 "21 Nov 2027", "22 Nov 2028", "Key terms",
                 "Keep this slip: it is your proof of purchase.",
                 "The remaining cover moves to a replacement unit.",
                 "Cover does not transfer to a new owner", "Not covered", "Accidental damage",
                 "Liquid damage", "Batteries after 12 months", "How to claim",
                 "Call +353 91 555 0101 with questions.", "Scan to claim online",
                 "Signed for the shop", "Printed 22/11/2026, 14:05", "Page 1 of 1",
                 "Harbour Electronics", "Quay Street (BR01)", "help@harbour.example"):
        assert fact in words, fact
    assert "COPY" not in words and "VOID" not in words


def test_dates_follow_the_shop_locale() -> None:
    german = replace(SLIP, shop=replace(SHOP, locale="de_DE"))
    words = text(render_certificate(german))
    assert "Covered from 22.11.2026 to 21.11.2029" in words
    assert "22 Nov 2026" not in words


@pytest.mark.parametrize("paper", PAPERS)
def test_each_paper_has_its_size_one_page_and_both_codes_scan(paper: str) -> None:
    pdf = render_certificate(SLIP, paper=paper)
    assert page_sizes(pdf) == [SIZES[paper]]
    pages = render(pdf, f"test-certificate-{paper}")
    assert sorted(decode(pages[0])) == sorted([SLIP.warranty_code, SLIP.portal_url])


@pytest.mark.parametrize("dpi", [175, 200])
def test_codes_scan_at_other_resolutions(dpi: int) -> None:
    pages = render(render_certificate(SLIP), f"test-certificate-{dpi}dpi", dpi=dpi)
    assert sorted(decode(pages[0])) == sorted([SLIP.warranty_code, SLIP.portal_url])


def test_a_copy_says_copy_and_still_scans() -> None:
    pdf = render_certificate(SLIP_COPY)
    words = text(pdf)
    assert "COPY — reprinted 22/11/2026, 14:05. It does not add or extend cover." in words
    pages = render(pdf, "test-certificate-copy")
    assert sorted(decode(pages[0])) == sorted([SLIP.warranty_code, SLIP.portal_url])


def test_a_void_warranty_says_void() -> None:
    pdf = render_certificate(replace(SLIP, status="void"))
    assert "VOID — this warranty is no longer valid." in text(pdf)
    assert SLIP.warranty_code in decode(render(pdf, "test-certificate-void")[0])


def test_missing_serial_customer_and_portal_are_handled_cleanly() -> None:
    pdf = render_certificate(SLIP_NO_PORTAL_NO_SERIAL, paper="A5")
    words = text(pdf)
    assert "Serial number not recorded" in words
    assert "Customer not recorded" in words
    assert "Scan to claim online" not in words and "portal.harbour" not in words
    assert "Signed for the shop" in words
    pages = render(pdf, "test-certificate-bare")
    assert decode(pages[0]) == [SLIP.warranty_code]  # the QR is gone, the barcode is not


def test_names_outside_cp1252_print_as_written() -> None:
    pdf = render_certificate(replace(SLIP, customer_name="Łukasz 李", brand="Lumen & Co <EU>"))
    words = text(pdf)
    assert "Łukasz 李" in words
    assert "Lumen & Co <EU>" in words


def test_the_logo_goes_in_the_header() -> None:
    with_logo = render_certificate(replace(SLIP, shop=replace(SHOP, logo_png=logo_png())))
    assert b"/Subtype /Image" in with_logo
    assert b"/Subtype /Image" not in render_certificate(SLIP)
    render(with_logo, "test-certificate-logo")


def test_a_broken_logo_is_left_out() -> None:
    pdf = render_certificate(replace(SLIP, shop=replace(SHOP, logo_png=b"not a png")))
    assert "Warranty certificate" in text(pdf)


def test_long_terms_flow_onto_more_pages_with_header_and_footer_on_each() -> None:
    terms = "\n\n".join(f"Clause {n}. " + "The shop repairs faults in normal use. " * 25
                        for n in range(1, 9))
    pdf = render_certificate(replace(SLIP, terms=terms), paper="A5")
    pages = page_texts(pdf)
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert "Harbour Electronics" in page and "BR01-W-2026-000042" in page
        assert f"Page {n} of {len(pages)}" in page
    assert "Clause 8." in text(pdf) and "Signed for the shop" in pages[-1]


def test_the_same_view_gives_the_same_bytes() -> None:
    assert render_certificate(SLIP) == render_certificate(SLIP)
    assert render_certificate(SLIP, paper="A5") != render_certificate(SLIP)
