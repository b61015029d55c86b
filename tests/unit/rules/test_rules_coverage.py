"""Tests for planning cover layers and reading what covers a unit on a day."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warranty_desk.rules.coverage import (
    Coverage,
    CoverStatus,
    LayerKind,
    LayerSpan,
    coverage_on,
    extension_layer,
    plan_layers,
)

DAY = timedelta(days=1)
SALE = date(2026, 1, 15)
MANUFACTURER = LayerSpan(LayerKind.MANUFACTURER, date(2026, 1, 15), date(2027, 1, 14))
SHOP = LayerSpan(LayerKind.SHOP, date(2027, 1, 15), date(2028, 1, 14))
EXTENSION = LayerSpan(LayerKind.EXTENSION, date(2028, 1, 15), date(2029, 1, 14))
FULL = (MANUFACTURER, SHOP, EXTENSION)


def test_layers_bought_at_the_sale_are_laid_end_to_end_from_the_sale_date() -> None:
    assert plan_layers(SALE, 12, 12, 12) == FULL


def test_a_manufacturer_only_warranty_has_one_layer() -> None:
    assert plan_layers(SALE, 24) == (LayerSpan(LayerKind.MANUFACTURER, SALE, date(2028, 1, 14)),)


def test_a_shop_only_warranty_starts_on_the_sale_date() -> None:
    assert plan_layers(SALE, 0, 6) == (LayerSpan(LayerKind.SHOP, SALE, date(2026, 7, 14)),)


def test_an_extension_without_other_layers_starts_on_the_sale_date() -> None:
    assert plan_layers(SALE, 0, 0, 3) == (LayerSpan(LayerKind.EXTENSION, SALE, date(2026, 4, 14)),)


def test_an_extension_follows_the_manufacturer_layer_when_there_is_no_shop_layer() -> None:
    assert plan_layers(SALE, 12, 0, 12) == (
        MANUFACTURER,
        LayerSpan(LayerKind.EXTENSION, date(2027, 1, 15), date(2028, 1, 14)),
    )


def test_layers_planned_from_a_month_end_sale_start_the_day_after_the_previous_one() -> None:
    manufacturer, shop = plan_layers(date(2026, 1, 31), 1, 1)
    assert manufacturer.end == date(2026, 2, 27)
    assert shop.start == date(2026, 2, 28)
    assert shop.end == date(2026, 3, 27)


def test_a_warranty_from_a_leap_day_sale_ends_before_the_clamped_anniversary() -> None:
    (layer,) = plan_layers(date(2024, 2, 29), 12)
    assert layer.end == date(2025, 2, 27)


def test_a_warranty_without_any_months_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one layer"):
        plan_layers(SALE, 0, 0, 0)


@pytest.mark.parametrize("terms", [(-1, 12, 0), (12, -1, 0), (12, 0, -1)])
def test_negative_months_on_any_layer_are_refused(terms: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        plan_layers(SALE, *terms)


def test_a_layer_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        LayerSpan(LayerKind.SHOP, date(2026, 1, 15), date(2026, 1, 14))


def test_a_layer_may_last_a_single_day() -> None:
    assert LayerSpan(LayerKind.SHOP, SALE, SALE).end == SALE


def test_an_extension_bought_later_starts_the_day_after_the_latest_layer() -> None:
    assert extension_layer((SHOP, MANUFACTURER), 12) == EXTENSION


def test_an_extension_bought_later_follows_an_overlapping_layer_that_ends_last() -> None:
    long_shop = LayerSpan(LayerKind.SHOP, SALE, date(2028, 6, 30))
    layer = extension_layer((MANUFACTURER, long_shop), 6)
    assert layer == LayerSpan(LayerKind.EXTENSION, date(2028, 7, 1), date(2028, 12, 31))


def test_an_extension_needs_a_layer_to_follow() -> None:
    with pytest.raises(ValueError, match="existing layer"):
        extension_layer((), 12)


def test_an_extension_needs_at_least_one_month() -> None:
    with pytest.raises(ValueError, match="at least one month"):
        extension_layer(FULL, 0)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            date(2026, 1, 14),
            Coverage(CoverStatus.NOT_STARTED, None, None, None, date(2029, 1, 14)),
        ),
        (
            date(2026, 1, 15),
            Coverage(CoverStatus.IN_COVER, LayerKind.MANUFACTURER, 1096, None, date(2029, 1, 14)),
        ),
        (
            date(2027, 1, 14),
            Coverage(CoverStatus.IN_COVER, LayerKind.MANUFACTURER, 732, None, date(2029, 1, 14)),
        ),
        (
            date(2027, 1, 15),
            Coverage(CoverStatus.IN_COVER, LayerKind.SHOP, 731, None, date(2029, 1, 14)),
        ),
        (
            date(2028, 1, 14),
            Coverage(CoverStatus.IN_COVER, LayerKind.SHOP, 367, None, date(2029, 1, 14)),
        ),
        (
            date(2028, 1, 15),
            Coverage(CoverStatus.IN_COVER, LayerKind.EXTENSION, 366, None, date(2029, 1, 14)),
        ),
        (
            date(2029, 1, 14),
            Coverage(CoverStatus.IN_COVER, LayerKind.EXTENSION, 1, None, date(2029, 1, 14)),
        ),
        (
            date(2029, 1, 15),
            Coverage(CoverStatus.EXPIRED, None, None, date(2029, 1, 15), date(2029, 1, 14)),
        ),
        (
            date(2035, 6, 1),
            Coverage(CoverStatus.EXPIRED, None, None, date(2029, 1, 15), date(2029, 1, 14)),
        ),
    ],
)
def test_each_layer_covers_from_its_first_to_its_last_day(day: date, expected: Coverage) -> None:
    assert coverage_on(FULL, day) == expected


def test_days_left_on_the_last_day_of_a_single_layer_is_one() -> None:
    assert coverage_on((MANUFACTURER,), date(2027, 1, 14)).days_left == 1


def test_the_day_after_a_single_layer_ends_is_the_first_expired_day() -> None:
    cover = coverage_on((MANUFACTURER,), date(2027, 1, 15))
    assert cover.status is CoverStatus.EXPIRED
    assert cover.expired_since == date(2027, 1, 15)
    assert cover.ends_on == date(2027, 1, 14)


def test_the_order_layers_arrive_in_does_not_change_the_answer() -> None:
    shuffled = (EXTENSION, MANUFACTURER, SHOP)
    for day in (date(2026, 1, 14), date(2026, 5, 1), date(2027, 6, 1), date(2029, 1, 15)):
        assert coverage_on(shuffled, day) == coverage_on(FULL, day)


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ((LayerKind.SHOP, LayerKind.MANUFACTURER), LayerKind.MANUFACTURER),
        ((LayerKind.EXTENSION, LayerKind.MANUFACTURER), LayerKind.MANUFACTURER),
        ((LayerKind.EXTENSION, LayerKind.SHOP), LayerKind.SHOP),
        ((LayerKind.EXTENSION, LayerKind.SHOP, LayerKind.MANUFACTURER), LayerKind.MANUFACTURER),
    ],
)
def test_overlapping_layers_report_manufacturer_before_shop_before_extension(
    layers: tuple[LayerKind, ...], expected: LayerKind
) -> None:
    spans = [LayerSpan(kind, SALE, date(2027, 1, 14)) for kind in layers]
    assert coverage_on(spans, date(2026, 6, 1)).layer is expected


def test_days_left_runs_to_the_end_of_an_overlapping_layer_that_lasts_longer() -> None:
    shop = LayerSpan(LayerKind.SHOP, date(2026, 6, 1), date(2027, 6, 30))
    cover = coverage_on((MANUFACTURER, shop), date(2026, 7, 1))
    assert cover.layer is LayerKind.MANUFACTURER
    assert cover.ends_on == date(2027, 6, 30)
    assert cover.days_left == 365


def test_a_gap_between_layers_reads_as_expired_since_the_first_layer_ended() -> None:
    late = LayerSpan(LayerKind.EXTENSION, date(2027, 3, 1), date(2027, 12, 31))
    cover = coverage_on((MANUFACTURER, late), date(2027, 2, 1))
    assert cover == Coverage(CoverStatus.EXPIRED, None, None, date(2027, 1, 15), date(2027, 1, 14))


def test_days_left_stops_at_a_gap_between_layers() -> None:
    late = LayerSpan(LayerKind.EXTENSION, date(2027, 3, 1), date(2027, 12, 31))
    cover = coverage_on((MANUFACTURER, late), date(2027, 1, 14))
    assert cover.days_left == 1
    assert cover.ends_on == date(2027, 1, 14)


def test_cover_resumes_after_a_gap_with_the_later_layer() -> None:
    late = LayerSpan(LayerKind.EXTENSION, date(2027, 3, 1), date(2027, 12, 31))
    cover = coverage_on((MANUFACTURER, late), date(2027, 3, 1))
    assert cover.layer is LayerKind.EXTENSION
    assert cover.days_left == 306


@pytest.mark.parametrize(
    "day", [date(2026, 1, 14), date(2026, 1, 15), date(2028, 6, 1), date(2029, 1, 15)]
)
def test_a_void_warranty_is_void_on_every_day(day: date) -> None:
    assert coverage_on(FULL, day, void=True) == Coverage(CoverStatus.VOID, None, None, None, None)


def test_coverage_needs_at_least_one_layer() -> None:
    with pytest.raises(ValueError, match="at least one layer"):
        coverage_on((), SALE)


sale_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
terms = st.tuples(
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=60),
).filter(lambda t: any(t))


@given(sale_days, terms, st.integers(min_value=0, max_value=20000))
def test_days_left_always_reaches_exactly_the_last_covered_day(
    sale: date, months: tuple[int, int, int], offset: int
) -> None:
    layers = plan_layers(sale, *months)
    last = layers[-1].end
    day = min(sale + timedelta(days=offset), last)
    cover = coverage_on(layers, day)
    assert cover.status is CoverStatus.IN_COVER
    assert cover.ends_on == last
    assert cover.days_left is not None
    assert day + (cover.days_left - 1) * DAY == last


@given(sale_days, terms)
def test_planned_layers_are_contiguous_and_never_overlap(
    sale: date, months: tuple[int, int, int]
) -> None:
    layers = plan_layers(sale, *months)
    assert layers[0].start == sale
    for earlier, later in pairwise(layers):
        assert later.start == earlier.end + DAY
    assert [layer.kind for layer in layers] == [
        kind for kind, m in zip(LayerKind, months, strict=True) if m > 0
    ]


@given(sale_days, terms)
def test_cover_is_not_started_the_day_before_a_sale_and_expired_the_day_after_the_end(
    sale: date, months: tuple[int, int, int]
) -> None:
    layers = plan_layers(sale, *months)
    assert coverage_on(layers, sale - DAY).status is CoverStatus.NOT_STARTED
    after = coverage_on(layers, layers[-1].end + DAY)
    assert after.status is CoverStatus.EXPIRED
    assert after.expired_since == layers[-1].end + DAY
