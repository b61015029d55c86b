"""The command line and composition root: builds the database and runs one command."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from warranty_desk import __version__, cli_claims
from warranty_desk.clock import Clock, FixedClock, SystemClock
from warranty_desk.errors import BadInput, WarrantyDeskError
from warranty_desk.logs import LOG_NAME, setup_logging
from warranty_desk.sentences import sentences
from warranty_desk.storage.home import HOME_ENV, Home, resolve_home

if TYPE_CHECKING:
    from warranty_desk.money import MoneyFormat

log = logging.getLogger("warranty_desk")

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
# Where `make run` builds the demo shop (the Makefile's DEMO_HOME), relative to the clone.
DEMO_HOME = ".demo-home"


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and a plain message on a bad command line."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        said = sentences(message, "Run `warranty-desk --help` for the commands.")
        print(f"warranty-desk: {said}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-22") from None


def build_parser() -> argparse.ArgumentParser:
    """Every headless command with its options."""
    parser = _Parser(prog="warranty-desk",
                     description="Warranty Desk: warranties and claims at the shop counter. "
                                 "With no command, the counter app starts.")
    parser.add_argument("--version", action="version", version=f"warranty-desk {__version__}")
    parser.add_argument("--home", help="folder for the database, documents, config and logs "
                                       "(default: $WARRANTY_DESK_HOME or the user data folder)")
    parser.add_argument("--today", type=_parse_date, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("init", help="create or upgrade the database")
    p.add_argument("--demo", action="store_true", help="also fill a small demo shop")
    p.add_argument("--shop-name", default="Warranty Desk Demo Shop")
    p.add_argument("--branch", default="BR01", help="branch code, e.g. BR01")
    p.add_argument("--currency", help="ISO code, e.g. EUR (the default; the demo's is GBP)")
    p.add_argument("--locale", help="e.g. de_DE (en_GB unless said)")
    p.add_argument("--timezone", default="Europe/London")

    p = sub.add_parser("demo-data", help="generate a large realistic shop for testing")
    p.add_argument("--warranties", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)

    p = sub.add_parser("import", help="import POS files")
    isub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=_Parser)
    pi = isub.add_parser("invoices", help="import a POS invoice export (all or nothing)")
    pi.add_argument("file", type=Path)
    pi.add_argument("--format", choices=["native-csv", "native-json", "shopify", "square"])
    pi.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
    pi.add_argument("--json", action="store_true")

    p = sub.add_parser("lookup", help="the verdict for a serial, code, invoice, phone or name")
    p.add_argument("code", nargs="+")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("report", help="print a report: warranties (the register), "
                       "claims-by-brand, open-claims, return-aging")
    p.add_argument("name", choices=["warranties", "claims-by-brand", "open-claims",
                                    "return-aging"])
    p.add_argument("--since", type=_parse_date, metavar="YYYY-MM-DD",
                   help="start of the period (claims-by-brand; default 90 days ago)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    fmt.add_argument("--pdf", type=Path, metavar="FILE", help="write the report as a PDF")
    p.add_argument("--paper", choices=["A4", "Letter", "A5"], default="A4")

    p = sub.add_parser("backup", help="copy the live database to a file")
    p.add_argument("file", type=Path)
    p.add_argument("--overwrite", action="store_true")
    p = sub.add_parser("restore", help="replace the database with a checked backup")
    p.add_argument("file", type=Path)

    p = sub.add_parser("audit", help="audit log commands")
    asub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=_Parser)
    av = asub.add_parser("verify", help="prove the hash chain of the audit log")
    av.add_argument("--json", action="store_true")
    _add_print_parser(sub)
    _add_sync_parsers(sub)
    cli_claims.add_parsers(sub, _Parser)
    return parser


# The printable documents: command name, what its subject is, and its help line.
_PRINTABLES = (
    ("slip", "WARRANTY_CODE", "the warranty slip for the receipt printer"),
    ("certificate", "WARRANTY_CODE", "the warranty certificate as a PDF"),
    ("ticket", "CLAIM_NUMBER", "the claim's drop-off ticket (receipt printer or PDF)"),
    ("label", "CLAIM_NUMBER", "the return label for a faulty unit, as a PDF"),
    ("close-report", "DAY", "the day's close report; DAY is YYYY-MM-DD or today"),
)


def _add_print_parser(sub: Any) -> None:
    p = sub.add_parser("print", help="print slips, certificates, tickets, labels and the "
                                     "close report; list and retry the print queue")
    psub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=_Parser)
    for name, subject, what in _PRINTABLES:
        pp = psub.add_parser(name, help=what)
        pp.add_argument("subject", metavar=subject)
        pp.add_argument("--to", dest="target", required=True, metavar="TARGET",
                        help="serial:///dev/ttyUSB0?baud=19200, serial://COM3, "
                             "tcp://192.168.1.50:9100, or a file (a .pdf file gets the PDF)")
        pp.add_argument("--paper", help="A4, Letter or A5 for a PDF; 62x29mm or 4x6in for "
                                        "a label")
        pp.add_argument("--width", type=int, help="receipt roll width in mm: 58 or 80 "
                                                  "(default 80)")
        pp.add_argument("--json", action="store_true")
    pq = psub.add_parser("queue", help="list the prints waiting for their printer")
    pq.add_argument("--json", action="store_true")
    pr = psub.add_parser("retry", help="send a queued print to its printer again")
    pr.add_argument("job", metavar="JOB_ID")
    pr.add_argument("--json", action="store_true")
    pc = psub.add_parser("cancel", help="take a print off the queue, saying why")
    pc.add_argument("job", metavar="JOB_ID")
    pc.add_argument("--reason", required=True)


# `config set-secret` names, the secret each one stores, and how people call it.
_SECRETS = (
    ("portal-token", "portal_token", "portal sync token"),
    ("webhook-secret", "webhook_secret", "CRM webhook secret"),
    ("tryton-password", "tryton_password", "Tryton password"),
)


def _add_sync_parsers(sub: Any) -> None:
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

    p = sub.add_parser("config", help="show or change this till's settings; store sync secrets")
    csub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=_Parser)
    cs = csub.add_parser("show", help="the settings, with secrets shown only as set or not set")
    cs.add_argument("--json", action="store_true")
    cset = csub.add_parser("set", help="change one [sync] setting, e.g. sync.portal_url "
                                       "https://portal.example.com/api/v1")
    cset.add_argument("key", metavar="KEY", help="sync.portal_url, sync.branch, "
                      "sync.interval_minutes, sync.crm, sync.crm_url, sync.tryton_database or "
                      "sync.tryton_user")
    cset.add_argument("value", metavar="VALUE")
    csec = csub.add_parser("set-secret", help="store a sync secret, typed unseen or piped in "
                                              "on stdin (never on the command line)")
    csec.add_argument("name", choices=[flag for flag, _, _ in _SECRETS])


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; known problems print in plain words, bugs go to the log too."""
    args = build_parser().parse_args(argv)
    home = resolve_home(args.home)
    if args.command is None:
        return _run_app(home, args)
    try:
        setup_logging(home)
        handler = _COMMANDS[args.command]
        code = handler(args, home)
        # A reader that stopped early (`| head`) shows here, not in Python's exit-time flush.
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _reader_gone()
    except WarrantyDeskError as exc:
        print(f"warranty-desk: {exc}", file=sys.stderr)
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


def _reader_gone() -> int:
    """The reader of the output went away (`lookup X --json | head`): stop quietly."""
    # What is still buffered can go nowhere; Python would try again at exit and complain.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_FAILED


def _run_app(home: Home, args: argparse.Namespace) -> int:
    # Imported by name, lazily: the core never depends on the UI package (DESIGN.md).
    try:
        app = importlib.import_module("ui.app")
    except ModuleNotFoundError:
        build_parser().print_help()
        print("\nThe counter app is not part of this build yet; use the commands above.")
        return EXIT_OK
    return int(app.run_app(home, clock=_clock(args)))


def _clock(args: argparse.Namespace) -> Clock:
    """The one clock of this command: the wall clock, or the hidden --today's noon (tests)."""
    if args.today:
        return FixedClock.on(args.today)
    return SystemClock()


def _open(home: Home, args: argparse.Namespace) -> Any:
    from warranty_desk.storage import migrate
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
    db = Database(home.database, clock=_clock(args))
    if migrate.current_revision(db) != migrate.head_revision():
        from warranty_desk.services.setup import upgrade_notes

        before = len(upgrade_notes(db))
        migrate.upgrade(db)
        _print_upgrade_notes(upgrade_notes(db)[before:], file=sys.stderr)
    return db


def _print_upgrade_notes(notes: Sequence[str], *, file: TextIO | None = None) -> None:
    """What an upgrade asks a person to check (also in the log and the upgrade_notes table)."""
    out = file or sys.stdout
    if notes:
        print("Upgrading the database left these to check:", file=out)
        for note in notes:
            print(f"  - {note}", file=out)


def _system() -> Any:
    from warranty_desk.permissions import Actor

    return Actor.system("command line")


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


def cmd_init(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services import setup

    shop = setup.ShopInput(name=args.shop_name, branch_code=args.branch.upper(),
                           currency=(args.currency or "EUR").upper(),
                           locale=args.locale or "en_GB",
                           timezone=args.timezone)
    db, created = setup.init(home, shop, clock=_clock(args))
    print(f"{'Created' if created else 'Upgraded'} the shop database at {home.database}.")
    _print_upgrade_notes(setup.upgrade_notes(db))
    if args.demo:
        from warranty_desk.services import demo

        # The demo shop is in pounds unless a currency or locale was asked for by name.
        report = demo.build_demo_shop(
            db, currency=args.currency.upper() if args.currency else None, locale=args.locale)
        if report.created:
            print(f"Demo shop ready: {report.sales} sales, {report.warranties} warranties, "
                  f"{report.claims} claims. Sign in with:")
            for name, role, pin in report.staff:
                print(f"  {name:<14} {role:<12} PIN {pin}")
        else:
            print("The demo shop was already there; nothing added.")
    db.dispose()
    return EXIT_OK


def cmd_demo_data(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services import demo_bulk, setup

    if args.warranties < 1:
        raise BadInput("--warranties must be 1 or more.")
    db, _ = setup.init(home, clock=_clock(args))

    def progress(done: int, total: int) -> None:
        print(f"\r{done:,} of {total:,} records", end="", file=sys.stderr, flush=True)

    report = demo_bulk.generate(db, warranties=args.warranties, seed=args.seed,
                                progress=progress)
    print(file=sys.stderr)
    _print_json(report.as_dict())
    return EXIT_OK


def cmd_import(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services import imports

    db = _open(home, args)
    try:
        report = imports.import_invoices(db, _system(), args.file, fmt=args.format,
                                         dry_run=args.dry_run)
    except imports.ImportRejected as exc:
        if args.json:
            _print_json({"imported": False, "problems": [
                {"row": p.row, "column": p.column, "reason": p.message} for p in exc.problems]})
        print(f"warranty-desk: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        _print_json(report.as_dict())
    else:
        print(report.summary())
    return EXIT_OK


def cmd_lookup(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services.lookup import lookup
    from warranty_desk.services.shop_locale import money_at
    from warranty_desk.views import to_jsonable

    db = _open(home, args)
    result = lookup(db, _system(), " ".join(args.code))
    money = money_at(db)
    if args.json:
        _print_json({**to_jsonable(result, money=money), "currency": money.currency})
    else:
        print(_lookup_text(result, money))
    return EXIT_OK if result.matches or result.claims else EXIT_FAILED


def _lookup_text(result: Any, money: MoneyFormat) -> str:
    lines = [result.message]
    if result.problem:
        lines.append(f"Note: {result.problem}")
    for v in result.matches:
        lines += [
            "",
            f"  {v.headline}  {v.detail}",
            f"  {v.product_name} ({v.brand}, {v.sku})  serial {v.serial or 'not recorded'}",
            f"  warranty {v.warranty_code}  invoice {v.invoice_number} of {v.sold_on}",
            f"  customer {v.customer_name or 'anonymous'}"
            + (f" ({v.customer_phone})" if v.customer_phone else ""),
            "  cover: " + "; ".join(f"{x.kind} {x.start_on} to {x.end_on}" for x in v.layers),
        ]
        if v.exclusions:
            lines.append("  not covered: " + ", ".join(v.exclusions))
        for c in v.claims:
            lines.append(f"  claim {c.number} ({c.opened_on}): {c.state}"
                         + (f", {c.outcome}" if c.outcome else "") + f" – {c.fault}")
        for o in v.extension_offers:
            lines.append(f"  can extend: {o.plan}, {o.months} months for "
                         f"{money.people(o.price_minor)} ({o.reason})")
    if result.claims and not result.matches:
        lines.append("")
        lines += [f"  claim {c.number} ({c.opened_on}): {c.state} – {c.product}, "
                  f"{c.customer_name or 'customer not recorded'}" for c in result.claims]
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services.exports import write_csv
    from warranty_desk.services.reports import REGISTER_COLUMNS, warranty_register
    from warranty_desk.views import to_jsonable

    db = _open(home, args)
    if args.name != "warranties":
        return _management_report(args, home, db)
    if args.pdf:
        raise BadInput("The warranty register is too long for paper; use --csv and open it in a "
                       "spreadsheet, or print a management report as PDF.")
    rows = warranty_register(db, _system())
    if args.json:
        # Streamed by hand so a million warranties never sit in memory at once.
        sys.stdout.write('{"report": "warranties", "warranties": [')
        for n, row in enumerate(rows):
            sys.stdout.write((",\n" if n else "\n") + json.dumps(to_jsonable(row),
                                                                  sort_keys=True))
        sys.stdout.write("\n]}\n")
    elif args.csv:
        write_csv(sys.stdout, REGISTER_COLUMNS, (to_jsonable(r) for r in rows))
    else:
        for r in rows:
            print(f"{r.code}  {r.serial or '-':<16} {r.status:<11} {r.start} to {r.end}  "
                  f"{r.product}  {r.customer or ''}")
    return EXIT_OK


def _management_report(args: argparse.Namespace, home: Home, db: Any) -> int:
    from warranty_desk.money import FILE_UNITS
    from warranty_desk.services import management
    from warranty_desk.services.exports import write_csv
    from warranty_desk.services.shop_locale import money_at
    from warranty_desk.storage.documents import DocumentStore
    from warranty_desk.views import to_jsonable

    table = management.build(db, _system(), args.name, since=args.since)
    money = money_at(db)
    if args.pdf:
        # Imported by name, lazily: the core never depends on printing (DESIGN.md).
        reports = importlib.import_module("printing.reports")
        data = reports.report_pdf(db, _system(), table, paper=args.paper,
                                  documents=DocumentStore(home.documents))
        args.pdf.write_bytes(data)
        print(f"Wrote {table.title.lower()} to {args.pdf} ({len(table.rows)} rows).")
    elif args.json:
        # Amounts as decimal text in major units; `currency` and `money_units` say so.
        _print_json({**to_jsonable(table), "rows": to_jsonable(table.for_files(money)),
                     "currency": money.currency, "money_units": FILE_UNITS})
    elif args.csv:
        write_csv(sys.stdout, table.columns,
                  (dict(zip(table.columns, row, strict=True)) for row in table.for_files(money)))
    else:
        print(f"{table.title} — {table.subtitle}")
        for row in (table.columns, *table.for_people(money)):
            print("  ".join(row))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services import backup

    db = _open(home, args)
    report = backup.backup(db, _system(), args.file, overwrite=args.overwrite)
    print(f"Backed up to {report.path} ({report.bytes:,} bytes, sha256 {report.sha256}).")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services import backup

    report = backup.restore(home, _system(), args.file, clock=_clock(args))
    print(f"Restored {args.file}. The database as it was before is kept at "
          f"{report.safety_copy}.")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.permissions import Permission, require
    from warranty_desk.services import audit

    require(_system(), Permission.VERIFY_AUDIT)
    db = _open(home, args)
    with db.read() as session:
        report = audit.verify(session)
    if args.json:
        _print_json({"ok": report.ok, "entries": report.entries, "head": report.head,
                     "first_bad_entry": report.first_bad_seq, "problem": report.problem})
    elif report.ok:
        print(f"The audit log is intact: {report.entries:,} entries, head {report.head}.")
    else:
        print(f"The audit log was tampered with: {report.problem} "
              f"({report.entries:,} entries check out before it).", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_print(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services import print_jobs
    from warranty_desk.storage.documents import DocumentStore

    db = _open(home, args)
    if args.what == "queue":
        return _print_queue(print_jobs.queued(db), as_json=args.json)
    if args.what == "cancel":
        job = print_jobs.cancel(db, _system(), args.job, args.reason)
        print(f"Cancelled the {job.document.replace('_', ' ')} for {job.subject}.")
        return EXIT_OK
    # Imported by name, lazily, as the UI is: the core never depends on printing (DESIGN.md).
    jobs = importlib.import_module("printing.jobs")
    if args.what == "retry":
        outcome = jobs.retry(db, _system(), args.job)
    else:
        document, subject = args.what.replace("-", "_"), args.subject
        if document == "close_report" and subject.strip().lower() == "today":
            from warranty_desk.services.shop_time import today_at

            subject = today_at(db).isoformat()
        request = jobs.PrintRequest(document, subject, args.target, args.paper,
                                    args.width or jobs.DEFAULT_WIDTH_MM)
        outcome = jobs.print_document(db, _system(), request,
                                      documents=DocumentStore(home.documents))
    return _print_outcome(outcome, home, as_json=args.json)


def _print_outcome(outcome: Any, home: Home, *, as_json: bool) -> int:
    from warranty_desk.views import to_jsonable

    if as_json:
        _print_json({"delivered": outcome.delivered, "message": outcome.message,
                     "job": to_jsonable(outcome.job)})
    if outcome.delivered:
        if not as_json:
            print(outcome.message)
        return EXIT_OK
    print(f"warranty-desk: {outcome.message} To retry: warranty-desk --home {home.root} "
          f"print retry {outcome.job.short_id}", file=sys.stderr)
    return EXIT_FAILED


def _print_queue(queued: Sequence[Any], *, as_json: bool) -> int:
    from warranty_desk.views import to_jsonable

    if as_json:
        _print_json({"queued": to_jsonable(list(queued))})
        return EXIT_OK
    if not queued:
        print("The print queue is empty.")
    for job in queued:
        print(f"{job.short_id}  {job.created_at:%Y-%m-%d %H:%M} UTC  "
              f"{job.document.replace('_', ' ')} for {job.subject}"
              f"{' (copy)' if job.copy else ''} to {job.target}, "
              f"{job.attempts} attempt{'' if job.attempts == 1 else 's'}"
              + (f": {job.last_error}" if job.last_error else ""))
    return EXIT_OK


def cmd_sync(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.views import to_jsonable

    try:
        report = _sync_cycle(args, home)
    except BadInput as exc:
        if args.json:
            _print_json({"complete": False, "error": str(exc)})
        raise
    if args.json:
        _print_json({**to_jsonable(report), "complete": report.complete,
                     "waiting": report.waiting})
    else:
        print(report.message)
    return EXIT_OK if report.complete else EXIT_FAILED


def _sync_cycle(args: argparse.Namespace, home: Home) -> Any:
    from warranty_desk import config

    if args.nightly and (args.push or args.pull):
        raise BadInput("--nightly already pushes and pulls; use it alone.")
    if args.time_limit is not None and not (args.nightly and args.time_limit > 0):
        raise BadInput("--time-limit goes with --nightly and is a number of minutes above 0.")
    loaded = config.load(home)
    if loaded.warning:
        print(f"warranty-desk: {loaded.warning}", file=sys.stderr)
    # Imported by name, lazily: the core never depends on sync (DESIGN.md).
    runner = importlib.import_module("sync.runner")
    options: dict[str, Any] = {}
    if args.time_limit is not None:
        options["time_limit"] = args.time_limit * 60
    db = _open(home, args)
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
        print(f"warranty-desk: {loaded.warning}", file=sys.stderr)
    if args.what == "set":
        return _config_set(home, loaded.settings, args.key, args.value)
    # Imported by name, lazily: the core never depends on sync (DESIGN.md).
    secrets = importlib.import_module("sync.secrets")
    if args.what == "set-secret":
        _, name, label = next(s for s in _SECRETS if s[0] == args.name)
        secrets.set_secret(home, name, _read_secret(label))
        print(f"Stored the {label} in {secrets.where(home)}.")
        return EXIT_OK
    stored = {flag: "set" if secrets.get_secret(home, name) else "not set"
              for flag, name, _ in _SECRETS}
    if args.json:
        from warranty_desk.views import to_jsonable

        _print_json({"config": str(home.config), "settings": to_jsonable(loaded.settings),
                     "secrets": stored, "secrets_kept_in": secrets.where(home)})
        return EXIT_OK
    print(f"# {home.config}")
    print(config.to_toml(loaded.settings), end="")
    print(f"\n# Secrets, kept in {secrets.where(home)}:")
    for flag, state in stored.items():
        print(f"#   {flag}: {state}")
    return EXIT_OK


def _config_set(home: Home, settings: Any, key: str, text: str) -> int:
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
    changed = replace(settings, sync=replace(settings.sync, **{name: value}))
    found = config.problems(changed)
    if found:
        raise BadInput("Nothing was saved: " + "; ".join(found) + ".")
    config.save(home, changed)
    print(f"Saved sync.{name} = {value!r} in {home.config}.")
    return EXIT_OK


def _read_secret(label: str) -> str:
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        value = getpass.getpass(f"{label[0].upper()}{label[1:]} (not shown as you type): ")
    else:
        value = sys.stdin.read() if sys.stdin is not None else ""
    value = value.strip()
    if not value:
        raise BadInput(f"No {label} was given: type it at the prompt, or pipe it in from a "
                       "file (`… config set-secret NAME < file`). Nothing was stored.")
    if any(ch in value for ch in "\r\n"):
        raise BadInput(f"The {label} must be one line. Nothing was stored.")
    return value


_COMMANDS: dict[str, Callable[[argparse.Namespace, Home], int]] = {
    "init": cmd_init, "demo-data": cmd_demo_data, "import": cmd_import, "lookup": cmd_lookup,
    "report": cmd_report, "backup": cmd_backup, "restore": cmd_restore, "audit": cmd_audit,
    "print": cmd_print, "sync": cmd_sync, "config": cmd_config,
    "warranty": lambda args, home: cli_claims.cmd_warranty(args, home, _open),
    "claim": lambda args, home: cli_claims.cmd_claim(args, home, _open),
}
