"""Each customer message's delivery state: taken by a channel, sent, failed, bounced, or retried.

The till's own mail sender marks a message `sending` in its own transaction before it talks to
the server, and `sent` (with the server's queue id) after. A message found still `sending` means
the till stopped mid-send: nobody knows whether the server took it, so it is never sent again
blindly; it becomes `interrupted` and waits for a person to retry it or send a letter.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk import contacts
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models import Customer, CustomerMessage, Shop
from warranty_desk.models.sync_state import SyncParked
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import Database, clock_of

# States a person must look at: counted on the status bar and the sync panel.
TROUBLE = ("failed", "bounced", "interrupted")
# A message in these states has left (or reached) the customer: never sent again.
GONE = ("sent", "delivered", "bounced")
EMAIL, HEAD_OFFICE, LETTER = "email", "head_office", "letter"
# The mail destination's name: its cursor and parked rows in the sync ledger.
MAIL_DESTINATION = "mail"

Verdict = Literal["send", "done", "refuse"]


@dataclass(frozen=True, slots=True)
class MailJob:
    """What the mail sender does with one message, and what it needs to write it."""

    verdict: Verdict  # send it; done (answered before, or another channel's); refuse (park)
    reason: str = ""
    to: str = ""
    customer: str = ""
    subject: str = ""
    body: str = ""
    shop: str = ""
    shop_email: str = ""
    logo_sha256: str | None = None


_CHANNEL_WORDS = {EMAIL: "by email", HEAD_OFFICE: "through head office", LETTER: "as a letter"}


def delivery_words(state: str, channel: str, reason: str = "", server_id: str = "") -> str:
    """A message's delivery in plain words, for the claim's Messages tab and the customer."""
    how = _CHANNEL_WORDS.get(channel, "")
    if state == "sent":
        return f"sent {how}".strip() + (f" (server: {server_id})" if server_id else "")
    if state == "queued" and channel == LETTER:
        return "to print as a letter"
    if state in ("queued", "sending"):
        return ("waiting to be sent" if state == "queued" else "being sent") + (
            f" {how}" if how else "") + (f"; {reason}" if reason and state == "queued" else "")
    words = {"failed": "failed", "bounced": "bounced", "interrupted": "interrupted",
             "delivered": "delivered"}.get(state, state)
    return f"{words} {how}".strip() + (f": {reason}" if reason else "")


def message_by_hex(session: Session, message_id: str) -> CustomerMessage | None:
    """A message by its hex id (the one its message.queued event carries); None for other text."""
    try:
        key = uuid.UUID(hex=message_id)
    except ValueError:
        return None
    return session.get(CustomerMessage, key)


def stamp(session: Session, message: CustomerMessage, state: str, reason: str = "") -> None:
    """The message's new delivery state, why, and since when (the one clock)."""
    message.state, message.reason = state, reason
    message.state_at = clock_of(session).now()


def take_for_mail(db: Database, message_id: str) -> MailJob:
    """Mark the message `sending` by email, committed before any byte goes to the server."""
    with db.write() as session:
        message = message_by_hex(session, message_id)
        if message is None:
            return MailJob("done", "the message is no longer on this till")
        if message.channel not in ("", EMAIL):
            return MailJob("done", f"it goes by {message.channel.replace('_', ' ')}")
        if message.state in GONE:
            return MailJob("done", f"it was {message.state} before")
        if message.state == "sending":
            # The till stopped between "sending" and the server's answer.
            stamp(session, message, "interrupted",
                   "The till stopped while this email was being sent, so it may or may not "
                   "have reached the customer. Ask them, then retry it or print a letter.")
            return MailJob("refuse", message.reason)
        if message.state == "interrupted":
            return MailJob("refuse", message.reason)
        customer = session.get(Customer, message.customer_id) if message.customer_id else None
        if customer is None or not customer.email:
            stamp(session, message, "failed", "The customer has no email address on file: "
                   "add one, or print the message as a letter.")
            return MailJob("refuse", message.reason)
        if customer.email_undeliverable:
            stamp(session, message, "failed", customer.email_undeliverable)
            return MailJob("refuse", message.reason)
        shop = session.scalars(select(Shop)).first()
        message.channel, message.attempts = EMAIL, message.attempts + 1
        stamp(session, message, "sending")
        return MailJob("send", to=customer.email, customer=customer.name,
                       subject=message.subject, body=message.body,
                       shop=(shop.name if shop else ""), shop_email=(shop.email if shop else ""),
                       logo_sha256=(shop.logo_sha256 if shop else None))


def mail_sent(db: Database, message_id: str, server_id: str) -> None:
    """The server took the message: `sent`, with what it answered (its queue id)."""
    with db.write() as session:
        message = message_by_hex(session, message_id)
        if message is not None:
            message.server_id = server_id[:200]
            stamp(session, message, "sent")


def mail_waits(db: Database, message_id: str, reason: str) -> None:
    """The server could not take it now and certainly did not: `queued` again, the reason kept."""
    with db.write() as session:
        message = message_by_hex(session, message_id)
        if message is not None and message.state == "sending":
            stamp(session, message, "queued", reason)


def mail_refused(db: Database, message_id: str, reason: str, *, address: bool) -> None:
    """The server refused it for good: `failed`; a refused address flags the customer's email."""
    with db.write() as session:
        message = message_by_hex(session, message_id)
        if message is None:
            return
        stamp(session, message, "failed", reason)
        customer = session.get(Customer, message.customer_id) if message.customer_id else None
        if address and customer is not None:
            customer.email_undeliverable = reason


def mail_unknown(db: Database, message_id: str, reason: str) -> None:
    """The line broke after the message went: it may have arrived, so a person decides."""
    with db.write() as session:
        message = message_by_hex(session, message_id)
        if message is not None:
            stamp(session, message, "interrupted", reason)


def trouble_count_in(uow: UnitOfWork) -> int:
    """Messages that did not reach the customer and wait for a person."""
    return uow.session.scalar(select(func.count()).select_from(CustomerMessage).where(
        CustomerMessage.state.in_(TROUBLE), CustomerMessage.direction == "outbound")) or 0


trouble_count = reads(trouble_count_in)


def _parked_rows(session: Session, message: CustomerMessage) -> list[SyncParked]:
    return list(session.scalars(select(SyncParked).where(
        SyncParked.destination == MAIL_DESTINATION, SyncParked.aggregate == "message",
        SyncParked.aggregate_id == message.id.hex, SyncParked.state.in_(("parked", "retry")))))


def _owned(session: Session, actor: Actor, message_id: str) -> CustomerMessage:
    require(actor, Permission.SEND_MESSAGE)
    message = message_by_hex(session, message_id)
    if message is None or message.direction != "outbound":
        raise NotFound(f"There is no message {message_id[:12]} to the customer on this till.")
    return message


def retry_in(uow: UnitOfWork, actor: Actor, message_id: str) -> str:
    """Send a failed or interrupted message again by its channel; what happens, in words."""
    session = uow.session
    message = _owned(session, actor, message_id)
    if message.state not in TROUBLE:
        raise RuleBlocked(f"The message {message.subject!r} is {message.state}; only a failed, "
                          "bounced or interrupted message can be sent again.")
    customer = session.get(Customer, message.customer_id) if message.customer_id else None
    if message.channel in ("", EMAIL) and customer is not None and customer.email_undeliverable:
        raise RuleBlocked(f"{customer.name}'s email address {customer.email} was refused: "
                          f"{customer.email_undeliverable} Correct the address first, or "
                          "send the message as a letter.")
    before = message.state
    stamp(session, message, "queued")
    for row in _parked_rows(session, message):
        row.state = "retry"  # the mail sender takes it on its next push
    audit.record(session, actor, "message.retry", "customer_message", message.id.hex,
                 {"was": before, "channel": message.channel or EMAIL})
    return f"{message.subject!r} will be sent again with the next sync."


retry = writes(retry_in)


def as_letter_in(uow: UnitOfWork, actor: Actor, message_id: str) -> str:
    """Move a message that did not arrive to a paper letter: no channel sends it by itself."""
    session = uow.session
    message = _owned(session, actor, message_id)
    if message.state in GONE and message.state != "bounced":
        raise RuleBlocked(f"The message {message.subject!r} was {message.state}; it needs no "
                          "letter.")
    if message.state == "sending":
        raise RuleBlocked("The message is being sent right now; wait for its answer.")
    before = (message.channel, message.state)
    message.channel = LETTER
    stamp(session, message, "queued", "To be printed as a letter and handed or posted.")
    now = clock_of(session).now()
    for row in _parked_rows(session, message):
        row.state, row.settled_at, row.settled_by = "dismissed", now, actor.name
        row.reason = f"{row.reason}\nSent as a letter instead, by {actor.name}."
    audit.record(session, actor, "message.as_letter", "customer_message", message.id.hex,
                 {"was_channel": before[0] or EMAIL, "was_state": before[1]})
    return f"{message.subject!r} is now a letter to print."


as_letter = writes(as_letter_in)


def correct_email_in(uow: UnitOfWork, actor: Actor, customer_reference: str, email: str) -> str:
    """A customer's new email address; it clears the undeliverable flag the old one had."""
    require(actor, Permission.SEND_MESSAGE)
    session = uow.session
    customer = session.scalars(select(Customer).where(
        Customer.reference == customer_reference)).first()
    if customer is None:
        raise NotFound(f"There is no customer {customer_reference}.")
    try:
        address = contacts.email_key(email)
    except contacts.ContactError as exc:
        raise BadInput(str(exc)) from None
    before, flagged = customer.email, customer.email_undeliverable
    customer.email, customer.email_undeliverable = address, ""
    customer.updated_at = clock_of(session).now()
    audit.record(session, actor, "customer.email", "customer", customer.reference,
                 {"before": before, "after": address, "was_undeliverable": flagged})
    return (f"{customer.name}'s email is now {address or 'empty'}"
            + ("; messages can be sent to it again." if flagged else "."))


correct_email = writes(correct_email_in)
