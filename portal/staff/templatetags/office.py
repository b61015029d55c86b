"""How long ago something happened, in the words a person says it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template

from portal import clock

register = template.Library()


@register.filter
def ago(moment: datetime | None) -> str:
    """"just now" under a minute, otherwise "3 hours, 2 minutes ago"; "never" for nothing."""
    return ago_at(moment, clock.now())


# Two adjacent units at most ("2 weeks, 3 days"); a month is 30 days, a year 365.
_UNITS = (("year", 525_600), ("month", 43_200), ("week", 10_080), ("day", 1_440),
          ("hour", 60), ("minute", 1))


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def ago_at(moment: datetime | None, now: datetime) -> str:
    """`ago` as of `now` (a page of many rows reads the clock once; plain arithmetic, as a
    table of hundreds of branches says it once per row).
    """
    if moment is None:
        return "never"
    minutes = int((now - moment) // timedelta(minutes=1))
    if minutes < 1:
        return "just now"
    for at, (unit, size) in enumerate(_UNITS):
        if minutes >= size:
            words = [_count(minutes // size, unit)]
            if at + 1 < len(_UNITS):
                smaller, smaller_size = _UNITS[at + 1]
                rest = minutes % size // smaller_size
                if rest:
                    words.append(_count(rest, smaller))
            return f"{', '.join(words)} ago"
    return "just now"  # not reached: a minute is the smallest unit


@register.filter
def words(name: str | None) -> str:
    """A machine name as words: photo_of_fault -> photo of fault."""
    return (name or "").replace("_", " ")


@register.filter
def minor(amount: int | None, currency: str = "") -> str:
    """An amount in the currency's minor unit as people read it: 1234 -> "12.34 EUR"."""
    value = amount or 0
    sign = "-" if value < 0 else ""
    whole, cents = divmod(abs(value), 100)
    return f"{sign}{whole:,}.{cents:02d}" + (f" {currency}" if currency else "")
