"""Money as files write it, read into whole minor units (cents) without floating point."""

from __future__ import annotations

import re

_PLAIN = re.compile(r"^(\d+)(?:\.(\d+))?$")
# Thousands separators only in the US form 1,299.00; anything else with a comma is refused.
_US_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d{1,3}(?:\.\d{3})*,\d{1,2}$")
_SYMBOLS = "$€£"


class MoneyError(ValueError):
    """An amount that cannot be read; the message says why in plain words."""


def to_minor(text: str, *, symbols: bool = False) -> int:
    """'1299.00' -> 129900; with symbols also '$1,299.00', '-£5.00' and '(€5.00)'. May be < 0."""
    raw = text.strip()
    if not raw:
        raise MoneyError("The amount is empty. Write it like 1299.00.")
    body = raw
    negative = False
    if symbols and body.startswith("(") and body.endswith(")"):
        # Accounting exports write a refund as (5.00).
        negative, body = True, body[1:-1].strip()
    if body.startswith("-"):
        negative, body = True, body[1:].strip()
    if symbols and body[:1] in _SYMBOLS:
        body = body[1:].strip()
        if body.startswith("-"):
            negative, body = True, body[1:].strip()
    if symbols and _US_GROUPED.match(body):
        body = body.replace(",", "")
    elif _DECIMAL_COMMA.match(body):
        raise MoneyError(f"{raw!r} uses a decimal comma. Write amounts with a decimal point, "
                         "like 1299.00 (or 1,299.00).")
    found = _PLAIN.match(body)
    if found is None:
        raise MoneyError(f"{raw!r} is not an amount. Write it like 1299.00.")
    whole, cents = found.group(1), found.group(2) or ""
    if len(cents) > 2:
        raise MoneyError(f"{raw!r} has more than 2 decimals. Round it to whole cents, "
                         "like 1299.99.")
    minor = int(whole) * 100 + int(cents.ljust(2, "0"))
    return -minor if negative else minor
