"""Card numbers typed into free text are masked at input to their last four digits; serials,
phones and other digit runs that fail the Luhn check are left as typed."""

from __future__ import annotations

import pytest

from warranty_desk.card_numbers import masked


@pytest.mark.parametrize(("typed", "kept"), [
    ("paid with 4111 1111 1111 1111, refund there",
     "paid with [card number removed, ending 1111], refund there"),
    ("card 5500-0055-5555-5559", "card [card number removed, ending 5559]"),
    ("amex 378282246310005.", "amex [card number removed, ending 0005]."),
    ("two: 4111111111111111 and 4000000000000002",
     "two: [card number removed, ending 1111] and [card number removed, ending 0002]"),
])
def test_a_card_number_is_masked_with_words_that_say_so(typed: str, kept: str) -> None:
    assert masked(typed) == kept


@pytest.mark.parametrize("typed", [
    "4111 1111 1111 1112",  # fails the check
    "call 07700 900123 after five",  # a phone
    "+44 20 7946 0958",
    "serial LMN14-0001, invoice INV-2026-0101",
    "411111111111",  # 12 digits: too short for a card
    "41111111111111111111",  # 20 digits: too long
    "",
])
def test_other_digits_are_left_as_typed(typed: str) -> None:
    assert masked(typed) == typed
