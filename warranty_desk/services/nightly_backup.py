"""The nightly backup: a checked copy of the live database, and the nightly copies kept N days.

Run by `warranty-desk backup --nightly` from the same nightly task as the sync. Only files this
job made are ever deleted (its own name pattern, with a manifest it wrote beside each); a
backup made by hand, a restore's safety copy or a pre-upgrade backup is never touched, and the
newest nightly backup that passes a restore's checks always stays, whatever the clock says.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from warranty_desk.errors import WarrantyDeskError
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import backup, backup_manifest
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

log = logging.getLogger(__name__)

PREFIX = "nightly"
# nightly-20261207T020000Z.sqlite3, or -2, -3 … when two runs fall in the same second.
_OURS = re.compile(r"nightly-\d{8}T\d{6}Z(?:-\d+)?\.sqlite3")


class NightlyBackupFailed(WarrantyDeskError):
    """Tonight's backup did not pass its check: nothing older was deleted."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class NightlyReport:
    """Tonight's checked backup, and what the retention deleted and kept."""

    path: Path
    bytes: int
    sha256: str
    deleted: tuple[Path, ...]
    kept: int  # nightly backups left, tonight's included


def _made_at(path: Path) -> datetime | None:
    """When the nightly job made this file, as its manifest says; None for anything else."""
    try:
        manifest = backup_manifest.read(path, path.name)
        return datetime.fromisoformat(manifest.made_at) if manifest else None
    except (WarrantyDeskError, ValueError, OSError):
        return None


def nightly_backups(home: Home) -> list[tuple[datetime, Path]]:
    """The nightly job's own backups in the home's backups folder, newest first."""
    found: list[tuple[datetime, Path]] = []
    if home.backups.is_dir():
        for path in home.backups.iterdir():
            made = _made_at(path) if _OURS.fullmatch(path.name) else None
            if made is not None:
                found.append((made, path))
    return sorted(found, reverse=True)


def run(db: Database, actor: Actor, home: Home, keep_days: int) -> NightlyReport:
    """Back up, check the backup as a restore would, then delete nightly backups older than
    keep_days, keeping the newest good one. A backup that fails its check deletes nothing."""
    require(actor, Permission.BACKUP)
    now = db.clock.now()
    home.backups.mkdir(parents=True, exist_ok=True, mode=0o700)
    made = backup.backup(db, actor, backup.unused_path(home.backups, PREFIX, db.clock))
    if not backup.is_good(made.path):
        made.path.unlink(missing_ok=True)
        made.manifest.unlink(missing_ok=True)
        raise NightlyBackupFailed(
            f"Tonight's backup {made.path.name} did not pass its check (read back, it was not "
            f"what was written), so it was removed and no older backup was deleted. Check the "
            f"disk holding {home.backups}, then run `warranty-desk backup --nightly` again.")
    horizon = now - timedelta(days=keep_days)
    ours = nightly_backups(home)
    # Tonight's was just checked; only a clock put back finds a newer one to check first.
    newest_good = next((path for _, path in ours
                        if path == made.path or backup.is_good(path)), made.path)
    deleted: list[Path] = []
    for made_at, path in ours:
        if made_at >= horizon or path == newest_good:
            continue
        path.unlink(missing_ok=True)
        backup_manifest.path_of(path).unlink(missing_ok=True)
        deleted.append(path)
        log.info("Deleted the nightly backup %s (made %s, kept %d days)", path.name,
                 made_at.isoformat(), keep_days)
    return NightlyReport(made.path, made.bytes, made.sha256, tuple(deleted),
                         kept=len(ours) - len(deleted))
