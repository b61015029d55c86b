"""Migration 0026: the dashboard's roll-ups are filled from the rows already there, their
triggers go with a downgrade and come back with the upgrade."""

from __future__ import annotations

import sqlite3

from tests.unit.services.helpers import rows, sell
from tests.unit.services.test_rollups import Shop, held, rebuilt
from tests.unit.test_migration_0017 import _to
from warranty_desk.storage import rollups
from warranty_desk.storage.database import Database


def _triggers(shop: Database) -> set[str]:
    return {str(n) for (n,) in rows(shop, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def test_the_upgrade_fills_the_rollups_from_the_rows_written_before_it(shop: Database) -> None:
    story = Shop(shop)
    for n in range(3):
        story.sell(n)
    story.claim(0)
    story.cost(0)
    _to(shop, "0025", down=True)
    assert not _triggers(shop) & set(rollups.trigger_names())
    assert not rows(shop, "SELECT name FROM sqlite_master WHERE name = 'claim_rollups'")
    shop.dispose()
    sell(shop, "INV-BEFORE", serials=("SN-BEFORE",))  # no trigger sees this one
    story.claim(1)
    shop.dispose()
    _to(shop, "head")
    assert set(rollups.trigger_names()) <= _triggers(shop)
    conn = sqlite3.connect(shop.path, isolation_level=None)
    try:
        kept = held(conn)
        assert len(kept[0]) == 2  # both claims
        assert sum(int(r[-1]) for r in kept[1]) == 4  # type: ignore[call-overload]
        assert kept == rebuilt(conn)
    finally:
        conn.close()
