"""The commands over the shop's records: `import invoices`, `lookup` and `report`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warranty_desk.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    open_db,
    parse_date,
    print_json,
    rejected,
    system_actor,
)
from warranty_desk.errors import BadInput
from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    from warranty_desk.money import MoneyFormat
    from warranty_desk.storage.database import Database
    from warranty_desk.views import ClaimBrief, ClaimMatch, LookupResult


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`import invoices`, `lookup` and `report` with their options."""
    p = sub.add_parser("import", help="import POS files")
    isub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
    pi = isub.add_parser("invoices", help="import a POS invoice export (all or nothing)")
    pi.add_argument("file", type=Path)
    pi.add_argument("--format", choices=["native-csv", "native-json", "shopify", "square"])
    pi.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
    pi.add_argument("--json", action="store_true")

    p = sub.add_parser("lookup", help="the verdict for a serial, code, invoice, phone or name")
    p.add_argument("code", nargs="+")
    p.add_argument("--json", action="store_true")

    # The names come from the one registry of reports (services.report_registry), read when
    # the command runs so starting the command line imports no services; `list` prints them.
    p = sub.add_parser("report", help="print a report: `warranty-desk report list` names "
                       "them; `warranties` is the register of every unit's cover")
    p.add_argument("name", metavar="NAME", help="a report's name, or list")
    p.add_argument("--from", "--since", dest="since", type=parse_date, metavar="YYYY-MM-DD",
                   help="first day of the period (reports of the shop as it is now take none; "
                   "default 90 days before its end)")
    p.add_argument("--to", dest="until", type=parse_date, metavar="YYYY-MM-DD",
                   help="last day of the period (default today)")
    p.add_argument("--by", metavar="FIELD", help="compare by product, brand, category, branch, "
                   "supplier or staff (the metric reports)")
    p.add_argument("--only", action="append", default=[], metavar="FIELD=VALUE",
                   help="keep only what has this value, e.g. brand=Lumen (repeat for more)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    fmt.add_argument("--pdf", type=Path, metavar="FILE", help="write the report as a PDF")
    p.add_argument("--paper", choices=["A4", "Letter", "A5"], default="A4")


def cmd_import(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services import imports

    db = open_db(home, args)
    try:
        report = imports.import_invoices(db, system_actor(), args.file, fmt=args.format,
                                         dry_run=args.dry_run)
    except imports.ImportRejected as exc:
        return rejected(exc, args.json)
    if args.json:
        print_json(report.as_dict())
    else:
        print(report.summary())
        for line in report.details():
            print(f"  - {line}")
    return EXIT_OK


def cmd_lookup(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services.lookup import lookup
    from warranty_desk.services.shop_locale import money_at
    from warranty_desk.views import to_jsonable

    db = open_db(home, args)
    result = lookup(db, system_actor(), " ".join(args.code))
    money = money_at(db)
    if args.json:
        print_json({**to_jsonable(result, money=money), "currency": money.currency})
    else:
        print(_lookup_text(result, money))
    return EXIT_OK if result.matches or result.claims else EXIT_FAILED


def _lookup_text(result: LookupResult, money: MoneyFormat) -> str:
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
                         + (f", {c.outcome}" if c.outcome else "") + f" – {c.fault}"
                         + _claimant(c))
        for o in v.extension_offers:
            lines.append(f"  can extend: {o.plan}, {o.months} months for "
                         f"{money.people(o.price_minor)} ({o.reason})")
    if result.claims and not result.matches:
        lines.append("")
        lines += [f"  claim {c.number} ({c.opened_on}): {c.state} – {c.product}, "
                  f"{c.customer_name or 'customer not recorded'}" + _claimant(c)
                  for c in result.claims]
    return "\n".join(lines)


def _claimant(claim: ClaimMatch | ClaimBrief) -> str:
    """"; claimed by NAME (PHONE)" when the claim was started online with its own contact."""
    if not (claim.claimant_name or claim.claimant_phone):
        return ""
    phone = f" ({claim.claimant_phone})" if claim.claimant_phone else ""
    return f"; claimed by {claim.claimant_name or 'a person who gave no name'}{phone}"


def cmd_report(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services.exports import write_csv
    from warranty_desk.services.reports import REGISTER_COLUMNS, warranty_register
    from warranty_desk.views import to_jsonable

    if args.name == "list":
        return _list_reports()
    db = open_db(home, args)
    if args.name != "warranties":
        return _management_report(args, home, db)
    if args.pdf:
        raise BadInput("The warranty register is too long for paper; use --csv and open it in a "
                       "spreadsheet, or print a management report as PDF.")
    rows = warranty_register(db, system_actor())
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


def _management_report(args: argparse.Namespace, home: Home, db: Database) -> int:
    from warranty_desk.money import FILE_UNITS
    from warranty_desk.services import report_registry
    from warranty_desk.services.exports import write_csv_parts
    from warranty_desk.services.shop_locale import money_at
    from warranty_desk.storage.documents import DocumentStore
    from warranty_desk.views import to_jsonable

    table = report_registry.build(db, system_actor(), args.name, since=args.since,
                                  until=args.until, by=args.by, filters=_filters(args.only))
    money = money_at(db)
    if args.pdf:
        # Imported here, not at the top: the command line is the composition root, and the
        # rest of the core never depends on printing (DESIGN.md; an import-linter contract).
        from printing import reports

        data = reports.report_pdf(db, system_actor(), table, paper=args.paper,
                                  documents=DocumentStore(home.documents))
        args.pdf.write_bytes(data)
        print(f"Wrote {table.title.lower()} to {args.pdf} ({len(table.rows)} rows).")
    elif args.json:
        # Amounts as decimal text in major units; `currency` and `money_units` say so.
        print_json({**to_jsonable(table), "rows": to_jsonable(table.for_files(money)),
                    "currency": money.currency, "money_units": FILE_UNITS})
    elif args.csv:
        write_csv_parts(sys.stdout, ((part.columns, part.for_files(money))
                                     for part in (table, *table.follow)))
    else:
        for n, part in enumerate((table, *table.follow)):
            print(("\n" if n else "") + f"{part.title} — {part.subtitle}")
            for row in (part.columns, *part.for_people(money)):
                print("  ".join(row))
    return EXIT_OK


def _filters(given: list[str]) -> dict[str, str]:
    """--only FIELD=VALUE options as filters; one without '=' is refused in words."""
    found: dict[str, str] = {}
    for item in given:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise BadInput(f"--only {item!r} needs a field and a value, e.g. --only brand=Lumen.")
        found[name.strip()] = value.strip()
    return found


def _list_reports() -> int:
    from warranty_desk.services.report_registry import REPORTS

    print("warranties  every warranty and its cover (CSV or JSON)")
    for spec in REPORTS.values():
        extra = "" if spec.period_words else " (as it is now)"
        compares = " [--by, --only]" if spec.compares else ""
        print(f"{spec.name}  {spec.words}{extra}{compares}")
    return EXIT_OK
