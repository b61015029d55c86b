"""Tests for counting claims against a unit's claim limit."""

from datetime import date

import pytest

from warranty_desk.rules.claim_limit import ClaimLimitStatus, claim_limit_status

TODAY = date(2026, 6, 15)


def test_the_window_starts_the_given_number_of_months_before_today() -> None:
    assert claim_limit_status(2, 12, (), TODAY).window_start == date(2025, 6, 15)


@pytest.mark.parametrize(
    ("claim_day", "counts"),
    [
        (date(2025, 6, 14), False),
        (date(2025, 6, 15), False),
        (date(2025, 6, 16), True),
        (date(2026, 6, 15), True),
        (date(2026, 6, 16), True),  # after today: it exists, so it counts
    ],
)
def test_claims_after_the_window_start_count(
    claim_day: date, counts: bool
) -> None:
    assert claim_limit_status(5, 12, (claim_day,), TODAY).used == int(counts)


def test_a_limit_reached_means_a_new_claim_needs_an_override() -> None:
    status = claim_limit_status(2, 12, (date(2025, 9, 1), date(2026, 2, 1)), TODAY)
    assert status == ClaimLimitStatus(
        used=2,
        limit=2,
        period_months=12,
        exceeded=True,
        window_start=date(2025, 6, 15),
        message="2 of 2 claims used in the last 12 months: a new claim needs a manager override.",
    )


def test_a_limit_not_yet_reached_is_not_exceeded() -> None:
    status = claim_limit_status(2, 12, (date(2026, 2, 1), date(2024, 1, 1)), TODAY)
    assert status.exceeded is False
    assert status.used == 1
    assert status.message == "1 of 2 claims used in the last 12 months."


def test_claims_beyond_the_limit_still_read_as_exceeded() -> None:
    days = (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))
    status = claim_limit_status(2, 12, days, TODAY)
    assert status.exceeded is True
    assert status.message.startswith("3 of 2 claims used")


def test_no_limit_counts_claims_but_is_never_exceeded() -> None:
    days = (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))
    status = claim_limit_status(None, 12, days, TODAY)
    assert status.used == 3
    assert status.exceeded is False
    assert status.message == "No claim limit."


def test_a_limit_of_zero_needs_an_override_for_the_first_claim() -> None:
    assert claim_limit_status(0, 12, (), TODAY).exceeded is True


def test_a_limit_of_one_speaks_of_one_claim_in_one_month() -> None:
    status = claim_limit_status(1, 1, (), TODAY)
    assert status.message == "0 of 1 claim used in the last month."


def test_a_window_from_a_month_end_clamps_to_the_shorter_month() -> None:
    today = date(2026, 3, 31)
    status = claim_limit_status(3, 1, (date(2026, 2, 28), date(2026, 3, 1)), today)
    assert status.window_start == date(2026, 2, 28)
    assert status.used == 1


def test_a_window_from_a_leap_day_clamps_in_a_common_year() -> None:
    status = claim_limit_status(3, 12, (date(2023, 2, 28), date(2023, 3, 1)), date(2024, 2, 29))
    assert status.window_start == date(2023, 2, 28)
    assert status.used == 1


@pytest.mark.parametrize("months", [0, -1])
def test_a_period_shorter_than_a_month_is_refused(months: int) -> None:
    with pytest.raises(ValueError, match="at least one month"):
        claim_limit_status(2, months, (), TODAY)


def test_a_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        claim_limit_status(-1, 12, (), TODAY)

