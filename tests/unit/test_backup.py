"""Backups made while the app runs, and restores that check the file before touching anything."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from tests.conftest import actor, pinned_clock, sqlite_file
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.models import AuditEntry
from warranty_desk.permissions import Role
from warranty_desk.services import backup, backup_manifest, staff
from warranty_desk.storage import migrate
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

OWNER = actor(Role.OWNER)
ALLOWED = {Role.ADMIN, Role.OWNER, Role.SYSTEM}


# The cheap argon2id hasher (tests/conftest.py): many sign-ins run quickly.
pytestmark = pytest.mark.usefixtures("fast_hasher")


@pytest.fixture
def saved(db: Database, tmp_path: Path) -> Path:
    """A good backup of the fixture database, made before anything else is added."""
    return backup.backup(db, OWNER, tmp_path / "saved" / "backup.sqlite3").path


@pytest.fixture(autouse=True)
def saved_folder(tmp_path: Path) -> None:
    (tmp_path / "saved").mkdir()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _reseal(path: Path) -> None:
    """Make the manifest match a backup changed on purpose, so the checks after it are reached."""
    manifest = backup_manifest.path_of(path)
    body = json.loads(manifest.read_text(encoding="utf-8"))
    body.update(bytes=path.stat().st_size, sha256=_sha256(path))
    manifest.write_text(json.dumps(body), encoding="utf-8")


def _names(path: Path) -> list[str]:
    # Plain sqlite3 rather than Database, which would switch a copy to WAL mode.
    with sqlite_file(path) as raw:
        names = [r[0] for r in raw.execute("SELECT name FROM staff ORDER BY name")]
    return names


def _actions(path: Path) -> list[str]:
    with sqlite_file(path) as raw:
        actions = [r[0] for r in raw.execute("SELECT action FROM audit_entries ORDER BY seq")]
    return actions


@pytest.fixture
def live_untouched(db: Database, home: Home) -> Iterator[None]:
    """Asserts, after a refused restore, that the live file and the backups folder are as before."""
    staff.create_staff(db, OWNER, "Zed", Role.SALES, "4821")
    db.dispose()
    before = _sha256(home.database)
    yield
    assert _sha256(home.database) == before
    assert _names(home.database) == ["Zed"]
    folder = backup.backups_folder(home)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_backup_is_made_while_another_connection_holds_a_read_transaction(
    db: Database, tmp_path: Path,
) -> None:
    staff.create_staff(db, OWNER, "Anna", Role.SALES, "4821")
    reader = sqlite3.connect(db.path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM staff").fetchone() == (1,)
        with db.read() as session:
            assert len(session.scalars(select(AuditEntry)).all()) >= 2
            report = backup.backup(db, OWNER, tmp_path / "saved" / "during.sqlite3")
        assert reader.execute("SELECT count(*) FROM staff").fetchone() == (1,)
    finally:
        reader.close()
    assert report.sha256 == _sha256(report.path)
    assert report.bytes == report.path.stat().st_size
    assert report.tables >= 15
    with sqlite_file(report.path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert _names(report.path) == ["Anna"]
    assert not Path(f"{report.path}-wal").exists()
    assert sorted(p.name for p in report.path.parent.iterdir()) == [
        "during.sqlite3", "during.sqlite3.manifest.json"]


def test_a_backup_is_audited_in_the_live_database_with_its_hash(
    db: Database, tmp_path: Path,
) -> None:
    report = backup.backup(db, OWNER, tmp_path / "saved" / "b.sqlite3")
    with db.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry is not None
        assert entry.action == "backup.create"
        assert json.loads(entry.details)["sha256"] == report.sha256


def test_a_backup_never_overwrites_a_file_unless_asked(db: Database, saved: Path) -> None:
    before = _sha256(saved)
    staff.create_staff(db, OWNER, "Anna", Role.SALES, "4821")
    with pytest.raises(BadInput, match=r"backup\.sqlite3 already exists"):
        backup.backup(db, OWNER, saved)
    assert _sha256(saved) == before
    report = backup.backup(db, OWNER, saved, overwrite=True)
    assert report.sha256 != before
    assert _names(saved) == ["Anna"]


def test_a_backup_into_a_missing_folder_is_refused(db: Database, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        backup.backup(db, OWNER, tmp_path / "no-such-drive" / "b.sqlite3")
    assert not (tmp_path / "no-such-drive").exists()


def test_a_restore_brings_back_the_backup_and_keeps_a_safety_copy(
    db: Database, home: Home, saved: Path,
) -> None:
    staff.create_staff(db, OWNER, "Zed", Role.SALES, "4821")
    db.dispose()
    report = backup.restore(home, OWNER, saved, clock=pinned_clock())
    assert _names(home.database) == []
    assert report.safety_copy is not None
    assert report.safety_copy.parent == home.root / "backups"
    assert re.fullmatch(r"before-restore-\d{8}T\d{6}Z\.sqlite3", report.safety_copy.name)
    assert _names(report.safety_copy) == ["Zed"]
    assert report.sha256 == _sha256(saved)
    assert report.from_revision == report.to_revision == migrate.head_revision()
    assert _actions(home.database)[-2:] == ["backup.restore", "branch.epoch_started"]
    assert "backup.restore" not in _actions(report.safety_copy)
    assert sorted(p.name for p in (home.root / "backups").iterdir()) == [
        report.safety_copy.name, report.safety_copy.name + ".manifest.json"]


def test_the_restored_database_works_as_the_live_one_again(
    db: Database, home: Home, saved: Path,
) -> None:
    db.dispose()
    backup.restore(home, OWNER, saved, clock=pinned_clock())
    reopened = Database(home.database, clock=pinned_clock())
    try:
        staff.create_staff(reopened, OWNER, "Anna", Role.SALES, "4821")
        assert staff.sign_in(reopened, "Anna", "4821").name == "Anna"
        with reopened.read() as session:
            mode = session.connection().exec_driver_sql("PRAGMA journal_mode").scalar()
        assert mode == "wal"
    finally:
        reopened.dispose()


def test_a_backup_from_an_older_known_schema_is_upgraded_after_restore(
    db: Database, home: Home, saved: Path,
) -> None:
    old = Database(saved, clock=pinned_clock())
    try:
        config = migrate.alembic_config()
        with old.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        assert migrate.current_revision(old) == "0001"
    finally:
        old.dispose()
    manifest = backup_manifest.path_of(saved)
    body = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**body, "schema": "0001"}), encoding="utf-8")
    _reseal(saved)
    db.dispose()
    report = backup.restore(home, OWNER, saved, clock=pinned_clock())
    assert (report.from_revision, report.to_revision) == ("0001", migrate.head_revision())
    with sqlite_file(home.database) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    assert "customers_fts" in tables


def test_a_truncated_backup_is_refused_and_the_live_database_is_unchanged(
    home: Home, saved: Path, live_untouched: None,
) -> None:
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 3])
    with pytest.raises(BadInput, match=r"^backup\.sqlite3 is [\d,]+ bytes, but its manifest says "
                                       r"[\d,]+ were written: the file was cut short since .*\. "
                                       r"Nothing was changed; pick another backup\.$"):
        backup.restore(home, OWNER, saved, clock=pinned_clock())


def test_a_backup_with_scrambled_pages_is_refused_and_the_live_database_is_unchanged(
    home: Home, saved: Path, live_untouched: None,
) -> None:
    data = bytearray(saved.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, 3 * page):
        data[start + 8:start + 200] = bytes(range(192))
    saved.write_bytes(bytes(data))
    with pytest.raises(BadInput, match=r"backup\.sqlite3 does not match its manifest"):
        backup.restore(home, OWNER, saved, clock=pinned_clock())
    backup_manifest.path_of(saved).unlink()
    with pytest.raises(BadInput, match=r"backup\.sqlite3 is damaged"):
        backup.restore(home, OWNER, saved, clock=pinned_clock())


def test_a_file_that_is_not_a_database_is_refused(
    home: Home, tmp_path: Path, live_untouched: None,
) -> None:
    fake = tmp_path / "backup.sqlite3"
    fake.write_bytes(b"Just some notes, not a database at all.\n" * 10)
    with pytest.raises(BadInput, match=r"not a Warranty Desk backup \(it is not a database file\)"):
        backup.restore(home, OWNER, fake, clock=pinned_clock())


def test_a_missing_file_is_refused(home: Home, tmp_path: Path, live_untouched: None) -> None:
    with pytest.raises(BadInput, match=r"gone\.sqlite3 was not found"):
        backup.restore(home, OWNER, tmp_path / "gone.sqlite3", clock=pinned_clock())


def test_an_sqlite_file_without_the_warranty_desk_schema_is_refused(
    home: Home, tmp_path: Path, live_untouched: None,
) -> None:
    other = tmp_path / "recipes.sqlite3"
    with sqlite_file(other) as raw:
        raw.execute("CREATE TABLE recipes (name TEXT)")
        raw.execute("INSERT INTO recipes VALUES ('soup')")
    with pytest.raises(BadInput, match=r"recipes\.sqlite3 is not a Warranty Desk backup"):
        backup.restore(home, OWNER, other, clock=pinned_clock())


def test_a_backup_from_a_newer_version_is_refused(
    home: Home, saved: Path, live_untouched: None,
) -> None:
    with sqlite_file(saved) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    _reseal(saved)
    with pytest.raises(BadInput, match=r"newer or different Warranty Desk \(schema 9999\)"):
        backup.restore(home, OWNER, saved, clock=pinned_clock())


def test_a_backup_without_a_shop_is_refused(
    home: Home, saved: Path, live_untouched: None,
) -> None:
    with sqlite_file(saved) as raw:
        raw.execute("DELETE FROM shop")
    _reseal(saved)
    with pytest.raises(BadInput, match="has no shop in it"):
        backup.restore(home, OWNER, saved, clock=pinned_clock())


def test_a_backup_with_broken_links_between_records_is_refused(
    home: Home, saved: Path, live_untouched: None,
) -> None:
    with sqlite_file(saved) as raw:
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("INSERT INTO import_batches (id, file_sha256, file_name, format, rows, "
                    "imported_at, imported_by_id) VALUES (x'01', 'abc', 'x.csv', 'csv', 0, "
                    "'2026-11-22 10:00:00', x'02')")
    _reseal(saved)
    with pytest.raises(BadInput, match="point at records that are not there"):
        backup.restore(home, OWNER, saved, clock=pinned_clock())


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_owners_and_the_command_line_may_back_up(
    db: Database, tmp_path: Path, role: Role,
) -> None:
    target = tmp_path / "saved" / "b.sqlite3"
    if role in ALLOWED:
        assert backup.backup(db, actor(role), target).path == target
        assert target.exists()
    else:
        with pytest.raises(PermissionDenied, match="may not back up and restore"):
            backup.backup(db, actor(role), target)
        assert not target.exists()


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_owners_and_the_command_line_may_restore(
    db: Database, home: Home, saved: Path, role: Role,
) -> None:
    staff.create_staff(db, OWNER, "Zed", Role.SALES, "4821")
    db.dispose()
    if role in ALLOWED:
        backup.restore(home, actor(role), saved, clock=pinned_clock())
        assert _names(home.database) == []
    else:
        with pytest.raises(PermissionDenied, match="may not back up and restore"):
            backup.restore(home, actor(role), saved, clock=pinned_clock())
        assert _names(home.database) == ["Zed"]
        assert not backup.backups_folder(home).exists()
