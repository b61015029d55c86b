"""The SQLite file: pragmas on every connection, migrations to head, search indexes."""

from __future__ import annotations

import sqlite3

from tests.conftest import sqlite_file, sqlite_rows
from warranty_desk.storage import migrate
from warranty_desk.storage.database import Database


def test_every_connection_reads_back_the_ledger_pragmas(db: Database) -> None:
    for session_factory in (db.read, db.write):
        with session_factory() as session:
            conn = session.connection()
            values = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                      for name in ("journal_mode", "foreign_keys", "busy_timeout",
                                   "synchronous", "trusted_schema")}
            assert values == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000,
                              "synchronous": 2, "trusted_schema": 0}


def test_init_brings_the_schema_to_the_newest_revision(db: Database) -> None:
    assert migrate.current_revision(db) == migrate.head_revision()


def test_upgrading_twice_changes_nothing(db: Database) -> None:
    schema = "SELECT sql FROM sqlite_master ORDER BY name"
    before = sqlite_rows(db.path, schema)
    migrate.upgrade(db)
    after = sqlite_rows(db.path, schema)
    assert before == after


def test_search_tables_exist_for_customer_and_product_words_only(db: Database) -> None:
    # Serials, codes and invoice numbers are exact keys found through plain indexes.
    names = {r[0] for r in sqlite_rows(
        db.path, "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%_fts'")}
    assert names == {"customers_fts", "products_fts"}


def test_the_audit_table_refuses_updates_and_deletes(db: Database) -> None:
    with sqlite_file(db.path) as conn:
        for what, sql in (("update", "UPDATE audit_entries SET action='x'"),
                          ("delete", "DELETE FROM audit_entries")):
            try:
                conn.execute(sql)
            except sqlite3.IntegrityError as exc:
                assert "append-only" in str(exc)
            else:
                raise AssertionError(f"{what} was allowed")


def test_the_migrations_build_exactly_the_schema_the_models_describe(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from warranty_desk.models import Base

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # FTS5 tables are made by hand (sqlite-utils) and are not models; nothing else may differ.
    diff = [d for d in diff if not (d[0] == "remove_table" and "_fts" in d[1].name)]
    assert diff == []


def test_the_build_knows_its_newest_migration_without_alembic(db: Database) -> None:
    from warranty_desk.storage import schema

    assert migrate.head_revision() == schema.HEAD
    assert schema.at_head(db)


def test_bulk_rows_must_carry_stored_values_not_python_dates(db: Database) -> None:
    import datetime as dt

    import pytest

    from warranty_desk.storage import bulk

    with db.write() as session, pytest.raises(TypeError, match="stored values for created_at"):
        bulk.insert_rows(session, "inbox_applied", [
            {"item_id": "x", "source": "portal", "kind": "k", "result": "",
             "applied_at": "2026-11-22 10:00:00.000000", "created_at": dt.date(2026, 11, 22)}])
    assert bulk.stored(dt.date(2026, 11, 22)) == "2026-11-22"
