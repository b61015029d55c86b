"""Dates, times and money written the way the shop's locale writes them (babel)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

# A shop whose locale setting is broken still gets readable paper rather than a crash.
FALLBACK_LOCALE = "en_GB"


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(FALLBACK_LOCALE)


def day(value: date, locale: str) -> str:
    """A date in the locale's medium form, e.g. 22 Nov 2026 or 22.11.2026."""
    return format_date(value, format="medium", locale=_locale(locale))


def moment(value: datetime, locale: str) -> str:
    """A local date and time in the locale's short form, without seconds."""
    return format_datetime(value, format="short", locale=_locale(locale))


def money(amount_minor: int, currency: str, locale: str) -> str:
    """An amount in minor units with the currency as the locale writes it, e.g. €49.00."""
    # Decimal keeps cents exact; every currency this shop takes has two decimals in minor units.
    return format_currency(Decimal(amount_minor) / 100, currency, locale=_locale(locale))
