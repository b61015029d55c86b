"""Days, weeks, rates and medians as every metric counts them, in the shop's own calendar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def local_day(at: datetime, zone: ZoneInfo) -> date:
    """The shop's calendar day an instant falls on."""
    return at.astimezone(zone).date()


def days_between(start: datetime, end: datetime, zone: ZoneInfo) -> int:
    """Calendar days in the shop's zone from one instant's day to the other's."""
    return (local_day(end, zone) - local_day(start, zone)).days


def in_days(at: datetime, zone: ZoneInfo, since: date, until: date) -> bool:
    """Whether an instant falls on a shop day from since to until, both included."""
    return since <= local_day(at, zone) <= until


def week_of(day: date) -> str:
    """The ISO week a day falls in, as '2026-W48'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_from(since: date, until: date) -> list[str]:
    """Every ISO week that has a day from since to until, in order (none for an empty range)."""
    weeks: list[str] = []
    day = since
    while day <= until:
        if not weeks or weeks[-1] != week_of(day):
            weeks.append(week_of(day))
        day += timedelta(days=1)
    return weeks


def week_ends(since: date, until: date) -> dict[str, date]:
    """Each week of the range with its last day inside the range (Sunday, or until)."""
    ends: dict[str, date] = {}
    day = since
    while day <= until:
        ends[week_of(day)] = day
        day += timedelta(days=1)
    return ends


def rate(part: int, whole: int) -> float | None:
    """The share part ÷ whole in per cent, to one decimal; None when the whole is nothing."""
    return None if not whole else round(100.0 * part / whole, 1)


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None for none."""
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def mean(values: Sequence[float]) -> float | None:
    """The average to one decimal; None for none."""
    return round(sum(values) / len(values), 1) if values else None
