"""Migration 0009 on a database made at 0008: phones become E.164, and nobody is merged silently."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
from alembic import command

from tests.conftest import sqlite_file, sqlite_rows
from warranty_desk import cli
from warranty_desk.clock import FixedClock
from warranty_desk.permissions import Actor
from warranty_desk.services import customer_view, setup
from warranty_desk.storage import migrate
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

# The upgrade logs what it leaves a person to check: these tests make it.
pytestmark = pytest.mark.logs(r"^upgrade 0009: ")

# Reference, name and phone as the tills before 0009 stored them.
CUSTOMERS = (
    ("BR01-CU-000001", "Grace Okafor", "07700900596"),
    ("BR01-CU-000002", "Grace O.", "+447700900596"),
    ("BR01-CU-000003", "Ada Lovelace", "+442079460958"),
    ("BR01-CU-000004", "Tom Typo", "12"),
    ("BR01-CU-000005", "Nobody Phoned", ""),
    ("BR01-CU-000006", "Sam Twin", "+447700900111"),
    ("BR01-CU-000007", "Sam Twin Ltd", "+447700900111"),
)
SALES = Actor.system("test")


def _at_0008(home: Home, clock: FixedClock) -> Database:
    """A shop database as the previous release left it, with customers typed every which way."""
    db = setup.open_database(home, clock)
    config = migrate.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
    with sqlite_file(db.path) as conn:
        conn.execute("INSERT INTO shop (id, name, branch_code, branch_name, address, phone, email, "
                     "currency, locale, timezone, portal_url_template) VALUES "
                     "(?, 'Old Shop', 'BR01', '', '', '', '', 'GBP', 'en_GB', 'Europe/London', '')",
                     (uuid.uuid4().bytes,))
        for reference, name, phone in CUSTOMERS:
            conn.execute("INSERT INTO customers (id, reference, name, phone, email, segment, "
                         "retention_follow_up, created_at) VALUES (?, ?, ?, ?, '', 'retail', 0, "
                         "'2026-01-01 00:00:00.000000')", (uuid.uuid4().bytes, reference, name,
                                                           phone))
        conn.execute("INSERT INTO customers_fts (customers_fts) VALUES ('rebuild')")
    return db


@pytest.fixture
def old(home: Home, clock: FixedClock) -> Iterator[Database]:
    db = _at_0008(home, clock)
    yield db
    db.dispose()


def _drop_log_handler(home: Home) -> None:
    """The command's log file handler is process-wide; it goes with the test's home."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", "").startswith(str(home.root)):
            root.removeHandler(handler)
            handler.close()


def _phones(db: Database) -> dict[str, str]:
    return dict(sqlite_rows(db.path, "SELECT reference, phone FROM customers"))


def test_the_upgrade_keys_every_readable_phone_as_e164(old: Database) -> None:
    migrate.upgrade(old)
    assert _phones(old) == {
        "BR01-CU-000001": "+447700900596", "BR01-CU-000002": "+447700900596",
        "BR01-CU-000003": "+442079460958", "BR01-CU-000004": "12", "BR01-CU-000005": "",
        "BR01-CU-000006": "+447700900111", "BR01-CU-000007": "+447700900111"}
    found = customer_view.find_customers(old, SALES, "07700 900596")
    assert sorted(c.reference for c in found) == ["BR01-CU-000001", "BR01-CU-000002"]
    # The search table was rebuilt with the new phones, and still finds names.
    assert [c.reference for c in customer_view.find_customers(old, SALES, "Lovelace")] == [
        "BR01-CU-000003"]


def test_customers_who_come_to_share_a_phone_are_kept_and_listed(old: Database) -> None:
    migrate.upgrade(old)
    assert len(_phones(old)) == len(CUSTOMERS)  # nobody merged
    notes = setup.upgrade_notes(old)
    assert len(notes) == 2
    shared = next(n for n in notes if "same phone" in n)
    assert "BR01-CU-000001 (Grace Okafor, was 07700900596)" in shared
    assert "BR01-CU-000002 (Grace O., was +447700900596)" in shared
    assert "+447700900596" in shared and "Both are kept" in shared
    assert "Sam Twin" not in shared  # they shared their number before the upgrade too
    unreadable = next(n for n in notes if "BR01-CU-000004" in n)
    assert unreadable.startswith("1 customer has a phone that cannot be read as a phone "
                                 "number, kept as it was")
    assert "BR01-CU-000004 (Tom Typo) keeps the phone '12'" in unreadable


def test_init_prints_what_the_upgrade_left_to_check(
        old: Database, home: Home, capsys: pytest.CaptureFixture[str]) -> None:
    old.dispose()
    try:
        assert cli.main(["--home", str(home.root), "--today", "2026-11-22", "init"]) == 0
    finally:
        _drop_log_handler(home)
    out = capsys.readouterr().out
    assert "Upgraded the shop database" in out
    assert "Upgrading the database left these to check:" in out
    assert "now have the same phone +447700900596" in out
    assert "BR01-CU-000004 (Tom Typo) keeps the phone '12'" in out
    log = (home.logs / "warranty-desk.log").read_text(encoding="utf-8")
    assert "now have the same phone +447700900596" in log


def test_a_new_shop_has_nothing_to_check(db: Database) -> None:
    assert setup.upgrade_notes(db) == ()


def test_many_unreadable_phones_make_one_note(old: Database) -> None:
    with sqlite_file(old.path) as conn:
        for n in range(12):
            conn.execute("INSERT INTO customers (id, reference, name, phone, email, segment, "
                         "retention_follow_up, created_at) VALUES (?, ?, 'Bulk', ?, '', "
                         "'retail', 0, '2026-01-01 00:00:00.000000')",
                         (uuid.uuid4().bytes, f"BR01-CU-1{n:05d}", f"+44770012345678{n % 10}"))
    migrate.upgrade(old)
    (unreadable,) = [n for n in setup.upgrade_notes(old) if "cannot be read" in n]
    assert unreadable.startswith("13 customers have a phone")
    assert unreadable.count("keeps the phone") == 10 and "; and 3 more." in unreadable
