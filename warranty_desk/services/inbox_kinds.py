"""What each kind of portal inbox item does at the branch: one handler per kind in HANDLERS.

A handler reads its payload (`inbox_item`), makes its change through the services' unit
forms in the item's unit of work, and returns the result in plain words; it raises Refused to
give the item up, or to let it wait for the next pull. A new kind is one handler and one entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers, normalize
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models import (
    Claim,
    CustomerMessage,
    ExtensionPlan,
    InboxApplied,
    Warranty,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor
from warranty_desk.services import audit, claims, delivery, resend
from warranty_desk.services.claim_common import ONLINE, add_event
from warranty_desk.services.extension_plans import plans_by_code, unknown_plan_code
from warranty_desk.services.inbox_brand import brand_status
from warranty_desk.services.inbox_item import (
    PROBLEM,
    InboxItemInput,
    Refused,
    read_customer,
    read_day,
    read_hashes,
    read_purchase,
    read_text,
    shorten,
)
from warranty_desk.services.message_delivery import message_by_hex, stamp
from warranty_desk.services.online_returns import (
    PREFERRED_OUTCOMES,
    approve_return_in,
    online_order,
)
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.services.sale_planning import plan_sales
from warranty_desk.services.sale_rows import apply_plan
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.services.warranty_cards import ONLINE_SALE
from warranty_desk.storage.documents import StoredDocument

# What a customer's upload is when the portal does not say.
UPLOAD_KIND = "customer_upload"
_EVIDENCE_KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True, slots=True)
class ItemContext:
    """What a handler works with: the item, who applies it, its documents fetched beforehand,
    and the unit of work its change joins."""

    uow: UnitOfWork  # the item's change and its InboxApplied row commit together
    actor: Actor
    item: InboxItemInput
    docs: dict[str, StoredDocument | Refused]
    today: date
    last_try: bool  # waited WAIT_LIMIT already: apply what can be applied, or give up

    @property
    def session(self) -> Session:
        """The unit's session, for handlers that write rows themselves."""
        return self.uow.session

    def document(self, sha256: str) -> StoredDocument:
        """A document the item names, or why it is not at hand."""
        found = self.docs.get(sha256) or Refused(f"document {sha256[:12]}… is not at hand",
                                                 waiting=True)
        if isinstance(found, Refused):
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
            except Refused as exc:
                if exc.waiting and not self.last_try:
                    raise
                left_out.append(exc.reason)
        return held, left_out


def _find_claim(ctx: ItemContext, ref: str) -> Claim:
    """A claim by its number, or by the inbox id of the claim_started item that opened it."""
    claim = ctx.session.scalars(select(Claim).where(
        (Claim.number == ref.strip().upper()) | (Claim.external_ref == ref.strip()))).first()
    if claim is not None:
        return claim
    opener = ctx.session.get(InboxApplied, ref.strip())
    if opener is not None and opener.result.startswith(PROBLEM):
        raise Refused(f"claim {ref} was never opened here ({opener.result}); answer the "
                      "customer from the portal")
    raise Refused(f"claim {ref} is not at this branch yet", waiting=True)


def _warranty_code(ctx: ItemContext, code: str, serial: str) -> str | None:
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
            raise Refused(f"serial {serial} is on several warranties ({', '.join(codes)}); "
                          "start the claim at the counter on the right one")
    if code:
        raise Refused(f"the customer gave warranty code {code}, which this branch does not "
                      "know; look the unit up by serial or invoice and start the claim at the "
                      "counter")
    return None


def _claim_started(ctx: ItemContext) -> str:
    p = ctx.item.payload
    fault = read_text(p, "fault", required=True)
    claim_type = read_text(p, "claim_type", limit=40) or "fault"
    serial = read_text(p, "serial", limit=64)
    hashes = read_hashes(p.get("documents"))
    customer = read_customer(p)
    code = _warranty_code(ctx, read_text(p, "warranty_code", limit=32), serial)
    preferred = _return_asked(ctx, code)
    if code is not None:
        extras, left_out = ctx.extras(hashes)
        # The warranty's holder stays the claim's customer; who claimed online is kept beside.
        summary = claims.start_claim_in(ctx.uow, ctx.actor, claims.StartClaim(
            code, fault, channel=ONLINE if preferred else "portal", claim_type=claim_type,
            external_ref=ctx.item.id, claimant_name=customer.name,
            claimant_phone=customer.phone, preferred_outcome=preferred))
        return _with_extras(ctx, f"claim {summary.number}", summary.number, extras, left_out)
    purchase = p.get("purchase") or {}
    if not isinstance(purchase, Mapping):
        raise Refused("the purchase details are not a list of fields; ask head office to "
                      "check the item")
    bought = read_purchase(purchase, "date")
    if not bought:
        raise Refused("the customer claimed on a sale this branch does not know and gave no "
                      "purchase date; ask the customer for the receipt and start the claim "
                      "at the counter")
    if not hashes:
        raise Refused("the customer claimed on a sale this branch does not know and uploaded "
                      "no proof of purchase; ask for the receipt and start the claim at the "
                      "counter")
    proof = ctx.document(hashes[0])
    extras, left_out = ctx.extras(hashes[1:])
    summary = claims.start_unknown_sale_claim_in(ctx.uow, ctx.actor, claims.StartUnknownSaleClaim(
        customer=customer,
        product_description=read_text(p, "product", limit=300) or read_purchase(purchase,
                                                                                "product"),
        serial=serial, purchased_on=read_day(bought, "purchase date"),
        purchased_where=read_purchase(purchase, "where"),
        fault=fault, proof_sha256=proof.sha256, proof_media_type=proof.media_type,
        proof_size=proof.size, sku=read_text(purchase, "sku", limit=64) or None, channel="portal",
        claim_type=claim_type, external_ref=ctx.item.id))
    return _with_extras(ctx, f"claim {summary.number} (sale not known here: proof to verify)",
                        summary.number, extras, left_out)


def _return_asked(ctx: ItemContext, code: str | None) -> str | None:
    """The outcome a customer asked for returning a unit bought online; None for a claim."""
    asked = ctx.item.payload.get("return")
    if asked is None:
        return None
    if not isinstance(asked, Mapping):
        raise Refused("the return details are not a list of fields; ask head office to check "
                      "the item")
    outcome = read_text(asked, "outcome", required=True, limit=10)
    if outcome not in PREFERRED_OUTCOMES:
        raise Refused(f"the customer asked for {outcome!r} on a return, which is none of "
                      f"{', '.join(PREFERRED_OUTCOMES)}; ask head office to check the item")
    warranty = ctx.session.scalars(select(Warranty).where(Warranty.code == code)).first()
    if warranty is None or online_order(ctx.session, warranty.id) is None:
        raise Refused("the customer asked to send back a unit as an online return, but this "
                      "branch did not sell it online; call the customer to bring it to the "
                      "counter")
    return outcome


def _return_approved(ctx: ItemContext) -> str:
    p = ctx.item.payload
    number = read_text(p, "claim_number", required=True, limit=32)
    who = read_text(p, "approved_by", limit=200) or "head office"
    summary = approve_return_in(ctx.uow, ctx.actor, number, by=f"{who} (head office)")
    return f"claim {summary.number}: return approved, label sent"


def _with_extras(ctx: ItemContext, result: str, number: str, extras: list[StoredDocument],
                 left_out: list[str]) -> str:
    for stored in extras:
        _attach(ctx, number, stored, UPLOAD_KIND, "")
    if left_out:
        result += ("; left out: " + "; ".join(left_out)
                   + " (ask the customer to upload it again)")
    return result


def _attach(ctx: ItemContext, number: str, stored: StoredDocument, kind: str, name: str) -> None:
    claims.attach_evidence_in(ctx.uow, ctx.actor, number, kind=kind, sha256=stored.sha256,
                              media_type=stored.media_type, size=stored.size,
                              original_name=name, source="portal")


def _document_uploaded(ctx: ItemContext) -> str:
    p = ctx.item.payload
    claim = _find_claim(ctx, read_text(p, "claim_ref", required=True, limit=64))
    sha = read_hashes([p.get("sha256")])[0]
    kind = read_text(p, "kind", limit=40) or UPLOAD_KIND
    if _EVIDENCE_KIND.fullmatch(kind) is None:
        raise Refused(f"the document kind {kind!r} is not one Warranty Desk keeps; ask head "
                      "office to check the item")
    _attach(ctx, claim.number, ctx.document(sha), kind,
            read_text(p, "name", required=True, limit=255))
    return f"document on claim {claim.number}"


def _message_received(ctx: ItemContext) -> str:
    p = ctx.item.payload
    claim = _find_claim(ctx, read_text(p, "claim_ref", required=True, limit=64))
    # Masked here too: a message queued at head office before it masked card numbers.
    body = card_numbers.masked(read_text(p, "body", required=True, limit=10_000))
    # Inbound messages are kept beside the shop's own, but are never queued for delivery.
    ctx.session.add(CustomerMessage(
        claim_id=claim.id, customer_id=claim.customer_id, template="customer_reply",
        subject=f"The customer wrote about claim {claim.number}", body=body,
        direction="inbound", state="received"))
    add_event(ctx.session, claim, ctx.actor, "message",
              reason="The customer wrote on the portal: " + shorten(body))
    audit.record(ctx.session, ctx.actor, "claim.message_in", "claim", claim.number,
                 {"inbox_item": ctx.item.id, "length": len(body)})
    return f"message on claim {claim.number}"


def _online_order(ctx: ItemContext) -> str:
    p = ctx.item.payload
    number = read_text(p, "order_number", required=True, limit=64)
    raw_lines = p.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise Refused("the order has no lines; ask head office to check the item")
    lines = _plans_by_code(ctx.session, number, tuple(_order_line(raw) for raw in raw_lines))
    sale = SaleInput(
        number, read_day(read_text(p, "sold_on", required=True, limit=10), "order date"), lines,
        read_customer(p), source=ONLINE_SALE)
    # Web orders often carry no serials: those units get a warranty with a registration gap.
    plan = plan_sales(ctx.session, [sale], today=ctx.today, skip_recorded=True,
                      require_serials=False)
    if plan.skipped_invoices:
        return f"sale {number} was already recorded; nothing changed"
    if plan.problems:
        raise Refused(f"order {number} was not recorded: "
                      + "; ".join(str(problem) for problem in plan.problems))
    apply_plan(ctx.session, plan)
    result = plan.results[0]
    audit.record(ctx.session, ctx.actor, "sale.activate", "sale", result.invoice_number,
                 {"warranties": list(result.warranty_codes), "source": "online",
                  "extensions": result.extensions_sold, "inbox_item": ctx.item.id})
    return f"sale {number}: {len(result.warranty_codes)} warranties"


def _order_delivered(ctx: ItemContext) -> str:
    p = ctx.item.payload
    number = read_text(p, "order_number", required=True, limit=64)
    day = read_day(read_text(p, "delivered_on", required=True, limit=10), "delivery date")
    if day > ctx.today:
        # The shop dates it in its own zone, which may already be a day ahead of this one.
        raise Refused(f"order {number} was delivered on {day}, after today here; it is "
                      "recorded once that day has come", waiting=True)
    try:
        done = delivery.record_delivery_in(ctx.uow, ctx.actor, number, day,
                                           origin=f"inbox item {ctx.item.id}")
    except NotFound as exc:
        # The order's own item may not have been applied yet: wait for it.
        raise Refused(f"order {number} is not at this branch yet", waiting=True) from exc
    except RuleBlocked as exc:
        # A shop reports a delivery again, or under a policy whose cover ran from the sale.
        return f"order {number}: {exc}"
    except BadInput as exc:
        raise Refused(f"the shop's delivery of order {number} was not recorded: {exc}") from exc
    return (f"order {number} delivered on {day}: cover of {', '.join(done.started)} starts, "
            f"until {done.ends_on}")


def _plans_by_code(session: Session, number: str, lines: tuple[LineInput, ...]
                   ) -> tuple[LineInput, ...]:
    """The lines with each extension plan named by its code turned to the plan's name here.

    Head office names a plan by its code (the contract's OnlineOrder extension_plan): names
    are for people, and a branch may word its plans its own way.
    """
    if not any(line.extension_plan for line in lines):
        return lines
    plans = plans_by_code(session)
    named = []
    for line in lines:
        code = (line.extension_plan or "").strip().upper()
        if code and code not in plans:
            raise Refused(f"order {number} was not recorded: "
                          + unknown_plan_code(code, plans.values()))
        named.append(replace(line, extension_plan=plans[code].name) if code else line)
    return tuple(named)


def _order_line(raw: object) -> LineInput:
    if not isinstance(raw, Mapping):
        raise Refused("an order line is not a list of fields; ask head office to check it")
    quantity, price = raw.get("quantity"), raw.get("unit_price_minor")
    serials = raw.get("serials") or []
    if (type(quantity) is not int or type(price) is not int or not isinstance(serials, list)
            or not all(isinstance(s, str) for s in serials)):
        raise Refused("an order line has no whole-number quantity and price, or its serials "
                      "are not text; ask head office to check the item")
    return LineInput(read_text(raw, "sku", required=True, limit=64), quantity, price,
                     tuple(serials), read_text(raw, "extension_plan", limit=60) or None)


def _resend_day(ctx: ItemContext) -> str:
    p = ctx.item.payload
    day = read_day(read_text(p, "day", required=True, limit=10), "day")
    topics = p.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise Refused("the topics to resend are not a list of names; ask head office to "
                      "check the item")
    found = resend.mark_day(ctx.session, day, topics, reason=read_text(p, "reason", limit=1000))
    audit.record(ctx.session, ctx.actor, "sync.resend_day", "outbox", day.isoformat(),
                 {"inbox_item": ctx.item.id, "marked": found.marked, "waiting": found.waiting,
                  "not_sent_yet": found.not_sent_yet, "topics": topics})
    if not (found.marked or found.waiting or found.not_sent_yet):
        raise Refused(f"head office asked for {day} again, but this till no longer holds any "
                      "event of that day (sent events leave the outbox after a week); tell "
                      "head office, who can rebuild the day only from another copy")
    said = [f"{found.marked} events of {day} will be sent to head office again"]
    if found.waiting:
        said.append(f"{found.waiting} already wait in the sync panel")
    if found.not_sent_yet:
        said.append(f"{found.not_sent_yet} had not been sent yet and go as usual")
    return "; ".join(said)


# A message moves forward only: a late "sent" never hides an earlier failure report.
_DELIVERY_STATES = {"sent": ("queued",), "failed": ("queued", "sent"),
                    "bounced": ("queued", "sent")}


def _message_delivery(ctx: ItemContext) -> str:
    p = ctx.item.payload
    ref = read_text(p, "message_id", required=True, limit=64)
    state = read_text(p, "state", required=True, limit=10)
    reason = read_text(p, "reason", limit=300)
    if state not in _DELIVERY_STATES:
        raise Refused(f"the delivery state {state!r} is not one Warranty Desk knows; ask head "
                      "office to check the item")
    message = message_by_hex(ctx.session, ref)
    if message is None:
        raise Refused(f"message {ref[:12]} is not one this branch queued; ask head office to "
                      "check the item")
    if message.state not in _DELIVERY_STATES[state]:
        return f"message {ref[:12]} already {message.state}; nothing changed"
    stamp(ctx.session, message, state, reason)
    claim = ctx.session.get(Claim, message.claim_id) if message.claim_id else None
    what = f"message {message.subject!r}"
    if claim is not None:
        said = (f"Head office emailed the customer {what}" if state == "sent" else
                f"Head office could not email the customer {what}"
                + (f": {shorten(reason)}" if reason else "")
                + "; tell them another way")
        add_event(ctx.session, claim, ctx.actor, "message", reason=said)
        what += f" on claim {claim.number}"
    # No audit entry: head office reports a fact about its own mail, no person changed
    # anything here; the applied item is the record.
    return f"{what}: {state}" + (f" ({shorten(reason)})" if reason else "")


def _extension_requested(ctx: ItemContext) -> str:
    # Selling cover is a person's act at the counter (payment, the customer's consent): the
    # request waits in the inbox list for staff, saying what to sell and whether it still may.
    p = ctx.item.payload
    code = read_text(p, "warranty_code", required=True, limit=64).upper()
    plan_ref = read_text(p, "plan_code", required=True, limit=64)
    paid = read_text(p, "payment", required=True, limit=20)
    payment_ref = read_text(p, "payment_ref", limit=120)
    plan = ctx.session.scalars(select(ExtensionPlan).where(
        ExtensionPlan.code == plan_ref.upper())).first()
    if plan is None:
        raise Refused(f"the customer asked to extend {code} with a plan this branch does not "
                      f"have ({read_text(p, 'plan_name', limit=200) or plan_ref}); call them "
                      "to offer one it sells")
    warranty = ctx.session.scalars(select(Warranty).where(Warranty.code == code)).first()
    if warranty is None:
        raise Refused(f"the customer asked to extend {code}, which this branch does not "
                      "know; ask head office which branch sold it")
    how = (f"paid online (payment {payment_ref})" if paid == "paid_online"
           else "to be paid at the shop")
    # The item itself, kept as given up until a person marks it done, is the record.
    raise Refused(f"the customer asked online to extend {code} with {plan.name}, {how}: sell "
                  f"it under Sell extension on {code} (or tell the customer why not), then "
                  "mark this item done")


HANDLERS: dict[str, Callable[[ItemContext], str]] = {
    "claim_started": _claim_started,
    "document_uploaded": _document_uploaded,
    "message_received": _message_received,
    "online_order": _online_order,
    "order_delivered": _order_delivered,
    "brand_status": brand_status,
    "resend_day": _resend_day,
    "extension_requested": _extension_requested,
    "message_delivery": _message_delivery,
    "return_approved": _return_approved,
}
# The kinds this version applies; any other is given up, asking for an update.
KINDS = tuple(HANDLERS)
