"""The `print` commands: slips, certificates, tickets, labels, the close report, letters, the
print queue."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from warranty_desk.cli_common import EXIT_FAILED, EXIT_OK, open_db, print_json, system_actor
from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    from printing.jobs import PrintOutcome
    from warranty_desk.services.print_jobs import PrintJobView

# The printable documents: command name, what its subject is, and its help line.
_PRINTABLES = (
    ("slip", "WARRANTY_CODE", "the warranty slip for the receipt printer"),
    ("certificate", "WARRANTY_CODE", "the warranty certificate as a PDF"),
    ("ticket", "CLAIM_NUMBER", "the claim's drop-off ticket (receipt printer or PDF)"),
    ("label", "CLAIM_NUMBER", "the return label for a faulty unit, as a PDF"),
    ("handover", "CLAIM_NUMBER", "the receipt of a unit handed back to the customer, signed on "
                                 "screen or with a line to sign (receipt printer or PDF)"),
    ("close-report", "DAY", "the day's close report; DAY is YYYY-MM-DD or today"),
    ("letter", "MESSAGE_ID", "a message to the customer as a letter (receipt printer or PDF); "
                             "it is then delivered by hand"),
)


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`print DOCUMENT SUBJECT --to TARGET` and `print queue|retry|cancel`."""
    p = sub.add_parser("print", help="print slips, certificates, tickets, labels, the "
                                     "close report and letters; list and retry the print queue")
    psub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
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
    pr = psub.add_parser("retry", help="send a queued print again (a receipt to the receipt "
                                       "printer set up now)")
    pr.add_argument("job", metavar="JOB_ID")
    pr.add_argument("--json", action="store_true")
    pc = psub.add_parser("cancel", help="take a print off the queue, saying why")
    pc.add_argument("job", metavar="JOB_ID")
    pc.add_argument("--reason", required=True)


def cmd_print(args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.services import print_jobs
    from warranty_desk.storage.documents import DocumentStore

    db = open_db(home, args)
    if args.what == "queue":
        return _print_queue(print_jobs.queued(db), as_json=args.json)
    if args.what == "cancel":
        job = print_jobs.cancel(db, system_actor(), args.job, args.reason)
        print(f"Cancelled the {job.document.replace('_', ' ')} for {job.subject}.")
        return EXIT_OK
    # Imported here, not at the top: the command line is the composition root, and the rest
    # of the core never depends on printing (DESIGN.md; an import-linter contract).
    from printing import jobs

    if args.what == "retry":
        # To the receipt printer set up now, as the app's queue does: its address may have
        # been corrected since the job failed.
        from warranty_desk import config

        outcome = jobs.retry(db, system_actor(), args.job,
                             printers=config.load(home).settings.printers)
    else:
        document, subject = args.what.replace("-", "_"), args.subject
        if document == "close_report" and subject.strip().lower() == "today":
            from warranty_desk.services.shop_time import today_at

            subject = today_at(db).isoformat()
        request = jobs.PrintRequest(document, subject, args.target, args.paper,
                                    args.width or jobs.DEFAULT_WIDTH_MM)
        outcome = jobs.print_document(db, system_actor(), request,
                                      documents=DocumentStore(home.documents))
    return print_outcome(outcome, home, as_json=args.json)


def print_outcome(outcome: PrintOutcome, home: Home, *, as_json: bool) -> int:
    """Say how a print went; one that waits in the queue says how to retry it."""
    from warranty_desk.views import to_jsonable

    if as_json:
        print_json({"delivered": outcome.delivered, "message": outcome.message,
                    "job": to_jsonable(outcome.job)})
    if outcome.delivered:
        if not as_json:
            print(outcome.message)
        return EXIT_OK
    print(f"warranty-desk: {outcome.message} To retry: warranty-desk --home {home.root} "
          f"print retry {outcome.job.short_id}", file=sys.stderr)
    return EXIT_FAILED


def _print_queue(queued: Sequence[PrintJobView], *, as_json: bool) -> int:
    from warranty_desk.views import to_jsonable

    if as_json:
        print_json({"queued": to_jsonable(list(queued))})
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
