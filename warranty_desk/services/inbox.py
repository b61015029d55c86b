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
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from warranty_desk import normalize
from warranty_desk.errors import BadInput, WarrantyDeskError
from warranty_desk.models import (
    BrandClaim,
    Claim,
    CustomerMessage,
    InboxApplied,
    InboxCursor,
    Warranty,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.sentences import sentences
from warranty_desk.services import activation, audit, claims, resend
from warranty_desk.services.claim_common import add_event
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.shop_time import shop_today
from warranty_desk.storage.database import Database, clock_of
from warranty_desk.storage.documents import DocumentStore, StoredDocument

log = logging.getLogger(__name__)

KINDS = ("claim_started", "document_uploaded", "message_received", "online_order",
         "brand_status", "resend_day")
PROBLEM = "problem: "
WAITING = "waiting: "
# Long enough for a claim held up at head office or a till closed over a long weekend; short
# enough that a document for a claim that never comes does not hold the inbox for weeks.
WAIT_LIMIT = timedelta(days=3)
# What a customer's upload is when the portal does not say.
UPLOAD_KIND = "customer_upload"
_EVIDENCE_KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")
_SHA256 = re.compile(r"[0-9a-f]{64}")

Status = Literal["applied", "problem", "waiting"]


@dataclass(frozen=True, slots=True)
class InboxItemInput:
    """One portal inbox item as received; the payload is checked here, not trusted."""

    id: str
    kind: str
    payload: Any  # as received: a mapping of fields when the portal keeps to its contract
    created_at: datetime | None = None
    source: str = "portal"


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


class _Refused(Exception):
    """Why an item cannot be applied; `waiting` when a later pull may succeed."""

    def __init__(self, reason: str, *, waiting: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.waiting = waiting


def _status(result: str) -> Status:
    if result.startswith(PROBLEM):
        return "problem"
    if result.startswith(WAITING):
        return "waiting"
    return "applied"


def _view(row: InboxApplied, *, repeated: bool) -> AppliedResult:
    return AppliedResult(row.item_id, row.kind, _status(row.result), row.result, repeated,
                         row.applied_at)


# --- Reading the payload ----------------------------------------------------------------------


def _text(payload: Mapping[str, Any], key: str, *, required: bool = False,
          limit: int = 2000) -> str:
    value = payload.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _Refused(f"the portal sent no usable {key.replace('_', ' ')}; ask head office "
                       "to check the item")
    if len(value) > limit:
        raise _Refused(f"the {key.replace('_', ' ')} is longer than {limit} characters; ask "
                       "head office to check the item")
    return value.strip()


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Refused(f"the {what} {text!r} is not a date (YYYY-MM-DD); ask head office to "
                       "check the item") from None


def _customer(payload: Mapping[str, Any]) -> CustomerInput:
    raw = payload.get("customer")
    if not isinstance(raw, Mapping):
        raise _Refused("the portal sent no customer; ask head office to check the item")
    return CustomerInput(name=_text(raw, "name", required=True, limit=200),
                         phone=_text(raw, "phone", limit=40), email=_text(raw, "email", limit=200))


def _hashes(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(h, str) and _SHA256.fullmatch(h)
                                              for h in value):
        raise _Refused("the document list holds something that is not a document reference; "
                       "ask head office to check the item")
    return list(dict.fromkeys(value))


def needed_documents(item: InboxItemInput) -> list[str]:
    """The document hashes an item names, for fetching before its transaction."""
    if not isinstance(item.payload, Mapping):
        return []
    try:
        if item.kind == "claim_started":
            return _hashes(item.payload.get("documents"))
        if item.kind == "document_uploaded":
            return _hashes([item.payload.get("sha256")])
    except _Refused:
        return []  # applying the item reports the malformed reference
    return []


# --- Documents, fetched outside the write transaction ----------------------------------------


def _obtain(documents: DocumentStore, fetch: FetchDocument | None,
            sha256: str) -> StoredDocument:
    # A file already held (and still matching its name) is not downloaded again.
    if documents.verify(sha256):
        data = documents.open(sha256)
    elif fetch is None:
        raise _Refused(f"document {sha256[:12]}… has not been downloaded yet", waiting=True)
    else:
        try:
            data = fetch(sha256)
        except DocumentUnavailable as exc:
            raise _Refused(f"document {sha256[:12]}… could not be downloaded: {exc}",
                           waiting=True) from None
    try:
        stored = documents.put(data, name=f"Document {sha256[:12]}…")
    except BadInput as exc:
        raise _Refused(sentences(str(exc), "The customer should upload it again on the "
                                 "portal.")) from None
    if stored.sha256 != sha256:
        raise _Refused(f"the portal sent a different file for document {sha256[:12]}… than "
                       "it named", waiting=True)
    return stored


def _fetch_all(item: InboxItemInput, documents: DocumentStore,
               fetch: FetchDocument | None) -> dict[str, StoredDocument | _Refused]:
    found: dict[str, StoredDocument | _Refused] = {}
    for sha in needed_documents(item):
        try:
            found[sha] = _obtain(documents, fetch, sha)
        except _Refused as exc:
            found[sha] = exc
    return found


# --- The services, joined to one transaction -------------------------------------------------


class _Joined(Database):
    """An open write session passed where a service takes a Database.

    The services open `db.write()` themselves; here each of those becomes a savepoint of the one
    transaction that also writes the InboxApplied row (and the cursor), so an item's change and
    the record that it was applied commit together, and a refused change rolls back alone.
    """

    def __init__(self, session: Session) -> None:  # no engine of its own: the session's
        self._session = session
        self.clock = clock_of(session)

    @contextmanager
    def read(self) -> Iterator[Session]:
        yield self._session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._session.begin_nested():
            yield self._session

    def dispose(self) -> None:
        return None


@dataclass(frozen=True, slots=True)
class _Context:
    session: Session
    db: _Joined
    actor: Actor
    item: InboxItemInput
    docs: dict[str, StoredDocument | _Refused]
    today: date
    last_try: bool  # waited WAIT_LIMIT already: apply what can be applied, or give up

    def document(self, sha256: str) -> StoredDocument:
        """A document the item names, or why it is not at hand."""
        found = self.docs.get(sha256) or _Refused(f"document {sha256[:12]}… is not at hand",
                                                  waiting=True)
        if isinstance(found, _Refused):
            raise found
        return found

    def extras(self, hashes: list[str]) -> tuple[list[StoredDocument], list[str]]:
        """Uploads beside the claim: those at hand, and why others are left out.

        A claim is not held back for long by a photo: it waits while a download may still come,
        then opens without what could not be had, saying so.
        """
        held, left_out = [], []
        for sha in hashes:
            try:
                held.append(self.document(sha))
            except _Refused as exc:
                if exc.waiting and not self.last_try:
                    raise
                left_out.append(exc.reason)
        return held, left_out


def _find_claim(ctx: _Context, ref: str) -> Claim:
    """A claim by its number, or by the inbox id of the claim_started item that opened it."""
    claim = ctx.session.scalars(select(Claim).where(
        (Claim.number == ref.strip().upper()) | (Claim.external_ref == ref.strip()))).first()
    if claim is not None:
        return claim
    opener = ctx.session.get(InboxApplied, ref.strip())
    if opener is not None and _status(opener.result) == "problem":
        raise _Refused(f"claim {ref} was never opened here ({opener.result}); answer the "
                       "customer from the portal")
    raise _Refused(f"claim {ref} is not at this branch yet", waiting=True)


def _warranty_code(ctx: _Context, code: str, serial: str) -> str | None:
    if code:
        found = ctx.session.scalars(
            select(Warranty.code).where(Warranty.code == code.strip().upper())).first()
        if found is not None:
            return found
    if serial:
        codes = list(ctx.session.scalars(select(Warranty.code).where(
            Warranty.serial == normalize.serial(serial),
            Warranty.status == WarrantyStatus.ACTIVE)))
        if len(codes) == 1:
            return codes[0]
        if len(codes) > 1:
            raise _Refused(f"serial {serial} is on several warranties ({', '.join(codes)}); "
                           "start the claim at the counter on the right one")
    if code:
        raise _Refused(f"the customer gave warranty code {code}, which this branch does not "
                       "know; look the unit up by serial or invoice and start the claim at the "
                       "counter")
    return None


def _claim_started(ctx: _Context) -> str:
    p = ctx.item.payload
    fault = _text(p, "fault", required=True)
    claim_type = _text(p, "claim_type", limit=40) or "fault"
    serial = _text(p, "serial", limit=64)
    hashes = _hashes(p.get("documents"))
    customer = _customer(p)
    code = _warranty_code(ctx, _text(p, "warranty_code", limit=32), serial)
    if code is not None:
        extras, left_out = ctx.extras(hashes)
        summary = claims.start_claim(ctx.db, ctx.actor, claims.StartClaim(
            code, fault, channel="portal", claim_type=claim_type, external_ref=ctx.item.id),
            )
        return _with_extras(ctx, f"claim {summary.number}", summary.number, extras, left_out)
    purchase = p.get("purchase") or {}
    if not isinstance(purchase, Mapping):
        raise _Refused("the purchase details are not a list of fields; ask head office to "
                       "check the item")
    bought = _text(purchase, "purchased_on", limit=40) or _text(purchase, "date", limit=40)
    if not bought:
        raise _Refused("the customer claimed on a sale this branch does not know and gave no "
                       "purchase date; ask the customer for the receipt and start the claim "
                       "at the counter")
    if not hashes:
        raise _Refused("the customer claimed on a sale this branch does not know and uploaded "
                       "no proof of purchase; ask for the receipt and start the claim at the "
                       "counter")
    proof = ctx.document(hashes[0])
    extras, left_out = ctx.extras(hashes[1:])
    summary = claims.start_unknown_sale_claim(ctx.db, ctx.actor, claims.StartUnknownSaleClaim(
        customer=customer,
        product_description=_text(p, "product", limit=300) or _text(purchase, "product"),
        serial=serial, purchased_on=_date(bought, "purchase date"),
        purchased_where=_text(purchase, "where", limit=300) or _text(purchase, "shop"),
        fault=fault, proof_sha256=proof.sha256, proof_media_type=proof.media_type,
        proof_size=proof.size, sku=_text(purchase, "sku", limit=64) or None, channel="portal",
        claim_type=claim_type, external_ref=ctx.item.id))
    return _with_extras(ctx, f"claim {summary.number} (sale not known here: proof to verify)",
                        summary.number, extras, left_out)


def _with_extras(ctx: _Context, result: str, number: str, extras: list[StoredDocument],
                 left_out: list[str]) -> str:
    for stored in extras:
        _attach(ctx, number, stored, UPLOAD_KIND, "")
    if left_out:
        result += ("; left out: " + "; ".join(left_out)
                   + " (ask the customer to upload it again)")
    return result


def _attach(ctx: _Context, number: str, stored: StoredDocument, kind: str, name: str) -> None:
    claims.attach_evidence(ctx.db, ctx.actor, number, kind=kind, sha256=stored.sha256,
                           media_type=stored.media_type, size=stored.size,
                           original_name=name, source="portal")


def _document_uploaded(ctx: _Context) -> str:
    p = ctx.item.payload
    claim = _find_claim(ctx, _text(p, "claim_ref", required=True, limit=64))
    sha = _hashes([p.get("sha256")])[0]
    kind = _text(p, "kind", limit=40) or UPLOAD_KIND
    if _EVIDENCE_KIND.fullmatch(kind) is None:
        raise _Refused(f"the document kind {kind!r} is not one Warranty Desk keeps; ask head "
                       "office to check the item")
    _attach(ctx, claim.number, ctx.document(sha), kind,
            _text(p, "name", required=True, limit=255))
    return f"document on claim {claim.number}"


def _message_received(ctx: _Context) -> str:
    p = ctx.item.payload
    claim = _find_claim(ctx, _text(p, "claim_ref", required=True, limit=64))
    body = _text(p, "body", required=True, limit=10_000)
    # Inbound messages are kept beside the shop's own, but are never queued for delivery.
    ctx.session.add(CustomerMessage(
        claim_id=claim.id, customer_id=claim.customer_id, template="customer_reply",
        subject=f"The customer wrote about claim {claim.number}", body=body,
        direction="inbound", state="received"))
    add_event(ctx.session, claim, ctx.actor, "message",
              reason="The customer wrote on the portal: " + _shorten(body))
    audit.record(ctx.session, ctx.actor, "claim.message_in", "claim", claim.number,
                 {"inbox_item": ctx.item.id, "length": len(body)})
    return f"message on claim {claim.number}"


def _online_order(ctx: _Context) -> str:
    p = ctx.item.payload
    number = _text(p, "order_number", required=True, limit=64)
    raw_lines = p.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise _Refused("the order has no lines; ask head office to check the item")
    lines = tuple(_order_line(raw) for raw in raw_lines)
    sale = activation.SaleInput(
        number, _date(_text(p, "sold_on", required=True, limit=10), "order date"), lines,
        _customer(p), source="online")
    # Web orders often carry no serials: those units get a warranty with a registration gap.
    plan = activation.plan_sales(ctx.session, [sale], today=ctx.today, skip_recorded=True,
                                 require_serials=False)
    if plan.skipped_invoices:
        return f"sale {number} was already recorded; nothing changed"
    if plan.problems:
        raise _Refused(f"order {number} was not recorded: "
                       + "; ".join(str(problem) for problem in plan.problems))
    activation.apply_plan(ctx.session, plan)
    result = plan.results[0]
    audit.record(ctx.session, ctx.actor, "sale.activate", "sale", result.invoice_number,
                 {"warranties": list(result.warranty_codes), "source": "online",
                  "extensions": result.extensions_sold, "inbox_item": ctx.item.id})
    return f"sale {number}: {len(result.warranty_codes)} warranties"


def _order_line(raw: object) -> activation.LineInput:
    if not isinstance(raw, Mapping):
        raise _Refused("an order line is not a list of fields; ask head office to check it")
    quantity, price = raw.get("quantity"), raw.get("unit_price_minor")
    serials = raw.get("serials") or []
    if (type(quantity) is not int or type(price) is not int or not isinstance(serials, list)
            or not all(isinstance(s, str) for s in serials)):
        raise _Refused("an order line has no whole-number quantity and price, or its serials "
                       "are not text; ask head office to check the item")
    return activation.LineInput(_text(raw, "sku", required=True, limit=64), quantity, price,
                                tuple(serials), _text(raw, "extension_plan", limit=60) or None)


def _brand_status(ctx: _Context) -> str:
    p = ctx.item.payload
    number = _text(p, "claim_number", required=True, limit=64)
    status = _text(p, "status", required=True, limit=40)
    external_id = _text(p, "brand_claim_id", limit=64)
    note = _text(p, "note")
    claim = ctx.session.scalars(select(Claim).where(Claim.number == number.upper())).first()
    if claim is None:
        raise _Refused(f"claim {number} is not at this branch; ask head office which branch "
                       "holds it")
    found = list(ctx.session.scalars(select(BrandClaim).where(BrandClaim.claim_id == claim.id)))
    if external_id:
        found = [b for b in found if b.external_id == external_id]
    if len(found) != 1:
        which = f"brand claim {external_id}" if external_id else "one brand claim"
        raise _Refused(f"claim {claim.number} has {len(found) or 'no'} brand claims matching "
                       f"{which}; record the brand's status on the claim by hand")
    brand_claim = found[0]
    if brand_claim.external_status == status:
        return f"brand claim on {claim.number} already {status}; nothing changed"
    before = brand_claim.external_status
    brand_claim.external_status = status
    brand_claim.updated_at = clock_of(ctx.session).now()
    add_event(ctx.session, claim, ctx.actor, "brand",
              reason=f"The brand's status changed from {before} to {status}"
                     + (f": {_shorten(note)}" if note else ""))
    audit.record(ctx.session, ctx.actor, "brand_claim.status", "claim", claim.number,
                 {"brand_claim": brand_claim.external_id, "from": before, "to": status,
                  "note": note, "inbox_item": ctx.item.id})
    return f"brand claim on {claim.number}: {status}"


def _resend_day(ctx: _Context) -> str:
    p = ctx.item.payload
    day = _date(_text(p, "day", required=True, limit=10), "day")
    topics = p.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise _Refused("the topics to resend are not a list of names; ask head office to "
                       "check the item")
    found = resend.mark_day(ctx.session, day, topics, reason=_text(p, "reason", limit=1000))
    audit.record(ctx.session, ctx.actor, "sync.resend_day", "outbox", day.isoformat(),
                 {"inbox_item": ctx.item.id, "marked": found.marked, "waiting": found.waiting,
                  "not_sent_yet": found.not_sent_yet, "topics": topics})
    if not (found.marked or found.waiting or found.not_sent_yet):
        raise _Refused(f"head office asked for {day} again, but this till no longer holds any "
                       "event of that day (sent events leave the outbox after a week); tell "
                       "head office, who can rebuild the day only from another copy")
    said = [f"{found.marked} events of {day} will be sent to head office again"]
    if found.waiting:
        said.append(f"{found.waiting} already wait in the sync panel")
    if found.not_sent_yet:
        said.append(f"{found.not_sent_yet} had not been sent yet and go as usual")
    return "; ".join(said)


def _shorten(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


_HANDLERS: dict[str, Callable[[_Context], str]] = {
    "claim_started": _claim_started,
    "document_uploaded": _document_uploaded,
    "message_received": _message_received,
    "online_order": _online_order,
    "brand_status": _brand_status,
    "resend_day": _resend_day,
}


# --- Applying ---------------------------------------------------------------------------------


def _outcome(ctx: _Context) -> str:
    """The item's result text; a refused change is rolled back to the savepoint."""
    handler = _HANDLERS.get(ctx.item.kind)
    if not isinstance(ctx.item.payload, Mapping):
        return (f"{PROBLEM}the portal sent an item Warranty Desk cannot read (no fields); ask "
                "head office to check it")
    if handler is None:
        return (f"{PROBLEM}this version of Warranty Desk does not know {ctx.item.kind!r} items; "
                "update Warranty Desk, then ask head office to send the item again")
    try:
        with ctx.session.begin_nested():
            return handler(ctx)
    except _Refused as exc:
        return (WAITING if exc.waiting else PROBLEM) + exc.reason
    except WarrantyDeskError as exc:
        return PROBLEM + str(exc)
    except (SQLAlchemyError, OSError):
        raise  # the database or the disk failed: stop the pull, nothing of this item is kept
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


def stored_cursor(db: Database, source: str = "portal") -> str:
    """How far the inbox of `source` has been applied; empty before the first item."""
    with db.read() as session:
        row = session.get(InboxCursor, source)
        return row.cursor if row is not None else ""


def save_cursor(db: Database, source: str, cursor: str) -> None:
    """Keep the cursor on its own (a page with no items)."""
    with db.write() as session:
        store_cursor(session, source, cursor)


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
    with db.write() as session:
        row = session.get(InboxApplied, item.id)
        if row is not None and _status(row.result) != "waiting":
            return _view(row, repeated=True)  # another puller got here first
        now = clock_of(session).now()
        last_try = row is not None and _expired(row, now)
        result = _settle(row, _outcome(_Context(session, _Joined(session), actor, item, docs,
                                                shop_today(session), last_try)), now)
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
        session.flush()
        view = _view(row, repeated=False)
    if view.status != "applied":
        log.info("%s", view.message)
    return view


def unsettled(db: Database, actor: Actor, *, limit: int = 200) -> tuple[AppliedResult, ...]:
    """Items given up or waiting, newest first, for the sync panel."""
    require(actor, Permission.MANAGE_SYNC)
    with db.read() as session:
        rows = session.scalars(
            select(InboxApplied)
            .where(InboxApplied.result.startswith(PROBLEM)
                   | InboxApplied.result.startswith(WAITING))
            .order_by(InboxApplied.applied_at.desc()).limit(limit))
        return tuple(_view(row, repeated=False) for row in rows)
