"""Reading a recorded sale back for the screen (no Qt)."""

from __future__ import annotations

from warranty_desk.services.sale_input import SaleInput
from warranty_desk.services.sale_plan import SaleResult


def codes_per_line(result: SaleResult, sale: SaleInput) -> list[list[str]]:
    """The warranty codes of a recorded sale, split by line in the order they were entered."""
    codes = iter(result.warranty_codes)
    return [[next(codes) for _ in range(line.quantity)] for line in sale.lines]
