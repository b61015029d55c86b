"""`settings export` and `settings import`: one branch's configuration set up on another."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from warranty_desk.cli_common import EXIT_OK, open_db, system_actor
from warranty_desk.storage.home import Home


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`settings export FILE` and `settings import FILE`."""
    p = sub.add_parser("settings", help="export this branch's configuration to a file, or set "
                                        "this branch up from one (no secrets in it)")
    ssub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
    se = ssub.add_parser("export", help="write the shop settings, this till's settings, "
                                        "policies, extension plans and suppliers' terms to FILE "
                                        "(.toml for TOML, JSON otherwise)")
    se.add_argument("file", type=Path)
    si = ssub.add_parser("import", help="set this branch up from an exported FILE: all or "
                                        "nothing; the branch's own code, name and address stay")
    si.add_argument("file", type=Path)


def cmd_settings(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk import settings_file
    from warranty_desk.services import settings_transfer

    db = open_db(home, args)
    try:
        if args.what == "export":
            path = settings_file.write(args.file,
                                       settings_transfer.gather(db, system_actor(), home))
            print(f"Exported the settings to {path}. It holds no tokens, passwords or PINs: "
                  "set those on the other branch.")
        else:
            report = settings_transfer.import_settings(db, system_actor(), home, args.file)
            print(settings_transfer.kept_words(report))
    finally:
        db.dispose()
    return EXIT_OK
