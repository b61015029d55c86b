"""Card numbers typed into free text are masked at input to their last four digits; serials,
phones and other digit runs that fail the Luhn check are left as typed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import actor
from warranty_desk.card_numbers import masked
from warranty_desk.models import AuditEntry, Customer, OutboxEvent
from warranty_desk.permissions import Role
from warranty_desk.storage.database import Database


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


def test_a_card_number_in_an_exception_note_is_masked_before_it_is_kept() -> None:
    from warranty_desk.services.exception_notes import check_note

    assert check_note("stock_mismatch", "Refunded to 4111 1111 1111 1111 by mistake") == (
        "Refunded to [card number removed, ending 1111] by mistake")


def test_a_card_number_in_a_complaint_and_its_settlement_is_masked_everywhere_kept(
    shop: Database,
) -> None:
    from tests.unit.services.helpers import sell
    from warranty_desk.services import complaints

    support = actor(Role.SUPPORT)
    sell(shop)
    with shop.read() as session:
        reference = session.scalars(select(Customer.reference)).one()
    view = complaints.log_complaint(shop, support, reference,
                                    "Charged twice on card 5500 0055 5555 5559")
    settled = complaints.resolve_complaint(shop, support, view.id,
                                           "Refunded to 5500-0055-5555-5559 today")
    assert view.text == "Charged twice on card [card number removed, ending 5559]"
    assert settled.resolution == "Refunded to [card number removed, ending 5559] today"
    with shop.read() as session:
        kept = [*session.scalars(select(OutboxEvent.payload)),
                *session.scalars(select(AuditEntry.details))]
    assert not any("5555" in text for text in kept)


def test_the_scan_tells_a_digit_run_inside_a_hex_id_from_a_card_number() -> None:
    from tests.privacy.scanner import Scan

    # A message id (uuid4 hex) that holds a Luhn-valid run by chance, as one in a few hundred
    # does: the till scan failed now and then on such an outbox aggregate id.
    scan = Scan()
    scan.text("outbox_events.aggregate_id", "ab4111111111111111cdefabcdefabcd", {})
    scan.text("outbox_events.payload", '{"id": "ab411111-1111-1111-11cd-efabcdefabcd"}', {})
    assert scan.leaks == []
    assert scan.explained == ["outbox_events.aggregate_id: inside a hex id, ending 1111",
                              "outbox_events.payload: inside a hex id, ending 1111"]
    scan.text("claims.fault", "paid 4111111111111111; ref ab12", {})
    scan.text("claims.fault", "card4111111111111111", {})
    assert scan.leaks == ["claims.fault: a card-like number ending 1111"] * 2
