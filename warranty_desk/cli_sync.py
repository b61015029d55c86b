"""The `sync` command and `config`: this till's settings and the secrets sync needs."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from warranty_desk import cli_sync_queue
from warranty_desk.cli_common import EXIT_FAILED, EXIT_OK, open_db, print_json, read_unseen
from warranty_desk.errors import BadInput
from warranty_desk.redaction import redact
from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    from sync.runner import CycleReport
    from warranty_desk.config import Settings

# `config set-secret` names, the secret each one stores, and how people call it.
_SECRETS = (
    ("portal-token", "portal_token", "portal sync token"),
    ("webhook-secret", "webhook_secret", "CRM webhook secret"),
    ("tryton-password", "tryton_password", "Tryton password"),
    ("smtp-password", "smtp_password", "mail server password"),
    ("sms-token", "sms_token", "SMS gateway token"),
)


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`sync` with its modes, and `config show|set|set-secret`."""
    p = sub.add_parser("sync", help="send records to head office and the CRM, pull the portal "
                                    "inbox (exit 0: all sent, 1: something waits, 2: settings)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true",
                      help="push and pull once, then exit (what plain `sync` does)")
    mode.add_argument("--nightly", action="store_true",
                      help="push until everything is sent (within --time-limit), pull, and "
                           "send the nightly report to head office")
    p.add_argument("--push", action="store_true", help="only push (with --pull: both)")
    p.add_argument("--pull", action="store_true", help="only pull the portal inbox")
    p.add_argument("--time-limit", type=float, metavar="MINUTES",
                   help="how long --nightly keeps pushing before it gives up for the night "
                        "(default 20)")
    p.add_argument("--json", action="store_true")
    cli_sync_queue.add_actions(p, parser_class)

    p = sub.add_parser("config", help="show or change this till's settings; store sync secrets")
    csub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
    cs = csub.add_parser("show", help="the settings, with secrets shown only as set or not set")
    cs.add_argument("--json", action="store_true")
    cset = csub.add_parser("set", help="change one [sync] setting, e.g. sync.portal_url "
                                       "https://portal.example.com/api/v1")
    cset.add_argument("key", metavar="KEY", help="sync.portal_url, sync.branch, "
                      "sync.interval_minutes, sync.crm, sync.crm_url, sync.tryton_database, "
                      "sync.tryton_user, sync.ca_bundle (head office's own certificate "
                      "authority, a .pem file), sync.messages, the mail server's sync.smtp_*"
                      " and sync.mail_from, or the SMS gateway's sync.sms_url and "
                      "sync.sms_sender")
    cset.add_argument("value", metavar="VALUE")
    csec = csub.add_parser("set-secret", help="store a sync secret, typed unseen or piped in "
                                              "on stdin (never on the command line)")
    csec.add_argument("name", choices=[flag for flag, _, _ in _SECRETS])


def cmd_sync(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.views import to_jsonable

    if getattr(args, "action", None):
        return cli_sync_queue.cmd_action(args, home)

    try:
        report = _sync_cycle(args, home)
    except BadInput as exc:
        if args.json:
            print_json({"complete": False, "error": redact(str(exc))})
        raise
    # What a cycle says is built from servers' answers: it goes through the redaction step.
    if args.json:
        print_json({**to_jsonable(report), "complete": report.complete,
                    "waiting": report.waiting})
    else:
        print(redact(report.message))
    return EXIT_OK if report.complete else EXIT_FAILED


def _sync_cycle(args: argparse.Namespace, home: Home) -> CycleReport:
    from warranty_desk import config

    if args.nightly and (args.push or args.pull):
        raise BadInput("--nightly already pushes and pulls; use it alone.")
    if args.time_limit is not None and not (args.nightly and args.time_limit > 0):
        raise BadInput("--time-limit goes with --nightly and is a number of minutes above 0.")
    loaded = config.load(home)
    if loaded.warning:
        print(f"warranty-desk: {redact(loaded.warning)}", file=sys.stderr)
    # Imported here, not at the top: the command line is the composition root, and the rest
    # of the core never depends on sync (DESIGN.md; an import-linter contract).
    from sync import runner

    options: dict[str, Any] = {}
    if args.time_limit is not None:
        options["time_limit"] = args.time_limit * 60
    db = open_db(home, args)
    try:
        return runner.run_cycle(home, db, loaded.settings.sync,
                                push=args.push or not args.pull,
                                pull=args.pull or not args.push, nightly=args.nightly,
                                **options)
    finally:
        db.dispose()


def cmd_config(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk import config

    loaded = config.load(home)
    if loaded.warning:
        print(f"warranty-desk: {redact(loaded.warning)}", file=sys.stderr)
    if args.what == "set":
        return _config_set(home, loaded.settings, args.key, args.value)
    # Imported here, not at the top, as sync.runner is above.
    from sync import secrets

    if args.what == "set-secret":
        _, name, label = next(s for s in _SECRETS if s[0] == args.name)
        secrets.set_secret(home, name, _read_secret(label))
        print(f"Stored the {label} in {secrets.where(home)}.")
        return EXIT_OK
    stored = {flag: "set" if secrets.get_secret(home, name) else "not set"
              for flag, name, _ in _SECRETS}
    if args.json:
        from warranty_desk.views import to_jsonable

        print_json({"config": str(home.config), "settings": to_jsonable(loaded.settings),
                    "secrets": stored, "secrets_kept_in": secrets.where(home)})
        return EXIT_OK
    print(f"# {home.config}")
    print(config.to_toml(loaded.settings), end="")
    print(f"\n# Secrets, kept in {secrets.where(home)}:")
    for flag, state in stored.items():
        print(f"#   {flag}: {state}")
    return EXIT_OK


def _config_set(home: Home, settings: Settings, key: str, text: str) -> int:
    from dataclasses import fields, replace

    from warranty_desk import config

    names = [f.name for f in fields(config.SyncSettings)]
    section, _, name = key.strip().lower().partition(".")
    if section != "sync" or name not in names:
        raise BadInput(f"{key!r} is not a setting `config set` changes; use one of "
                       + ", ".join(f"sync.{n}" for n in names) + ".")
    value: str | int = text.strip()
    if isinstance(getattr(settings.sync, name), int):
        try:
            value = int(text)
        except ValueError:
            raise BadInput(f"sync.{name} is a whole number, not {text!r}. Nothing was "
                           "saved.") from None
    # The name is one of the fields and the value has that field's type, both checked above.
    change: dict[str, Any] = {name: value}
    changed = replace(settings, sync=replace(settings.sync, **change))
    found = config.problems(changed)
    if found:
        raise BadInput("Nothing was saved: " + "; ".join(found) + ".")
    config.save(home, changed)
    print(f"Saved sync.{name} = {value!r} in {home.config}.")
    return EXIT_OK


def _read_secret(label: str) -> str:
    value = read_unseen(f"{label[0].upper()}{label[1:]} (not shown as you type): ",
                        first_line_only=False)
    if not value:
        raise BadInput(f"No {label} was given: type it at the prompt, or pipe it in from a "
                       "file (`… config set-secret NAME < file`). Nothing was stored.")
    if any(ch in value for ch in "\r\n"):
        raise BadInput(f"The {label} must be one line. Nothing was stored.")
    return value
