"""The audit sample commands: draw a month's sample, show it, review its claims.

Drawing and reviewing are a manager's acts, so each names the staff member (--staff) and reads
their PIN unseen; showing may be done by the command line itself.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from warranty_desk.cli_common import add_staff_option, open_db, print_json, sign_in_staff
from warranty_desk.storage.home import Home

if TYPE_CHECKING:  # the services load only inside the command that runs
    from warranty_desk.services.audit_sample import SampledClaim, SampleView


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`audit-sample draw|show|review` with their options."""
    p = sub.add_parser("audit-sample", help="the monthly audit sample of closed claims: draw "
                                            "it, show it, review its claims (a manager)")
    asub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
    ad = asub.add_parser("draw", help="draw a month's sample of closed claims (once a month)")
    ad.add_argument("--month", required=True, metavar="YYYY-MM", help="the shop month, 2026-11")
    ad.add_argument("--size", type=int, default=None, metavar="N",
                    help="how many claims to draw (default 10; all when fewer closed)")
    ad.add_argument("--seed", type=int, default=None, metavar="S",
                    help="the seed to draw with (default: a new one, kept with the sample)")
    add_staff_option(ad)
    ash = asub.add_parser("show", help="show a month's sample, its reviews, and whether its "
                                       "seed draws the same claims again")
    ash.add_argument("--month", required=True, metavar="YYYY-MM")
    add_staff_option(ash, required=False)
    ar = asub.add_parser("review", help="mark a sampled claim reviewed, with a finding")
    ar.add_argument("number", metavar="CLAIM_NUMBER")
    ar.add_argument("--finding", required=True, metavar="FINDING",
                    help="fine, or needs-follow-up")
    ar.add_argument("--note", default="", help="what you found (needed for needs-follow-up)")
    ar.add_argument("--month", default=None, metavar="YYYY-MM",
                    help="the sample's month, when the claim is in two months' samples")
    add_staff_option(ar)


def _claim_lines(c: SampledClaim, when: Any) -> list[str]:
    closed = when(c.closed_at) if c.closed_at else "–"
    line = f"  {c.position:>3}  {c.number}  {c.outcome or '–'}  closed {closed}  {c.product}"
    review = (f"       {c.finding_words}, by {c.reviewed_by} on {when(c.reviewed_at)}"
              if c.reviewed_at else f"       {c.finding_words}")
    return [line, review + (f": {c.note}" if c.note else "")]


def _print_sample(view: SampleView, when: Any, heading: str) -> None:
    print(f"{heading}: {view.words}")
    print(f"Drawn on {when(view.drawn_at)} by {view.drawn_by or 'the command line'}.")
    for claim in view.claims:
        print("\n".join(_claim_lines(claim, when)))


def cmd_audit_sample(args: argparse.Namespace, home: Home) -> int:
    """`audit-sample draw|show|review ...`."""
    from warranty_desk.cli_common import system_actor
    from warranty_desk.errors import NotFound
    from warranty_desk.services import audit_sample
    from warranty_desk.services.shop_time import shop_zone
    from warranty_desk.views import to_jsonable

    db = open_db(home, args)
    with db.read() as session:
        zone = shop_zone(session)

    def when(at: Any) -> str:
        return str(at.astimezone(zone).strftime("%Y-%m-%d %H:%M"))

    actor = sign_in_staff(db, args.staff) if args.staff else system_actor()
    if args.what == "draw":
        kwargs = {} if args.size is None else {"size": args.size}
        view = audit_sample.draw(db, actor, args.month, seed=args.seed, **kwargs)
        if args.json:
            print_json(to_jsonable(view) | {"shortfall": view.shortfall})
        else:
            _print_sample(view, when, f"Drew the sample of {view.month_words}")
            print(f"Keep the seed ({view.seed}): drawn again with it over the same closed "
                  "claims, it gives the same claims.")
    elif args.what == "show":
        found = audit_sample.sample(db, actor, args.month)
        if found is None:
            month = audit_sample.month_words(audit_sample.parse_month(args.month))
            raise NotFound(f"No sample of {month} has been drawn. Draw it with `warranty-desk "
                           f"audit-sample draw --month {args.month.strip()} --staff NAME`.")
        same = list(audit_sample.redraw(db, actor, args.month)) == [
            c.number for c in found.claims]
        if args.json:
            print_json(to_jsonable(found) | {"shortfall": found.shortfall,
                                             "drawn_again_same": same})
        else:
            _print_sample(found, when, f"Audit sample of {found.month_words}")
            print(f"Drawn again from seed {found.seed} over the claims closed in the month now: "
                  + ("the same claims." if same else "other claims: the month's closed claims "
                     "have changed since (a claim reopened or closed again)."))
    else:
        claim = audit_sample.review(db, actor, args.number, args.finding, args.note,
                                    month=args.month)
        if args.json:
            print_json(to_jsonable(claim))
        else:
            print(f"Claim {claim.number} reviewed: {claim.finding_words}"
                  + (f". Note kept: {claim.note}" if claim.note else "."))
    return 0
