"""Migration 0025: the outbox is read by the instant events were written through an index,
which goes with a downgrade and comes back with the upgrade."""

from __future__ import annotations

from tests.unit.services.helpers import rows
from tests.unit.test_migration_0017 import _to
from warranty_desk.storage.database import Database

PLAN = ("EXPLAIN QUERY PLAN SELECT count(*) FROM outbox_events "
        "WHERE created_at >= '2026-08-24' AND created_at < '2026-11-23'")


def _indexes(shop: Database) -> list[str]:
    return [r[1] for r in rows(shop, "PRAGMA index_list(outbox_events)")]


def test_the_events_of_a_range_are_found_by_index_not_by_scanning_the_outbox(
        shop: Database) -> None:
    assert "ix_outbox_events_created_at" in _indexes(shop)
    assert any("ix_outbox_events_created_at" in str(r[-1]) for r in rows(shop, PLAN))
    _to(shop, "0024", down=True)
    assert "ix_outbox_events_created_at" not in _indexes(shop)
    shop.dispose()
    _to(shop, "head")
    assert "ix_outbox_events_created_at" in _indexes(shop)
