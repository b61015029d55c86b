"""What the commands share: a parser that exits in plain words, the clock, the shop, the output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from warranty_desk.clock import Clock, FixedClock, SystemClock
from warranty_desk.errors import BadInput
from warranty_desk.redaction import redact
from warranty_desk.sentences import sentences
from warranty_desk.storage.home import HOME_ENV, Home

if TYPE_CHECKING:
    from warranty_desk.permissions import Actor
    from warranty_desk.services.imports import ImportRejected
    from warranty_desk.storage.database import Database

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
# Where `make run` builds the demo shop (the Makefile's DEMO_HOME), relative to the clone.
DEMO_HOME = ".demo-home"

# The databases open_db gave out; cli.main closes their connections when the command ends. A
# process exiting drops them anyway, but a command run in-process (the tests run most of them
# through cli.main) would leave its pool open on the file, for the cycle collector to close:
# an open connection makes a later restore's put-back find the file in use.
_opened: list[Database] = []


class Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and a plain message on a bad command line."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        said = sentences(message, "Run `warranty-desk --help` for the commands.")
        print(f"warranty-desk: {said}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def parse_date(text: str) -> date:
    """A YYYY-MM-DD option, or argparse's error in plain words."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-22") from None


def command_clock(args: argparse.Namespace) -> Clock:
    """The one clock of this command: the wall clock, or the hidden --today's noon (tests)."""
    if args.today:
        return FixedClock.on(args.today)
    return SystemClock()


def open_db(home: Home, args: argparse.Namespace) -> Database:
    """The shop's database, upgraded to this version if it is older; a plain error if none."""
    from warranty_desk.storage import schema
    from warranty_desk.storage.database import Database

    if not home.database.exists():
        demo = Home(Path(DEMO_HOME))
        if args.home is None and not os.environ.get(HOME_ENV) and demo.database.exists():
            # `make run` builds its demo shop here; a person trying the commands next to it
            # most likely means that one.
            raise BadInput(f"No shop in {home.root}. The demo shop from `make run` is in "
                           f"{DEMO_HOME}: add `--home {DEMO_HOME}`.")
        raise BadInput(f"There is no shop database in {home.root}. Run `warranty-desk "
                       f"--home {home.root} init` first.")
    from warranty_desk.services.damage import refuse_damaged

    # A damaged file is refused before anything opens it for writing (a restore never comes
    # here: it takes the backup's file whole).
    refuse_damaged(home)
    clock = command_clock(args)
    db = Database(home.database, clock=clock)
    _opened.append(db)
    if schema.at_head(db):
        return db
    from warranty_desk.services import upgrade
    from warranty_desk.services.setup import upgrade_notes
    from warranty_desk.storage import migrate

    before = len(upgrade_notes(db))
    db.dispose()  # the upgrade backs the file up, and may have to put it back
    done = upgrade.upgrade_if_older(home, clock)
    if done is not None:
        print(f"Updated the shop's records from schema {done.from_revision} to "
              f"{done.to_revision}; the database as it was is backed up at {done.backup.path}.",
              file=sys.stderr)
    db = Database(home.database, clock=clock)
    _opened.append(db)
    migrate.upgrade(db)  # a file with no schema yet; a no-op after the upgrade
    print_upgrade_notes(upgrade_notes(db)[before:], file=sys.stderr)
    return db


def close_databases() -> None:
    """Close the connections of every database open_db gave out (as a command ends)."""
    while _opened:
        _opened.pop().dispose()


def print_upgrade_notes(notes: Sequence[str], *, file: TextIO | None = None) -> None:
    """What an upgrade asks a person to check (also in the log and the upgrade_notes table)."""
    out = file or sys.stdout
    if notes:
        print("Upgrading the database left these to check:", file=out)
        for note in notes:
            print(f"  - {note}", file=out)


def system_actor() -> Actor:
    """Who a command acts as when no person signs in: the command line itself."""
    from warranty_desk.permissions import Actor

    return Actor.system("command line")


def read_unseen(prompt: str, *, first_line_only: bool) -> str:
    """What a person types unseen at a terminal, or what is piped in on stdin, stripped."""
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt).strip()
    if sys.stdin is None:
        return ""
    return (sys.stdin.readline() if first_line_only else sys.stdin.read()).strip()


def add_staff_option(p: argparse.ArgumentParser, *, required: bool = True) -> None:
    """--staff NAME (the PIN is read unseen) and --json, for commands a person answers for;
    where it may be left out, the command line itself answers for the command."""
    p.add_argument("--staff", required=required, metavar="NAME",
                   help="who does it, as on the sign-in list; the PIN is asked for unseen, or "
                        "read from stdin" + ("" if required else
                                             " (left out: the command line itself)"))
    p.add_argument("--json", action="store_true")


def sign_in_staff(db: Database, name: str) -> Actor:
    """The person named by --staff, signed in with the PIN read unseen (audited as them)."""
    from warranty_desk.services import staff

    pin = read_unseen(f"PIN of {name} (not shown as you type): ", first_line_only=True)
    if not pin:
        raise BadInput(f"No PIN was given for {name}: type it at the prompt, or pipe it in "
                       "(`echo PIN | warranty-desk ...`). Nothing was changed.")
    return staff.sign_in(db, name, pin)


def print_json(data: Any) -> None:
    """Data as indented JSON with sorted keys on stdout, through the one redaction step."""
    # Sync's reports quote servers' answers, and those may echo a token back.
    sys.stdout.write(redact(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)))
    sys.stdout.write("\n")


def rejected(exc: ImportRejected, as_json: bool) -> int:
    """A file refused whole: every problem as JSON when asked, the words on stderr; exit 2."""
    if as_json:
        print_json({"imported": False, "problems": [
            {"row": p.row, "column": p.column, "reason": p.message} for p in exc.problems]})
    print(f"warranty-desk: {exc}", file=sys.stderr)
    return EXIT_BAD_INPUT
