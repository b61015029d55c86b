"""The one clock: the only reader of the wall clock, injected wherever a date is stamped."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    """Where "now" comes from; services get it from the database they are handed."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock: made once by the composition root (CLI, app), never by a service."""

    def now(self) -> datetime:
        """The current instant in UTC, from the operating system."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved: tests, screenshots and the demo's history."""

    def __init__(self, at: datetime) -> None:
        self._lock = threading.Lock()
        self._at = _aware(at)

    @classmethod
    def on(cls, day: date, *, hour: int = 12, zone: str = "UTC") -> FixedClock:
        """A clock standing at a time of day on a calendar day at the shop."""
        local = datetime(day.year, day.month, day.day, hour, tzinfo=zone_of(zone))
        return cls(local.astimezone(UTC))

    def now(self) -> datetime:
        """The instant the clock stands at."""
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        """Stand at another instant (aware)."""
        with self._lock:
            self._at = _aware(at)

    def set_day(self, day: date, *, hour: int = 12, zone: str = "UTC") -> None:
        """Stand at a time of day on a calendar day at the shop."""
        self.set(FixedClock.on(day, hour=hour, zone=zone).now())

    def advance(self, delta: timedelta) -> None:
        """Move forward (or back, with a negative delta)."""
        with self._lock:
            self._at += delta


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("a clock stands at a timezone-aware instant")
    return at.astimezone(UTC)


def today_on(clock: Clock, zone: ZoneInfo) -> date:
    """The calendar date at the shop now: coverage dates are calendar days at the counter."""
    return clock.now().astimezone(zone).date()


def local_now(clock: Clock, zone: ZoneInfo) -> datetime:
    """Now on the shop's wall clock, without a zone (for printed-at lines and file names)."""
    return clock.now().astimezone(zone).replace(tzinfo=None)


def zone_of(name: str | None) -> ZoneInfo:
    """The shop's time zone; an unknown or empty name falls back to UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
