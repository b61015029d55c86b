"""Tests for checking a refund against a staff member's limit."""

import pytest

from warranty_desk.rules.refunds import refund_within_limit


@pytest.mark.parametrize(
    ("amount", "limit", "within"),
    [
        (1, 0, False),
        (4999, 5000, True),
        (5000, 5000, True),
        (5001, 5000, False),
        (10**9, None, True),
    ],
)
def test_a_refund_up_to_and_including_the_limit_is_within_it(
    amount: int, limit: int | None, within: bool
) -> None:
    assert refund_within_limit(amount, limit) is within


@pytest.mark.parametrize("amount", [0, -1, -5000])
def test_a_refund_must_be_a_positive_amount(amount: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        refund_within_limit(amount, 5000)


def test_a_negative_refund_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        refund_within_limit(100, -1)
