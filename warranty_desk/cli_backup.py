"""The commands that keep the records safe: `backup`, `restore` and `audit verify`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from warranty_desk.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    command_clock,
    open_db,
    print_json,
    system_actor,
)
from warranty_desk.storage.home import Home


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`backup`, `restore` and `audit verify` with their options."""
    p = sub.add_parser("backup", help="copy the live database to a file, or make tonight's "
                                      "backup in the home's backups folder (--nightly)")
    p.add_argument("file", type=Path, nargs="?")
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--nightly", action="store_true",
                   help="back up into the backups folder, check it, and delete nightly backups "
                        "older than the backup_keep_days setting (run by the nightly task)")
    p = sub.add_parser("restore", help="replace the database with a checked backup (its "
                                       "manifest must be beside it)")
    p.add_argument("file", type=Path)

    p = sub.add_parser("audit", help="audit log commands")
    asub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
    av = asub.add_parser("verify", help="prove the hash chain of the audit log")
    av.add_argument("--json", action="store_true")


def cmd_backup(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.errors import BadInput
    from warranty_desk.services import backup

    if args.nightly == (args.file is not None):
        raise BadInput("Name the file to back up to, or use --nightly (which names its own "
                       "file in the backups folder), not both.")
    if args.nightly:
        return _nightly(args, home)
    db = open_db(home, args)
    report = backup.backup(db, system_actor(), args.file, overwrite=args.overwrite)
    print(f"Backed up to {report.path} ({report.bytes:,} bytes, sha256 {report.sha256}), "
          f"with its manifest {report.manifest.name}: keep the two files together, a restore "
          "needs both.")
    return EXIT_OK


def _nightly(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk import config
    from warranty_desk.services import nightly_backup

    keep_days = config.load(home).settings.backup_keep_days
    db = open_db(home, args)
    try:
        report = nightly_backup.run(db, system_actor(), home, keep_days)
    finally:
        db.dispose()
    print(f"Nightly backup {report.path} ({report.bytes:,} bytes) made and checked. "
          f"Deleted {len(report.deleted)} nightly backup(s) older than {keep_days} days; "
          f"{report.kept} kept.")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services import backup

    report = backup.restore(home, system_actor(), args.file, clock=command_clock(args))
    made = f" (made {report.made_at})" if report.made_at else ""
    print(f"Restored {args.file}{made}. The database as it was before is kept at "
          f"{report.safety_copy}.")
    if report.epoch is not None and report.epoch.marks_needed:
        print(_marks_after_restore(args, home))
    return EXIT_OK


def _marks_after_restore(args: argparse.Namespace, home: Home) -> str:
    """Read head office's high-water marks at once, so an online till never waits for them."""
    # Imported here, not at the top, as cli_sync imports sync.runner (an import-linter rule).
    from sync import marks
    from warranty_desk import config

    db = open_db(home, args)
    try:
        return marks.after_restore(home, db, config.load(home).settings.sync)
    finally:
        db.dispose()


def cmd_audit(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.permissions import Permission, require
    from warranty_desk.services import audit

    require(system_actor(), Permission.VERIFY_AUDIT)
    db = open_db(home, args)
    with db.read() as session:
        report = audit.verify(session)
    if args.json:
        print_json({"ok": report.ok, "entries": report.entries, "head": report.head,
                    "first_bad_entry": report.first_bad_seq, "problem": report.problem,
                    "guarded": report.guarded})
    elif report.ok:
        print(f"The audit log is intact: {report.entries:,} entries, head {report.head}.")
    else:
        before = (f"{report.entries:,} entries check out before it" if report.first_bad_seq
                  else f"its {report.entries:,} entries check out")
        print(f"The audit log was tampered with: {report.problem} ({before}). Leave the "
              "database as it is and tell the owner and head office.", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED
