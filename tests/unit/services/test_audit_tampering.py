"""Tampering with the audit log, column by column and value by value: always named, never a crash.

A tamperer with the file can drop the append-only guard, write any value of any type into any
column (SQLite keeps what it is given), or rebuild the table without its types and
constraints. `audit verify` names the entry that changed, or says the guard is gone; what the
till alone cannot see (a cut-off tail, a re-hashed chain) is head office's to catch
(tests/portal/test_portal_drift.py).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tests.conftest import actor
from warranty_desk.permissions import Role
from warranty_desk.services import audit, catalogue, staff
from warranty_desk.storage.database import Database

COLUMNS = ("seq", "at", "actor_id", "actor_name", "action", "entity", "entity_id", "details",
           "prev_hash", "hash")
# SQL literals of every kind SQLite stores, and the values a tamperer would try.
WRONG_VALUES = {
    "null": "NULL",
    "zero": "0",
    "integer": "7",
    "negative": "-1",
    "huge integer": "9223372036854775807",
    "float": "1e308",
    "text": "'not a date, not an id'",
    "empty text": "''",
    "broken utf-8": "CAST(x'ff00fe' AS TEXT)",
    "blob": "x'00ff00ff'",
    "empty blob": "x''",
    "16-byte blob": "x'000102030405060708090a0b0c0d0e0f'",
    "huge text": "printf('%.*c', 2000000, 'x')",
    "huge blob": "zeroblob(2000000)",
    "date": "'2026-11-22 12:00:00'",
    "date with a zone": "'2026-11-22T12:00:00+00:00'",
}
TAMPERED = 4  # the entry each tampering changes


# The cheap argon2id hasher (tests/conftest.py): many sign-ins run quickly.
pytestmark = pytest.mark.usefixtures("fast_hasher")


def _entries(db: Database, n: int = 8) -> None:
    """Entries by a signed-in person (with a staff id) and by a role without one, alternately."""
    owner = actor(Role.OWNER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Tamper 12",
                                                          manufacturer_months=12))
    staff.create_staff(db, owner, "Anna", Role.OWNER, "4821")
    for i in range(n):
        anna = staff.sign_in(db, "Anna", "4821")
        catalogue.add_products(db, anna if i % 2 else owner, [catalogue.ProductInput(
            sku=f"SKU-{i}", name=f"Product {i}", brand="Orbit", category="phones",
            policy="Tamper 12")])


@pytest.fixture
def chain(db: Database) -> Iterator[Database]:
    """A database whose audit log holds at least eight entries, all intact."""
    _entries(db)
    report = _verify(db)
    assert report.ok and report.entries >= 8, report
    yield db


def _raw(db: Database) -> sqlite3.Connection:
    conn = sqlite3.connect(db.path, isolation_level=None)
    conn.execute("PRAGMA trusted_schema=ON")  # the tamperer's own connection, not ours
    return conn


def _drop_guard(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")


def _restore_guard(conn: sqlite3.Connection) -> None:
    # The careful tamperer puts the guard back, so only the chain can tell.
    for sql in audit.GUARD_TRIGGERS.values():
        conn.execute(sql)


def _tamper(db: Database, *statements: str, loose: bool = False) -> None:
    conn = _raw(db)
    try:
        _drop_guard(conn)
        if loose:
            # The table rebuilt without types or constraints: any value fits any column.
            cols = ", ".join(COLUMNS)
            conn.execute(f"CREATE TABLE loose ({cols})")
            conn.execute(f"INSERT INTO loose SELECT {cols} FROM audit_entries")
            conn.execute("DROP TABLE audit_entries")
            conn.execute("ALTER TABLE loose RENAME TO audit_entries")
        for sql in statements:
            conn.execute(sql)
        _restore_guard(conn)
    finally:
        conn.close()


def _verify(db: Database) -> audit.ChainReport:
    with db.read() as session:
        return audit.verify(session)


def _bad(db: Database) -> audit.ChainReport:
    report = _verify(db)
    assert not report.ok, report
    assert report.problem and len(report.problem) < 400, report.problem
    return report


@pytest.mark.parametrize("value", list(WRONG_VALUES), ids=list(WRONG_VALUES))
@pytest.mark.parametrize("column", COLUMNS[1:])
def test_any_value_of_any_type_in_any_column_names_its_entry_as_changed(
    chain: Database, column: str, value: str,
) -> None:
    _tamper(chain, f"UPDATE audit_entries SET {column} = {WRONG_VALUES[value]} "
                   f"WHERE seq = {TAMPERED}", loose=True)
    report = _bad(chain)
    assert report.first_bad_seq == TAMPERED, report
    # A link that is no longer the hash before it: "entry 4 does not follow entry 3".
    assert f"entry {TAMPERED} was changed" in report.problem or (
        column == "prev_hash" and f"entry {TAMPERED} does not follow" in report.problem)
    assert report.entries == TAMPERED - 1


@pytest.mark.parametrize("value", list(WRONG_VALUES), ids=list(WRONG_VALUES))
def test_any_value_of_any_type_as_an_entry_number_is_reported(
    chain: Database, value: str,
) -> None:
    _tamper(chain, f"UPDATE audit_entries SET seq = {WRONG_VALUES[value]} "
                   f"WHERE seq = {TAMPERED}", loose=True)
    report = _bad(chain)
    assert report.first_bad_seq is not None and report.first_bad_seq <= TAMPERED


@pytest.mark.parametrize("column, value", [
    ("at", "'not a date'"), ("at", "12345"), ("at", "x'00'"),
    ("actor_id", "'not an id'"), ("actor_id", "42"), ("actor_id", "9223372036854775807"),
    ("actor_id", "x''"), ("actor_id", "x'0001'"), ("actor_name", "x'416e6e61'"),
    ("details", "x'7b7d'"), ("entity_id", "CAST(x'ff' AS TEXT)"), ("hash", "NULL"),
])
def test_the_wrong_types_on_the_real_table_are_named_not_crashed_on(
    chain: Database, column: str, value: str,
) -> None:
    # The cases of the independent run: a time that is not a date, a staff id that is not an id.
    if value == "NULL":
        with pytest.raises(sqlite3.IntegrityError):
            _tamper(chain, f"UPDATE audit_entries SET {column} = NULL WHERE seq = {TAMPERED}")
        return
    _tamper(chain, f"UPDATE audit_entries SET {column} = {value} WHERE seq = {TAMPERED}")
    report = _bad(chain)
    assert report.first_bad_seq == TAMPERED and f"entry {TAMPERED} was changed" in report.problem


def test_a_time_written_another_way_for_the_same_instant_is_a_change(chain: Database) -> None:
    conn = _raw(chain)
    (at,) = conn.execute(f"SELECT at FROM audit_entries WHERE seq = {TAMPERED}").fetchone()
    conn.close()
    same_instant = str(at).replace(" ", "T") + "+00:00"
    _tamper(chain, f"UPDATE audit_entries SET at = '{same_instant}' WHERE seq = {TAMPERED}")
    assert _bad(chain).first_bad_seq == TAMPERED


def test_a_system_entry_given_an_empty_staff_id_is_a_change(db: Database) -> None:
    _entries(db, 2)
    with db.write() as session:
        audit.record(session, actor(Role.SYSTEM), "test.system", "shop", "1")
    seq = _verify(db).entries
    _tamper(db, f"UPDATE audit_entries SET actor_id = x'' WHERE seq = {seq}")
    assert _bad(db).first_bad_seq == seq


@pytest.mark.parametrize("how, sql", [
    ("deleted", f"DELETE FROM audit_entries WHERE seq = {TAMPERED}"),
    ("deleted first", "DELETE FROM audit_entries WHERE seq = 1"),
    ("renumbered", f"UPDATE audit_entries SET seq = seq + 1000 WHERE seq = {TAMPERED}"),
    ("swapped", f"UPDATE audit_entries SET seq = CASE seq WHEN {TAMPERED} THEN {TAMPERED + 1} "
                f"ELSE {TAMPERED} END WHERE seq IN ({TAMPERED}, {TAMPERED + 1})"),
    ("inserted", f"INSERT INTO audit_entries SELECT {TAMPERED} + 0.5, at, actor_id, "
                 f"actor_name, action, entity, entity_id, details, hash, hash "
                 f"FROM audit_entries WHERE seq = {TAMPERED}"),
    ("duplicated", f"INSERT INTO audit_entries SELECT * FROM audit_entries "
                   f"WHERE seq = {TAMPERED}"),
    ("numbered zero", "INSERT INTO audit_entries SELECT 0, at, actor_id, actor_name, action, "
                      "entity, entity_id, details, prev_hash, hash FROM audit_entries "
                      "WHERE seq = 1"),
])
def test_deleted_inserted_and_reordered_entries_are_found(
    chain: Database, how: str, sql: str,
) -> None:
    _tamper(chain, sql, loose=True)
    report = _bad(chain)
    assert report.first_bad_seq is not None and report.first_bad_seq <= TAMPERED + 1


def test_a_table_rebuilt_without_its_columns_is_reported(chain: Database) -> None:
    _tamper(chain, "CREATE TABLE other (seq INTEGER PRIMARY KEY, note TEXT)",
            "INSERT INTO other (seq, note) SELECT seq, action FROM audit_entries",
            "DROP TABLE audit_entries", "ALTER TABLE other RENAME TO audit_entries")
    report = _bad(chain)
    assert "audit log's table" in report.problem


def test_a_missing_table_is_reported(chain: Database) -> None:
    conn = _raw(chain)
    conn.execute("DROP TABLE audit_entries")
    conn.close()
    assert "audit log's table" in _bad(chain).problem


def test_a_dropped_guard_is_reported_even_when_every_entry_checks_out(chain: Database) -> None:
    conn = _raw(chain)
    _drop_guard(conn)
    conn.close()
    report = _bad(chain)
    assert report.first_bad_seq is None and report.entries >= 8
    assert "guard" in report.problem and not report.guarded


def test_a_guard_that_no_longer_refuses_is_reported(chain: Database) -> None:
    conn = _raw(chain)
    _drop_guard(conn)
    conn.execute("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
                 "BEGIN SELECT 1; END")
    conn.execute(audit.GUARD_TRIGGERS["audit_entries_no_delete"])
    conn.close()
    report = _bad(chain)
    assert "guard" in report.problem and not report.guarded


def test_a_cut_off_tail_and_a_rehashed_chain_pass_at_the_till(chain: Database) -> None:
    # What only head office can see: the chain is whole as far as the till's file goes.
    _tamper(chain, "DELETE FROM audit_entries WHERE seq > 6")
    assert _verify(chain).ok
    rehash(chain, 3, actor_name="Someone else")
    report = _verify(chain)
    assert report.ok and report.entries == 6


def rehash(db: Database, seq: int, **changes: str) -> None:
    """Change entry `seq` and re-hash it and every entry after it, guard dropped and put back."""
    conn = _raw(db)
    try:
        _drop_guard(conn)
        rows = conn.execute(
            "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, details "
            "FROM audit_entries WHERE seq >= ? ORDER BY seq", (seq,)).fetchall()
        (prev,) = conn.execute("SELECT hash FROM audit_entries WHERE seq = ?",
                               (seq - 1,)).fetchone() if seq > 1 else (audit.GENESIS,)
        for row in rows:
            n, at, actor_id, actor_name, action, entity, entity_id, details = row
            if n == seq:
                actor_name = changes.get("actor_name", actor_name)
                details = changes.get("details", details)
            digest = audit.entry_hash(
                seq=n, at=datetime.fromisoformat(at).replace(tzinfo=UTC),
                actor_id=bytes(actor_id).hex() if actor_id is not None else "",
                actor_name=actor_name, action=action, entity=entity, entity_id=entity_id,
                details=details, prev_hash=prev)
            conn.execute("UPDATE audit_entries SET actor_name = ?, details = ?, prev_hash = ?, "
                         "hash = ? WHERE seq = ?", (actor_name, details, prev, digest, n))
            prev = digest
        _restore_guard(conn)
    finally:
        conn.close()


def test_verify_on_the_command_line_names_the_entry_for_a_timestamp_that_is_not_a_date(
    chain: Database, capsys: pytest.CaptureFixture[str],
) -> None:
    from warranty_desk import cli

    _tamper(chain, f"UPDATE audit_entries SET at = 'yesterday' WHERE seq = {TAMPERED}",
            f"UPDATE audit_entries SET actor_id = 'not an id' WHERE seq = {TAMPERED + 1}")
    chain.dispose()
    code = cli.main(["--home", str(chain.path.parent), "audit", "verify", "--json"])
    out = capsys.readouterr()
    assert code == 1 and "bug" not in out.err, out.err
    assert f'"first_bad_entry": {TAMPERED}' in out.out


def _random_value(rng: random.Random) -> str:
    """A SQL literal of a random kind: what a tamperer's script might write."""
    kind = rng.randrange(7)
    if kind == 0:
        return str(rng.randint(-(2 ** 63), 2 ** 63 - 1))
    if kind == 1:
        return repr(rng.uniform(-1e300, 1e300))
    if kind == 2:
        return "x'" + rng.randbytes(rng.choice((0, 1, 15, 16, 17, 64))).hex() + "'"
    if kind == 3:
        return "CAST(x'" + rng.randbytes(rng.randint(1, 40)).hex() + "' AS TEXT)"
    if kind == 4:
        text = "".join(chr(rng.choice((rng.randint(32, 126), rng.randint(0x80, 0x10FFFF))))
                       for _ in range(rng.randint(0, 30)))
        text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
        return "'" + text.replace("'", "''") + "'"
    if kind == 5:
        return "NULL"
    return "'2026-11-22 12:00:00." + f"{rng.randint(0, 999999):06d}'"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bytes]:
    """The bytes of a database whose audit chain holds intact entries, to copy per case."""
    from tests.conftest import pinned_clock
    from warranty_desk.services import setup
    from warranty_desk.storage.home import Home

    home = Home(tmp_path_factory.mktemp("tamper-template") / "home").ensure()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024,
                                                      parallelism=1))
        db, _ = setup.init(home, clock=pinned_clock())
        _entries(db)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    yield home.database.read_bytes()


def test_random_tampering_of_any_column_is_always_reported_never_a_crash(
    template: bytes, tmp_path: Path,
) -> None:
    from tests.conftest import pinned_clock

    rng = random.Random(13)
    tried = detected = 0
    for case in range(150):
        path = tmp_path / f"case-{case}.sqlite3"
        path.write_bytes(template)
        db = Database(path, clock=pinned_clock())
        conn = _raw(db)
        (entries,) = conn.execute("SELECT count(*) FROM audit_entries").fetchone()
        conn.close()
        column = rng.choice(COLUMNS)
        seq = rng.randint(1, entries)
        value = _random_value(rng)
        before = _row(path)
        try:
            _tamper(db, f"UPDATE audit_entries SET {column} = {value} WHERE seq = {seq}",
                    loose=rng.random() < 0.5)
        except sqlite3.IntegrityError:  # the typed table's NOT NULL or key kept it out
            db.dispose()
            continue
        if _row(path) == before:
            db.dispose()
            continue  # the value written was the one there: nothing changed
        tried += 1
        report = _verify(db)  # never raises, whatever was written
        db.dispose()
        assert not report.ok and report.first_bad_seq is not None, (column, value, report)
        assert report.first_bad_seq <= seq, (column, value, report)
        detected += 1
    assert detected == tried >= 120


def _row(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        # hex() of each value with its type: text that is not UTF-8 compares too.
        row = conn.execute(f"SELECT {', '.join(f'typeof({c}), hex({c})' for c in COLUMNS)} "
                           "FROM audit_entries ORDER BY rowid").fetchall()
    finally:
        conn.close()
    return row
