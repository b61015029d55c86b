"""Backing up the live database with SQLite's online backup API, and restoring a checked backup.

Every backup is written with its manifest beside it (services/backup_manifest.py); a restore
takes a file only when it is byte for byte what the manifest says was written, and only when
no other program holds the shop's database open.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from warranty_desk import config
from warranty_desk.clock import Clock
from warranty_desk.errors import BadInput, DatabaseInUse
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit, backup_manifest, epochs, erasure
from warranty_desk.services.backup_manifest import NOTHING_CHANGED, Contents, Manifest, refusal
from warranty_desk.services.epochs import EpochView
from warranty_desk.storage import migrate, soundness
from warranty_desk.storage.database import BUSY_TIMEOUT_MS, Database
from warranty_desk.storage.home import Home
from warranty_desk.storage.private import private_file


@dataclass(frozen=True, slots=True)
class BackupReport:
    """A finished backup: where it is, its size and hash (to check a copy), and its tables."""

    path: Path
    bytes: int
    sha256: str
    tables: int
    manifest: Path  # beside the backup; a restore needs the two together


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """A finished restore: what was restored, the safety copy of what it replaced, and schemas."""

    source: Path
    sha256: str
    safety_copy: Path | None
    from_revision: str
    to_revision: str
    made_at: str = ""  # when the backup was made, as its manifest says
    # The epoch the restore started; marks_needed while it waits for head office's marks.
    epoch: EpochView | None = None
    # Customers the backup still named though they were erased since: erased again.
    erased_again: tuple[str, ...] = ()


def backups_folder(home: Home) -> Path:
    """Where restore keeps its safety copies."""
    return home.backups


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


def _contents(connection: sqlite3.Connection) -> Contents:
    """The schema revision and the shop of an open Warranty Desk database."""
    (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    shop_id, branch, name = connection.execute(
        "SELECT id, branch_code, name FROM shop LIMIT 1").fetchone()
    return Contents(schema=str(revision), shop_id=bytes(shop_id).hex(), branch=str(branch),
                    shop_name=str(name))


def _seal(path: Path, clock: Clock) -> tuple[Manifest, Path]:
    """Write the manifest of a backup file just made; the manifest and where it is."""
    with _connect(path) as connection:
        contents = _contents(connection)
    manifest = Manifest.of(path, path.stat().st_size, _sha256(path), contents,
                           clock.now().isoformat())
    return manifest, backup_manifest.write(path, manifest)


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
    report = _sealed(target, db.clock)
    with db.write() as session:
        audit.record(session, actor, "backup.create", "database", target.name,
                     {"path": str(target), "sha256": report.sha256, "bytes": report.bytes})
    return report


def _sealed(target: Path, clock: Clock) -> BackupReport:
    """The report of a backup file just written, its manifest written beside it."""
    tables = _table_count(target)
    manifest, manifest_path = _seal(target, clock)
    return BackupReport(path=target, bytes=manifest.bytes, sha256=manifest.sha256,
                        tables=tables, manifest=manifest_path)


def copy_file(source: Path, target: Path, clock: Clock) -> BackupReport:
    """A sealed backup of a database file no Database of this program holds open, unaudited.

    Before an upgrade the live file is at a schema the models of this version do not match, so
    nothing is written into it; the backup's own name says why it was made.
    """
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _connect(source) as live:
        _copy_into_new_file(live, target)
    return _sealed(target, clock)


def put_back(home: Home, source: Path, clock: Clock) -> None:
    """Put a backup over the live database as it is, with no audit and no migration: how a
    failed upgrade leaves the shop on the version it had. The backup itself stays."""
    folder = backups_folder(home)
    fd, staged_name = tempfile.mkstemp(prefix=".put-back-", suffix=".sqlite3", dir=folder)
    os.close(fd)
    staged = Path(staged_name)
    try:
        shutil.copyfile(source, staged)
        if soundness.problem(home.database) is not None:
            _replace_damaged(home, staged, clock)  # e.g. a disk fault mid-write
        else:
            with _sole_holder(home.database) as live, _connect(staged) as backup_file:
                backup_file.backup(live)
    finally:
        for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            leftover.unlink(missing_ok=True)


def _check_backup(path: Path, shown: str) -> Contents:
    """Refuse a staged backup copy that is not a sound Warranty Desk database; what it holds."""

    def refuse(problem: str) -> BadInput:
        return refusal(shown, problem)

    with path.open("rb") as handle:
        header = handle.read(len(soundness.SQLITE_HEADER))
    if header != soundness.SQLITE_HEADER:
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
            if revision not in migrate.known_revisions():
                raise refuse(f"was made by a newer or different Warranty Desk (schema "
                             f"{revision}). Update Warranty Desk, then restore it again")
            shops = connection.execute("SELECT count(*) FROM shop").fetchone()[0]
            if not shops:
                raise refuse("has no shop in it, so it is not a backup of a shop")
            return _contents(connection)
    except sqlite3.DatabaseError as exc:
        raise refuse(f"is damaged (integrity check failed: {exc})") from None


@dataclass(frozen=True, slots=True)
class GoodBackup:
    """A backup that passes every check a restore makes: where it is and when it was made."""

    path: Path
    made_at: str


def newest_good(home: Home) -> GoodBackup | None:
    """The newest backup in the home's backups folder that a restore would take, or None.

    Each candidate is checked as a restore checks it (manifest, hash, SQLite's checks), newest
    first, so a backup damaged too is passed over for the one before it.
    """
    folder = backups_folder(home)
    if not folder.is_dir():
        return None
    found: list[tuple[str, Path]] = []
    for path in folder.glob("*.sqlite3"):
        if path.name.startswith("."):
            continue  # a restore's or a backup's unfinished copy
        try:
            manifest = backup_manifest.read(path, path.name)
        except BadInput:
            continue
        if manifest is not None:
            found.append((manifest.made_at, path))
    for made_at, path in sorted(found, reverse=True):
        if is_good(path):
            return GoodBackup(path, made_at)
    return None


def is_good(path: Path) -> bool:
    """Whether a restore would take this backup: its manifest, its hash, SQLite's checks."""
    try:
        manifest = backup_manifest.read(path, path.name)
        if manifest is None:
            return False
        backup_manifest.check_file(manifest, path.stat().st_size, _sha256(path), path.name)
        backup_manifest.check_contents(manifest, _check_backup(path, path.name), path.name)
    except (BadInput, OSError):
        return False
    return True


def unused_path(folder: Path, kind: str, clock: Clock) -> Path:
    """folder/KIND-20261207T020000Z.sqlite3, or -2, -3 … when that name (or a manifest of
    that name) is taken by a backup made in the same second."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{kind}-{stamp}.sqlite3"
    number = 2
    while path.exists() or backup_manifest.path_of(path).exists():
        path = folder / f"{kind}-{stamp}-{number}.sqlite3"
        number += 1
    return path


def _safety_copy_path(home: Home, clock: Clock) -> Path:
    return unused_path(backups_folder(home), "before-restore", clock)


def _replace_damaged(home: Home, staged: Path, clock: Clock) -> Path:
    """Put the checked backup in place of a live file SQLite cannot use; the damaged file's
    bytes (and its -wal) are kept in the backups folder for support, as they were.

    SQLite cannot lock a file it cannot read, so this relies on every Warranty Desk program
    refusing a damaged file at start (services/damage.py): none holds it open.
    """
    kept = _safety_copy_path(home, clock).with_suffix(".damaged")
    shutil.copyfile(home.database, kept)
    wal = Path(f"{home.database}-wal")
    if wal.exists():
        shutil.copyfile(wal, Path(f"{kept}-wal"))
    # A -wal left beside the restored file would be replayed onto it: it goes first.
    for leftover in (wal, Path(f"{home.database}-shm")):
        leftover.unlink(missing_ok=True)
    _fsync(staged)
    os.replace(staged, home.database)
    return kept


SOLE_HOLDER_WAIT_MS = 2000
_IN_USE = ("The shop's database is open in another program: the counter app, a sync or "
           "another warranty-desk command. Close the app and wait for a running sync to "
           "finish (or stop the nightly sync task), then restore again. Nothing was changed.")


@contextlib.contextmanager
def _sole_holder(path: Path) -> Iterator[sqlite3.Connection]:
    """The live database held by this connection alone, until the block ends; DatabaseInUse.

    Leaving WAL mode needs every other connection gone, and exclusive locking keeps new ones
    out: a till that opened the file meanwhile would keep reading pages that are replaced.
    """
    private_file(path)
    with _connect(path) as live:
        try:
            # In WAL mode any other open connection holds a shared lock, not only one in a
            # transaction: this waits for a worker that is closing its connection (a sync's
            # ends within it); the open app never lets go, so no longer.
            live.execute(f"PRAGMA busy_timeout={SOLE_HOLDER_WAIT_MS}")
            live.execute("PRAGMA locking_mode=EXCLUSIVE")
            # Out of WAL for the copy too: a WAL destination refuses a backup with another
            # page size. Database switches WAL back on at its next connection.
            live.execute("PRAGMA journal_mode=DELETE")
            live.execute("BEGIN EXCLUSIVE")
            live.execute("COMMIT")  # the lock stays with the connection (exclusive mode)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseInUse(_IN_USE) from None
            raise
        yield live


def restore(home: Home, actor: Actor, source: Path, *, clock: Clock) -> RestoreReport:
    """Replace the live database with a checked backup, keeping a safety copy of the old one.

    Every check runs on a private copy of the backup before the live file is touched: it must
    match its manifest byte for byte, then pass SQLite's checks. The caller must dispose its
    Database (and stop the sync worker) first; a database another program still holds open is
    refused (DatabaseInUse). Open a new Database on the home afterwards.
    """
    require(actor, Permission.BACKUP)
    source = source.expanduser().absolute()
    if not source.is_file():
        raise BadInput(f"{source.name} was not found in {source.parent}. {NOTHING_CHANGED}")
    manifest = backup_manifest.read(source, source.name)
    home.ensure()
    folder = backups_folder(home)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A private copy, so the file checked is the file restored even if a USB stick is pulled
    # or the source changes in between; the live file stays untouched until it passes.
    fd, staged_name = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite3", dir=folder)
    os.close(fd)
    staged = Path(staged_name)
    safety: Path | None = None
    try:
        with source.open("rb") as reader, staged.open("wb") as writer:
            while chunk := reader.read(1024 * 1024):
                writer.write(chunk)
        digest = _sha256(staged)
        # The most telling refusal first: cut short or changed, then not a shop's database,
        # then a sound database that nothing proves is the file the backup wrote.
        if manifest is not None:
            backup_manifest.check_file(manifest, staged.stat().st_size, digest, source.name)
        contents = _check_backup(staged, source.name)
        if manifest is None:
            raise backup_manifest.missing(source, source.name)
        backup_manifest.check_contents(manifest, contents, source.name)

        had_database = home.database.exists()
        if had_database and soundness.problem(home.database) is not None:
            safety = _replace_damaged(home, staged, clock)
        else:
            with _sole_holder(home.database) as live:
                if had_database:
                    safety = _safety_copy_path(home, clock)
                    _copy_into_new_file(live, safety)
                with _connect(staged) as backup_file:
                    backup_file.backup(live)
            if safety is not None:
                _seal(safety, clock)  # so the safety copy can itself be restored
    finally:
        for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            leftover.unlink(missing_ok=True)

    # A till that syncs must hear head office's high-water marks before it numbers or sends
    # anything again: head office may hold what the till did after this backup.
    syncs = bool(config.load(home).settings.sync.portal_url)
    db = Database(home.database, clock=clock)
    try:
        migrate.upgrade(db)
        with db.write() as session:
            audit.record(session, actor, "backup.restore", "database", source.name,
                         {"source": str(source), "sha256": digest,
                          "safety_copy": str(safety) if safety else "",
                          "from_revision": contents.schema, "made_at": manifest.made_at})
            epoch = epochs.start_after_restore(
                session, actor, needs_marks=syncs,
                note=f"{source.name}, made {manifest.made_at}, sha256 {digest[:16]}…")
        # An older backup may name customers erased since: the register erases them again.
        erased_again = erasure.reapply(db, actor)
        to_revision = migrate.current_revision(db) or ""
    finally:
        db.dispose()
    return RestoreReport(source=source, sha256=digest, safety_copy=safety,
                         from_revision=contents.schema, to_revision=to_revision,
                         made_at=manifest.made_at, epoch=epoch, erased_again=tuple(erased_again))
