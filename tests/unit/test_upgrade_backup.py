"""A newer version backs an older shop's database up before migrating it, and a migration that
fails (a broken migration, a disk fault) puts that backup back: the shop stays as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic import command

from tests.conftest import pinned_clock, sqlite_file
from warranty_desk import cli
from warranty_desk.clock import FixedClock
from warranty_desk.errors import DatabaseDamaged
from warranty_desk.services import backup, upgrade
from warranty_desk.services.setup import open_database
from warranty_desk.storage import migrate, schema
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

# The shop's schema today, and the next one a newer version brings (the failing migration's).
CURRENT = schema.HEAD
NEXT = f"{int(CURRENT) + 1:04d}"
# A migration made to fail halfway: it changes the schema and the records, then raises.
FAILING = '''"""A test-only migration that fails after changing things."""
import sqlalchemy as sa
from alembic import op

revision = "NEXT"
down_revision = "CURRENT"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("UPDATE shop SET name = 'changed by a broken migration'")
    raise RuntimeError("the test migration broke on purpose")


def downgrade() -> None:
    pass
'''.replace("NEXT", NEXT).replace("CURRENT", CURRENT)


def downgrade(home: Home, revision: str) -> None:
    """Take the shop's database to an earlier revision with the real migrations."""
    db = open_database(home, pinned_clock())
    try:
        config = migrate.alembic_config()
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        db.dispose()


def _content(path: Path) -> list[str]:
    with sqlite_file(path) as connection:
        return list(connection.iterdump())


def _revision(path: Path) -> list[str] | None:
    return schema.file_revisions(path)


@pytest.fixture
def old_shop(db: Database, home: Home) -> Home:
    """The test shop, taken back to schema 0020 as a shop that last ran an older version."""
    db.dispose()
    downgrade(home, "0020")
    assert _revision(home.database) == ["0020"]
    return home


@pytest.fixture
def failing_migration(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test shop at today's head, and a newer version whose next migration fails."""
    db.dispose()
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, folder,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / f"{NEXT}_test_fails.py").write_text(FAILING, "utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS", folder)
    monkeypatch.setattr(schema, "HEAD", NEXT)


def test_an_older_shop_is_backed_up_then_upgraded(old_shop: Home) -> None:
    before = _content(old_shop.database)
    clock = FixedClock.on(pinned_clock().now().date())
    done = upgrade.upgrade_if_older(old_shop, clock)
    assert done is not None
    assert (done.from_revision, done.to_revision) == ("0020", schema.HEAD)
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    assert done.backup.path == (old_shop.backups
                                / f"before-upgrade-0020-to-{schema.HEAD}-{stamp}.sqlite3")
    assert backup.is_good(done.backup.path)  # a restore would take it
    assert _content(done.backup.path) == before  # the old database, as it was
    assert _revision(old_shop.database) == [schema.HEAD]
    assert upgrade.upgrade_if_older(old_shop, clock) is None  # nothing more to do, no backup
    assert [p.name for p in old_shop.backups.glob("*.sqlite3")] == [done.backup.path.name]


@pytest.mark.usefixtures("failing_migration")
@pytest.mark.logs(rf"The upgrade from schema {CURRENT} to {NEXT} failed", r"^Put back ")
def test_a_failed_migration_puts_the_backup_back_and_says_so(home: Home) -> None:
    before = _content(home.database)
    with pytest.raises(upgrade.UpgradeFailed) as failed:
        upgrade.upgrade_if_older(home, pinned_clock())
    said = str(failed.value)
    assert f"from schema {CURRENT} to {NEXT} failed (the test migration broke on purpose)" in said
    assert "put back exactly as they were from the backup made just before" in said
    assert "nothing is lost" in said and "keep using the previous version" in said
    assert f"before-upgrade-{CURRENT}-to-{NEXT}-" in said
    assert _revision(home.database) == [CURRENT]
    assert _content(home.database) == before  # not one row or table changed


@pytest.mark.logs(r"The upgrade from schema 0020 to \d+ failed", r"^Put back ")
def test_a_disk_fault_mid_upgrade_is_undone_from_the_backup(old_shop: Home) -> None:
    before = _content(old_shop.database)

    def disk_fails(db: Database) -> None:
        migrate.upgrade(db)
        db.dispose()
        # The file is left half written: its first page gone, as after a failing disk.
        with old_shop.database.open("r+b") as handle:
            handle.write(b"\0" * 4096)
        raise OSError(28, "No space left on device")

    with pytest.raises(upgrade.UpgradeFailed) as failed:
        upgrade.upgrade_if_older(old_shop, pinned_clock(), disk_fails)
    assert "(No space left on device)" in str(failed.value)
    assert "nothing is lost" in str(failed.value)
    assert _revision(old_shop.database) == ["0020"]
    assert _content(old_shop.database) == before
    # The damaged file is kept beside the backups for support, never deleted.
    assert len(list(old_shop.backups.glob("*.damaged"))) == 1


@pytest.mark.logs(r"The backup before the upgrade failed")
def test_a_backup_that_cannot_be_written_stops_the_upgrade_before_it_starts(
        old_shop: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    before = old_shop.database.read_bytes()

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "copy_file", full)
    with pytest.raises(upgrade.UpgradeFailed) as failed:
        upgrade.upgrade_if_older(old_shop, pinned_clock())
    assert ("the backup made first could not be written (No space left on device). Nothing "
            "was changed") in str(failed.value)
    assert old_shop.database.read_bytes() == before  # byte for byte


def test_the_command_line_says_it_backed_up_before_upgrading(
        old_shop: Home, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--home", str(old_shop.root), "audit", "verify"]) == 0
    err = capsys.readouterr().err
    assert f"Updated the shop's records from schema 0020 to {schema.HEAD}" in err
    assert "backed up at" in err and "before-upgrade-0020-to-" in err


@pytest.mark.usefixtures("failing_migration")
@pytest.mark.logs(rf"The upgrade from schema {CURRENT} to {NEXT} failed", r"^Put back ",
                  r"Running upgrade", r"Context impl", r"Will assume", r"^Backed up to ")
def test_the_command_line_says_the_backup_was_put_back(
        home: Home, capsys: pytest.CaptureFixture[str]) -> None:
    before = _content(home.database)
    assert cli.main(["--home", str(home.root), "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("warranty-desk: Updating the shop's records from schema "
                          f"{CURRENT} to {NEXT} failed")
    assert "nothing is lost" in err
    assert _content(home.database) == before


def test_records_of_a_newer_version_are_refused_without_a_backup_or_a_change(
        db: Database, home: Home) -> None:
    db.dispose()
    with sqlite_file(home.database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    before = _content(home.database)
    with pytest.raises(upgrade.UpgradeFailed, match="at schema 0099, which this version"):
        upgrade.upgrade_if_older(home, pinned_clock())
    assert _content(home.database) == before
    assert not home.backups.exists() or not list(home.backups.iterdir())


def test_init_says_where_the_database_as_it_was_is_backed_up(
        old_shop: Home, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--home", str(old_shop.root), "init"]) == 0
    out = capsys.readouterr().out
    assert f"It was at schema 0020, now {schema.HEAD}; the database as it was is backed up at " \
           f"{old_shop.backups}/before-upgrade-0020-to-{schema.HEAD}-" in out
    assert _revision(old_shop.database) == [schema.HEAD]


def test_a_damaged_older_file_is_neither_backed_up_nor_migrated(old_shop: Home) -> None:
    with sqlite_file(old_shop.database) as connection:
        (page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'policies'").fetchone()
        (size,) = connection.execute("PRAGMA page_size").fetchone()
    with old_shop.database.open("r+b") as handle:  # the policies' page overwritten
        handle.seek((page - 1) * size)
        handle.write(b"\xa5" * size)
    before = old_shop.database.read_bytes()
    with pytest.raises(DatabaseDamaged):
        upgrade.upgrade_if_older(old_shop, pinned_clock())
    assert old_shop.database.read_bytes() == before
    assert not old_shop.backups.exists() or not list(old_shop.backups.iterdir())
