"""Tests for whether a sold unit may still take an extended warranty."""

from datetime import date, timedelta

import pytest

from warranty_desk.money import MoneyFormat
from warranty_desk.rules.extension import (
    ExtensionEligibility,
    ExtensionTerms,
    extension_eligibility,
)

SALE = date(2026, 1, 15)
TERMS = ExtensionTerms(
    categories=frozenset({"phones", "laptops"}),
    min_price_minor=10000,
    max_price_minor=200000,
    max_days_since_sale=30,
    months=12,
    price_minor=9900,
)


def check(
    terms: ExtensionTerms = TERMS,
    *,
    category: str = "laptops",
    price: int = 50000,
    today: date = SALE,
    already_extended: bool = False,
    void: bool = False,
) -> ExtensionEligibility:
    return extension_eligibility(
        terms,
        category=category,
        unit_price_minor=price,
        sale_date=SALE,
        today=today,
        already_extended=already_extended,
        void=void,
        money=MoneyFormat("EUR", "en_GB").people,
    )


def test_a_unit_in_the_band_on_the_sale_day_is_eligible_until_the_offer_ends() -> None:
    assert check() == ExtensionEligibility(True, "Eligible until 2026-02-14.")


@pytest.mark.parametrize("price", [10000, 10001, 199999, 200000])
def test_prices_inside_the_band_including_both_edges_are_eligible(price: int) -> None:
    assert check(price=price).eligible is True


@pytest.mark.parametrize("price", [0, 9999, 200001])
def test_prices_just_outside_the_band_are_refused_with_the_band(price: int) -> None:
    assert check(price=price) == ExtensionEligibility(
        False, "Only for items priced from €100.00 to €2,000.00."
    )


def test_without_a_money_format_the_band_is_named_without_amounts() -> None:
    result = extension_eligibility(TERMS, category="laptops", unit_price_minor=1,
                                   sale_date=SALE, today=SALE, already_extended=False,
                                   void=False)
    assert result == ExtensionEligibility(
        False, "Only for items priced within this plan's price band.")


def test_a_band_without_a_ceiling_names_only_the_lowest_price() -> None:
    terms = ExtensionTerms(frozenset(), 10000, None, 30, 12, 9900)
    assert check(terms, price=9999) == ExtensionEligibility(
        False, "Only for items priced from €100.00."
    )
    assert check(terms, price=10**9).eligible is True


def test_a_band_from_zero_names_only_the_highest_price() -> None:
    terms = ExtensionTerms(frozenset(), 0, 50050, 30, 12, 9900)
    assert check(terms, price=50051) == ExtensionEligibility(
        False, "Only for items priced up to €500.50."
    )
    assert check(terms, price=0).eligible is True


def test_a_unit_outside_the_categories_is_refused_with_the_categories() -> None:
    assert check(category="tablets") == ExtensionEligibility(False, "Only for laptops, phones.")


def test_categories_match_regardless_of_case() -> None:
    assert check(category="Laptops").eligible is True


def test_an_offer_without_categories_takes_any_category() -> None:
    terms = ExtensionTerms(frozenset(), 10000, 200000, 30, 12, 9900)
    assert check(terms, category="kettles").eligible is True


def test_the_last_day_of_the_offer_is_still_eligible() -> None:
    assert check(today=SALE + timedelta(days=30)) == ExtensionEligibility(
        True, "Eligible until 2026-02-14."
    )


def test_the_day_after_the_offer_ends_is_refused_with_the_end_date() -> None:
    assert check(today=SALE + timedelta(days=31)) == ExtensionEligibility(
        False, "The offer ended 30 days after the sale, on 2026-02-14."
    )


def test_a_one_day_offer_speaks_of_one_day() -> None:
    terms = ExtensionTerms(frozenset(), 0, None, 1, 12, 9900)
    assert check(terms, today=SALE + timedelta(days=2)).reason == (
        "The offer ended 1 day after the sale, on 2026-01-16."
    )


def test_a_same_day_only_offer_ends_on_the_sale_day() -> None:
    terms = ExtensionTerms(frozenset(), 0, None, 0, 12, 9900)
    assert check(terms).eligible is True
    assert check(terms, today=SALE + timedelta(days=1)).eligible is False


def test_the_example_offer_window_reads_as_a_date() -> None:
    result = extension_eligibility(
        TERMS,
        category="phones",
        unit_price_minor=10000,
        sale_date=date(2026, 11, 21),
        today=date(2026, 12, 1),
        already_extended=False,
        void=False,
    )
    assert result == ExtensionEligibility(True, "Eligible until 2026-12-21.")


def test_a_unit_that_already_has_an_extension_is_refused() -> None:
    assert check(already_extended=True) == ExtensionEligibility(
        False, "This unit already has an extension."
    )


def test_a_void_warranty_is_refused_before_any_other_reason() -> None:
    result = check(
        category="tablets", price=1, today=date(2030, 1, 1), already_extended=True, void=True
    )
    assert result == ExtensionEligibility(False, "The warranty is void.")


@pytest.mark.parametrize(
    "bad",
    [
        {"months": 0},
        {"price_minor": -1},
        {"min_price_minor": -1},
        {"min_price_minor": 500, "max_price_minor": 499},
        {"max_days_since_sale": -1},
    ],
)
def test_terms_that_make_no_sense_are_refused(bad: dict[str, int]) -> None:
    fields: dict[str, int | None] = {
        "min_price_minor": 0,
        "max_price_minor": None,
        "max_days_since_sale": 30,
        "months": 12,
        "price_minor": 9900,
    }
    fields.update(bad)
    with pytest.raises(ValueError):
        ExtensionTerms(frozenset(), **fields)  # type: ignore[arg-type]
