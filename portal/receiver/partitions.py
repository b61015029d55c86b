"""Monthly partitions of the events table, bounded by the UUIDv7 ids of each month's start."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from django.db import connection, transaction

PARENT = "receiver_event"
# Any key for the advisory lock that serialises partition creation across app processes.
_LOCK_KEY = 0x5744_4576  # "WDEv"


def month_of(event_id: uuid.UUID) -> date:
    """The first day of the (UTC) month a UUIDv7 was made in."""
    millis = event_id.int >> 80
    made = datetime.fromtimestamp(millis / 1000, UTC)
    return date(made.year, made.month, 1)


def bound(month: date) -> uuid.UUID:
    """The smallest UUIDv7 of a month: its first millisecond, every other bit zero."""
    millis = int(datetime(month.year, month.month, 1, tzinfo=UTC).timestamp() * 1000)
    return uuid.UUID(int=millis << 80)


def next_month(month: date) -> date:
    """The first day of the following month."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    """receiver_event_y2026m11."""
    return f"{PARENT}_y{month.year:04d}m{month.month:02d}"


def create_sql(month: date) -> str:
    """CREATE TABLE for one month's partition (ids are SQL literals made here, not input)."""
    return (f"CREATE TABLE IF NOT EXISTS {partition_name(month)} PARTITION OF {PARENT} "
            f"FOR VALUES FROM ('{bound(month)}') TO ('{bound(next_month(month))}')")


_known: set[date] = set()


def ensure(months: set[date]) -> None:
    """Create the partitions these months need, each in its own short transaction.

    Creating a partition locks the parent table; doing it apart from the batch's own
    transaction keeps that lock to a moment, once a month, instead of for a whole push.
    """
    for month in sorted(months - _known):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [partition_name(month)])
            row = cursor.fetchone()
            if not (row and row[0]):
                cursor.execute(create_sql(month))
        _known.add(month)


def forget() -> None:
    """Drop the cache of known partitions (tests switch databases)."""
    _known.clear()
