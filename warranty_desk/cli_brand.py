"""The `brand` commands: brand claims to suppliers, their statuses, packets and settlements.

Opening, filling, sending, settling and writing off are a person's acts, so those commands
name the staff member (--staff) and read the PIN unseen. Listing, reading, a service centre's
status file and suppliers' terms may also run as the command line itself (a nightly job).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warranty_desk.cli_common import (
    EXIT_OK,
    add_staff_option,
    open_db,
    parse_date,
    print_json,
    rejected,
    sign_in_staff,
    system_actor,
)
from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    from warranty_desk.money import MoneyFormat
    from warranty_desk.permissions import Actor
    from warranty_desk.services.brand_claim_views import BrandClaimView
    from warranty_desk.storage.database import Database


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`brand ...` with its options."""
    p = sub.add_parser("brand", help="brand claims to suppliers: open, fill, statuses, packet, "
                                     "settlements")
    bsub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
    b = bsub.add_parser("list", help="open brand claims, stale ones first")
    b.add_argument("--all", action="store_true", help="closed ones too")
    add_staff_option(b, required=False)
    b = bsub.add_parser("show", help="one brand claim in full")
    b.add_argument("number", metavar="BRAND_CLAIM")
    add_staff_option(b, required=False)
    b = bsub.add_parser("open", help="open a brand claim over claims or faulty units")
    b.add_argument("codes", nargs="+", metavar="CODE", help="claim numbers or unit serials")
    b.add_argument("--external-id", default="", help="the brand's own claim id, if known")
    b.add_argument("--centre", default="", help="the authorised service centre")
    add_staff_option(b)
    b = bsub.add_parser("add", help="add claims or faulty units to an open brand claim")
    b.add_argument("number", metavar="BRAND_CLAIM")
    b.add_argument("codes", nargs="+", metavar="CODE")
    add_staff_option(b)
    b = bsub.add_parser("details", help="the brand's claim id and service centre")
    b.add_argument("number", metavar="BRAND_CLAIM")
    b.add_argument("--external-id")
    b.add_argument("--centre")
    add_staff_option(b)
    b = bsub.add_parser("status", help="a status the brand gave, typed in")
    b.add_argument("number", metavar="BRAND_CLAIM")
    b.add_argument("status", metavar="STATUS")
    b.add_argument("--note", default="")
    add_staff_option(b)
    b = bsub.add_parser("import-status", help="a service centre's status CSV (all or nothing)")
    b.add_argument("file", type=Path)
    b.add_argument("--layout", help="the centre's profile (default: told from the header)")
    add_staff_option(b, required=False)
    b = bsub.add_parser("packet", help="the packet for the brand: PDF (a print job, like "
                                       "the screen's Ctrl+P) and/or CSV")
    b.add_argument("number", metavar="BRAND_CLAIM")
    b.add_argument("--pdf", type=Path, metavar="FILE")
    b.add_argument("--csv", type=Path, metavar="FILE")
    b.add_argument("--paper", choices=["A4", "Letter", "A5"], default="A4")
    add_staff_option(b, required=False)
    b = bsub.add_parser("send", help="a unit of the brand claim leaves for the supplier (scan)")
    b.add_argument("number", metavar="BRAND_CLAIM")
    b.add_argument("code", metavar="CODE")
    add_staff_option(b)
    b = bsub.add_parser("back", help="a unit comes back from the supplier (scan)")
    b.add_argument("code", metavar="CODE")
    add_staff_option(b)
    b = bsub.add_parser("settle", help="a payment or credit note from the supplier")
    b.add_argument("number", metavar="BRAND_CLAIM")
    b.add_argument("amount", metavar="AMOUNT", help="in the shop's currency, like 120.00")
    b.add_argument("--reference", required=True)
    b.add_argument("--credit-note", action="store_true")
    b.add_argument("--final", action="store_true", help="nothing more will come")
    b.add_argument("--reason", default="", help="why it differs from what was expected")
    b.add_argument("--on", type=parse_date, metavar="YYYY-MM-DD")
    add_staff_option(b)
    b = bsub.add_parser("write-off", help="give up what the supplier did not pay (a manager)")
    b.add_argument("number", metavar="BRAND_CLAIM")
    b.add_argument("--reason", required=True)
    add_staff_option(b)
    b = bsub.add_parser("terms", help="set a supplier's warranty terms")
    b.add_argument("supplier")
    b.add_argument("--covers", default="parts,labour,replacement",
                   help="what it pays back: parts, labour, replacement, shipping")
    b.add_argument("--from", dest="window_from", choices=["sale", "claim"], default="sale")
    b.add_argument("--days", type=int, default=365, help="claim window in days")
    b.add_argument("--stale-after", type=int, default=14, help="days without news")
    b.add_argument("--profile", default="generic", help="the packet layout")
    b.add_argument("--centre", default="", help="its authorised service centre")
    add_staff_option(b, required=False)


def _actor(db: Database, args: argparse.Namespace) -> Actor:
    return sign_in_staff(db, args.staff) if args.staff else system_actor()


def _print_view(view: BrandClaimView, money: MoneyFormat, as_json: bool) -> None:
    from warranty_desk.views import to_jsonable

    if as_json:
        print_json(to_jsonable(view, money=money))
        return
    flag = "  STALE" if view.stale else ""
    print(f"{view.number}  {view.brand} / {view.supplier}  {view.status} ({view.approval})"
          f"{flag}")
    print(f"  brand's id {view.external_id or '-'}; service centre "
          f"{view.service_centre or '-'}")
    print(f"  expected {money.people(view.expected_minor)}, settled "
          f"{money.people(view.settled_minor)}, written off "
          f"{money.people(view.written_off_minor)}, outstanding "
          f"{money.people(view.outstanding_minor)}")
    for line in view.lines:
        print(f"  {line.claim_number}  {line.serial or '-':<14} {line.product}: "
              f"{line.place}; {money.people(line.expected_minor)}"
              + (f" (not claimed: {line.not_recoverable})" if line.not_recoverable else ""))
    for u in view.updates:
        print(f"  {u.at:%Y-%m-%d %H:%M} {u.from_status} -> {u.status} by {u.entered_by} "
              f"({u.source}{', ' + u.origin if u.origin else ''})"
              + (f": {u.note}" if u.note else ""))


def cmd_brand(args: argparse.Namespace, home: Home) -> int:
    """`brand WHAT ...`."""
    from warranty_desk.services import brand_claims, brand_stock, settlements
    from warranty_desk.services.brand_claim_views import brand_claim
    from warranty_desk.services.brand_claim_views import brand_claims as listed
    from warranty_desk.services.shop_locale import money_at

    db = open_db(home, args)
    actor = _actor(db, args)
    money = money_at(db)
    view: BrandClaimView | None = None
    if args.what == "list":
        return _list(listed(db, actor, include_closed=args.all), money, args.json)
    if args.what == "show":
        view = brand_claim(db, actor, args.number)
    elif args.what == "open":
        view = brand_claims.open_brand_claim(db, actor, args.codes,
                                             external_id=args.external_id,
                                             service_centre=args.centre)
    elif args.what == "add":
        view = brand_claims.add_claims(db, actor, args.number, args.codes)
    elif args.what == "details":
        view = brand_claims.set_details(db, actor, args.number, external_id=args.external_id,
                                        service_centre=args.centre)
    elif args.what == "status":
        view = brand_claims.update_status(db, actor, args.number, args.status, note=args.note)
    elif args.what == "import-status":
        return _import(db, actor, args)
    elif args.what == "packet":
        return _packet(db, actor, args, home)
    elif args.what in ("send", "back"):
        moved = (brand_stock.send_unit(db, actor, args.number, args.code) if args.what == "send"
                 else brand_stock.receive_back(db, actor, args.code))
        if args.json:
            print_json({"claim": moved.claim_number, "serial": moved.serial,
                        "brand_claim": moved.brand_claim, "place": moved.place})
        else:
            print(f"Claim {moved.claim_number}'s unit ({moved.serial or 'no serial'}) is "
                  f"{moved.place} now.")
        return EXIT_OK
    elif args.what == "settle":
        from warranty_desk.money import parse_typed

        view = settlements.record_settlement(db, actor, args.number, settlements.SettlementInput(
            parse_typed(args.amount, money.currency), args.reference,
            "credit_note" if args.credit_note else "payment", args.on, args.final, args.reason))
    elif args.what == "write-off":
        view = settlements.write_off(db, actor, args.number, args.reason)
    else:
        return _terms(db, actor, args)
    _print_view(view, money, args.json)
    return EXIT_OK


def _list(rows: Any, money: MoneyFormat, as_json: bool) -> int:
    from warranty_desk.views import to_jsonable

    if as_json:
        print_json({"brand_claims": to_jsonable(list(rows), money=money)})
        return EXIT_OK
    for r in rows:
        print(f"{r.number}  {r.supplier:<24} {r.status:<12} {r.claims} claims  expected "
              f"{money.people(r.expected_minor)}  settled {money.people(r.settled_minor)}  "
              f"{r.age_days} days without news" + ("  STALE" if r.stale else ""))
    return EXIT_OK


def _import(db: Database, actor: Actor, args: argparse.Namespace) -> int:
    from warranty_desk.services.brand_status_import import import_statuses
    from warranty_desk.services.imports import ImportRejected

    try:
        done = import_statuses(db, actor, args.file, layout=args.layout)
    except ImportRejected as exc:
        return rejected(exc, args.json)
    if args.json:
        print_json({"imported": True, "file": done.file_name, "layout": done.profile,
                    "rows": done.rows, "changed": done.changed, "unchanged": done.unchanged,
                    "brand_claims": list(done.brand_claims)})
    else:
        print(done.summary())
    return EXIT_OK


def _packet(db: Database, actor: Actor, args: argparse.Namespace, home: Home) -> int:
    from warranty_desk.errors import BadInput
    from warranty_desk.services.brand_packet import packet, packet_csv

    if not (args.pdf or args.csv):
        raise BadInput("Say where to write the packet: --pdf FILE, --csv FILE, or both.")
    found = packet(db, actor, args.number)
    if args.csv:
        args.csv.write_text(packet_csv(found), encoding="utf-8", newline="")
        print(f"Wrote the packet of {found.claim.number} as CSV ({found.profile.name} layout) "
              f"to {args.csv}.")
    if args.pdf:
        # Through the print queue like the screen's Ctrl+P, so the packet is on record and can
        # be printed again. Imported here: the command line is the composition root; the core
        # never imports printing (DESIGN.md; an import-linter contract).
        from printing import jobs
        from warranty_desk.cli_print import print_outcome
        from warranty_desk.storage.documents import DocumentStore

        request = jobs.PrintRequest("brand_packet", found.claim.number, str(args.pdf),
                                    args.paper, jobs.DEFAULT_WIDTH_MM)
        return print_outcome(jobs.print_document(db, actor, request,
                                                 documents=DocumentStore(home.documents)),
                             home, as_json=False)
    return EXIT_OK


def _terms(db: Database, actor: Actor, args: argparse.Namespace) -> int:
    from warranty_desk.services.supplier_terms import TermsInput, set_terms

    kinds = frozenset(k.strip().lower() for k in args.covers.split(",") if k.strip())
    done = set_terms(db, actor, TermsInput(args.supplier, kinds, args.window_from, args.days,
                                           args.stale_after, args.profile, args.centre))
    if args.json:
        print_json({"supplier": done.supplier, "covers": sorted(done.kinds),
                    "window_from": done.window_from, "window_days": done.window_days,
                    "stale_after_days": done.stale_after_days,
                    "packet_profile": done.packet_profile})
    else:
        print(f"{done.supplier} pays back {', '.join(sorted(done.kinds)) or 'nothing'} within "
              f"{done.window_days} days of the {done.window_from}; its brand claims go stale "
              f"after {done.stale_after_days} days without news.")
    return EXIT_OK
