"""A stored UTC instant's shop day, worked out in SQL.

The zone's offset is constant between its changes, so a CASE over the changes (newest first)
adds the right offset to each instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func

# Offsets are looked up from here on: no stored instant is older (the till began long after).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=16)
def _changes(zone: ZoneInfo, year: int) -> tuple[tuple[datetime, int], ...]:
    """The zone's offset in seconds from each change on, newest first, up to the end of the
    year after `year` (instants are stamped by the shop's clock, so none lies later)."""
    def offset(at: datetime) -> int:
        found = at.astimezone(zone).utcoffset()
        return 0 if found is None else int(found.total_seconds())

    hi = datetime(year + 2, 1, 1, tzinfo=UTC)
    found = [(_EPOCH, offset(_EPOCH))]
    day = _EPOCH
    while day < hi:
        nxt = day + timedelta(days=1)
        if offset(nxt) != found[-1][1]:
            # The change lies in (low, high]: halve it down to the whole second it falls on
            # (zones change on whole seconds; halving instants left a fraction of one).
            low, high = int(day.timestamp()), int(nxt.timestamp())
            while high - low > 1:
                mid = (low + high) // 2
                at = datetime.fromtimestamp(mid, UTC)
                low, high = (low, mid) if offset(at) != found[-1][1] else (mid, high)
            changed = datetime.fromtimestamp(high, UTC)
            found.append((changed, offset(changed)))
        day = nxt
    return tuple(reversed(found))


def shop_day(column: Any, zone: ZoneInfo, until: date) -> Any:
    """SQL for the shop's calendar day ('YYYY-MM-DD') of a stored UTC instant column."""
    changes = _changes(zone, until.year)

    def day_at(seconds: int) -> Any:
        # The UTC day's text, moved a day when the time of day is past the offset's turn:
        # comparing the 'HH:MM:SS' text costs a fraction of date()'s parse and arithmetic on
        # every row (on the 1M shop, a quarter's claims read on three instants each), and
        # date() is left to the rows that turn. Whole seconds only: a day always turns on a
        # whole second, and the fraction must not round 23:59:59.9999 into the next day.
        utc_day, time_of_day = func.substr(column, 1, 10), func.substr(column, 12, 8)
        if seconds == 0:
            return utc_day
        if seconds > 0:
            return case((time_of_day >= _clock(_DAY - seconds),
                         func.date(utc_day, "+1 day")), else_=utc_day)
        return case((time_of_day < _clock(-seconds), func.date(utc_day, "-1 day")),
                    else_=utc_day)

    if len(changes) == 1:
        return day_at(changes[0][1])
    return case(*((column >= at, day_at(off)) for at, off in changes[:-1]),
                else_=day_at(changes[-1][1]))


_DAY = 24 * 3600


def _clock(seconds: int) -> str:
    """'HH:MM:SS' of a number of seconds into a day, as stored instants write it."""
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


# Zone changes are filled in this far ahead (the till stamps instants by its own clock, and
# a zone's rules are known for years ahead; a later upgrade can move the horizon).
HORIZON_YEAR = 2100


def zone_changes(zone: ZoneInfo) -> list[tuple[datetime, int]]:
    """The zone's offsets in seconds from each change on, oldest first, from 1970 up to the
    horizon: the same changes shop_day's SQL picks from."""
    return list(reversed(_changes(zone, HORIZON_YEAR - 1)))
