"""Money in and out of the core: minor units inside, major units for people and for files.

The database keeps every amount as an integer of the currency's minor unit (cents for EUR,
yen for JPY, which has no minor unit). Everything a person or a file sees goes through here:
`for_people` writes the shop's currency the way its locale does (€1,299.00, 1.299,00 €, ¥799),
`for_files` a plain decimal in major units (1299.00, 799) with a dot and no symbol, for CSV
and JSON. `parse_amount` reads what a file writes (1299.00; $1,299.00 in sales exports) back
into minor units, with the currency's own decimals; `parse_typed` what a person types in an
amount field (25, 25.50, 25,50, £25). Pure: the caller names currency and locale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision, get_currency_symbol

from warranty_desk.locales import babel_locale

# What JSON and CSV readers are told about every amount (README, docs/architecture.md).
FILE_UNITS = "major"

_PLAIN = re.compile(r"^(\d+)(?:\.(\d+))?$")
# The most whole units an amount may have: 999,999,999.99 keeps any sum of a shop's sales in
# SQLite's 64-bit integers, and is more than anything a till sells in any currency.
MAX_WHOLE_DIGITS = 9
# Longer text is no amount; a message repeats only its start.
_LONGEST = 40
# Thousands separators only in the US form 1,299.00; anything else with a comma is refused.
_US_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d{1,3}(?:\.\d{3})*,\d{1,2}$")
# Symbols a sales export puts in front of an amount.
_SYMBOLS = "$€£¥"


class MoneyError(ValueError):
    """An amount that cannot be read; the message says why in plain words."""


@lru_cache(maxsize=32)
def decimals(currency: str) -> int:
    """How many digits a currency writes after the point: EUR 2, JPY 0, KWD 3."""
    return int(get_currency_precision(currency.strip().upper()))


def to_major(minor: int, currency: str) -> Decimal:
    """Minor units as an exact Decimal of major units: 79900 EUR -> 799.00, 799 JPY -> 799."""
    # scaleb shifts the decimal point without rounding, and keeps trailing zeros (799.00).
    return Decimal(minor).scaleb(-decimals(currency))


def for_people(minor: int, currency: str, locale: str) -> str:
    """An amount as the shop's locale writes its currency, e.g. €799.00 or 799,00 €."""
    return format_currency(to_major(minor, currency), currency.strip().upper(),
                           locale=babel_locale(locale))


def symbol(currency: str, locale: str) -> str:
    """The currency's sign as the locale writes it (£, €, JP¥); the ISO code if it has none."""
    code = currency.strip().upper()
    try:
        return str(get_currency_symbol(code, locale=babel_locale(locale)))
    except (UnknownLocaleError, ValueError):
        return code


def for_files(minor: int, currency: str) -> str:
    """An amount as plain decimal text in major units: 799.00, -12.50, 799 (JPY)."""
    return format(to_major(minor, currency), "f")


@dataclass(frozen=True, slots=True)
class MoneyFormat:
    """One shop's currency and locale, so callers format without repeating them."""

    currency: str  # ISO 4217, e.g. EUR
    locale: str  # babel name, e.g. en_GB

    def people(self, minor: int) -> str:
        """For a person: symbol, grouping and decimals as the locale writes them."""
        return for_people(minor, self.currency, self.locale)

    def plain(self, minor: int) -> str:
        """For a file: a plain decimal in major units."""
        return for_files(minor, self.currency)

    def major(self, minor: int) -> Decimal:
        """Major units as an exact number (a CSV cell that still sums in a spreadsheet)."""
        return to_major(minor, self.currency)

    def minor(self, major: Decimal) -> int:
        """Major units back in minor units, rounded to the currency's own decimals."""
        return int(major.scaleb(decimals(self.currency)).to_integral_value())

    def symbol(self) -> str:
        """The currency's sign, for a field where an amount is typed."""
        return symbol(self.currency, self.locale)

    def decimals(self) -> int:
        """How many digits the currency writes after the point."""
        return decimals(self.currency)

    def typed(self, text: str) -> int:
        """An amount a person typed, in minor units (see `parse_typed`)."""
        return parse_typed(text, self.currency)


def _example(currency: str) -> str:
    digits = decimals(currency)
    return "1299" + ("." + "0" * digits if digits else "")


def parse_amount(text: str, currency: str, *, symbols: bool = False) -> int:
    """An amount as a file writes it, in minor units: '1299.00' EUR -> 129900, '799' JPY -> 799.

    With `symbols` (sales exports) also '$1,299.00', '-£5.00' and '(€5.00)'. May be below 0.
    """
    raw = text.strip()
    example = _example(currency)
    if not raw:
        raise MoneyError(f"The amount is empty. Write it like {example}.")
    if len(raw) > _LONGEST:
        raise MoneyError(f"{raw[:_LONGEST]!r}... is not an amount. Write it like {example}.")
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
                         f"like {example}.")
    found = _PLAIN.match(body)
    if found is None:
        raise MoneyError(f"{raw!r} is not an amount. Write it like {example}.")
    whole, fraction = found.group(1), found.group(2) or ""
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS:
        largest = "9" * MAX_WHOLE_DIGITS
        raise MoneyError(f"{raw!r} is more than Warranty Desk keeps: amounts go up to "
                         f"{int(largest):,} {currency.upper()}. Check the amount.")
    digits = decimals(currency)
    if len(fraction.rstrip("0")) > digits:
        if digits == 0:
            raise MoneyError(f"{raw!r} has decimals, but {currency.upper()} amounts are whole "
                             f"numbers. Write it like {example}.")
        raise MoneyError(f"{raw!r} has more than {digits} decimals, the most "
                         f"{currency.upper()} amounts have. Write it like {example}.")
    minor: int = int(whole) * 10**digits + int(fraction[:digits].ljust(digits, "0") or "0")
    return -minor if negative else minor


_TYPED_COMMA = re.compile(r"^(\d+),(\d{1,3})$")


def parse_typed(text: str, currency: str) -> int:
    """An amount a person typed in a field, in minor units: '25', '25.50', '25,50' or '£25'.

    Unlike a file, a person may use a decimal comma and put the currency's sign in front.
    Nothing below zero: a field asks for a price, a cost or a refund.
    """
    raw = text.strip()
    body = raw[1:].strip() if raw[:1] in _SYMBOLS else raw
    if body.startswith("-"):
        raise MoneyError(f"{raw!r} is below zero. Type the amount without a minus sign.")
    comma = _TYPED_COMMA.match(body)
    if comma is not None:
        body = f"{comma.group(1)}.{comma.group(2)}"
    return parse_amount(body, currency)
