"""The audit chain: every change leaves an entry; any tampering is found and named."""

from __future__ import annotations

import sqlite3

from tests.conftest import sqlite_file
from tests.unit.services.helpers import sell
from warranty_desk.services import audit
from warranty_desk.storage.database import Database


def _tamper(db: Database, sql: str) -> None:
    # A tamperer with the file drops the append-only guard first; the hash chain still tells.
    conn = sqlite3.connect(db.path)
    conn.execute("DROP TRIGGER audit_entries_no_update")
    conn.execute("DROP TRIGGER audit_entries_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()


def _verify(db: Database) -> audit.ChainReport:
    with db.read() as session:
        return audit.verify(session)


def test_an_untouched_chain_verifies(shop: Database) -> None:
    sell(shop)
    report = _verify(shop)
    assert report.ok and report.entries >= 6 and len(report.head) == 64


def test_a_changed_detail_is_found_at_its_entry(shop: Database) -> None:
    sell(shop)
    _tamper(shop, "UPDATE audit_entries SET details='{}' WHERE seq=3")
    report = _verify(shop)
    assert not report.ok and report.first_bad_seq == 3 and "changed" in report.problem


def test_a_removed_entry_is_found(shop: Database) -> None:
    sell(shop)
    _tamper(shop, "DELETE FROM audit_entries WHERE seq=2")
    report = _verify(shop)
    assert not report.ok and report.first_bad_seq == 2


def test_an_inserted_entry_is_found(shop: Database) -> None:
    sell(shop)
    _tamper(shop, "UPDATE audit_entries SET seq=seq+100 WHERE seq>=4")
    _tamper_insert = (
        "INSERT INTO audit_entries (seq, at, actor_name, action, entity, entity_id, details,"
        " prev_hash, hash) SELECT 4, at, 'x', 'refund', 'claim', 'C', '{}', hash, hash "
        "FROM audit_entries WHERE seq=3")
    with sqlite_file(shop.path) as conn:
        conn.execute(_tamper_insert)
    report = _verify(shop)
    assert not report.ok and report.first_bad_seq == 4
