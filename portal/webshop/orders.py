"""An order as both platforms' payloads come down to, and the checks they share."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.numbers import is_currency

from warranty_desk.money import MoneyError, parse_amount

# No order of a shop is this long; a longer list is not an order head office can check.
MAX_LINES = 500
MAX_QUANTITY = 10_000
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_ORDER_ID = re.compile(r"^\d{1,20}$")


class OrderError(ValueError):
    """An order head office cannot take, and why, in plain words."""


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of the order: the SKU, what the shop called it, how many, at what price."""

    sku: str
    name: str
    quantity: int
    unit_price_minor: int


@dataclass(frozen=True, slots=True)
class WebOrderIn:
    """An order from either platform, checked."""

    platform_id: str  # the platform's own id of the order
    reference: str  # what the shop and the customer call it (#1001, 1001)
    currency: str
    sold_on: date
    email: str
    phone: str
    customer_name: str
    lines: tuple[OrderLine, ...]


def fields(value: object, what: str) -> Mapping[str, Any]:
    """A JSON object, or the order is refused naming `what`."""
    if not isinstance(value, Mapping):
        raise OrderError(f"The {what} is not a JSON object.")
    return value


def part(order: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A nested object of the order (customer, billing); empty when it is missing or not one."""
    found = order.get(key)
    return found if isinstance(found, Mapping) else {}


def text(value: object, limit: int = 200) -> str:
    """A text field, trimmed and cut to `limit` characters; "" when it is missing or not text."""
    return value.strip()[:limit] if isinstance(value, str) else ""


def order_id(value: object) -> str:
    """The platform's numeric id of the order."""
    if isinstance(value, bool) or not isinstance(value, int | str) \
            or not _ORDER_ID.match(str(value)):
        raise OrderError("The order has no numeric id.")
    return str(value)


def day(value: object, what: str) -> date:
    """The date part of a platform's timestamp, as the shop wrote it (its own time zone)."""
    found = _DAY.match(value) if isinstance(value, str) else None
    try:
        if found:
            return date.fromisoformat(found.group(1))
    except ValueError:
        pass
    raise OrderError(f"The order's {what} is not a date and time.")


def currency(value: object) -> str:
    """An ISO 4217 currency code the portal knows."""
    code = text(value, 10).upper()
    if len(code) != 3 or not is_currency(code):
        raise OrderError(f"The order's currency {text(value, 10)!r} is not a currency code "
                         "head office knows (like GBP or EUR).")
    return code


def line(raw: object, number: int, currency_code: str, *, price: object) -> OrderLine:
    """One order line, numbered from 1 for the message; `price` is its unit price as sent."""
    found = fields(raw, f"order's line {number}")
    sku = text(found.get("sku"), 1000)
    quantity = found.get("quantity")
    if type(quantity) is not int or not 1 <= quantity <= MAX_QUANTITY:
        raise OrderError(f"Line {number} ({sku or 'no SKU'}) has no whole quantity from 1 to "
                         f"{MAX_QUANTITY}: {str(quantity)[:20]!r}.")
    if isinstance(price, bool) or not isinstance(price, str | int | float):
        raise OrderError(f"Line {number} ({sku or 'no SKU'}) has no price.")
    try:
        minor = parse_amount(str(price), currency_code)
    except MoneyError as exc:
        raise OrderError(f"Line {number} ({sku or 'no SKU'}) has a price head office cannot "
                         f"read: {exc}") from None
    if minor < 0:
        raise OrderError(f"Line {number} ({sku or 'no SKU'}) has a price below nothing.")
    if len(sku) > 64:
        raise OrderError(f"Line {number}'s SKU is longer than 64 characters.")
    return OrderLine(sku, text(found.get("name")), quantity, minor)


def lines(raw: object, read: Any) -> tuple[OrderLine, ...]:
    """Every line, read by `read(line, number)`; refused when there are none (or too many)."""
    if not isinstance(raw, list) or not raw:
        raise OrderError("The order has no lines.")
    if len(raw) > MAX_LINES:
        raise OrderError(f"The order has {len(raw)} lines; head office takes up to "
                         f"{MAX_LINES}.")
    return tuple(read(item, number) for number, item in enumerate(raw, 1))


def email(*values: object) -> str:
    """The first address given, as sent; refused when longer than a till keeps (200)."""
    found = next((v.strip() for v in values if isinstance(v, str) and v.strip()), "")
    if len(found) > 200:
        raise OrderError("The order's email is longer than 200 characters.")
    return found


def person(first: object, last: object) -> str:
    """A name from its parts."""
    return " ".join(part for part in (text(first), text(last)) if part)[:200]
