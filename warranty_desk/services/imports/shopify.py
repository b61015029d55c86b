"""Shopify's orders CSV export: one row per line item, order fields on an order's first row."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.imports import fields, limits
from warranty_desk.services.imports.fields import Field
from warranty_desk.services.imports.parsed import BadCell, Parsed, checked
from warranty_desk.services.imports.sheet import open_sheet
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.services.sale_refunds import RefundInput

SOURCE = "shopify"
REQUIRED = ("Name", "Created at", "Financial Status", "Lineitem quantity", "Lineitem price",
            "Lineitem sku")
# Shopify's financial statuses (its order API's financial_status), as the export writes them.
PAID = "paid"
# The customer has not paid (yet): no sale, so no warranty.
NOT_PAID = frozenset({"pending", "authorized", "partially_paid", "unpaid", "expired"})
# No longer a sale: every unit came back, or the payment was voided before capture.
NOT_SOLD = frozenset({"refunded", "voided"})
# Some money went back; the export does not say for which items, only how much.
PARTLY_REFUNDED = "partially_refunded"
# A sale: every unit paid for, some perhaps paid back since.
SOLD = frozenset({PAID, PARTLY_REFUNDED})
STATUSES = frozenset({PAID, PARTLY_REFUNDED}) | NOT_PAID | NOT_SOLD

_COLUMNS = {"invoice": "name", "lines": "name", "date": "created at", "sku": "lineitem sku",
            "quantity": "lineitem quantity", "price": "lineitem price",
            "customer": "billing name", "phone": "phone", "email": "email"}
_EXPORT_AGAIN = "Export the orders from Shopify again."
_AMOUNT = Field(limits.NUMBER, "an amount", text=False)
_PHONE = Field(limits.PHONE, "a phone number", text=False)
_FIELDS = {
    "name": Field(limits.INVOICE, "an order name"),
    "created at": Field(limits.DATE, "a date", text=False),
    "financial status": Field(limits.WORD, "a financial status"),
    "refunded amount": _AMOUNT,
    "lineitem quantity": Field(limits.NUMBER, "a quantity", text=False),
    "lineitem price": _AMOUNT, "lineitem discount": _AMOUNT,
    "lineitem sku": Field(limits.SKU, "a SKU"),
    "billing name": Field(limits.NAME, "a customer's name"),
    "email": Field(limits.EMAIL, "an email address"),
    "phone": _PHONE, "billing phone": _PHONE,
}
# "2026-11-02 14:03:11 +0100" or ISO "2026-11-02T14:03:11+01:00".
_CREATED_AT = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?.*)?$")


@dataclass(slots=True)
class _Order:
    name: str
    row: int
    created: date | None
    status: str
    customer: CustomerInput | None
    # Refunded Amount, or None when the export leaves it out.
    refunded_minor: int | None
    lines: list[LineInput] = field(default_factory=list)


def created_date(text: str) -> date:
    """The order's calendar day as written; the offset is the shop's own zone, so it is kept."""
    found = _CREATED_AT.match(text.strip())
    if found is None:
        raise ValueError(f"{fields.shown(text.strip())} is not a date and time like "
                         "2026-11-02 14:03:11 +0100. Export the orders from Shopify again.")
    try:
        day = date.fromisoformat(found.group(1))
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a real calendar date.") from None
    return fields.sale_day(day)


def parse(data: bytes, currency: str) -> Parsed:
    """Sales from the orders export: paid orders only, each line at the price paid for it.

    Orders not paid, refunded or voided are left out and listed; a refunded or voided order
    imported earlier has its warranties voided. A partly refunded order is a sale, and the
    units its Refunded Amount paid back are voided when that amount tells which they were.
    """
    parsed, table, bad = open_sheet(data, REQUIRED, _COLUMNS, _FIELDS)
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
            order = orders[name] = _order(row, cells, bad, currency)
            _note_status(parsed, order)
        if order.status not in SOLD:
            continue
        order.lines.extend(_lines(row, cells, bad, currency))
    for order in orders.values():
        if order.status in SOLD and order.created is not None and order.lines:
            parsed.sales.append(SaleInput(
                invoice_number=order.name, sold_on=order.created, lines=tuple(order.lines),
                customer=order.customer, source=SOURCE, source_row=order.row))
    return parsed


def _order(row: int, cells: dict[str, str], bad: BadCell, currency: str) -> _Order:
    """An order from its first row, which alone carries the order's own columns."""
    created: date | None = None
    try:
        created = created_date(cells["created at"])
    except ValueError as exc:
        bad(row, "created at", str(exc))
    status = cells["financial status"].lower()
    if status not in STATUSES:
        shown = fields.shown(cells["financial status"]) if status else "empty"
        bad(row, "financial status", f"The financial status is {shown}, which is none of "
            f"Shopify's ({', '.join(sorted(STATUSES))}). Export the orders from Shopify again.")
        # Unknown: not taken as paid.
        status = ""
    refunded = _refunded(row, cells, bad, currency)
    if status == PAID and refunded:
        # Money went back although the status still says paid: as good as partly refunded.
        status = PARTLY_REFUNDED
    return _Order(cells["name"], row, created, status, fields.customer(
        cells.get("billing name", ""), cells.get("phone") or cells.get("billing phone", ""),
        cells.get("email", "")), refunded)


def _refunded(row: int, cells: dict[str, str], bad: BadCell, currency: str) -> int | None:
    """The order's Refunded Amount, or None when the export leaves it out."""
    text = cells.get("refunded amount", "")
    if not text:
        return None
    return checked(bad, row, "refunded amount", partial(
        fields.amount, currency=currency, negative=_EXPORT_AGAIN), text)


def _note_status(parsed: Parsed, order: _Order) -> None:
    """List an order that is no sale; note the refund of one refunded, voided or partly so."""
    name, status = order.name, order.status
    place = f"row {order.row}"
    if status in NOT_PAID:
        parsed.left_out.append(f"{name} ({status.replace('_', ' ')}: not paid, so not a sale)")
    elif status in NOT_SOLD:
        parsed.left_out.append(f"{name} ({status})")
        key = hashlib.sha256(f"{name}|{status}".encode()).hexdigest()
        parsed.refunds.append(RefundInput(
            SOURCE, name, key, None, place=place, listed=True,
            event="Voided" if status == "voided" else "Refunded"))
    elif status == PARTLY_REFUNDED:
        # The amount is part of the key: a larger total in a later export is a new refund.
        key = hashlib.sha256(f"{name}|{status}|{order.refunded_minor}".encode()).hexdigest()
        parsed.refunds.append(RefundInput(
            SOURCE, name, key, None, place=place, partial=True,
            amount_minor=order.refunded_minor))


def _lines(row: int, cells: dict[str, str], bad: BadCell, currency: str) -> list[LineInput]:
    """The line's units at the price paid: Lineitem price less its share of Lineitem discount."""
    sku = cells["lineitem sku"]
    if not sku:
        bad(row, "lineitem sku", "The line item has no SKU. Give the variant a SKU in Shopify "
            "that matches Settings > Products, then export again.")
    qty = checked(bad, row, "lineitem quantity", fields.quantity, cells["lineitem quantity"])
    money = partial(fields.amount, currency=currency, negative=_EXPORT_AGAIN)
    price = checked(bad, row, "lineitem price", money, cells["lineitem price"])
    discount = checked(bad, row, "lineitem discount", money,
                       cells.get("lineitem discount") or "0")
    if not sku or qty is None or price is None or discount is None:
        return []
    if discount > price * qty:
        bad(row, "lineitem discount", f"The discount {cells['lineitem discount']} is more than "
            f"the line's {qty} × {cells['lineitem price']}. Export the orders from Shopify again.")
        return []
    return [LineInput(sku=sku, quantity=units, unit_price_minor=each, source_row=row)
            for units, each in fields.unit_prices(price * qty - discount, qty)]
