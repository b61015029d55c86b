"""Bringing an older shop database to this version: a sealed backup first, put back on failure.

Every program that upgrades (the counter app's start, the commands, `init`) comes through here,
so no shop is ever migrated without a backup named for the two schema versions beside it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warranty_desk.clock import Clock
from warranty_desk.errors import WarrantyDeskError
from warranty_desk.services import backup
from warranty_desk.services.backup import BackupReport
from warranty_desk.storage import schema
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

log = logging.getLogger(__name__)

# Every pre-upgrade backup's name starts so; the nightly retention never deletes one.
PREFIX = "before-upgrade"


class UpgradeFailed(WarrantyDeskError):
    """The upgrade failed; the message says whether the backup was put back, in plain words."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Upgraded:
    """A finished upgrade: from which schema to which, and the backup made first."""

    from_revision: str
    to_revision: str
    backup: BackupReport


def upgrade_if_older(home: Home, clock: Clock,
                     migrate_db: Callable[[Database], None] | None = None) -> Upgraded | None:
    """Upgrade the home's database when it is at an older schema; None when there was nothing
    to do (no file, a new empty file, or already at this version).

    The live file is backed up into the home's backups folder first; if the migration fails
    the backup is put back whole and UpgradeFailed says so. The caller must hold no Database
    on the file. `migrate_db` is the migration (Alembic's upgrade to head unless a test says).
    """
    found = schema.file_revisions(home.database)
    if found is None or found == [schema.HEAD]:
        return None
    from warranty_desk.services.damage import refuse_damaged
    from warranty_desk.storage import migrate  # Alembic loads only when there is work

    refuse_damaged(home)  # a damaged file is neither copied as a good backup nor migrated

    from_revision = found[0] if len(found) == 1 else "+".join(found)
    to_revision = migrate.head_revision()
    newer = [r for r in found if r not in migrate.known_revisions()]
    if newer:
        raise UpgradeFailed(
            f"The shop's records are at schema {', '.join(newer)}, which this version of "
            f"Warranty Desk (schema {to_revision}) does not know: a newer version updated "
            "them. Nothing was changed. Use that newer version, or install it again.")
    try:
        # before-upgrade-0020-to-0025-20261207T013000Z.sqlite3: why, from, to and when.
        kind = f"{PREFIX}-{from_revision}-to-{to_revision}"
        made = backup.copy_file(home.database, backup.unused_path(home.backups, kind, clock),
                                clock)
    except Exception as exc:
        log.exception("The backup before the upgrade failed")
        raise UpgradeFailed(
            f"The shop's records were not updated to this version (schema {to_revision}): "
            f"the backup made first could not be written ({_words(exc)}). Nothing was "
            f"changed. Free some disk space in {home.backups.parent} and start again."
        ) from None
    log.info("Backed up to %s before upgrading schema %s to %s", made.path, from_revision,
             to_revision)
    db = Database(home.database, clock=clock)
    try:
        (migrate_db or migrate.upgrade)(db)
    except Exception as exc:
        db.dispose()
        log.exception("The upgrade from schema %s to %s failed", from_revision, to_revision)
        raise _put_back(home, made.path, from_revision, to_revision, exc, clock) from None
    db.dispose()
    return Upgraded(from_revision, to_revision, made)


def _put_back(home: Home, saved: Path, from_revision: str, to_revision: str,
              exc: Exception, clock: Clock) -> UpgradeFailed:
    what = (f"Updating the shop's records from schema {from_revision} to {to_revision} "
            f"failed ({_words(exc)}).")
    try:
        backup.put_back(home, saved, clock)
    except Exception as again:
        log.exception("Putting back the backup %s failed", saved)
        return UpgradeFailed(
            f"{what} Putting back the backup made just before also failed ({_words(again)}). "
            f"The backup is safe at {saved}: do not use this version, and call support; they "
            f"restore it with `warranty-desk restore {saved}` using the previous version.")
    log.warning("Put back %s after the failed upgrade", saved)
    return UpgradeFailed(
        f"{what} The records were put back exactly as they were from the backup made just "
        f"before ({saved.name}, in {saved.parent}), so nothing is lost. The shop stays on "
        "the previous version: keep using the previous version of Warranty Desk and call "
        "support with this message.")


def _words(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror  # the disk's words, without the errno
    # SQLAlchemy wraps the driver's words in the statement and a link: keep the words.
    return str(getattr(exc, "orig", None) or exc) or type(exc).__name__
