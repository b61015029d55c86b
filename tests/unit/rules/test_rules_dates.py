"""Tests for adding months and finding the last covered day."""

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warranty_desk.rules.dates import add_months, cover_end

any_day = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
month_steps = st.integers(min_value=-1200, max_value=1200)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2026, 1, 15), 24, date(2028, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 2, 29), -12, date(2023, 2, 28)),
        (date(2024, 2, 29), -48, date(2020, 2, 29)),
        (date(2023, 2, 28), 12, date(2024, 2, 28)),
        (date(2100, 1, 31), 1, date(2100, 2, 28)),
        (date(2000, 1, 31), 1, date(2000, 2, 29)),
    ],
)
def test_adding_months_keeps_the_day_or_clamps_to_the_month_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_adding_zero_months_returns_the_same_day() -> None:
    assert add_months(date(2024, 2, 29), 0) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        (date(2026, 1, 15), 12, date(2027, 1, 14)),
        (date(2024, 2, 29), 12, date(2025, 2, 27)),
        (date(2024, 2, 29), 48, date(2028, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 27)),
        (date(2024, 1, 31), 1, date(2024, 2, 28)),
        (date(2026, 1, 1), 1, date(2026, 1, 31)),
        (date(2026, 12, 1), 1, date(2026, 12, 31)),
        (date(2026, 3, 1), 24, date(2028, 2, 29)),
    ],
)
def test_cover_ends_the_day_before_the_same_date_months_later(
    start: date, months: int, last_day: date
) -> None:
    assert cover_end(start, months) == last_day


@pytest.mark.parametrize("months", [0, -1, -12])
def test_a_cover_term_shorter_than_one_month_is_refused(months: int) -> None:
    with pytest.raises(ValueError, match="at least one month"):
        cover_end(date(2026, 1, 15), months)


@given(any_day, month_steps)
def test_adding_months_moves_the_month_index_by_exactly_that_many(d: date, months: int) -> None:
    moved = add_months(d, months)
    assert (moved.year * 12 + moved.month) - (d.year * 12 + d.month) == months


@given(any_day, month_steps)
def test_adding_months_never_raises_the_day_and_only_lowers_it_to_the_month_end(
    d: date, months: int
) -> None:
    moved = add_months(d, months)
    month_end = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day <= d.day
    assert moved.day == min(d.day, month_end)


@given(any_day, month_steps)
def test_adding_months_and_taking_them_back_round_trips_for_days_every_month_has(
    d: date, months: int
) -> None:
    d = d.replace(day=min(d.day, 28))
    assert add_months(add_months(d, months), -months) == d


@given(any_day, month_steps)
def test_adding_months_round_trips_to_the_same_day_or_earlier(d: date, months: int) -> None:
    back = add_months(add_months(d, months), -months)
    assert (back.year, back.month) == (d.year, d.month)
    assert back <= d


@given(any_day, st.integers(min_value=1, max_value=1200))
def test_the_last_covered_day_is_never_before_the_start_and_precedes_the_next_term(
    start: date, months: int
) -> None:
    last_day = cover_end(start, months)
    assert last_day >= start
    assert (add_months(start, months) - last_day).days == 1


@given(any_day, st.integers(min_value=1, max_value=1200))
def test_a_longer_term_never_ends_earlier(start: date, months: int) -> None:
    assert cover_end(start, months + 1) > cover_end(start, months)
