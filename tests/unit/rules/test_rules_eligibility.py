"""Tests for whether a claim can be opened on a unit."""

from datetime import date

import pytest

from warranty_desk.rules.claim_limit import ClaimLimitStatus
from warranty_desk.rules.coverage import Coverage, CoverStatus, LayerKind
from warranty_desk.rules.eligibility import ClaimEligibility, claim_eligibility

WITHIN_LIMIT = ClaimLimitStatus(
    1, 2, 12, False, date(2025, 6, 15), "1 of 2 claims used in the last 12 months."
)
OVER_LIMIT = ClaimLimitStatus(
    2,
    2,
    12,
    True,
    date(2025, 6, 15),
    "2 of 2 claims used in the last 12 months: a new claim needs a manager override.",
)
END = date(2026, 10, 12)


def in_cover(layer: LayerKind = LayerKind.SHOP, days_left: int = 120) -> Coverage:
    return Coverage(CoverStatus.IN_COVER, layer, days_left, None, END)


EXPIRED = Coverage(CoverStatus.EXPIRED, None, None, date(2026, 1, 15), date(2026, 1, 14))
NOT_STARTED = Coverage(CoverStatus.NOT_STARTED, None, None, None, END)
VOID = Coverage(CoverStatus.VOID, None, None, None, None)


def test_a_unit_in_cover_within_its_limit_is_eligible() -> None:
    assert claim_eligibility(in_cover(), WITHIN_LIMIT, None) == ClaimEligibility(
        True, False, ("In cover under the shop warranty, 120 days left.",)
    )


@pytest.mark.parametrize(
    ("layer", "words"),
    [
        (LayerKind.MANUFACTURER, "the manufacturer's warranty"),
        (LayerKind.SHOP, "the shop warranty"),
        (LayerKind.EXTENSION, "the extended warranty"),
    ],
)
def test_the_reason_names_the_layer_that_covers_the_unit(layer: LayerKind, words: str) -> None:
    result = claim_eligibility(in_cover(layer), WITHIN_LIMIT, None)
    assert result.reasons == (f"In cover under {words}, 120 days left.",)


def test_the_last_day_of_cover_speaks_of_one_day() -> None:
    result = claim_eligibility(in_cover(days_left=1), WITHIN_LIMIT, None)
    assert result.reasons == ("In cover under the shop warranty, 1 day left.",)


def test_a_void_warranty_cannot_take_a_claim_even_with_an_override() -> None:
    assert claim_eligibility(VOID, WITHIN_LIMIT, None) == ClaimEligibility(
        False, False, ("This warranty was voided.",)
    )


def test_an_expired_warranty_needs_a_manager_for_goodwill() -> None:
    assert claim_eligibility(EXPIRED, WITHIN_LIMIT, None) == ClaimEligibility(
        False, True, ("Cover ended on 2026-01-14.",)
    )


def test_cover_that_has_not_started_cannot_take_a_claim() -> None:
    result = claim_eligibility(NOT_STARTED, WITHIN_LIMIT, None)
    assert result == ClaimEligibility(False, False, ("Cover has not started yet.",))


def test_a_claim_over_the_limit_needs_a_manager_override() -> None:
    assert claim_eligibility(in_cover(), OVER_LIMIT, None) == ClaimEligibility(
        False, True, (OVER_LIMIT.message,)
    )


def test_an_open_claim_on_the_unit_blocks_a_second_one() -> None:
    assert claim_eligibility(in_cover(), WITHIN_LIMIT, "BR01-C-000123") == ClaimEligibility(
        False, False, ("Claim BR01-C-000123 is already open for this unit.",)
    )


def test_a_hard_reason_wins_over_an_overridable_one_and_both_are_listed() -> None:
    result = claim_eligibility(EXPIRED, OVER_LIMIT, "BR01-C-000123")
    assert result == ClaimEligibility(
        False,
        False,
        (
            "Claim BR01-C-000123 is already open for this unit.",
            "Cover ended on 2026-01-14.",
            OVER_LIMIT.message,
        ),
    )


def test_an_expired_warranty_over_its_limit_lists_both_overridable_reasons() -> None:
    result = claim_eligibility(EXPIRED, OVER_LIMIT, None)
    assert result == ClaimEligibility(
        False, True, ("Cover ended on 2026-01-14.", OVER_LIMIT.message)
    )


def test_a_void_warranty_with_an_open_claim_lists_both_reasons() -> None:
    result = claim_eligibility(VOID, WITHIN_LIMIT, "BR01-C-000007")
    assert result.needs_override is False
    assert result.reasons == (
        "This warranty was voided.",
        "Claim BR01-C-000007 is already open for this unit.",
    )
