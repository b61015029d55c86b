"""Which sold units a refunded amount paid back: told only when one choice adds up."""

from __future__ import annotations

import pytest

from warranty_desk.rules import refunded_units
from warranty_desk.rules.refunded_units import UnitGroup, units_refunded

LAPTOP = UnitGroup("LAP-100", 139_900, 1)
PHONES = UnitGroup("PHN-200", 49_900, 2)
# Three cables at 40.00 after a discount: one at 13.34, two at 13.33.
CABLES = (UnitGroup("CBL-1", 1_334, 1), UnitGroup("CBL-1", 1_333, 2))


def test_the_price_of_one_phone_is_one_phone() -> None:
    assert units_refunded([LAPTOP, PHONES, *CABLES], 49_900) == {"PHN-200": 1}


def test_a_laptop_and_a_phone_together_are_told_apart() -> None:
    assert units_refunded([LAPTOP, PHONES], 189_800) == {"LAP-100": 1, "PHN-200": 1}


def test_either_price_of_a_discounted_cable_is_one_cable() -> None:
    assert units_refunded([PHONES, *CABLES], 1_334) == {"CBL-1": 1}
    assert units_refunded([PHONES, *CABLES], 2_667) == {"CBL-1": 2}


@pytest.mark.parametrize("amount", [495, 0, -100, 10_000_000])
def test_an_amount_no_choice_adds_up_to_is_not_told(amount: int) -> None:
    assert units_refunded([LAPTOP, PHONES, *CABLES], amount) is None


def test_two_products_at_one_price_are_not_told_apart() -> None:
    assert units_refunded([PHONES, UnitGroup("CAM-1", 49_900, 1)], 49_900) is None


def test_free_units_are_never_chosen() -> None:
    assert units_refunded([PHONES, UnitGroup("GIFT", 0, 3)], 49_900) == {"PHN-200": 1}


def test_a_search_too_long_to_finish_is_not_told(monkeypatch: pytest.MonkeyPatch) -> None:
    groups = [UnitGroup("CBL-1", 1, 1_000)]
    assert units_refunded(groups, 999) == {"CBL-1": 999}
    monkeypatch.setattr(refunded_units, "MAX_STEPS", 5)
    assert units_refunded(groups, 999) is None
