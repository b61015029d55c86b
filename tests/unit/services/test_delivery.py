"""Online sales whose cover starts on delivery: waiting at the till, delivered by staff or by
the web shop's report through the inbox."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import actor
from tests.unit.services.helpers import ADA, audit_rows, rows, sell
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.models import Policy
from warranty_desk.permissions import Role
from warranty_desk.services import claims, inbox, lookup
from warranty_desk.services.activation import record_sale
from warranty_desk.services.delivery import record_delivery
from warranty_desk.services.inbox import InboxItemInput
from warranty_desk.services.printables import slip_view
from warranty_desk.services.reports import warranty_register
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

SALES, OWNER = actor(Role.SALES), actor(Role.OWNER)
ORDERED = date(2026, 11, 10)  # the db fixture stands on 2026-11-22


def _on_delivery(db: Database, policy: str = "Electronics 12+12") -> None:
    with db.write() as session:
        session.scalars(select(Policy).where(Policy.name == policy)).one() \
            .online_cover_from = "delivery"


def _order(db: Database, number: str = "SH-1001", sku: str = "LAP-100",
           serials: tuple[str, ...] = ("SN-WEB-1",)) -> str:
    return record_sale(db, SALES, SaleInput(
        number, ORDERED, (LineInput(sku, 1, 89_900, serials),), ADA, source="online"),
    ).warranty_codes[0]


def test_an_online_sale_under_a_delivery_policy_waits_and_claims_no_cover(shop: Database) -> None:
    _on_delivery(shop)
    code = _order(shop)
    counter = sell(shop, "INV-9", serials=("SN-CTR-1",), sold_on=ORDERED).warranty_codes[0]
    (verdict,) = lookup.lookup(shop, SALES, code).matches
    assert (verdict.verdict, verdict.headline, verdict.awaits_delivery) == (
        "not_started", "NOT STARTED", True)
    assert verdict.detail == ("Registered, cover starts on delivery: 12 months manufacturer's "
                              "warranty, then 12 months shop's warranty from the day the order "
                              "arrives.")
    assert verdict.days_left is None and verdict.layer is None
    assert verdict.extension_offers == ()
    # A counter sale under the same policy left with the customer: in cover from the sale.
    assert lookup.lookup(shop, SALES, counter).matches[0].verdict == "in_cover"
    slip = slip_view(shop, SALES, code, copy=False)
    assert slip.cover_note == verdict.detail and slip.layers == ()
    register = {r.code: r for r in warranty_register(shop, OWNER)}
    assert (register[code].start, register[code].end, register[code].status) == (
        None, None, "awaiting_delivery")
    with pytest.raises(RuleBlocked, match="Cover starts on delivery"):
        claims.start_claim(shop, SALES, claims.StartClaim(code, "Will not boot"))
    card = json.loads(str(rows(shop, "SELECT payload FROM outbox_events WHERE topic = "
                                     "'warranty.activated' AND aggregate_id = ?", code)[0][0]))
    assert card["cover_from"] == "delivery"


def test_staff_record_the_delivery_and_the_cover_runs_from_that_day(shop: Database) -> None:
    _on_delivery(shop)
    code = _order(shop)
    done = record_delivery(shop, SALES, "SN-WEB-1", date(2026, 11, 14))
    assert (done.order_number, done.started, done.ends_on) == (
        "SH-1001", (code,), date(2028, 11, 13))
    (verdict,) = lookup.lookup(shop, SALES, code).matches
    assert (verdict.verdict, verdict.start_on, verdict.end_on, verdict.awaits_delivery) == (
        "in_cover", date(2026, 11, 14), date(2028, 11, 13), False)
    assert [(x.kind, x.start_on, x.end_on) for x in verdict.layers] == [
        ("manufacturer", date(2026, 11, 14), date(2027, 11, 13)),
        ("shop", date(2027, 11, 14), date(2028, 11, 13))]
    ((who, details),) = audit_rows(shop, "sale.delivered")
    assert who == SALES.name and json.loads(details) == {
        "delivered_on": "2026-11-14", "warranties": [code], "origin": "counter"}
    (payload,) = rows(shop, "SELECT payload FROM outbox_events WHERE topic = "
                            "'warranty.delivered'")
    assert json.loads(str(payload[0]))["start"] == "2026-11-14"


def test_a_delivery_is_refused_in_the_future_before_the_order_and_twice(shop: Database) -> None:
    _on_delivery(shop)
    _order(shop)
    with pytest.raises(BadInput, match=r"2026-11-23 is in the future \(today is 2026-11-22\)"):
        record_delivery(shop, SALES, "SH-1001", date(2026, 11, 23))
    with pytest.raises(BadInput, match="placed on 2026-11-10; it cannot have been delivered "
                                       "before, on 2026-11-09"):
        record_delivery(shop, SALES, "SH-1001", date(2026, 11, 9))
    with pytest.raises(PermissionDenied):
        record_delivery(shop, actor(Role.TECHNICIAN), "SH-1001", date(2026, 11, 12))
    assert audit_rows(shop, "sale.delivered") == []
    record_delivery(shop, SALES, "SH-1001", date(2026, 11, 22))
    with pytest.raises(RuleBlocked, match="already recorded, on 2026-11-22"):
        record_delivery(shop, SALES, "SH-1001", date(2026, 11, 22))


def test_an_order_whose_cover_ran_from_the_sale_has_no_delivery_to_record(
        shop: Database) -> None:
    _order(shop)
    with pytest.raises(RuleBlocked, match=r"runs from the sale \(2026-11-10\), as its policy"):
        record_delivery(shop, SALES, "SH-1001", date(2026, 11, 12))
    with pytest.raises(Exception, match="No order, warranty or serial NOPE-1"):
        record_delivery(shop, SALES, "NOPE-1", date(2026, 11, 12))


def test_the_shops_delivery_report_starts_the_cover_once_through_the_inbox(
        shop: Database, tmp_path: Path) -> None:
    _on_delivery(shop)
    store = DocumentStore(tmp_path / "documents")

    def apply(item_id: str, payload: dict[str, str]) -> inbox.AppliedResult:
        return inbox.apply_item(shop, InboxItemInput(item_id, "order_delivered", payload),
                                documents=store, fetch_document=lambda sha: b"")

    early = apply("in-0", {"order_number": "SH-1001", "delivered_on": "2026-11-13"})
    assert early.status == "waiting" and "order SH-1001 is not at this branch yet" in early.result
    code = _order(shop)
    done = apply("in-1", {"order_number": "SH-1001", "delivered_on": "2026-11-13"})
    assert done.status == "applied"
    assert done.result == (f"order SH-1001 delivered on 2026-11-13: cover of {code} starts, "
                           "until 2028-11-12")
    again = apply("in-2", {"order_number": "SH-1001", "delivered_on": "2026-11-14"})
    assert again.status == "applied" and "already recorded, on 2026-11-13" in again.result
    assert lookup.lookup(shop, SALES, code).matches[0].start_on == date(2026, 11, 13)
    bad = apply("in-3", {"order_number": "SH-1001", "delivered_on": "13/11/2026"})
    assert bad.status == "problem"


def test_a_delivery_the_shop_dates_tomorrow_waits_for_that_day(
        shop: Database, tmp_path: Path) -> None:
    _on_delivery(shop)
    code = _order(shop)
    ahead = inbox.apply_item(
        shop, InboxItemInput("in-1", "order_delivered",
                             {"order_number": "SH-1001", "delivered_on": "2026-11-23"}),
        documents=DocumentStore(tmp_path / "documents"), fetch_document=lambda sha: b"")
    assert ahead.status == "waiting" and "after today here" in ahead.result
    assert lookup.lookup(shop, SALES, code).matches[0].awaits_delivery


def test_no_reminder_tells_of_an_end_before_the_unit_is_delivered(shop: Database) -> None:
    import dataclasses

    from tests.conftest import stand_on
    from warranty_desk.permissions import Actor
    from warranty_desk.services import reminders

    _on_delivery(shop, "Accessories 6")
    agreed = dataclasses.replace(ADA, reminders_agreed=True)
    # Ordered in June, never delivered: the terms laid from the order end on 30 November,
    # inside the 30-day window, yet no cover has started to end.
    record_sale(shop, SALES, SaleInput("SH-7", date(2026, 6, 1),
                                       (LineInput("CBL-1", 1, 1_500),), agreed, source="online"))
    stand_on(shop, date(2026, 11, 22), hour=2)
    assert reminders.send_due(shop, Actor.system("nightly run")) == ()

