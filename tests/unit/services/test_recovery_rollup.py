"""The recovery roll-up (services/recovery_rollup.py): after every kind of change its figures
come from, through the services or by hand, the rows stored for each brand claim not marked
stale are what the rules work out from scratch, and the sums read never depend on whether a
brand claim was worked out yet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, stand_on
from tests.unit.services.helpers import rows, write_sql
from tests.unit.services.test_brand_claims import FINANCE, MANAGER, STORE, TECH, _claim
from tests.unit.test_migration_0017 import _to
from warranty_desk.clock import zone_of
from warranty_desk.models import BrandClaim
from warranty_desk.services import brand_claims, decisions
from warranty_desk.services import settlements as settle
from warranty_desk.services.letterhead import report_period
from warranty_desk.services.recovery_rollup import Share, work_out
from warranty_desk.services.recovery_sums import recovery_sums
from warranty_desk.services.shop_days import shop_day
from warranty_desk.services.supplier_terms import TermsInput, set_terms
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.storage import recovery_marks
from warranty_desk.storage.database import Database

SINCE = TODAY - timedelta(days=60)


def _stored(db: Database) -> list[tuple[object, ...]]:
    return sorted(rows(db, "SELECT brand_claim_id, claim_id, opened_at, expected_minor, "
                           "settled_minor FROM recovery_rollups WHERE brand_claim_id NOT IN "
                           "(SELECT brand_claim_id FROM recovery_stale)"))


def _from_scratch(db: Database) -> list[tuple[object, ...]]:
    """Every brand claim worked out from the rows, the stale ones left out as _stored does."""
    stale = {r[0] for r in rows(db, "SELECT brand_claim_id FROM recovery_stale")}
    with db.read() as session:
        zone = zone_of(rows(db, "SELECT timezone FROM shop")[0][0])  # type: ignore[arg-type]
        found: list[Share] = work_out(session, lambda c: shop_day(c, zone, TODAY),
                                      select(BrandClaim.id))
    return sorted((r.brand_claim_id, r.claim_id, r.opened_at, r.expected_minor, r.settled_minor)
                  for r in found if r.brand_claim_id not in stale)


def _sums(db: Database, since: date = SINCE, until: date = TODAY) -> tuple[int, int, int]:
    with db.read() as session:
        zone, start, end = report_period(session, since, until)
        expected, settled, paid = recovery_sums(
            session, start, end, None, lambda c: shop_day(c, zone, until), paid=True)
    return expected, settled, len(paid)


def _worked_out_either_way(db: Database) -> tuple[int, int, int]:
    """The sums with every brand claim marked stale by hand (worked out by the reader), then
    again once a unit of work stored them: the two must be the same."""
    write_sql(db, "INSERT INTO recovery_stale SELECT id FROM brand_claims WHERE true "
             "ON CONFLICT DO NOTHING")
    assert rows(db, "SELECT count(*) FROM recovery_stale") != [(0,)]
    read_stale = _sums(db)
    with UnitOfWork.write(db):
        pass
    _check(db)
    assert _sums(db) == read_stale
    return read_stale


@pytest.fixture
def worked(shop: Database) -> Iterator[Database]:
    yield shop
    stand_on(shop, TODAY)


def _check(db: Database) -> None:
    assert rows(db, "SELECT count(*) FROM recovery_stale") == [(0,)]
    assert _stored(db) == _from_scratch(db)


def test_every_service_change_leaves_the_stored_recovery_worked_out(worked: Database) -> None:
    db = worked
    set_terms(db, MANAGER, TermsInput("Lumen", frozenset({"parts", "labour"})))
    a = _claim(db, "SN-A", "INV-1", costs=(("parts", 5_000, True), ("labour", 3_000, True)))
    b = _claim(db, "SN-B", "INV-2", costs=(("parts", 2_000, True),))
    c = _claim(db, "SN-C", "INV-3", costs=(("parts", 900, True),))
    lodged = brand_claims.open_brand_claim(db, STORE, [a, b]).number
    _check(db)
    assert _sums(db)[0] == 10_000  # parts and labour of a, parts of b
    decisions.post_cost(db, TECH, b, decisions.CostLine("labour", 700, "", True))
    _check(db)
    assert _sums(db)[0] == 10_700
    settle.record_settlement(db, FINANCE, lodged, settle.SettlementInput(5_350, "P-1"))
    _check(db)
    assert _sums(db)[1:] == (5_350, 2)  # shared by weight: 4,000 and 1,350
    brand_claims.add_claims(db, STORE, lodged, [c])
    _check(db)
    set_terms(db, MANAGER, TermsInput("Lumen", frozenset({"parts"})))
    _check(db)
    assert _sums(db)[0] == 7_900
    assert _worked_out_either_way(db) == (7_900, 5_350, 3)  # shared over three claims now


def test_writes_by_hand_mark_what_they_touch_and_the_reader_counts_them_meanwhile(
        worked: Database) -> None:
    db = worked
    a = _claim(db, "SN-A", "INV-1", costs=(("parts", 5_000, True),))
    b = _claim(db, "SN-B", "INV-2", costs=(("parts", 2_000, True),))
    first = brand_claims.open_brand_claim(db, STORE, [a]).number
    brand_claims.open_brand_claim(db, STORE, [b])
    settle.record_settlement(db, FINANCE, first, settle.SettlementInput(1_000, "P-1"))
    _check(db)
    assert _sums(db) == (7_000, 1_000, 1)
    # A cost posted by another tool: only the brand claim holding that claim goes stale.
    write_sql(db, "INSERT INTO cost_postings (id, claim_id, kind, amount_minor, description, "
             "recoverable, posted_at) SELECT randomblob(16), id, 'parts', 600, '', 1, opened_at "
             "FROM claims WHERE number = ?", b)
    assert rows(db, "SELECT count(*) FROM recovery_stale") == [(1,)]
    assert _sums(db) == (7_600, 1_000, 1)  # worked out by the reader meanwhile
    write_sql(db, "DELETE FROM settlements")
    assert rows(db, "SELECT count(*) FROM recovery_stale") == [(2,)]
    assert _sums(db) == (7_600, 0, 0)
    # The shop moves to another zone: days change, so every brand claim is marked.
    write_sql(db, "UPDATE shop SET timezone = 'America/New_York'")
    assert rows(db, "SELECT count(*) FROM recovery_stale") == [(2,)]
    assert _worked_out_either_way(db) == (7_600, 0, 0)


def test_the_upgrade_marks_every_brand_claim_and_the_start_works_them_out(
        worked: Database) -> None:
    db = worked
    a = _claim(db, "SN-A", "INV-1", costs=(("parts", 5_000, True),))
    lodged = brand_claims.open_brand_claim(db, STORE, [a]).number
    settle.record_settlement(db, FINANCE, lodged, settle.SettlementInput(5_000, "P-1"))
    _to(db, "0028", down=True)
    assert rows(db, "SELECT name FROM sqlite_master WHERE name = 'recovery_rollups'") == []
    _to(db, "head")
    assert rows(db, "SELECT count(*) FROM recovery_stale") == [(1,)]
    assert rows(db, "SELECT count(*) FROM recovery_rollups") == [(0,)]
    assert _sums(db) == (5_000, 5_000, 1)
    with UnitOfWork.write(db):  # the start's first unit of work (setup.init) works it out
        pass
    _check(db)
    assert rows(db, "SELECT count(*) FROM recovery_rollups") == [(1,)]
    assert _sums(db) == (5_000, 5_000, 1)


def test_every_marking_trigger_is_in_the_migrated_database(db: Database) -> None:
    found = {n for (n,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(recovery_marks.trigger_names()) - found == set(), \
        "call storage.recovery_marks.install()"
