"""Square's item sales CSV export: one row per item sold or refunded, grouped by Transaction ID."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial

from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.imports import fields, limits
from warranty_desk.services.imports.fields import Field
from warranty_desk.services.imports.parsed import BadCell, Parsed, checked
from warranty_desk.services.imports.sheet import open_sheet
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.services.sale_refunds import RefundInput

SOURCE = "square"
REQUIRED = ("Date", "Transaction ID", "SKU", "Qty", "Gross Sales", "Net Sales")
REFUND = "refund"

# The price paid is Net Sales (Gross Sales less its discounts) shared over the units.
_COLUMNS = {"invoice": "transaction id", "lines": "transaction id", "date": "date",
            "sku": "sku", "quantity": "qty", "price": "net sales", "customer": "customer name"}
_AMOUNT = Field(limits.NUMBER, "an amount", text=False)
_FIELDS = {
    "date": Field(limits.DATE, "a date", text=False),
    "time": Field(limits.DATE, "a time", text=False),
    "transaction id": Field(limits.INVOICE, "a Transaction ID"),
    "payment id": Field(limits.INVOICE, "a Payment ID"),
    "sku": Field(limits.SKU, "a SKU"),
    "qty": Field(limits.NUMBER, "a quantity", text=False),
    "gross sales": _AMOUNT, "net sales": _AMOUNT,
    "event type": Field(limits.WORD, "an event type"),
    "customer name": Field(limits.NAME, "a customer's name"),
    "customer reference id": Field(limits.REFERENCE, "a customer reference"),
    # Kept as the reference "SQ-" + the ID when the shop gave none of its own.
    "customer id": Field(limits.REFERENCE - 3, "a Square customer ID"),
}
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
            return fields.sale_day(date(year + 2000 if year < 100 else year, month, day))
        return fields.iso_date(raw)
    except ValueError as exc:
        if str(exc).startswith("The sale date"):
            raise
        raise ValueError(f"{fields.shown(raw)} is not a date like 2026-11-02 or 11/2/2026. "
                         "Export the item sales from Square again.") from None


def parse(data: bytes, currency: str) -> Parsed:
    """Sales from the item sales export; each refund row names the units it voids."""
    parsed, table, bad = open_sheet(data, REQUIRED, _COLUMNS, _FIELDS)
    if table is None:
        return parsed

    transactions: dict[str, _Transaction] = {}
    refunds: dict[str, RefundInput] = {}
    for row, cells in table.rows:
        number = cells["transaction id"]
        if not number:
            bad(row, "transaction id", "The Transaction ID is empty. Export the item sales "
                "from Square again.")
            continue
        if cells.get("event type", "").lower() == REFUND:
            refund = _refund(row, cells, bad)
            if refund is not None and not refund.quantity:
                parsed.left_out.append(f"row {row}: money paid back in {number} with no item "
                                       "returned, so no warranty is voided")
            elif refund is not None:
                # Two rows of one refund for the same item are one refund of both units.
                same = refunds.get(refund.key)
                refunds[refund.key] = refund if same is None else replace(
                    same, quantity=same.quantity + refund.quantity)
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
        tx.lines.extend(_lines(row, cells, bad, currency))
    for tx in transactions.values():
        if tx.sold_on is not None and tx.lines:
            parsed.sales.append(SaleInput(
                invoice_number=tx.number, sold_on=tx.sold_on, lines=tuple(tx.lines),
                customer=tx.customer, source=SOURCE, source_row=tx.row))
    parsed.refunds.extend(refunds.values())
    return parsed


def _customer(cells: dict[str, str]) -> CustomerInput | None:
    # Without a reference of the shop's own, Square's customer ID keeps one person one customer.
    reference = cells.get("customer reference id", "")
    if not reference and cells.get("customer id"):
        reference = "SQ-" + cells["customer id"]
    return fields.customer(cells.get("customer name", ""), reference=reference)


def _amount(row: int, cells: dict[str, str], key: str, bad: BadCell, currency: str) -> int | None:
    """A sale row's amount: not negative (a refund is a row of its own)."""
    return checked(bad, row, key, partial(
        fields.amount, currency=currency, negative="A refund is a row of its own, with Event "
        "Type Refund: export the item sales from Square again."), cells[key])


def _lines(row: int, cells: dict[str, str], bad: BadCell, currency: str) -> list[LineInput]:
    """The row's units at the price paid: Net Sales over Qty, to the cent."""
    sku = cells["sku"]
    if not sku:
        bad(row, "sku", "The item has no SKU. Give the item variation a SKU in Square that "
            "matches Settings > Products, then export again.")
    qty = checked(bad, row, "qty", fields.quantity, cells["qty"])
    gross = _amount(row, cells, "gross sales", bad, currency)
    net = _amount(row, cells, "net sales", bad, currency)
    if not sku or qty is None or gross is None or net is None:
        return []
    if gross % qty:
        bad(row, "gross sales", f"{cells['gross sales']} for {qty} units is not a whole number "
            "of cents per unit. Split the row by price, or check Qty and Gross Sales.")
        return []
    if net > gross:
        bad(row, "net sales", f"Net Sales {cells['net sales']} is more than Gross Sales "
            f"{cells['gross sales']}, which no discount gives. Export the item sales again.")
        return []
    return [LineInput(sku=sku, quantity=units, unit_price_minor=price, source_row=row)
            for units, price in fields.unit_prices(net, qty)]


def _refund(row: int, cells: dict[str, str], bad: BadCell) -> RefundInput | None:
    """A refund row: which transaction, which item, how many units came back."""
    sku = cells["sku"]
    if not sku:
        bad(row, "sku", "The refunded item has no SKU, so Warranty Desk cannot tell which "
            "unit to void. Give the item variation a SKU in Square, then export again.")
    units = checked(bad, row, "qty", fields.signed_quantity, cells["qty"])
    refunded_on = checked(bad, row, "date", sale_date, cells["date"])
    if not sku or units is None or refunded_on is None:
        return None
    number = cells["transaction id"]
    # The same refund in a later export has the same row: its identity, whatever file it is in.
    key = hashlib.sha256("|".join((
        number, cells.get("payment id", ""), cells["date"], cells.get("time", ""),
        sku)).encode()).hexdigest()
    return RefundInput(SOURCE, number, key, refunded_on, sku, units, f"row {row}")
