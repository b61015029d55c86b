"""The returns label: exactly the label's size, a claim barcode that scans, nothing cut off."""

from __future__ import annotations

from dataclasses import replace

import pytest

from printing.pdf import LABEL_SIZES, render_label
from printing.pdf.fit import ELLIPSIS
from tests.printing.pdf_tools import border_is_white, decode, page_sizes, render, text, text_runs
from tests.printing.samples import LABEL

LONG_NAME = "Orbit X Phone Ultra Max Pro 512 GB Dual SIM Midnight Titanium Edition (2026) EU 5G"
SIZES = {"62x29mm": (175.7, 82.2), "4x6in": (288.0, 432.0)}
DPI = {"62x29mm": 300, "4x6in": 150}


def test_long_name_is_eighty_characters() -> None:
    assert len(LONG_NAME) == 82


@pytest.mark.parametrize("size", LABEL_SIZES)
def test_page_is_exactly_the_label(size: str) -> None:
    assert page_sizes(render_label(LABEL, size=size)) == [SIZES[size]]


@pytest.mark.parametrize("size", LABEL_SIZES)
def test_every_fact_is_on_the_label(size: str) -> None:
    words = text(render_label(LABEL, size=size))
    for fact in ("BR01-C-2026-000007", "Orbit X Phone", "ORB-77-1234", "PHN-200",
                 "Orbit Distribution Ltd", "22 Nov 2026", "BR01", "Does not charge"):
        assert fact in words, (size, fact)


@pytest.mark.parametrize("size", LABEL_SIZES)
def test_claim_barcode_scans(size: str) -> None:
    pages = render(render_label(LABEL, size=size), f"test-label-{size}", dpi=DPI[size])
    assert decode(pages[0]) == [LABEL.claim_number]


@pytest.mark.parametrize("size", LABEL_SIZES)
def test_long_product_name_shrinks_and_stays_on_the_label(size: str) -> None:
    pdf = render_label(replace(LABEL, product_name=LONG_NAME), size=size)
    width, height = SIZES[size]
    runs = text_runs(pdf)
    assert all(r.x >= 0 and r.right <= width and 0 <= r.y <= height for r in runs)
    product = " ".join(r.text for r in runs if r.text in LONG_NAME + ELLIPSIS
                       or r.text.rstrip(ELLIPSIS) in LONG_NAME)
    # Shrunk to fit two or three lines, shortened with an ellipsis only as a last resort.
    assert product == LONG_NAME or (product.endswith(ELLIPSIS) and
                                    LONG_NAME.startswith(product[:-1].rstrip()))
    assert min(r.size for r in runs) >= 4.5
    assert "Orbit Distribution Ltd" in text(pdf)
    pages = render(pdf, f"test-label-long-{size}", dpi=DPI[size])
    assert border_is_white(pages[0], px=4)
    assert decode(pages[0]) == [LABEL.claim_number]


def test_small_label_without_serial_or_sku() -> None:
    pdf = render_label(replace(LABEL, serial=None, sku=None))
    assert "S/N not recorded" in text(pdf)
    assert "SKU" not in text(pdf)


def test_dates_can_follow_a_locale() -> None:
    assert "22.11.2026" in text(render_label(LABEL, locale="de_DE"))


def test_same_label_same_bytes() -> None:
    assert render_label(LABEL) == render_label(LABEL)


def test_an_absurd_name_is_shortened_rather_than_cut_off() -> None:
    pdf = render_label(replace(LABEL, product_name="Extremely long product name " * 8))
    runs = text_runs(pdf)
    assert any(r.text.endswith(ELLIPSIS) for r in runs)
    assert all(r.right <= SIZES["62x29mm"][0] for r in runs)
    assert "Orbit Distribution Ltd" in text(pdf)  # the lines below still have their room
