"""The command line and composition root: builds the database and runs one command."""

# Each group of commands lives in its own module (cli_setup, cli_records, cli_backup, cli_print,
# cli_sync, cli_claims, cli_customers, cli_brand, cli_audit_sample) with its parsers and
# handlers; this module puts them together. Only the command line imports ui, printing and
# sync, and only inside the command that needs them. The groups themselves load only when a
# command (or --help) is given: the counter app starts with no command, and loading them and
# building every parser cost half again an empty window's start before its first window.

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from warranty_desk.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    Parser,
    close_databases,
    command_clock,
    parse_date,
)
from warranty_desk.errors import WarrantyDeskError
from warranty_desk.redaction import redact
from warranty_desk.storage.home import Home, resolve_home

log = logging.getLogger("warranty_desk")


class _NotJustOptions(Exception):
    """The command line is more than the options the app starts with (or is wrong)."""


class _OptionsParser(argparse.ArgumentParser):
    """The options before any command, parsed alone; anything else is the full parser's."""

    def error(self, message: str) -> Any:
        raise _NotJustOptions(message)


def _add_options(parser: argparse.ArgumentParser) -> None:
    """The options that come before any command (and are all the app takes)."""
    parser.add_argument("--version", action="store_true",
                        help="show the version, the database schema and the home folder, "
                             "then exit")
    parser.add_argument("--home", help="folder for the database, documents, config and logs "
                                       "(default: $WARRANTY_DESK_HOME or the user data folder)")
    parser.add_argument("--today", type=parse_date, help=argparse.SUPPRESS)


def _groups() -> tuple[ModuleType, ...]:
    """The modules of the command groups, in the order `--help` lists them."""
    from warranty_desk import (
        cli_audit_sample,
        cli_backup,
        cli_brand,
        cli_claims,
        cli_customers,
        cli_print,
        cli_records,
        cli_settings,
        cli_setup,
        cli_sync,
    )

    return (cli_setup, cli_records, cli_backup, cli_print, cli_sync, cli_claims, cli_customers,
            cli_brand, cli_audit_sample, cli_settings)


def build_parser() -> argparse.ArgumentParser:
    """Every headless command with its options."""
    parser = Parser(prog="warranty-desk",
                    description="Warranty Desk: warranties and claims at the shop counter. "
                                "With no command, the counter app starts.")
    _add_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for group in _groups():
        group.add_parsers(sub, Parser)
    return parser


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: options alone (the app) without loading any command's module."""
    words = sys.argv[1:] if argv is None else list(argv)
    # No abbreviations here: "--h" is --help or --home to the full parser, which says so.
    options = _OptionsParser(prog="warranty-desk", add_help=False, allow_abbrev=False)
    _add_options(options)
    try:
        args, rest = options.parse_known_args(words)
    except _NotJustOptions:
        rest = words  # the full parser says what is wrong, with its own usage
    if rest:
        return build_parser().parse_args(words)
    args.command = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; known problems print in plain words, bugs go to the log too."""
    args = parse(argv)
    home = resolve_home(args.home)
    if args.version:  # before logging: a fresh machine keeps no trace of being asked
        from warranty_desk import about

        print("\n".join(about.lines(about.about(home))))
        return EXIT_OK
    if args.command is None:
        return _run_app(home, args)
    # Here, not at the top: the app sets up its log after its first window (the rotating
    # handler's module brings sockets and pickling with it).
    from warranty_desk.logs import LOG_NAME, setup_logging

    try:
        setup_logging(home)
        handler = _commands()[args.command]
        code = handler(args, home)
        # A reader that stopped early (`| head`) shows here, not in Python's exit-time flush.
        # The windowed program (warranty-desk-app, no console) has no stdout at all.
        if sys.stdout is not None:
            sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _reader_gone()
    except WarrantyDeskError as exc:
        # A refusal may quote a server's words, and those may quote the request's token.
        print(f"warranty-desk: {redact(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("warranty-desk: stopped.", file=sys.stderr)
        return EXIT_FAILED
    except Exception:
        log.exception("command %s failed", args.command)
        print(f"warranty-desk: this is a bug, sorry. The details are in "
              f"{home.logs / LOG_NAME}; please send that file to support.",
              file=sys.stderr)
        return EXIT_FAILED
    finally:
        close_databases()


def _reader_gone() -> int:
    """The reader of the output went away (`lookup X --json | head`): stop quietly."""
    # What is still buffered can go nowhere; Python would try again at exit and complain.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_FAILED



def _run_app(home: Home, args: argparse.Namespace) -> int:
    # Imported here, not at the top: only the app needs Qt, and the rest of the core never
    # depends on the UI package (DESIGN.md; an import-linter contract).
    try:
        from ui.app import run_app
    except ModuleNotFoundError:
        build_parser().print_help()
        print("\nThe counter app is not part of this build yet; use the commands above.")
        return EXIT_OK
    return run_app(home, clock=command_clock(args))


def _commands() -> dict[str, Callable[[argparse.Namespace, Home], int]]:
    """Each command's handler, by its name on the command line."""
    (cli_setup, cli_records, cli_backup, cli_print, cli_sync, cli_claims, cli_customers,
     cli_brand, cli_audit_sample, cli_settings) = _groups()
    return {
        "init": cli_setup.cmd_init, "demo-data": cli_setup.cmd_demo_data,
        "import": cli_records.cmd_import, "lookup": cli_records.cmd_lookup,
        "report": cli_records.cmd_report,
        "backup": cli_backup.cmd_backup, "restore": cli_backup.cmd_restore,
        "audit": cli_backup.cmd_audit, "settings": cli_settings.cmd_settings,
        "print": cli_print.cmd_print,
        "sync": cli_sync.cmd_sync, "config": cli_sync.cmd_config,
        "warranty": cli_claims.cmd_warranty, "claim": cli_claims.cmd_claim,
        "staff": cli_claims.cmd_staff, "customer": cli_customers.cmd_customer,
        "brand": cli_brand.cmd_brand,
        "audit-sample": cli_audit_sample.cmd_audit_sample,
    }
