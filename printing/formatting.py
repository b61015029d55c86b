"""Dates and times written the way the shop's locale writes them (babel); money is core's."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime

from warranty_desk.locales import babel_locale


def day(value: date, locale: str) -> str:
    """A date in the locale's medium form, e.g. 22 Nov 2026 or 22.11.2026."""
    return format_date(value, format="medium", locale=babel_locale(locale))


def moment(value: datetime, locale: str) -> str:
    """A local date and time in the locale's short form, without seconds."""
    return format_datetime(value, format="short", locale=babel_locale(locale))

