"""Today's date in the shop's own time zone: coverage dates are calendar days at the counter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def today_in(zone: str) -> date:
    """The calendar date at the shop now; an unknown zone falls back to UTC."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    return datetime.now(UTC).astimezone(tz).date()


def zone_of(name: str | None) -> ZoneInfo:
    """The shop's time zone; an unknown or empty name falls back to UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
