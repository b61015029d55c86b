"""The letterhead and footer every PDF shares: no branch said twice, no dangling separator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from printing.pdf import (
    render_certificate,
    render_close_report_pdf,
    render_ticket_pdf,
)
from tests.printing.pdf_tools import page_texts, render
from tests.printing.samples import CLOSE_REPORT, SHOP, SLIP, TICKET
from warranty_desk.printables import ShopHeader

RENDERS: dict[str, Callable[[ShopHeader], bytes]] = {
    "certificate": lambda shop: render_certificate(replace(SLIP, shop=shop)),
    "ticket": lambda shop: render_ticket_pdf(replace(TICKET, shop=shop)),
    "close-report": lambda shop: render_close_report_pdf(replace(CLOSE_REPORT, shop=shop)),
}


def _lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in page_texts(pdf)[0].splitlines()]


@pytest.mark.parametrize("document", RENDERS)
def test_a_branch_named_like_the_shop_is_not_said_twice_in_the_footer(document: str) -> None:
    pdf = RENDERS[document](replace(SHOP, name="North", branch_name="North"))
    footer = next(line for line in _lines(pdf) if line.startswith("Printed"))
    assert "North, North" not in footer and footer.count("North") == 1, footer


def test_a_branch_the_shop_name_already_ends_with_is_left_out() -> None:
    pdf = RENDERS["certificate"](replace(SHOP, name="Harbour Electronics Galway",
                                         branch_name="Galway"))
    footer = next(line for line in _lines(pdf) if line.startswith("Printed"))
    assert "Harbour Electronics Galway" in footer and "Galway, Galway" not in footer
    # A branch that is only part of a word in the name is still said.
    pdf = RENDERS["certificate"](replace(SHOP, name="Northgate Audio", branch_name="North"))
    assert any("Northgate Audio, North" in line for line in _lines(pdf))


@pytest.mark.parametrize("document", RENDERS)
def test_a_shop_without_an_address_gets_no_stray_dot_in_the_header(document: str) -> None:
    pdf = RENDERS[document](replace(SHOP, address=""))
    lines = _lines(pdf)
    branch = next(line for line in lines if "(BR01)" in line)
    assert branch == "Quay Street (BR01)", branch
    assert not any(line.endswith("·") or line.startswith("·") for line in lines), lines
    if document == "certificate":
        render(pdf, "test-certificate-no-address")
