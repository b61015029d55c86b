"""Migration 0017: a brand claim made before batches holds the claim it names as its one item,
keeps its settlements, and a downgrade and upgrade again lose neither."""

from __future__ import annotations

from alembic import command

from tests.conftest import sqlite_file
from tests.unit.services.test_brand_claims import FINANCE, STORE, _claim
from warranty_desk.services import brand_claims
from warranty_desk.services import settlements as settle
from warranty_desk.services.brand_claim_views import brand_claim
from warranty_desk.storage import migrate
from warranty_desk.storage.database import Database


def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    with sqlite_file(db.path) as conn:
        return conn.execute(sql).fetchall()


def _to(db: Database, revision: str, *, down: bool = False) -> None:
    config = migrate.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    # Fresh connections after the schema changed under the pool, as the app's upgrade does
    # (a pooled connection remembers whether the file has the recovery roll-up).
    db.dispose()


def test_a_brand_claim_from_before_0017_holds_its_claim_as_its_one_item(shop: Database) -> None:
    number = _claim(shop, "SN-A", "INV-1", costs=(("parts", 3_000, True),))
    lodged = brand_claims.open_brand_claim(shop, STORE, [number], external_id="LUM-9").number
    settle.record_settlement(shop, FINANCE, lodged, settle.SettlementInput(1_000, "PAY-1"))
    _to(shop, "0016", down=True)
    assert "number" not in [r[1] for r in _rows(shop, "PRAGMA table_info(brand_claims)")]
    assert _rows(shop, "SELECT name FROM sqlite_master WHERE name = 'brand_claim_items'") == []
    shop.dispose()
    _to(shop, "0017")
    assert _rows(shop, "SELECT count(*) FROM brand_claim_items i JOIN brand_claims b "
                       "ON b.id = i.brand_claim_id AND i.claim_id = b.claim_id") == [(1,)]
    # Its supplier is its product's (the test catalogue names none: the brand stands in).
    assert _rows(shop, "SELECT number, supplier, approval, written_off_minor, closed_at FROM "
                       "brand_claims") == [(None, "Lumen", "pending", 0, None)]
    assert _rows(shop, "SELECT amount_minor, kind, reason FROM settlements") == [
        (1_000, "payment", "")]
    _to(shop, "head")  # the services read the newest schema
    view = brand_claim(shop, STORE, "LUM-9")  # found by the brand's own id, as before
    assert [line.claim_number for line in view.lines] == [number]
    assert view.settled_minor == 1_000


def test_a_brand_claim_paid_before_0017_is_approved_and_closed(shop: Database) -> None:
    number = _claim(shop, "SN-A", "INV-1")
    lodged = brand_claims.open_brand_claim(shop, STORE, [number]).number
    brand_claims.update_status(shop, STORE, lodged, "paid")
    _to(shop, "0016", down=True)
    shop.dispose()
    _to(shop, "0017")
    assert _rows(shop, "SELECT approval, closed_at IS NOT NULL FROM brand_claims") == [
        ("approved", 1)]
