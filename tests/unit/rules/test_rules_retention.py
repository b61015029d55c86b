"""The retention rules: two claims in twelve months, a rejected claim, a claim open too long."""

from datetime import date

import pytest

from warranty_desk.rules.retention import (
    ClaimFact,
    long_open,
    rejected,
    repeat_claims,
    retention_triggers,
)

TODAY = date(2026, 6, 15)


def _claim(number: str, opened: date, state: str = "resolved",
           closed: date | None = None) -> ClaimFact:
    return ClaimFact(number, opened, state, closed)


@pytest.mark.parametrize(("first", "fires"), [
    (date(2025, 6, 15), False),  # twelve months ago to the day: outside the window
    (date(2025, 6, 16), True),
    (date(2026, 5, 31), True),
])
def test_two_claims_fire_only_when_both_fall_in_the_twelve_months_up_to_today(
    first: date, fires: bool
) -> None:
    claims = [_claim("C-1", first), _claim("C-2", date(2026, 6, 1))]
    found = repeat_claims(claims, TODAY)
    assert (found is not None) is fires
    if found is not None:
        assert found.rule == "repeat_claims" and found.claim_number == "C-2"
        assert found.words == "2 claims in twelve months, the latest C-2 opened 2026-06-01"


def test_one_claim_is_no_repeat_and_a_third_names_the_newest() -> None:
    assert repeat_claims([_claim("C-1", date(2026, 1, 1))], TODAY) is None
    three = [_claim("C-3", date(2026, 5, 1)), _claim("C-1", date(2026, 1, 1)),
             _claim("C-2", date(2026, 3, 1))]
    found = repeat_claims(three, TODAY)
    assert found is not None and found.claim_number == "C-3" and found.words.startswith("3 ")


def test_a_claim_rejected_in_the_window_fires_and_an_old_rejection_does_not() -> None:
    claims = [_claim("C-1", date(2025, 1, 1), "rejected", date(2025, 6, 10)),
              _claim("C-2", date(2026, 5, 1), "rejected", date(2026, 5, 20)),
              _claim("C-3", date(2026, 5, 1), "resolved", date(2026, 5, 20))]
    assert [(t.claim_number, t.words) for t in rejected(claims, TODAY)] == [
        ("C-2", "Claim C-2 was rejected on 2026-05-20")]


@pytest.mark.parametrize(("days_open", "state", "fires"), [
    (30, "reviewing", False),  # exactly the limit: not over it
    (31, "reviewing", True),
    (31, "at_manufacturer", True),
    (90, "resolved", False),  # closed claims are not open too long
    (90, "rejected", False),
])
def test_a_claim_fires_when_open_more_than_the_shops_number_of_days(
    days_open: int, state: str, fires: bool
) -> None:
    opened = date.fromordinal(TODAY.toordinal() - days_open)
    found = long_open([_claim("C-1", opened, state)], TODAY, 30)
    assert bool(found) is fires
    if found:
        assert found[0].words == f"Claim C-1 has been open {days_open} days (more than 30)"


def test_the_open_days_setting_moves_the_line_and_must_be_a_day_at_least() -> None:
    claim = [_claim("C-1", date(2026, 6, 5), "inspecting")]
    assert long_open(claim, TODAY, 9) and not long_open(claim, TODAY, 10)
    with pytest.raises(ValueError, match="one day"):
        long_open(claim, TODAY, 0)


def test_every_rule_that_fires_is_listed_once() -> None:
    claims = [_claim("C-1", date(2026, 2, 1), "rejected", date(2026, 2, 20)),
              _claim("C-2", date(2026, 4, 1), "repairing")]
    assert [(t.rule, t.claim_number) for t in retention_triggers(claims, TODAY, 30)] == [
        ("repeat_claims", "C-2"), ("rejected", "C-1"), ("long_open", "C-2")]
    assert retention_triggers([], TODAY) == ()
