"""The customer commands: `customer erase`, a person's data removed on their request."""

from __future__ import annotations

import argparse
from typing import Any

from warranty_desk.cli_common import EXIT_OK, add_staff_option, open_db, print_json, sign_in_staff
from warranty_desk.storage.home import Home


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`customer erase REFERENCE --reason R --staff NAME`."""
    p = sub.add_parser("customer", help="customer records: erase one's personal data")
    csub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
    ce = csub.add_parser("erase", help="erase a customer's name, phone and email on their "
                                       "request (GDPR Art. 17); warranties and claims stay under "
                                       "a pseudonym. A manager or the owner; cannot be undone")
    ce.add_argument("reference", metavar="CUSTOMER_REFERENCE")
    ce.add_argument("--reason", required=True,
                    help="on whose request and how it came, e.g. 'asked by email on 3 Dec' "
                         "(kept in the audit log)")
    add_staff_option(ce)


def cmd_customer(args: argparse.Namespace, home: Home) -> int:
    """`customer erase REFERENCE --reason R --staff NAME`."""
    from warranty_desk.services import erasure

    db = open_db(home, args)
    try:
        actor = sign_in_staff(db, args.staff)
        report = erasure.erase(db, actor, args.reference, args.reason)
    finally:
        db.dispose()
    if args.json:
        print_json({"reference": report.reference, "pseudonym": report.pseudonym,
                    "rows": report.rows, "audit_entries": report.audit_entries,
                    "print_jobs": report.print_jobs, "compacted": report.compacted})
    else:
        tail = ("" if report.compacted else " The database file is rewritten at the next "
                "compaction: another program held it open.")
        print(f"Erased {report.reference}: its records now name {report.pseudonym}. Head "
              f"office erases its copies when the till next syncs.{tail}")
    return EXIT_OK
