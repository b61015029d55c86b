"""Backing up the live database with SQLite's online backup API, and restoring a checked backup."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from alembic.script import ScriptDirectory

from warranty_desk.clock import Clock
from warranty_desk.errors import BadInput
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit
from warranty_desk.storage import migrate
from warranty_desk.storage.database import BUSY_TIMEOUT_MS, Database
from warranty_desk.storage.home import Home

SQLITE_HEADER = b"SQLite format 3\x00"
_NOTHING_CHANGED = "Nothing was changed; pick another backup."


@dataclass(frozen=True, slots=True)
class BackupReport:
    """A finished backup: where it is, its size and hash (to check a copy), and its tables."""

    path: Path
    bytes: int
    sha256: str
    tables: int


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """A finished restore: what was restored, the safety copy of what it replaced, and schemas."""

    source: Path
    sha256: str
    safety_copy: Path | None
    from_revision: str
    to_revision: str


def backups_folder(home: Home) -> Path:
    """Where restore keeps its safety copies."""
    return home.root / "backups"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    # sqlite3's own context manager only ends a transaction; this one closes the file too.
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        # A backup from elsewhere is untrusted: no SQL functions run from its views or triggers.
        connection.execute("PRAGMA trusted_schema=OFF")
        yield connection
    finally:
        connection.close()


def _copy_into_new_file(source: sqlite3.Connection, target: Path) -> None:
    """Copy a database into a new single file at target (temp file next to it, then rename)."""
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".partial",
                                     dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        with _connect(temp) as destination:
            source.backup(destination)
            # One self-contained file: no -wal or -shm left beside a copy on a USB stick.
            destination.execute("PRAGMA journal_mode=DELETE")
        _fsync(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _table_count(path: Path) -> int:
    with _connect(path) as connection:
        row = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
    return int(row[0])


def backup(db: Database, actor: Actor, target: Path, *, overwrite: bool = False) -> BackupReport:
    """Copy the live database to target while the app keeps running; audited in the live DB."""
    require(actor, Permission.BACKUP)
    target = target.expanduser().absolute()
    if target.exists() and not overwrite:
        raise BadInput(f"{target.name} already exists in {target.parent}. Pick another name, "
                       "or choose to replace it.")
    if target.is_dir():
        raise BadInput(f"{target} is a folder. Type a file name inside it, such as "
                       "warranty-desk-backup.sqlite3.")
    if not target.parent.is_dir():
        raise BadInput(f"The folder {target.parent} does not exist. Plug in the backup drive "
                       "or pick another folder.")
    raw = db.engine.raw_connection()
    try:
        # The online backup API reads one consistent snapshot; in WAL mode it neither waits for
        # nor blocks the tills that keep working meanwhile.
        live = cast(sqlite3.Connection, raw.driver_connection)
        _copy_into_new_file(live, target)
    finally:
        raw.close()
    report = BackupReport(path=target, bytes=target.stat().st_size, sha256=_sha256(target),
                          tables=_table_count(target))
    with db.write() as session:
        audit.record(session, actor, "backup.create", "database", target.name,
                     {"path": str(target), "sha256": report.sha256, "bytes": report.bytes})
    return report


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    return {rev.revision for rev in script.walk_revisions("base", migrate.head_revision())}


def _check_backup(path: Path, shown: str) -> str:
    """Refuse a staged backup copy that is not a sound Warranty Desk database; its revision."""

    def refuse(problem: str) -> BadInput:
        return BadInput(f"{shown} {problem}. {_NOTHING_CHANGED}")

    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise refuse("is not a Warranty Desk backup (it is not a database file)")
    try:
        with _connect(path) as connection:
            problems = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                detail = "; ".join(problems[:3])
                raise refuse(f"is damaged (integrity check failed: {detail})")
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise refuse(f"is damaged ({len(broken)} records point at records that are not "
                             f"there, first in table {broken[0][0]})")
            tables = {str(r[0]) for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables or "shop" not in tables:
                raise refuse("is not a Warranty Desk backup (it has none of its tables)")
            versions = [str(r[0]) for r in connection.execute(
                "SELECT version_num FROM alembic_version")]
            if len(versions) != 1:
                raise refuse("is damaged (it does not say which schema version it has)")
            revision = versions[0]
            if revision not in _known_revisions():
                raise refuse(f"was made by a newer or different Warranty Desk (schema "
                             f"{revision}). Update Warranty Desk, then restore it again")
            shops = connection.execute("SELECT count(*) FROM shop").fetchone()[0]
            if not shops:
                raise refuse("has no shop in it, so it is not a backup of a shop")
    except sqlite3.DatabaseError as exc:
        raise refuse(f"is damaged (integrity check failed: {exc})") from None
    return revision


def _safety_copy_path(home: Home, clock: Clock) -> Path:
    folder = backups_folder(home)
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"before-restore-{stamp}.sqlite3"
    number = 2
    while path.exists():
        path = folder / f"before-restore-{stamp}-{number}.sqlite3"
        number += 1
    return path


def restore(home: Home, actor: Actor, source: Path, *, clock: Clock) -> RestoreReport:
    """Replace the live database with a checked backup, keeping a safety copy of the old one.

    Every check runs on a private copy of the backup before the live file is touched. The
    caller must dispose its Database (and stop the sync worker) first: connections left open
    would keep reading the replaced pages. Open a new Database on the home afterwards.
    """
    require(actor, Permission.BACKUP)
    source = source.expanduser().absolute()
    if not source.is_file():
        raise BadInput(f"{source.name} was not found in {source.parent}. {_NOTHING_CHANGED}")
    home.ensure()
    folder = backups_folder(home)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A private copy, so the file checked is the file restored even if a USB stick is pulled
    # or the source changes in between; the live file stays untouched until it passes.
    fd, staged_name = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite3", dir=folder)
    os.close(fd)
    staged = Path(staged_name)
    try:
        with source.open("rb") as reader, staged.open("wb") as writer:
            while chunk := reader.read(1024 * 1024):
                writer.write(chunk)
        digest = _sha256(staged)
        from_revision = _check_backup(staged, source.name)

        safety: Path | None = None
        if home.database.exists():
            safety = _safety_copy_path(home, clock)
            with _connect(home.database) as live:
                _copy_into_new_file(live, safety)

        with _connect(staged) as backup_file, _connect(home.database) as live:
            # Out of WAL for the copy: a WAL destination refuses a backup with another page
            # size. Database switches WAL back on at its next connection.
            live.execute("PRAGMA journal_mode=DELETE")
            backup_file.backup(live)
    finally:
        for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            leftover.unlink(missing_ok=True)

    db = Database(home.database, clock=clock)
    try:
        migrate.upgrade(db)
        with db.write() as session:
            audit.record(session, actor, "backup.restore", "database", source.name,
                         {"source": str(source), "sha256": digest,
                          "safety_copy": str(safety) if safety else "",
                          "from_revision": from_revision})
        to_revision = migrate.current_revision(db) or ""
    finally:
        db.dispose()
    return RestoreReport(source=source, sha256=digest, safety_copy=safety,
                         from_revision=from_revision, to_revision=to_revision)
