"""The product cover wording: one sentence for the cover, the plans a product may take."""

from __future__ import annotations

from datetime import date

import pytest

from warranty_desk.rules.extension import ExtensionTerms, extension_eligibility, product_refusal
from warranty_desk.rules.product_cover import (
    PlanForSale,
    PolicyCover,
    cover_sentence,
    gtin_of,
    plans_for,
    product_cover,
)


def _plan(code: str, *, categories: tuple[str, ...] = (), low: int = 0, high: int | None = None,
          price: int = 1_000, days: int = 30) -> PlanForSale:
    return PlanForSale(code, code.title(), ExtensionTerms(
        categories=frozenset(categories), min_price_minor=low, max_price_minor=high,
        max_days_since_sale=days, months=12, price_minor=price))


def _money(minor: int) -> str:
    return f"£{minor / 100:.2f}"


@pytest.mark.parametrize(("maker", "shop", "words"), [
    (12, 12, "12 months manufacturer's warranty, then 12 months from the shop."),
    (24, 0, "24 months manufacturer's warranty."),
    (0, 1, "1 month warranty from the shop."),
    (1, 0, "1 month manufacturer's warranty."),
    (0, 0, "No warranty cover."),
])
def test_the_cover_is_one_sentence_in_months(maker: int, shop: int, words: str) -> None:
    assert cover_sentence(maker, shop) == words


def test_a_product_takes_the_plans_its_category_and_price_fit_cheapest_first() -> None:
    plans = [_plan("care", categories=("Phones",), price=4_900),
             _plan("any", price=2_900, days=0),
             _plan("laptops", categories=("laptops",)),
             _plan("dear", low=100_000),
             _plan("cheap", high=10_000)]
    found = plans_for(plans, category="phones", price_minor=49_900, money=_money)
    assert [p.code for p in found] == ["any", "care"]
    assert found[0].words == "Any: 12 months more cover for £29.00, bought on the day of sale."
    # With no price known, only a plan without a price band can be promised.
    assert [p.code for p in plans_for(plans, category="phones", price_minor=None,
                                      money=_money)] == ["any", "care"]
    assert [p.code for p in plans_for(plans, category="tvs", price_minor=None,
                                      money=_money)] == ["any"]


def test_the_product_check_is_the_counters_own_refusal() -> None:
    terms = _plan("care", categories=("phones",), low=10_000, high=50_000).terms
    for category, price in (("tvs", 20_000), ("phones", 5_000), ("phones", 60_000)):
        refusal = product_refusal(terms, category=category, unit_price_minor=price,
                                  money=_money)
        counter = extension_eligibility(terms, category=category, unit_price_minor=price,
                                        sale_date=date(2026, 1, 1), today=date(2026, 1, 2),
                                        already_extended=False, void=False, money=_money)
        assert refusal is not None and (counter.eligible, counter.reason) == (False, refusal)


def test_the_whole_cover_keeps_exclusions_and_terms_as_written_and_notes_the_serial() -> None:
    cover = product_cover(PolicyCover(12, 0, "  Bring the receipt.  ", (" Drops ", "", "Water"),
                                      serial_required=True), [], category="phones",
                          price_minor=100, money=_money)
    assert (cover.exclusions, cover.terms) == (("Drops", "Water"), "Bring the receipt.")
    assert cover.serial_note.startswith("Keep the serial number")


def test_a_key_is_a_gtin_only_at_the_lengths_the_catalogue_takes() -> None:
    assert gtin_of("96385074") == "00000096385074"
    assert gtin_of("5012345678900") == gtin_of("05012345678900") == "05012345678900"
    assert [gtin_of(k) for k in ("123456789", "12345", "PHN-1", "1234567890123456")] == [
        None, None, None, None]
