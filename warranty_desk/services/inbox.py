"""Portal inbox items applied at the branch: once per item id, each in its own transaction.

An item ends in one of three states, kept in `InboxApplied.result`:

- applied: the plain result ("claim BR01-C-2026-000012", "sale WEB-1001: 2 warranties").
- "problem: ...": given up; nothing was changed. Bad data stays bad when read again (an unknown
  warranty code, a malformed payload, a refused file), so these are listed for a person.
- "waiting: ...": may come right by itself, so it is tried again at every pull: a document or
  message whose claim has not arrived yet, a document the portal could not hand over yet. After
  WAIT_LIMIT it is given up as a problem. The puller keeps its cursor before a waiting item,
  because the portal never sends an item twice once its cursor is acknowledged.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput, NotFound, RuleBlocked, WarrantyDeskError
from warranty_desk.models import InboxApplied, InboxCursor
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.sentences import sentences
from warranty_desk.services import audit, outbox
from warranty_desk.services.inbox_brand import report_hash
from warranty_desk.services.inbox_item import (
    PROBLEM,
    WAITING,
    Refused,
    Status,
    read_hashes,
    status_of,
)

# InboxItemInput is named here for sync, which hands items in.
from warranty_desk.services.inbox_item import InboxItemInput as InboxItemInput
from warranty_desk.services.inbox_kinds import HANDLERS, ItemContext
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import Database, clock_of
from warranty_desk.storage.documents import DocumentStore, StoredDocument

log = logging.getLogger(__name__)

# Long enough for a claim held up at head office or a till closed over a long weekend; short
# enough that a document for a claim that never comes does not hold the inbox for weeks.
WAIT_LIMIT = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class AppliedResult:
    """What an item became: applied, a problem given up, or waiting for another try."""

    item_id: str
    kind: str
    status: Status
    result: str  # as stored: the plain result, or "problem: ..." / "waiting: ..."
    repeated: bool = False  # applied before: nothing changed this time
    applied_at: datetime | None = None

    @property
    def settled(self) -> bool:
        """True once nothing more will happen to this item."""
        return self.status != "waiting"

    @property
    def message(self) -> str:
        """One line for the sync panel: which item, what happened, what to do."""
        what = self.kind.replace("_", " ") or "item"
        return f"Inbox item {self.item_id} ({what}): {self.result}"


class DocumentUnavailable(WarrantyDeskError):
    """The portal could not hand over a document now; the item waits for the next pull."""


FetchDocument = Callable[[str], bytes]


def _view(row: InboxApplied, *, repeated: bool) -> AppliedResult:
    return AppliedResult(row.item_id, row.kind, status_of(row.result), row.result, repeated,
                         row.applied_at)


def needed_documents(item: InboxItemInput) -> list[str]:
    """The document hashes an item names, for fetching before its transaction."""
    if not isinstance(item.payload, Mapping):
        return []
    try:
        if item.kind == "claim_started":
            return read_hashes(item.payload.get("documents"))
        if item.kind == "document_uploaded":
            return read_hashes([item.payload.get("sha256")])
        if item.kind == "brand_status":
            return report_hash(item.payload)
    except Refused:
        return []  # applying the item reports the malformed reference
    return []


# --- Documents, fetched outside the write transaction ----------------------------------------


def _obtain(documents: DocumentStore, fetch: FetchDocument | None,
            sha256: str) -> StoredDocument:
    # A file already held (and still matching its name) is not downloaded again.
    if documents.verify(sha256):
        data = documents.open(sha256)
    elif fetch is None:
        raise Refused(f"document {sha256[:12]}… has not been downloaded yet", waiting=True)
    else:
        try:
            data = fetch(sha256)
        except DocumentUnavailable as exc:
            raise Refused(f"document {sha256[:12]}… could not be downloaded: {exc}",
                          waiting=True) from None
    try:
        stored = documents.put(data, name=f"Document {sha256[:12]}…")
    except BadInput as exc:
        raise Refused(sentences(str(exc), "The customer should upload it again on the "
                                "portal.")) from None
    if stored.sha256 != sha256:
        raise Refused(f"the portal sent a different file for document {sha256[:12]}… than "
                      "it named", waiting=True)
    return stored


def _fetch_all(item: InboxItemInput, documents: DocumentStore,
               fetch: FetchDocument | None) -> dict[str, StoredDocument | Refused]:
    found: dict[str, StoredDocument | Refused] = {}
    for sha in needed_documents(item):
        try:
            found[sha] = _obtain(documents, fetch, sha)
        except Refused as exc:
            found[sha] = exc
    return found


# --- Applying ---------------------------------------------------------------------------------


def _outcome(ctx: ItemContext) -> str:
    """The item's result text; a refused change is rolled back to the item's step."""
    handler = HANDLERS.get(ctx.item.kind)
    if not isinstance(ctx.item.payload, Mapping):
        return (f"{PROBLEM}the portal sent an item Warranty Desk cannot read (no fields); ask "
                "head office to check it")
    if handler is None:
        return (f"{PROBLEM}this version of Warranty Desk does not know {ctx.item.kind!r} items; "
                "update Warranty Desk, then ask head office to send the item again")
    try:
        with ctx.uow.step():
            return handler(ctx)
    except Refused as exc:
        return (WAITING if exc.waiting else PROBLEM) + exc.reason
    except WarrantyDeskError as exc:
        return PROBLEM + str(exc)
    except (SQLAlchemyError, sqlite3.Error, OSError):
        # The database or the disk failed (through the ORM, or through the driver, which the
        # audit entry, number counters and other small reads use): stop the pull, nothing of
        # this item is kept.
        raise
    except Exception:
        # A bug must not hold every item behind this one; it waits, so a fixed version can
        # still apply it, and is given up after WAIT_LIMIT like anything else that waits.
        log.exception("Inbox item %s (%s) failed", ctx.item.id, ctx.item.kind)
        return (f"{WAITING}an error inside Warranty Desk stopped this item (see the log); "
                "report it to support")


def _settle(previous: InboxApplied | None, result: str, now: datetime) -> str:
    # A waiting item that has waited long enough is given up, saying for how long it tried.
    if not result.startswith(WAITING) or previous is None or not _expired(previous, now):
        return result
    return f"{PROBLEM}{result.removeprefix(WAITING)} (tried for {WAIT_LIMIT.days} days; gave up)"


def _expired(row: InboxApplied, now: datetime) -> bool:
    return now - row.applied_at >= WAIT_LIMIT


def store_cursor(session: Session, source: str, cursor: str) -> None:
    """Keep how far the inbox of `source` has been applied, in the caller's transaction."""
    row = session.get(InboxCursor, source)
    if row is None:
        session.add(InboxCursor(source=source, cursor=cursor))
    else:
        row.cursor = cursor


def stored_cursor_in(uow: UnitOfWork, source: str = "portal") -> str:
    """How far the inbox of `source` has been applied; empty before the first item."""
    session = uow.session
    row = session.get(InboxCursor, source)
    return row.cursor if row is not None else ""


stored_cursor = reads(stored_cursor_in)


def save_cursor_in(uow: UnitOfWork, source: str, cursor: str) -> None:
    """Keep the cursor on its own (a page with no items)."""
    store_cursor(uow.session, source, cursor)


save_cursor = writes(save_cursor_in)


def apply_item(
    db: Database, item: InboxItemInput, *, documents: DocumentStore,
    fetch_document: FetchDocument | None, cursor: str | None = None,
    actor: Actor | None = None,
) -> AppliedResult:
    """Apply one inbox item once; again, it returns the earlier result and changes nothing.

    The item's change and its InboxApplied row commit together; so does `cursor` (the inbox
    position to keep for `item.source`) when given and the item settles. Documents the item names
    are downloaded first, outside the transaction, so the write lock never waits on the network.
    """
    if not item.id or len(item.id) > 64:
        raise BadInput(f"Inbox item id {item.id[:80]!r} is empty or longer than 64 characters.")
    actor = actor or Actor.system("portal sync")
    with db.read() as session:
        row = session.get(InboxApplied, item.id)
        earlier = _view(row, repeated=True) if row is not None else None
    if earlier is not None and earlier.settled:
        if cursor is not None:
            save_cursor(db, item.source, cursor)
        return earlier
    docs = _fetch_all(item, documents, fetch_document)
    with UnitOfWork.write(db) as uow:
        session = uow.session
        row = session.get(InboxApplied, item.id)
        if row is not None and status_of(row.result) != "waiting":
            return _view(row, repeated=True)  # another puller got here first
        now = clock_of(session).now()
        last_try = row is not None and _expired(row, now)
        result = _settle(row, _outcome(ItemContext(uow, actor, item, docs, shop_today(session),
                                                   last_try)), now)
        if row is None:
            row = InboxApplied(item_id=item.id, source=item.source, kind=item.kind[:30],
                               result=result, applied_at=now)
            session.add(row)
        else:
            row.result = result
            if not result.startswith(WAITING):
                row.applied_at = now
        if not result.startswith(WAITING) and cursor is not None:
            store_cursor(session, item.source, cursor)
        if result.startswith(PROBLEM):
            # Head office hears it, so the customer's online claim does not stay "received".
            outbox.emit(session, "inbox.item_refused", "inbox_item", item.id, {
                "item_id": item.id, "kind": item.kind[:30],
                "reason": result.removeprefix(PROBLEM)})
        session.flush()
        view = _view(row, repeated=False)
    if view.status != "applied":
        log.info("%s", view.message)
    return view


# Items that always wait for a person by design: a customer asked for something only staff
# may do at the counter (sell cover), so the till keeps the item listed until it is done.
REQUEST_KINDS = ("extension_requested",)
_OPEN_PROBLEM = (InboxApplied.result.startswith(PROBLEM), InboxApplied.handled_at.is_(None))


def unsettled_in(uow: UnitOfWork, actor: Actor, *, limit: int = 200) -> tuple[AppliedResult, ...]:
    """Items waiting, and items given up that no person has dealt with yet, newest first.

    An item given up stays here however old it is, until `mark_handled`: the portal never
    sends it again, so this list is the only place it is still known.
    """
    require(actor, Permission.MANAGE_SYNC)
    session = uow.session
    rows = session.scalars(
        select(InboxApplied)
        .where(and_(*_OPEN_PROBLEM) | InboxApplied.result.startswith(WAITING))
        .order_by(InboxApplied.applied_at.desc()).limit(limit))
    return tuple(_view(row, repeated=False) for row in rows)


unsettled = reads(unsettled_in)


def open_problem_count_in(uow: UnitOfWork) -> int:
    """Items given up that no person has dealt with yet (a sync cycle's exit code counts them)."""
    return uow.session.scalar(select(func.count()).select_from(InboxApplied)
                              .where(*_OPEN_PROBLEM)) or 0


open_problem_count = reads(open_problem_count_in)


def open_request_count_in(uow: UnitOfWork) -> int:
    """Of those, the customers' requests (an extension to sell): nothing went wrong with them,
    they only wait for a person, so they are told apart from items the till could not use."""
    return uow.session.scalar(select(func.count()).select_from(InboxApplied).where(
        *_OPEN_PROBLEM, InboxApplied.kind.in_(REQUEST_KINDS))) or 0


open_request_count = reads(open_request_count_in)


def mark_handled_in(uow: UnitOfWork, actor: Actor, item_id: str, note: str) -> AppliedResult:
    """A person dealt with an item that could not be used: say what was done (audited)."""
    require(actor, Permission.MANAGE_SYNC)
    said = audit.kept_words(note, "Write what was done about the item (for example: claim "
                                  "started at the counter, head office asked to correct it); "
                                  "it is kept in the audit log.")
    session = uow.session
    row = session.get(InboxApplied, item_id.strip())
    if row is None:
        raise NotFound(f"There is no inbox item {item_id.strip()!r} at this till; "
                       "`warranty-desk sync inbox` lists those that could not be used.")
    status = status_of(row.result)
    if status != "problem":
        raise RuleBlocked(f"Inbox item {row.item_id} "
                          + ("was applied; there is nothing to deal with." if status ==
                             "applied" else "is still tried again at every sync."))
    if row.handled_at is not None:
        raise RuleBlocked(f"Inbox item {row.item_id} was already dealt with by "
                          f"{row.handled_by}: {row.handled_note}")
    row.handled_at, row.handled_by, row.handled_note = uow.clock.now(), actor.name, said
    audit.record(session, actor, "sync.inbox_handled", "inbox_item", row.item_id,
                 {"kind": row.kind, "result": row.result, "note": said})
    session.flush()
    return _view(row, repeated=False)


mark_handled = writes(mark_handled_in)
