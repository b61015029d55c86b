"""Migration 0021: policies and warranties from before it read as cover from the sale, and the
columns go with a downgrade and come back with the upgrade."""

from __future__ import annotations

from datetime import date

from tests.conftest import actor
from tests.unit.services.helpers import rows, sell
from tests.unit.test_migration_0017 import _to
from warranty_desk.permissions import Role
from warranty_desk.services import lookup
from warranty_desk.storage.database import Database


def test_rows_from_before_0021_read_as_cover_from_the_sale(shop: Database) -> None:
    code = sell(shop, "INV-1", sold_on=date(2026, 11, 1)).warranty_codes[0]
    _to(shop, "0020", down=True)
    assert "awaits_delivery" not in [r[1] for r in rows(shop, "PRAGMA table_info(warranties)")]
    assert "online_cover_from" not in [r[1] for r in rows(shop,
                                                         "PRAGMA table_info(policies)")]
    shop.dispose()
    _to(shop, "head")
    assert set(rows(shop, "SELECT online_cover_from FROM policies")) == {("sale",)}
    assert rows(shop, "SELECT awaits_delivery, delivered_on FROM warranties") == [(0, None)]
    (verdict,) = lookup.lookup(shop, actor(Role.SALES), code).matches
    assert verdict.verdict == "in_cover" and not verdict.awaits_delivery
