"""The claim, warranty and staff commands: done by a signed-in person, never "system".

Voiding, checking proof, recording findings, reopening and unlocking a staff account are a
person's decisions, so each command names the staff member (--staff) and reads their PIN unseen
from the terminal or from stdin; the audit log records who it was.
"""

from __future__ import annotations

import argparse
from typing import Any

from warranty_desk.cli_common import add_staff_option, open_db, print_json, sign_in_staff
from warranty_desk.storage.home import Home


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`warranty ...` and `claim ...` with their options."""
    p = sub.add_parser("warranty", help="change a warranty: void it, with a reason")
    wsub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
    wv = wsub.add_parser("void", help="void a warranty (a returned sale, one issued by mistake)")
    wv.add_argument("code", metavar="WARRANTY_CODE")
    wv.add_argument("--reason", required=True, help="why, in plain words (kept in the audit log)")
    add_staff_option(wv)

    p = sub.add_parser("claim", help="work on a claim: check its proof, record findings, reopen")
    csub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
    cv = csub.add_parser("verify-proof", help="accept or refuse the uploaded proof of purchase")
    cv.add_argument("number", metavar="CLAIM_NUMBER")
    verdict = cv.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--accept", action="store_true", help="the proof matches the purchase")
    verdict.add_argument("--reject", action="store_true", help="the proof does not match")
    cv.add_argument("--note", required=True, help="what you checked: shop, date, product")
    add_staff_option(cv)
    cn = csub.add_parser("note", help="record the technician's findings on the claim")
    cn.add_argument("number", metavar="CLAIM_NUMBER")
    cn.add_argument("text", metavar="TEXT", help="what was found on the unit")
    add_staff_option(cn)
    cr = csub.add_parser("reopen", help="send a rejected claim back to review (a manager)")
    cr.add_argument("number", metavar="CLAIM_NUMBER")
    cr.add_argument("--reason", required=True, help="why; the customer is told")
    add_staff_option(cr)

    p = sub.add_parser("staff", help="staff accounts: unlock one locked after wrong PINs")
    ssub = p.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=parser_class)
    su = ssub.add_parser("unlock", help="lift a wrong-PIN lock (a manager, owner or admin; "
                         "without --staff, an owner's or admin's when no other can sign in)")
    su.add_argument("name", metavar="NAME", help="whose account, as on the sign-in list")
    add_staff_option(su, required=False)


def _summary(summary: Any, as_json: bool, words: str) -> None:
    from warranty_desk.views import to_jsonable

    if as_json:
        print_json(to_jsonable(summary))
    else:
        print(words)


def cmd_warranty(args: argparse.Namespace, home: Home) -> int:
    """`warranty void CODE --reason R --staff NAME`."""
    from warranty_desk.services import activation

    db = open_db(home, args)
    actor = sign_in_staff(db, args.staff)
    activation.void_warranty(db, actor, args.code, args.reason)
    code = args.code.strip().upper()
    _summary({"code": code, "status": "void", "reason": args.reason.strip()}, args.json,
             f"Warranty {code} is void now. Reason kept: {args.reason.strip()}")
    return 0


def cmd_claim(args: argparse.Namespace, home: Home) -> int:
    """`claim verify-proof|note|reopen NUMBER ... --staff NAME`."""
    from warranty_desk.services import claims, decisions

    db = open_db(home, args)
    actor = sign_in_staff(db, args.staff)
    if args.what == "verify-proof":
        summary = claims.verify_proof(db, actor, args.number, accepted=args.accept,
                                      note=args.note)
        words = ("accepted: the claim can move on without an override" if args.accept
                 else "refused: the claim cannot move on without another proof or a "
                      "manager's override")
        _summary(summary, args.json, f"Proof of purchase of claim {summary.number} {words}.")
    elif args.what == "note":
        summary = claims.add_note(db, actor, args.number, args.text)
        _summary(summary, args.json, f"Findings recorded on claim {summary.number}.")
    else:
        summary = decisions.reopen(db, actor, args.number, args.reason)
        _summary(summary, args.json, f"Claim {summary.number} reopened: back in review. The "
                                     "customer's message is queued.")
    return 0


def cmd_staff(args: argparse.Namespace, home: Home) -> int:
    """`staff unlock NAME [--staff MANAGER]`."""
    from warranty_desk.services import staff

    db = open_db(home, args)
    if args.staff is None:  # the way back when every owner and admin is locked out
        view = staff.unlock_at_the_machine(db, args.name)
    else:
        view = staff.unlock_staff(db, sign_in_staff(db, args.staff), args.name)
    _summary({"name": view.name, "locked": False}, args.json,
             f"{view.name} can sign in again: the wrong-PIN lock is lifted and the next lock "
             "starts from the shortest.")
    return 0
