"""Money leaving the core: minor units in, major units out, written for people or for files.

The database keeps every amount as an integer of the currency's minor unit (cents for EUR,
yen for JPY, which has no minor unit). Everything a person or a file sees goes through here:
`for_people` writes the shop's currency the way its locale does (€1,299.00, 1.299,00 €, ¥799),
`for_files` a plain decimal in major units (1299.00, 799) with a dot and no symbol, for CSV
and JSON. Pure: the caller says which currency and locale.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision

from warranty_desk.locales import babel_locale

# What JSON and CSV readers are told about every amount (README, docs/architecture.md).
FILE_UNITS = "major"


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
