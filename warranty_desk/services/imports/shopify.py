"""Shopify's orders CSV export: one row per line item, order fields on an order's first row."""

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

SOURCE = "shopify"
REQUIRED = ("Name", "Created at", "Lineitem quantity", "Lineitem price", "Lineitem sku")
# Orders with these financial statuses were never (or are no longer) a sale.
NOT_SOLD = frozenset({"refunded", "voided"})

_COLUMNS = {"invoice": "name", "lines": "name", "date": "created at", "sku": "lineitem sku",
            "quantity": "lineitem quantity", "price": "lineitem price",
            "customer": "billing name", "phone": "phone", "email": "email"}
# "2026-11-02 14:03:11 +0100" or ISO "2026-11-02T14:03:11+01:00".
_CREATED_AT = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?.*)?$")


@dataclass(slots=True)
class _Order:
    name: str
    row: int
    created: date | None
    status: str
    customer: CustomerInput | None
    lines: list[LineInput] = field(default_factory=list)


def created_date(text: str) -> date:
    """The order's calendar day as written; the offset is the shop's own zone, so it is kept."""
    found = _CREATED_AT.match(text.strip())
    if found is None:
        raise ValueError(f"{text.strip()!r} is not a date and time like "
                         "2026-11-02 14:03:11 +0100. Export the orders from Shopify again.")
    try:
        return date.fromisoformat(found.group(1))
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a real calendar date.") from None


def parse(data: bytes, currency: str) -> Parsed:
    """Sales from the orders export; refunded and voided orders are left out and listed."""
    parsed, table, bad = open_sheet(data, REQUIRED, _COLUMNS)
    if table is None:
        return parsed

    orders: dict[str, _Order] = {}
    for row, cells in table.rows:
        name = cells["name"]
        if not name:
            bad(row, "name", "The order name (like #1001) is empty. Export the orders again.")
            continue
        order = orders.get(name)
        if order is None:
            created: date | None = None
            try:
                created = created_date(cells["created at"])
            except ValueError as exc:
                bad(row, "created at", str(exc))
            order = orders[name] = _Order(
                name, row, created, cells.get("financial status", "").lower(),
                fields.customer(cells.get("billing name", ""),
                                cells.get("phone") or cells.get("billing phone", ""),
                                cells.get("email", "")))
            if order.status in NOT_SOLD:
                parsed.left_out.append(f"{name} ({order.status})")
        if order.status in NOT_SOLD:
            continue
        line = _line(row, cells, bad, currency)
        if line is not None:
            order.lines.append(line)
    for order in orders.values():
        if order.status not in NOT_SOLD and order.created is not None and order.lines:
            parsed.sales.append(SaleInput(
                invoice_number=order.name, sold_on=order.created, lines=tuple(order.lines),
                customer=order.customer, source=SOURCE, source_row=order.row))
    return parsed


def _line(row: int, cells: dict[str, str], bad: BadCell, currency: str) -> LineInput | None:
    ok = True
    sku = cells["lineitem sku"]
    if not sku:
        bad(row, "lineitem sku", "The line item has no SKU. Give the variant a SKU in Shopify "
            "that matches Settings > Products, then export again.")
        ok = False
    try:
        qty = fields.quantity(cells["lineitem quantity"])
    except ValueError as exc:
        bad(row, "lineitem quantity", str(exc))
        ok = False
    try:
        price = parse_amount(cells["lineitem price"], currency, symbols=True)
        if price < 0:
            raise MoneyError(f"The price {cells['lineitem price']} is negative.")
    except MoneyError as exc:
        bad(row, "lineitem price", str(exc))
        ok = False
    if not ok:
        return None
    return LineInput(sku=sku, quantity=qty, unit_price_minor=price, source_row=row)
