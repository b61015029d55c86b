"""What sale planning is given (invoices with their lines and customers), and the problems it
finds in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from warranty_desk.services.customers import CustomerInput


@dataclass(frozen=True, slots=True)
class LineInput:
    """One invoice line as the POS or the counter gives it."""

    sku: str
    quantity: int = 1
    unit_price_minor: int = 0
    serials: tuple[str, ...] = ()
    extension_plan: str | None = None
    # Where the line came from in an imported file, so problems can name the row.
    source_row: int | None = None
    # Plans offered at the till and declined: kept with the sale, so nobody asks twice.
    declined_plans: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SaleInput:
    """One invoice to activate."""

    invoice_number: str
    sold_on: date
    lines: tuple[LineInput, ...]
    customer: CustomerInput | None = None
    source: str = "counter"
    source_row: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where, which field, and what to do."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.column}: {self.message}"
