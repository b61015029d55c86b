"""Staff and the customer's messages on a claim: a queued message reworded before it leaves (when
the claim's policy allows), a reply to the customer, and customers' messages marked read.

A reworded message keeps its id and its one outbox event, which is rewritten while no receiver
has had it; the audit log keeps the wording before and after. A reply is one more outbound
message on the claim, so it travels as every claim message does (message.queued).
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from warranty_desk import card_numbers
from warranty_desk.errors import BadInput, NotFound
from warranty_desk.models import (
    Claim,
    Customer,
    CustomerMessage,
    OutboxEvent,
    Shop,
    SyncCursor,
    SyncDelivered,
    SyncParked,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit, messages, outbox
from warranty_desk.services.claim_common import add_event, claim_policy, load_claim
from warranty_desk.services.inbox_item import shorten
from warranty_desk.services.outbox_retention import NIGHTLY_CURSOR
from warranty_desk.services.unit_of_work import UnitOfWork, writes
from warranty_desk.storage.database import clock_of

MESSAGE_PERMISSION = Permission.SEND_MESSAGE
QUEUED_TOPIC = "message.queued"
MAX_SUBJECT = 300
MAX_BODY = 10_000


def _event(session: Session, message: CustomerMessage) -> OutboxEvent | None:
    return session.scalars(select(OutboxEvent).where(
        OutboxEvent.topic == QUEUED_TOPIC, OutboxEvent.aggregate == "message",
        OutboxEvent.aggregate_id == message.id.hex)).first()


def _gone(session: Session, event: OutboxEvent) -> bool:
    """A receiver has had the event (or refused it): what it says can no longer change."""
    passed = session.scalar(select(func.max(SyncCursor.delivered_seq)).where(
        SyncCursor.destination != NIGHTLY_CURSOR)) or 0
    answered = session.scalar(select(exists().where(SyncDelivered.event_seq == event.seq)))
    parked = session.scalar(select(exists().where(SyncParked.event_seq == event.seq)))
    return event.seq <= passed or bool(answered) or bool(parked)


def edit_allowed(session: Session, claim: Claim) -> bool:
    """The claim's policy lets staff reword its messages (a claim with no policy: yes)."""
    policy = claim_policy(session, claim)
    return policy is None or policy.message_edit_allowed


def editable(session: Session, message: CustomerMessage) -> bool:
    """The message is the shop's, still queued, and no receiver has had it yet."""
    if message.direction != "outbound" or message.state != "queued":
        return False
    event = _event(session, message)
    return event is not None and not _gone(session, event)


def _text(subject: str, body: str) -> tuple[str, str]:
    subject, body = card_numbers.typed(subject), card_numbers.typed(body)
    if not subject or not body:
        raise BadInput("A message needs a subject and some words: write both, or cancel.")
    if len(subject) > MAX_SUBJECT:
        raise BadInput(f"The subject is {len(subject):,} characters long; keep it to "
                       f"{MAX_SUBJECT}.")
    if len(body) > MAX_BODY:
        raise BadInput(f"The message is {len(body):,} characters long; keep it to "
                       f"{MAX_BODY:,}.")
    return subject, body


def edit_message_in(uow: UnitOfWork, actor: Actor, number: str, message_id: str,
                    subject: str, body: str) -> None:
    """Reword a claim's queued message before it leaves; the audit keeps both versions."""
    require(actor, MESSAGE_PERMISSION)
    session = uow.session
    claim = load_claim(session, number)
    message = session.get(CustomerMessage, _message_key(message_id))
    if message is None or message.claim_id != claim.id:
        raise NotFound(f"Claim {claim.number} has no such message; reload the claim.")
    if not edit_allowed(session, claim):
        policy = claim_policy(session, claim)
        raise BadInput(f"The policy {policy.name if policy else ''!r} does not let staff "
                       "reword its messages: the message goes as written.")
    event = _event(session, message)
    if not editable(session, message) or event is None:
        raise BadInput("This message has already gone (or is no longer waiting); it can no "
                       "longer be changed. Send a reply from the claim instead.")
    subject, body = _text(subject, body)
    if (subject, body) == (message.subject, message.body):
        return
    before = {"subject": message.subject, "body": message.body}
    message.subject, message.body = subject, body
    payload = json.loads(event.payload)
    payload.update(subject=subject, body=body)
    session.execute(update(OutboxEvent).where(OutboxEvent.seq == event.seq)
                    .values(payload=outbox.encode(payload)))
    add_event(session, claim, actor, "message", reason=f"Message reworded: {shorten(subject)}")
    audit.record(session, actor, "message.edited", "claim", claim.number,
                 {"message": message.id.hex, "template": message.template, "before": before,
                  "after": {"subject": subject, "body": body}})


edit_message = writes(edit_message_in)


def reply_in(uow: UnitOfWork, actor: Actor, number: str, text: str) -> None:
    """Answer the customer on the claim: a new outbound message, in their register; what they
    wrote is read once staff answer it."""
    require(actor, MESSAGE_PERMISSION)
    session = uow.session
    claim = load_claim(session, number)
    _, reply = _text("reply", text)
    customer = session.get(Customer, claim.customer_id) if claim.customer_id else None
    shop = session.scalars(select(Shop)).first()
    # A claim started online may name only who started it; the reply goes to the claim's
    # thread all the same, greeting them as claim_common.notify would.
    name = customer.name if customer else claim.claimant_name or "customer"
    values = {"customer": name, "claim": claim.number, "reply": reply,
              "shop": shop.name if shop else "", "phone": shop.phone if shop else ""}
    message = messages.queue(
        session, template="staff_reply", values=values, claim_id=claim.id,
        customer_id=claim.customer_id, customer_ref=customer.reference if customer else None,
        claim_number=claim.number,
        segment=messages.segment_of(customer.segment if customer else None))
    _mark_read(session, claim)
    add_event(session, claim, actor, "message", reason="Staff replied: " + shorten(reply))
    audit.record(session, actor, "claim.message_out", "claim", claim.number,
                 {"message": message.id.hex, "length": len(reply)})


reply = writes(reply_in)


def _mark_read(session: Session, claim: Claim) -> int:
    result = session.execute(
        update(CustomerMessage)
        .where(CustomerMessage.claim_id == claim.id, CustomerMessage.direction == "inbound",
               CustomerMessage.read_at.is_(None))
        .values(read_at=clock_of(session).now())
        .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def mark_read_in(uow: UnitOfWork, actor: Actor, number: str) -> int:
    """The customer's messages on the claim are read (staff opened it); how many were new."""
    require(actor, Permission.LOOKUP)
    session = uow.session
    return _mark_read(session, load_claim(session, number))


mark_read = writes(mark_read_in)


def _message_key(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(hex=text.strip())
    except ValueError:
        raise NotFound(f"No message {text!r}; reload the claim.") from None
