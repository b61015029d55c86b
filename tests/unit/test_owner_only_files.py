"""The database, its backups and the logs are made readable by their owner only (0600).

They hold customers' names, phones and addresses. The test runs under the common umask 022,
with which a file made without care is readable by every user of the machine.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import actor, pinned_clock
from warranty_desk.logs import setup_logging
from warranty_desk.permissions import Role
from warranty_desk.services import backup, backup_manifest, setup, staff
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

OWNER = actor(Role.OWNER)


@pytest.fixture(autouse=True)
def common_umask() -> Iterator[None]:
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def _mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def test_a_new_database_and_its_wal_and_shm_files_are_owner_only(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    db, _ = setup.init(home, clock=pinned_clock())
    try:
        staff.create_staff(db, OWNER, "Anna", Role.SALES, "4821")
        files = [home.database, Path(f"{home.database}-wal"), Path(f"{home.database}-shm")]
        assert {str(p.name): _mode(p) for p in files} == {p.name: "0o600" for p in files}
    finally:
        db.dispose()


def test_a_database_left_readable_by_an_earlier_version_is_made_owner_only(
    tmp_path: Path,
) -> None:
    home = Home(tmp_path / "home").ensure()
    db, _ = setup.init(home, clock=pinned_clock())
    db.dispose()
    home.database.chmod(0o644)
    reopened = Database(home.database, clock=pinned_clock())
    reopened.dispose()
    assert _mode(home.database) == "0o600"


def test_a_backup_its_manifest_and_the_safety_copy_of_a_restore_are_owner_only(
    db: Database, home: Home, tmp_path: Path,
) -> None:
    report = backup.backup(db, OWNER, tmp_path / "backup.sqlite3")
    assert (_mode(report.path), _mode(report.manifest)) == ("0o600", "0o600")
    db.dispose()
    restored = backup.restore(home, OWNER, report.path, clock=pinned_clock())
    assert restored.safety_copy is not None
    copies = [restored.safety_copy, backup_manifest.path_of(restored.safety_copy)]
    assert [_mode(p) for p in copies] == ["0o600", "0o600"]
    assert _mode(home.database) == "0o600"


def test_a_restore_onto_a_home_without_a_database_makes_it_owner_only(
    db: Database, tmp_path: Path,
) -> None:
    report = backup.backup(db, OWNER, tmp_path / "backup.sqlite3")
    fresh = Home(tmp_path / "new-till").ensure()
    backup.restore(fresh, OWNER, report.path, clock=pinned_clock())
    assert _mode(fresh.database) == "0o600"


def test_the_log_and_its_rotated_files_are_owner_only(home: Home) -> None:
    handler = setup_logging(home)
    try:
        logging.getLogger("warranty_desk.test").info("Customer Ann Smith, 07700 900596")
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        handler.doRollover()
        logging.getLogger("warranty_desk.test").info("After the rollover")
        handler.flush()
        logs = sorted(home.logs.iterdir())
        assert [p.name for p in logs] == ["warranty-desk.log", "warranty-desk.log.1"]
        assert [_mode(p) for p in logs] == ["0o600", "0o600"]
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
