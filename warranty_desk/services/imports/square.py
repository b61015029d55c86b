"""Square's item sales CSV export: one row per item sold, grouped into sales by Transaction ID."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from warranty_desk.money import MoneyError, parse_amount
from warranty_desk.services.activation import LineInput, SaleInput
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.imports import fields
from warranty_desk.services.imports.parsed import BadCell, Parsed
from warranty_desk.services.imports.sheet import open_sheet

SOURCE = "square"
REQUIRED = ("Date", "Transaction ID", "SKU", "Qty", "Gross Sales")
REFUND = "refund"

_COLUMNS = {"invoice": "transaction id", "lines": "transaction id", "date": "date",
            "sku": "sku", "quantity": "qty", "price": "gross sales", "customer": "customer name"}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


@dataclass(slots=True)
class _Transaction:
    number: str
    row: int
    sold_on: date | None
    customer: CustomerInput | None
    lines: list[LineInput] = field(default_factory=list)


def sale_date(text: str) -> date:
    """Square writes 2026-11-02, or 11/2/26 in older US exports."""
    raw = text.strip()
    us = _US_DATE.match(raw)
    try:
        if us is not None:
            month, day, year = (int(g) for g in us.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        return fields.iso_date(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date like 2026-11-02 or 11/2/2026. Export the item "
                         "sales from Square again.") from None


def parse(data: bytes, currency: str) -> Parsed:
    """Sales from the item sales export; refund rows are left out and listed."""
    parsed, table, bad = open_sheet(data, REQUIRED, _COLUMNS)
    if table is None:
        return parsed

    transactions: dict[str, _Transaction] = {}
    for row, cells in table.rows:
        number = cells["transaction id"]
        if cells.get("event type", "").lower() == REFUND:
            parsed.left_out.append(f"row {row}: refund in transaction {number or '?'}")
            continue
        if not number:
            bad(row, "transaction id", "The Transaction ID is empty. Export the item sales "
                "from Square again.")
            continue
        sold_on: date | None = None
        try:
            sold_on = sale_date(cells["date"])
        except ValueError as exc:
            bad(row, "date", str(exc))
        tx = transactions.get(number)
        if tx is None:
            tx = transactions[number] = _Transaction(number, row, sold_on, _customer(cells))
        elif sold_on is not None and tx.sold_on is not None and sold_on != tx.sold_on:
            bad(row, "date", f"Transaction {number} is dated {tx.sold_on} on row {tx.row} but "
                f"{sold_on} here. Export the item sales from Square again.")
        line = _line(row, cells, bad, currency)
        if line is not None:
            tx.lines.append(line)
    for tx in transactions.values():
        if tx.sold_on is not None and tx.lines:
            parsed.sales.append(SaleInput(
                invoice_number=tx.number, sold_on=tx.sold_on, lines=tuple(tx.lines),
                customer=tx.customer, source=SOURCE, source_row=tx.row))
    return parsed


def _customer(cells: dict[str, str]) -> CustomerInput | None:
    # Without a reference of the shop's own, Square's customer ID keeps one person one customer.
    reference = cells.get("customer reference id", "")
    if not reference and cells.get("customer id"):
        reference = "SQ-" + cells["customer id"]
    return fields.customer(cells.get("customer name", ""), reference=reference)


def _line(row: int, cells: dict[str, str], bad: BadCell, currency: str) -> LineInput | None:
    sku = cells["sku"]
    if not sku:
        bad(row, "sku", "The item has no SKU. Give the item variation a SKU in Square that "
            "matches Settings > Products, then export again.")
    qty: int | None = None
    try:
        qty = fields.quantity(cells["qty"])
    except ValueError as exc:
        bad(row, "qty", str(exc))
    gross: int | None = None
    try:
        gross = parse_amount(cells["gross sales"], currency, symbols=True)
        if gross < 0:
            raise MoneyError(f"Gross Sales {cells['gross sales']} is negative on a sale row.")
    except MoneyError as exc:
        bad(row, "gross sales", str(exc))
    if not sku or qty is None or gross is None:
        return None
    if gross % qty:
        bad(row, "gross sales", f"{cells['gross sales']} for {qty} units is not a whole number "
            "of cents per unit. Split the row by price, or check Qty and Gross Sales.")
        return None
    return LineInput(sku=sku, quantity=qty, unit_price_minor=gross // qty, source_row=row)
