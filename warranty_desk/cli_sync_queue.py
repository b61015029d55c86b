"""`sync parked|retry|dismiss|inbox|inbox-done|catalogue`: the Sync panel's work, headless.

Listing needs no one signed in; retrying, dismissing, marking an inbox item done and sending
the catalogue again are a person's decisions, so each names the staff member (--staff) and
reads their PIN unseen; the audit log records them as the Sync panel's buttons do. Listing
exits 1 while anything waits for a person, so a script can tell.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from warranty_desk.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    add_staff_option,
    open_db,
    print_json,
    sign_in_staff,
)
from warranty_desk.errors import BadInput, NotFound
from warranty_desk.redaction import redact
from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    from warranty_desk.services.inbox import AppliedResult
    from warranty_desk.services.sync_admin import ParkedView

# How the lines name each receiver's cursor.
RECEIVERS = {"portal": "head office", "crm": "the CRM"}
ACTIONS = ("parked", "retry", "dismiss", "inbox", "inbox-done", "catalogue")


def add_actions(sync_parser: argparse.ArgumentParser, parser_class: type[Any]) -> None:
    """The sub-commands of `sync`; plain `sync` (no action) still runs a cycle."""
    actions = sync_parser.add_subparsers(dest="action", metavar="[ACTION]",
                                         parser_class=parser_class)
    p = actions.add_parser("parked", help="records head office or the CRM refused, and those "
                                          "held behind them (exit 1 while any wait)")
    p.add_argument("--json", action="store_true")
    p = actions.add_parser("retry", help="send a refused record again at the next sync")
    p.add_argument("event", metavar="ID", help="the event's number from `sync parked` (or "
                                               "portal:N / crm:N when both hold it)")
    add_staff_option(p)
    p = actions.add_parser("dismiss", help="give up a refused record, with a reason")
    p.add_argument("event", metavar="ID", help="the event's number from `sync parked`")
    p.add_argument("--reason", required=True, help="why it will never reach head office "
                                                   "(kept in the audit log)")
    add_staff_option(p)
    p = actions.add_parser("inbox", help="items from head office this till could not use, "
                                         "and those still waiting (exit 1 while any wait)")
    p.add_argument("--json", action="store_true")
    p = actions.add_parser("inbox-done", help="say what was done about an inbox item that "
                                              "could not be used; it leaves the list")
    p.add_argument("item", metavar="ITEM", help="the item's id from `sync inbox`")
    p.add_argument("--note", required=True, help="what was done (kept in the audit log)")
    add_staff_option(p)
    p = actions.add_parser("catalogue", help="send every policy, product and plan to head "
                                             "office again at the next sync (its public "
                                             "product page shows a product once it has them)")
    add_staff_option(p)


def cmd_action(args: argparse.Namespace, home: Home) -> int:
    """Run `sync ACTION`."""
    db = open_db(home, args)
    try:
        if args.action == "parked":
            return _list_parked(db, args.json)
        if args.action == "inbox":
            return _list_inbox(db, args.json)
        actor = sign_in_staff(db, args.staff)
        if args.action == "catalogue":
            from warranty_desk.services.catalogue import resend_catalogue

            sent = resend_catalogue(db, actor)
            _say(args.json, {"products": sent}, f"The catalogue ({sent} products, with every "
                 "policy and plan) goes to head office at the next sync.")
            return EXIT_OK
        if args.action == "inbox-done":
            from warranty_desk.services import inbox

            item = inbox.mark_handled(db, actor, args.item, args.note)
            _say(args.json, item, f"Inbox item {item.item_id} is marked as dealt with by "
                                  f"{actor.name}; the note is in the audit log.")
            return EXIT_OK
        from warranty_desk.services import sync_admin

        destination, seq = _event(db, args.event)
        if args.action == "retry":
            view = sync_admin.retry_parked(db, actor, destination, seq)
            _say(args.json, view, f"Event {seq} ({_record(view)}) goes to "
                                  f"{RECEIVERS.get(destination, destination)} again with the "
                                  "next sync; run `warranty-desk sync` to send it now.")
        else:
            view = sync_admin.dismiss_parked(db, actor, destination, seq, args.reason)
            _say(args.json, view, f"Event {seq} ({_record(view)}) is dismissed: it will not "
                                  f"reach {RECEIVERS.get(destination, destination)}. The "
                                  "reason is in the audit log; what was held behind it goes "
                                  "with the next sync.")
        return EXIT_OK
    finally:
        db.dispose()


def _say(as_json: bool, view: Any, words: str) -> None:
    from warranty_desk.views import to_jsonable

    if as_json:
        print_json(to_jsonable(view))
    else:
        print(redact(words))


def _record(view: ParkedView) -> str:
    return f"{view.topic or 'event'} for {view.aggregate} {view.aggregate_id}"


def _event(db: Any, text: str) -> tuple[str, int]:
    """(destination, seq) from "41" or "portal:41"; a plain number must name one open event."""
    from warranty_desk.services import sync_admin

    name, _, number = text.strip().rpartition(":")
    if not number.isdigit():
        raise BadInput(f"{text!r} is not an event number: use the number `warranty-desk sync "
                       "parked` shows, such as 41 (or portal:41).")
    seq = int(number)
    found = [p for p in sync_admin.parked(db) if p.seq == seq and (not name
                                                                   or p.destination == name)]
    if not found:
        raise NotFound(f"Event {text.strip()} is not waiting for a person; `warranty-desk sync "
                       "parked` lists those that are.")
    if len(found) > 1:
        raise BadInput(f"Event {seq} waits for several receivers: say which, as "
                       + " or ".join(f"{p.destination}:{seq}" for p in found) + ".")
    return found[0].destination, seq


def _list_parked(db: Any, as_json: bool) -> int:
    from warranty_desk.services import sync_admin
    from warranty_desk.views import to_jsonable

    rows = sync_admin.parked(db)
    if as_json:
        print_json({"parked": to_jsonable(rows)})
    else:
        # Reasons are receivers' words, which may echo a token: the redaction step first.
        print(redact("\n".join(_parked_lines(rows))))
    return EXIT_FAILED if any(r.state == "parked" for r in rows) else EXIT_OK


def _parked_lines(rows: Sequence[ParkedView]) -> list[str]:
    if not rows:
        return ["Nothing refused: every record reached head office, or waits only for the "
                "next sync."]
    refused = [r for r in rows if r.kind == "rejected"]
    lines = [f"Refused, waiting for a person: {len(refused)} record change"
             f"{'s' if len(refused) != 1 else ''}"
             + (f", and {len(rows) - len(refused)} held behind them" if len(rows) > len(refused)
                else "") + "."]
    for r in rows:
        state = ("goes again with the next sync" if r.state == "retry"
                 else "refused" if r.kind == "rejected" else "held")
        lines.append(f"  {r.seq:>7}  {RECEIVERS.get(r.destination, r.destination)}  "
                     f"{r.topic or 'event'}  {r.aggregate} {r.aggregate_id}  {state}: "
                     f"{' '.join(r.reason.split())}")
    lines.append("Send one again with `warranty-desk sync retry ID --staff NAME`, or give it "
                 "up with `warranty-desk sync dismiss ID --reason WHY --staff NAME`.")
    return lines


def _list_inbox(db: Any, as_json: bool) -> int:
    from warranty_desk.permissions import Actor
    from warranty_desk.services import inbox
    from warranty_desk.views import to_jsonable

    items = inbox.unsettled(db, Actor.system("command line"))
    if as_json:
        print_json({"items": to_jsonable(items)})
    else:
        print(redact("\n".join(_inbox_lines(items))))
    return EXIT_FAILED if items else EXIT_OK


def _inbox_lines(items: Sequence[AppliedResult]) -> list[str]:
    if not items:
        return ["Every item from head office was applied here."]
    lines = [f"From head office but not applied here: {len(items)} item"
             f"{'s' if len(items) != 1 else ''}."]
    for item in items:
        state = "could not be used" if item.status == "problem" else "waiting"
        what = item.result.partition(": ")[2] or item.result
        lines.append(f"  {item.item_id}  {item.kind.replace('_', ' ')}  {state}: {what}")
    if any(i.status == "problem" for i in items):
        lines.append("Deal with each (start the claim at the counter, or ask head office to "
                     "correct the item), then say so with `warranty-desk sync inbox-done ITEM "
                     "--note WHAT --staff NAME`. Waiting ones are tried again at every sync.")
    return lines
