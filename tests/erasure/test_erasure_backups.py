"""Backups and erasure: a later backup lacks the data; an older one, restored, is erased again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import actor, pinned_clock
from tests.erasure.till_story import tell, traces_in
from warranty_desk.permissions import Role
from warranty_desk.rules.erasure import pseudonym
from warranty_desk.services import audit, backup, erasure, erasure_register
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

OWNER, MANAGER, ADMIN = actor(Role.OWNER), actor(Role.MANAGER), actor(Role.ADMIN)


def test_a_backup_made_after_the_erasure_holds_none_of_the_data(
        shop: Database, tmp_path: Path) -> None:
    story = tell(shop)
    erasure.erase(shop, MANAGER, story.reference, "Asked by email")
    report = backup.backup(shop, OWNER, tmp_path / "after.sqlite3")
    assert traces_in(report.path) == {}


def test_the_register_names_the_reference_and_pseudonym_only(
        shop: Database, home: Home) -> None:
    story = tell(shop)
    erasure.erase(shop, MANAGER, story.reference, "Asked by email")
    register = erasure_register.path_of(home.database)
    assert traces_in(register) == {}
    [line] = erasure_register.read(register)
    assert (line.reference, line.pseudonym) == (story.reference, pseudonym(story.reference))
    assert register.stat().st_mode & 0o077 == 0


def test_restoring_a_backup_from_before_the_erasure_erases_the_customer_again(
        shop: Database, home: Home, tmp_path: Path) -> None:
    story = tell(shop)
    older = backup.backup(shop, OWNER, tmp_path / "before.sqlite3")
    assert traces_in(older.path)  # the older backup holds the data, as it did that day
    erasure.erase(shop, MANAGER, story.reference, "Asked by email")
    shop.dispose()
    restored = backup.restore(home, ADMIN, older.path, clock=pinned_clock())
    assert restored.erased_again == (story.reference,)
    assert traces_in(home.database, Path(f"{home.database}-wal")) == {}
    again = Database(home.database, clock=pinned_clock())
    try:
        with again.read() as session:
            chain = audit.verify(session)
        assert chain.ok, chain.problem
    finally:
        again.dispose()
    conn = sqlite3.connect(home.database)
    try:
        assert conn.execute("SELECT name FROM customers WHERE reference = ?",
                            (story.reference,)).fetchone() == (pseudonym(story.reference),)
        assert conn.execute("SELECT count(*) FROM claims").fetchone() == (1,)
    finally:
        conn.close()


def test_an_erasure_another_connection_kept_from_compacting_is_compacted_that_night(
        shop: Database) -> None:
    from warranty_desk.services import outbox_retention

    story = tell(shop)
    reader = sqlite3.connect(shop.path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customers").fetchone()  # a snapshot held open
    try:
        report = erasure.erase(shop, MANAGER, story.reference, "Asked by email")
    finally:
        reader.rollback()
        reader.close()
    assert not report.compacted
    assert erasure_register.compaction_owed(shop.path)
    # Few free pages: the nightly compaction would skip the file, but the erasure is owed one.
    assert outbox_retention.compact(shop)
    assert traces_in(shop.path, Path(f"{shop.path}-wal")) == {}
    assert not erasure_register.compaction_owed(shop.path)
