"""Reads and writes through the driver: number counters, the shop row, and an inbox item whose
database fails there stopping the pull as a failure through the ORM does."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import actor
from warranty_desk.models import InboxApplied, NumberCounter, Shop
from warranty_desk.permissions import Role
from warranty_desk.services import inbox, inbox_kinds, numbers
from warranty_desk.services.activation import record_sale
from warranty_desk.services.letterhead import shop_of
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore


def _counters(db: Database) -> dict[tuple[str, int], int]:
    conn = sqlite3.connect(db.path)
    try:
        return {(kind, year): last for kind, year, last in
                conn.execute("SELECT kind, year, last FROM number_counters")}
    finally:
        conn.close()


def test_reserve_hands_out_consecutive_blocks_from_a_counter_made_at_first_use(
        shop: Database) -> None:
    with shop.write() as session:
        assert numbers.reserve(session, "ZZ", 2031, 3) == 1
        assert numbers.reserve(session, "ZZ", 2031) == 4
        assert numbers.reserve(session, "ZZ", 2032, 2) == 1
        assert numbers.last_issued(session, "ZZ", 2031) == 4
        assert numbers.last_issued(session, "ZZ", 2033) == 0
    counters = _counters(shop)
    assert (counters[("ZZ", 2031)], counters[("ZZ", 2032)]) == (4, 2)
    assert ("ZZ", 2033) not in counters


def test_a_counter_row_the_session_holds_reads_the_reservation_and_is_not_flushed_over_it(
        shop: Database) -> None:
    with shop.write() as session:
        session.add(NumberCounter(kind="ZZ", year=0, last=7))
        session.flush()
        held = session.get_one(NumberCounter, ("ZZ", 0))
        assert numbers.reserve(session, "ZZ", 0, 2) == 8
        assert held.last == 9  # expired, so read again: not the 7 it was loaded with
        # A change made through the row (as epochs raises counters) is flushed before the
        # next reservation, which follows it.
        held.last = 20
        assert numbers.reserve(session, "ZZ", 0) == 21
    assert _counters(shop)[("ZZ", 0)] == 21


def test_a_sale_naming_no_customer_leaves_the_reference_counter_alone(shop: Database) -> None:
    before = _counters(shop)
    result = record_sale(shop, actor(Role.SALES), SaleInput(
        "I-1", date(2026, 11, 1), (LineInput("CBL-1", 2, 1_500),)))
    after = _counters(shop)
    assert len(result.warranty_codes) == 2
    assert after.get(("CU", 0)) == before.get(("CU", 0))
    assert after[("W", 2026)] == before.get(("W", 2026), 0) + 2


def test_the_shop_row_read_through_the_driver_is_the_shop_entity(shop: Database) -> None:
    with shop.read() as session:
        row = shop_of(session)
        entity = session.scalars(select(Shop)).one()
        assert {f.name: getattr(row, f.name) for f in fields(row)} == {
            f.name: getattr(entity, f.name) for f in fields(row)}


def test_a_database_failing_under_an_inbox_item_through_the_driver_stops_the_pull(
        shop: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_fails(_ctx: object) -> str:
        raise sqlite3.OperationalError("disk I/O error")

    def unreachable(_sha256: str) -> bytes:
        raise AssertionError("no document is asked for")

    monkeypatch.setitem(inbox_kinds.HANDLERS, "brand_status", disk_fails)
    with pytest.raises(sqlite3.OperationalError):
        inbox.apply_item(shop, inbox.InboxItemInput("in-1", "brand_status", {"claim_number": "X"}),
                         documents=DocumentStore(tmp_path / "documents"),
                         fetch_document=unreachable)
    with shop.read() as session:
        assert not session.execute(select(InboxApplied)).first()
