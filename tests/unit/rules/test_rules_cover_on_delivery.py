"""Cover that starts on delivery: nothing covered before it, layers laid from its day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from warranty_desk.rules.claim_limit import claim_limit_status
from warranty_desk.rules.coverage import (
    CoverStatus,
    LayerKind,
    coverage_on,
    layers_from_delivery,
    plan_layers,
    term_months,
)
from warranty_desk.rules.delivery_words import cover_on_delivery
from warranty_desk.rules.eligibility import claim_eligibility


def test_a_unit_waiting_for_delivery_is_not_started_on_any_day_and_names_no_end() -> None:
    planned = plan_layers(date(2026, 3, 1), 12, 12)
    for day in (date(2026, 3, 1), date(2026, 9, 1), date(2028, 6, 1)):
        cover = coverage_on(planned, day, awaits_delivery=True)
        assert cover.status is CoverStatus.NOT_STARTED and cover.awaits_delivery
        assert (cover.layer, cover.days_left, cover.ends_on) == (None, None, None)
    assert coverage_on(planned, date(2026, 3, 1), void=True,
                       awaits_delivery=True).status is CoverStatus.VOID


def test_a_claim_on_a_unit_not_delivered_is_refused_in_words() -> None:
    cover = coverage_on(plan_layers(date(2026, 3, 1), 12), date(2026, 3, 5), awaits_delivery=True)
    verdict = claim_eligibility(cover, claim_limit_status(None, 12, [], date(2026, 3, 5)), None)
    assert not verdict.eligible and not verdict.needs_override
    assert verdict.reasons == ("Cover starts on delivery, and the unit has not been delivered "
                               "yet.",)


def test_delivery_lays_the_layers_again_from_its_day_by_months_not_by_shifted_days() -> None:
    # From 30 January one month ends on 27 February (28 Feb less a day); delivered on
    # 31 January it also ends on 27 February: moving the dates a day would give 28 February.
    planned = plan_layers(date(2026, 1, 30), 1, 12, 24)
    laid = layers_from_delivery(planned, date(2026, 1, 31))
    assert laid == plan_layers(date(2026, 1, 31), 1, 12, 24)
    assert laid[0].start == date(2026, 1, 31) and laid[0].end == date(2026, 2, 27)
    assert laid[0].end != planned[0].end + timedelta(days=1)
    assert [s.kind for s in laid] == [LayerKind.MANUFACTURER, LayerKind.SHOP,
                                      LayerKind.EXTENSION]
    cover = coverage_on(laid, date(2026, 1, 31))
    assert cover.status is CoverStatus.IN_COVER and cover.ends_on == laid[-1].end


def test_a_leap_day_delivery_ends_the_year_on_the_last_day_of_february() -> None:
    laid = layers_from_delivery(plan_layers(date(2028, 2, 20), 12), date(2028, 2, 29))
    assert (laid[0].start, laid[0].end) == (date(2028, 2, 29), date(2029, 2, 27))


@pytest.mark.parametrize("months", [1, 2, 6, 11, 12, 13, 24, 36, 60])
def test_term_months_reads_back_every_term_from_every_start_of_a_leap_year(months: int) -> None:
    day = date(2028, 1, 1)
    while day.year == 2028:
        (layer,) = plan_layers(day, months)
        assert term_months(layer) == months, (day, months)
        day += timedelta(days=1)


def test_the_words_give_the_terms_before_delivery_and_the_day_after() -> None:
    planned = plan_layers(date(2026, 3, 1), 12, 12)
    assert cover_on_delivery(planned) == (
        "Registered, cover starts on delivery: 12 months manufacturer's warranty, then "
        "12 months shop's warranty from the day the order arrives.")
    assert cover_on_delivery(planned, date(2026, 3, 4)) == (
        "Registered, cover started on delivery, 2026-03-04.")
