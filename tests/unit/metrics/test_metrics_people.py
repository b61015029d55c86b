"""Delivery, sync, warranty sales and the trust score against figures worked out here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from warranty_desk.rules.metrics.delivery import message_delivery, sync_success
from warranty_desk.rules.metrics.rows import ClaimRow, OfferRow, SentRow, SoldRow
from warranty_desk.rules.metrics.sales import (
    activations,
    extension_take_up,
    registration_gaps,
)
from warranty_desk.rules.metrics.trust import trust_score

ZONE = ZoneInfo("Australia/Sydney")  # UTC+11 in December: a UTC afternoon is the next day here
AT = datetime(2026, 12, 1, tzinfo=UTC)


def test_message_delivery_counts_sent_and_delivered_as_delivered() -> None:
    states = ["sent", "delivered", "failed", "bounced", "interrupted", "queued", "sending"]
    d = message_delivery(SentRow(AT, s) for s in states)
    assert (d.delivered, d.failed, d.waiting, d.total) == (2, 3, 2, 7)
    assert d.rate == round(100 * 2 / 7, 1)
    assert message_delivery([]).rate is None


def test_sync_success_counts_parked_events_as_failed() -> None:
    d = sync_success(SentRow(AT, s) for s in ["delivered"] * 3 + ["parked", "waiting"])
    assert (d.delivered, d.failed, d.waiting) == (3, 1, 1)
    assert d.rate == 60.0


def _sold(day: date, serial: str | None, required: bool = True, void: bool = False,
          customer: str | None = None) -> SoldRow:
    return SoldRow(day, required, serial, customer=customer, void=void)


def test_activations_and_registration_gaps_by_sale_day() -> None:
    since, until = date(2026, 12, 1), date(2026, 12, 7)
    rows = [_sold(date(2026, 12, 1), "SN-1"), _sold(date(2026, 12, 7), None),
            _sold(date(2026, 12, 3), "  "),  # blank is no serial
            _sold(date(2026, 12, 3), None, required=False),  # no serial needed
            _sold(date(2026, 12, 3), None, void=True),  # voided: neither
            _sold(date(2026, 12, 8), None)]  # outside
    assert activations(rows, since, until) == 4
    gaps = registration_gaps(rows, since, until)
    assert gaps == [rows[1], rows[2]]
    assert activations(rows, until, since) == 0
    assert registration_gaps([], since, until) == []


def test_extension_take_up_counts_offers_on_the_shops_days() -> None:
    # 30 November 14:00 UTC is 1 December 01:00 in Sydney: inside a range from 1 December.
    offers = [OfferRow(datetime(2026, 11, 30, 14, tzinfo=UTC), True),
              OfferRow(datetime(2026, 11, 30, 12, tzinfo=UTC), True),  # 30 Nov 23:00 Sydney
              OfferRow(datetime(2026, 12, 2, tzinfo=UTC), False),
              OfferRow(datetime(2026, 12, 3, tzinfo=UTC), False)]
    t = extension_take_up(offers, ZONE, date(2026, 12, 1), date(2026, 12, 7))
    assert (t.offered, t.taken) == (3, 1)
    assert t.rate == 33.3
    assert extension_take_up([], ZONE, date(2026, 12, 1), date(2026, 12, 7)).rate is None


def test_trust_score_is_the_mean_of_repeat_buying_and_claims_never_rejected() -> None:
    opened = datetime(2026, 12, 1, 14, tzinfo=UTC)  # 2 December in Sydney
    claims = [ClaimRow("C-1", opened, "resolved", customer="ann"),
              ClaimRow("C-2", opened + timedelta(days=5), "rejected", customer="ann"),
              ClaimRow("C-3", opened, "reviewing", customer="bob", reopened=True,
                       rejected_before=True),
              ClaimRow("C-4", opened, "resolved", customer="cy"),
              ClaimRow("C-5", opened, "resolved")]  # no customer on record
    sold = [_sold(date(2026, 12, 3), "X", customer="ann"),  # after her first claim's day
            _sold(date(2026, 12, 2), "X", customer="bob"),  # the claim's own day: not after
            _sold(date(2026, 12, 9), "X", customer="cy", void=True),  # voided: no
            _sold(date(2026, 12, 9), "X", customer="dee")]  # never claimed
    t = trust_score(claims, sold, ZONE)
    assert (t.claimants, t.came_back, t.claims, t.rejected, t.reopened) == (3, 1, 5, 2, 1)
    repeat = 100 * 1 / 3
    never_rejected = 100 * 3 / 5
    assert t.score == round((round(repeat, 1) + never_rejected) / 2, 1)
    assert t.repeat_rate == 33.3
    assert trust_score([], sold, ZONE).score is None


def test_a_row_standing_for_many_counts_as_many() -> None:
    rows = [SentRow(AT, "delivered", count=998), SentRow(AT, "parked", count=2)]
    d = sync_success(rows)
    assert (d.delivered, d.failed, d.total) == (998, 2, 1000)
    assert d.rate == 99.8
