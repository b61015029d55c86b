"""Claim metrics against figures worked out here from the same rows, by hand or by a second way."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from warranty_desk.rules.metrics.claims import (
    claim_volume_by_week,
    open_by_week,
    open_claim_count,
    replacement_time,
    resolution_completion,
    resolution_speed,
)
from warranty_desk.rules.metrics.rows import ClaimRow

# Five hours behind UTC in December: an evening here is the next morning in UTC.
ZONE = ZoneInfo("America/New_York")


def utc(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=UTC)


def claim(n: int, opened: datetime, state: str = "received", closed: datetime | None = None,
          **more: object) -> ClaimRow:
    return ClaimRow(f"C-{n}", opened, state, closed_at=closed, **more)  # type: ignore[arg-type]


def test_a_claim_opened_late_sunday_evening_counts_in_that_week_not_the_utc_monday() -> None:
    # 2026-12-07 03:30 UTC is Sunday 6 December, 22:30 in New York: ISO week 49.
    rows = [claim(1, utc(2026, 12, 7, 3, 30)), claim(2, utc(2026, 12, 7, 5, 30)),
            claim(3, utc(2026, 12, 1)), claim(4, utc(2026, 11, 20))]
    found = claim_volume_by_week(rows, ZONE, date(2026, 11, 30), date(2026, 12, 13))
    assert found == {"2026-W49": 2, "2026-W50": 1}
    # Worked out a second way: each row's New York day, its ISO week, counted.
    by_hand: dict[str, int] = {"2026-W49": 0, "2026-W50": 0}
    for r in rows:
        day = (r.opened_at - timedelta(hours=5)).date()
        if date(2026, 11, 30) <= day <= date(2026, 12, 13):
            by_hand[f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"] += 1
    assert found == by_hand


def test_an_empty_range_has_no_weeks_and_a_quiet_week_shows_nought() -> None:
    rows = [claim(1, utc(2026, 12, 2))]
    assert claim_volume_by_week(rows, ZONE, date(2026, 12, 5), date(2026, 12, 4)) == {}
    assert claim_volume_by_week([], ZONE, date(2026, 12, 7), date(2026, 12, 13)) == {
        "2026-W50": 0}


def test_open_count_is_opened_by_then_and_not_yet_closed() -> None:
    at = utc(2026, 12, 10)
    rows = [claim(1, utc(2026, 12, 1)),  # open
            claim(2, utc(2026, 12, 1), "resolved", utc(2026, 12, 9)),  # closed before
            claim(3, utc(2026, 12, 1), "resolved", utc(2026, 12, 11)),  # closed after: open then
            claim(4, utc(2026, 12, 11)),  # not yet opened
            claim(5, at)]  # opened at that very instant
    assert open_claim_count(rows, at) == 3
    assert open_claim_count(rows, at) == sum(
        1 for r in rows if r.opened_at <= at and not (r.closed_at and r.closed_at <= at))
    assert open_claim_count([], at) == 0


def test_open_by_week_counts_at_the_end_of_each_weeks_last_shop_day() -> None:
    # Claim 1 closed on Sunday 6 December at 23:00 in New York (04:00 UTC on the Monday):
    # before week 49's last instant in the shop, so that week ends with it closed.
    rows = [claim(1, utc(2026, 12, 1), "resolved", utc(2026, 12, 7, 4)),
            claim(2, utc(2026, 12, 8), "resolved", utc(2026, 12, 20)),
            claim(3, utc(2026, 12, 2))]
    assert open_by_week(rows, ZONE, date(2026, 12, 1), date(2026, 12, 16)) == {
        "2026-W49": 1, "2026-W50": 2, "2026-W51": 2}


def test_resolution_speed_is_the_median_of_shop_days_with_ties_and_an_even_count() -> None:
    opened = utc(2026, 12, 1, 15)  # 10:00 in New York
    days = [3, 3, 3, 10]  # three tied, one slow: the median is 3, the mean would be 4.75
    rows = [claim(n, opened, "resolved", opened + timedelta(days=d)) for n, d in enumerate(days)]
    rows.append(claim(9, opened))  # still open: not counted
    assert resolution_speed(rows, ZONE) == statistics.median(days) == 3
    rows.append(claim(10, opened, "rejected", opened + timedelta(days=11)))
    assert resolution_speed(rows, ZONE) == statistics.median([*days, 11]) == 3
    assert resolution_speed([], ZONE) is None


def test_resolution_days_count_calendar_days_in_the_shops_zone() -> None:
    # Opened 23:00 Monday in New York (04:00 UTC Tuesday), closed 01:00 Tuesday New York time:
    # one calendar day in the shop, though both instants fall on the same UTC day.
    rows = [claim(1, utc(2026, 12, 8, 4), "resolved", utc(2026, 12, 8, 6))]
    assert resolution_speed(rows, ZONE) == 1


def test_resolution_completion_against_a_count_by_hand() -> None:
    zone = ZONE
    promised = date(2026, 12, 10)
    rows = [claim(1, utc(2026, 12, 1), "resolved", utc(2026, 12, 10, 23), promised_on=promised),
            claim(2, utc(2026, 12, 1), "resolved", utc(2026, 12, 11, 6), promised_on=promised),
            claim(3, utc(2026, 12, 1), "rejected", utc(2026, 12, 3), promised_on=promised),
            claim(4, utc(2026, 12, 1), "repairing", promised_on=promised),
            claim(5, utc(2026, 12, 1), "resolved", utc(2026, 12, 3))]  # no promise
    c = resolution_completion(rows, zone)
    # Claim 2 closed 01:00 New York on 11 December: a day late. Claim 1: 18:00 on the 10th.
    assert (c.opened, c.resolved, c.rejected, c.still_open, c.on_time) == (5, 3, 1, 1, 2)
    assert c.completion == round(100 * 4 / 5, 1)
    assert c.on_time_rate == round(100 * 2 / 4, 1)
    empty = resolution_completion([], zone)
    assert (empty.opened, empty.completion, empty.on_time_rate) == (0, None, None)


def test_replacement_time_means_and_longest_from_the_rows() -> None:
    opened = utc(2026, 12, 1)
    rows = [claim(1, opened, "resolved", opened + timedelta(days=2), outcome="replace",
                  handed_over_at=opened + timedelta(days=5)),
            claim(2, opened, "resolved", opened + timedelta(days=3), outcome="replace"),
            claim(3, opened, "resolved", opened + timedelta(days=1), outcome="repair")]
    t = replacement_time(rows, ZONE)
    assert (t.replacements, t.handed_over, t.longest) == (2, 1, 5)
    assert t.days_to_decision == round((2 + 3) / 2, 1)
    assert t.days_to_hand_over == 5.0
    none = replacement_time([], ZONE)
    assert (none.replacements, none.days_to_decision, none.longest) == (0, None, None)
