"""Management reports on the demo shop, checked against the same sums done in plain SQL."""

from __future__ import annotations

from datetime import date

import pytest
from argon2 import PasswordHasher

from tests.conftest import TODAY, actor, sqlite_file
from warranty_desk.demo.story import build_demo_shop
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.permissions import Role
from warranty_desk.services import management, report_registry, staff
from warranty_desk.storage.database import Database

MANAGER = actor(Role.MANAGER)


@pytest.fixture
def demo_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The demo shop; cheap PIN hashing, since the demo hashes eight PINs."""
    monkeypatch.setattr(staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024,
                                                        parallelism=1))
    build_demo_shop(db)
    return db


def _sql(db: Database, query: str) -> list[tuple[object, ...]]:
    with sqlite_file(db.path) as conn:
        return conn.execute(query).fetchall()


def test_claims_by_brand_adds_up_to_every_claim_and_cost_in_the_period(demo_db: Database) -> None:
    report = management.claims_by_brand(demo_db, MANAGER, since=date(2020, 1, 1), until=TODAY)
    claims_with_product = _sql(demo_db, "SELECT count(*) FROM claims WHERE product_id IS NOT NULL")
    cost = _sql(demo_db, "SELECT coalesce(sum(c.amount_minor), 0) FROM cost_postings c "
                         "JOIN claims k ON k.id = c.claim_id WHERE k.product_id IS NOT NULL")
    assert sum(int(row[1] or 0) for row in report.rows) == claims_with_product[0][0] > 0
    assert sum(int(row[4] or 0) for row in report.rows) == cost[0][0]
    counts = [row[1] for row in report.rows]
    assert counts == sorted(counts, reverse=True)  # the brand with most claims comes first
    assert report.columns[0] == "Brand" and report.money_columns == {4, 5, 6}


def test_a_period_before_any_claim_is_empty_and_a_reversed_one_is_refused(
        demo_db: Database) -> None:
    assert management.claims_by_brand(demo_db, MANAGER, since=date(2001, 1, 1),
                                      until=date(2001, 12, 31)).rows == ()
    with pytest.raises(BadInput, match="swap the dates"):
        management.claims_by_brand(demo_db, MANAGER, since=TODAY, until=date(2026, 1, 1))


def test_open_claims_counts_only_open_states(demo_db: Database) -> None:
    report = management.open_claims(demo_db, MANAGER)
    open_now = _sql(demo_db, "SELECT count(*) FROM claims WHERE state NOT IN "
                             "('resolved', 'rejected')")[0][0]
    assert sum(int(row[1] or 0) for row in report.rows) == open_now > 0
    assert all(int(row[2] or 0) >= 0 for row in report.rows)


def test_return_aging_puts_every_held_unit_in_one_band(demo_db: Database) -> None:
    report = management.return_aging(demo_db, MANAGER)
    for row in report.rows:
        assert sum(int(c or 0) for c in row[1:-1]) == row[-1]
    assert report.columns[-1] == "Total"


def test_reports_need_the_reports_permission_and_a_known_name(demo_db: Database) -> None:
    with pytest.raises(PermissionDenied):
        report_registry.build(demo_db, actor(Role.SALES), "open-claims")
    with pytest.raises(BadInput, match="Reports: claims-by-brand"):
        report_registry.build(demo_db, MANAGER, "nonsense")
    finance = actor(Role.FINANCE)
    assert report_registry.build(demo_db, finance, "return-aging").name == "return-aging"
