"""The shop's locale as babel reads it, the country it implies for phone numbers, and its dates."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.numbers import get_territory_currencies

# A shop whose locale setting is broken still gets readable words rather than a crash.
FALLBACK_LOCALE = "en_GB"


def _parse(name: str) -> Locale:
    # Settings keep en_GB; people and other systems also write en-GB.
    return Locale.parse(name.strip().replace("-", "_"))


@lru_cache(maxsize=16)
def babel_locale(name: str) -> Locale:
    """The babel locale of a setting such as en_GB; the fallback when it is unknown."""
    try:
        return _parse(name)
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse(FALLBACK_LOCALE)


@lru_cache(maxsize=16)
def region_of(name: str) -> str | None:
    """The two-letter country of a locale (en_GB -> GB, de -> DE); None when it names none."""
    try:
        locale = _parse(name)
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    if locale.territory:
        return str(locale.territory)
    # A bare language names its most likely country (de -> de_Latn_DE) in CLDR.
    likely = get_global("likely_subtags").get(locale.language, "")
    territory = likely.split("_")[-1] if likely else ""
    return territory if len(territory) == 2 and territory.isalpha() else None


def written_day(value: date, locale: str) -> str:
    """A date as a letter to a customer writes it in the shop's locale (2 December 2026,
    2. Dezember 2026): never the ISO form, which customers read as a code."""
    return format_date(value, format="long", locale=babel_locale(locale))


def currency_of(name: str, on: date) -> str | None:
    """The currency a locale's country pays in on that day (en_GB -> GBP, de_DE -> EUR); None
    when the locale names no country or the country none."""
    region = region_of(name)
    if region is None:
        return None
    # Given the day: babel would otherwise read the wall clock, and a country can change
    # currency (Croatia took the euro in 2023).
    found = get_territory_currencies(region, start_date=on, end_date=on)
    return str(found[0]) if found else None
