"""Calendar arithmetic for warranty terms: adding months and finding the last covered day."""

import calendar
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)


def add_months(d: date, months: int) -> date:
    """Return the same day ``months`` later (or earlier), clamped to the end of a short month."""
    # Counting months from year zero turns the year/month carry into one divmod.
    index = d.year * 12 + (d.month - 1) + months
    year, month_zero_based = divmod(index, 12)
    month = month_zero_based + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def cover_end(start: date, months: int) -> date:
    """Return the last covered day (inclusive) of a term of ``months`` starting on ``start``."""
    if months < 1:
        raise ValueError(f"a warranty term needs at least one month, got {months}")
    return add_months(start, months) - _ONE_DAY
