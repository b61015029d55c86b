"""Each customer message's delivery state: taken by a channel, sent, failed, bounced, or retried.

The till's own senders (mail, SMS) mark a message `sending` in its own transaction before they
talk to the server, and `sent` (with the server's id) after. A message found still `sending`
means the till stopped mid-send: nobody knows whether the server took it, so it is never sent
again blindly; it becomes `interrupted` and waits for a person to retry it or send a letter.

One channel a message: the first of the till's senders to take it fixes its channel by the
customer's record (`route`): a text when the customer prefers SMS, the till has a gateway and
the phone can take texts; an email otherwise. The other sender then passes it by.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk import contacts, sms_text
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models import Claim, Customer, CustomerMessage, Shop
from warranty_desk.models.sync_state import SyncParked
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.metrics.delivery import FAILED_STATES
from warranty_desk.sentences import sentences
from warranty_desk.services import audit, outbox
from warranty_desk.services.shop_locale import phone_region
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import Database, clock_of

# States a person must look at: counted on the status bar and the sync panel; the same states
# the message delivery metric counts as failed.
TROUBLE = FAILED_STATES
# A message in these states has left (or reached) the customer: never sent again.
GONE = ("sent", "delivered", "bounced")
EMAIL, HEAD_OFFICE, LETTER, SMS = "email", "head_office", "letter", "sms"
# The mail and SMS destinations' names: their cursors and parked rows in the sync ledger.
MAIL_DESTINATION = "mail"
SMS_DESTINATION = "sms"
# The channels a person can switch a message to, and the one words each goes by.
SWITCHABLE = (EMAIL, SMS)
QUEUED_TOPIC = "message.queued"

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


@dataclass(frozen=True, slots=True)
class SmsJob:
    """What the SMS sender does with one message: send `text` to `to`, or not (verdict)."""

    verdict: Verdict
    reason: str = ""
    to: str = ""
    text: str = ""


_CHANNEL_WORDS = {EMAIL: "by email", HEAD_OFFICE: "through head office", LETTER: "as a letter",
                  SMS: "by SMS"}
# What each channel calls the server that answered.
_SERVER_WORDS = {SMS: "gateway"}


def delivery_words(state: str, channel: str, reason: str = "", server_id: str = "") -> str:
    """A message's delivery in plain words, for the claim's Messages tab and the customer."""
    how = _CHANNEL_WORDS.get(channel, "")
    if state == "sent":
        server = _SERVER_WORDS.get(channel, "server")
        return f"sent {how}".strip() + (f" ({server}: {server_id})" if server_id else "")
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


def recipient(session: Session, message: CustomerMessage) -> Customer | None:
    """The customer a message is to, or None for one written to nobody on file."""
    return session.get(Customer, message.customer_id) if message.customer_id else None


def stamp(session: Session, message: CustomerMessage, state: str, reason: str = "") -> None:
    """The message's new delivery state, why, and since when (the one clock)."""
    message.state, message.reason = state, reason
    message.state_at = clock_of(session).now()


def sms_problem(customer: Customer | None) -> str:
    """Why this customer's phone cannot take a text now, in plain words; "" when it can."""
    if customer is None:
        return "The message names no customer."
    if customer.phone_undeliverable:
        return customer.phone_undeliverable
    problem = contacts.texting_problem(customer.phone)
    return f"{problem[0].upper()}{problem[1:]}: correct the customer's phone" if problem else ""


def route(customer: Customer | None, sms_on: bool) -> str:
    """The one channel a new message takes: SMS when the customer prefers it, the till has a
    gateway and the phone can take texts; email otherwise."""
    if sms_on and customer is not None and customer.preferred_channel == SMS \
            and not sms_problem(customer):
        return SMS
    return EMAIL


def _taken(session: Session, message_id: str, channel: str, sms_on: bool, words: str
           ) -> tuple[CustomerMessage | None, Verdict, str]:
    """The message if `channel` is to send it now; else None, the sender's verdict and why.

    A message no channel took yet is routed here, once, for both senders.
    """
    message = message_by_hex(session, message_id)
    if message is None:
        return None, "done", "the message is no longer on this till"
    if message.channel == "":
        customer = recipient(session, message)
        message.channel = route(customer, sms_on)
    if message.channel != channel:
        return None, "done", f"it goes {_CHANNEL_WORDS.get(message.channel, message.channel)}"
    if message.state in GONE:
        return None, "done", f"it was {message.state} before"
    if message.state == "sending":
        # The till stopped between "sending" and the server's answer.
        stamp(session, message, "interrupted",
               f"The till stopped while this {words} was being sent, so it may or may not "
               "have reached the customer. Ask them, then retry it or print a letter.")
    if message.state == "interrupted":
        return None, "refuse", message.reason
    return message, "send", ""


def take_for_mail(db: Database, message_id: str, *, sms_on: bool = False) -> MailJob:
    """Mark the message `sending` by email, committed before any byte goes to the server.

    `sms_on`: the till also has an SMS gateway, so a customer who prefers texts gets one.
    """
    with db.write() as session:
        message, verdict, why = _taken(session, message_id, EMAIL, sms_on, "email")
        if message is None:
            return MailJob(verdict, why)
        customer = recipient(session, message)
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


def take_for_sms(db: Database, message_id: str) -> SmsJob:
    """Mark the message `sending` by SMS, committed before the gateway is spoken to."""
    with db.write() as session:
        message, verdict, why = _taken(session, message_id, SMS, True, "text message")
        if message is None:
            return SmsJob(verdict, why)
        customer = recipient(session, message)
        problem = sms_problem(customer)
        if customer is None or problem:
            stamp(session, message, "failed", sentences(
                problem, "Then retry it, or send it by email or as a letter"))
            return SmsJob("refuse", message.reason)
        shop = session.scalars(select(Shop)).first()
        claim = session.get(Claim, message.claim_id) if message.claim_id else None
        message.attempts += 1
        stamp(session, message, "sending")
        return SmsJob("send", to=customer.phone, text=sms_text.sms_text(
            shop.name if shop else "", message.body, claim.number if claim else ""))


def server_took(db: Database, message_id: str, server_id: str) -> None:
    """The server took the message: `sent`, with what it answered (its queue or message id)."""
    with db.write() as session:
        message = message_by_hex(session, message_id)
        if message is not None:
            message.server_id = server_id[:200]
            stamp(session, message, "sent")


def waits(db: Database, message_id: str, reason: str) -> None:
    """The server could not take it now and certainly did not: `queued` again, the reason kept."""
    with db.write() as session:
        message = message_by_hex(session, message_id)
        if message is not None and message.state == "sending":
            stamp(session, message, "queued", reason)


def refused(db: Database, message_id: str, reason: str, *, address: bool) -> None:
    """The server refused it for good: `failed`; a refused address flags the customer's email
    (or phone, for a text) until someone corrects it."""
    with db.write() as session:
        message = message_by_hex(session, message_id)
        if message is None:
            return
        stamp(session, message, "failed", reason)
        customer = recipient(session, message)
        if address and customer is not None:
            if message.channel == SMS:
                customer.phone_undeliverable = reason
            else:
                customer.email_undeliverable = reason


def unknown(db: Database, message_id: str, reason: str) -> None:
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
        SyncParked.destination.in_((MAIL_DESTINATION, SMS_DESTINATION)),
        SyncParked.aggregate == "message",
        SyncParked.aggregate_id == message.id.hex, SyncParked.state.in_(("parked", "retry")))))


def _still_movable(message: CustomerMessage, instead: str) -> None:
    """Refuse to move a message that reached the customer or is being sent right now."""
    if message.state in GONE and message.state != "bounced":
        raise RuleBlocked(f"The message {message.subject!r} was {message.state}; it needs no "
                          f"{instead}.")
    if message.state == "sending":
        raise RuleBlocked("The message is being sent right now; wait for its answer.")


def _dismiss_parked(session: Session, actor: Actor, message: CustomerMessage, how: str) -> None:
    """Settle the message's parked sync rows: it is sent `how` instead, so nobody retries them."""
    now = clock_of(session).now()
    for row in _parked_rows(session, message):
        row.state, row.settled_at, row.settled_by = "dismissed", now, actor.name
        row.reason = f"{row.reason}\nSent {how} instead, by {actor.name}."


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
    customer = recipient(session, message)
    if message.channel in ("", EMAIL) and customer is not None and customer.email_undeliverable:
        raise RuleBlocked(f"{customer.name}'s email address {customer.email} was refused: "
                          f"{customer.email_undeliverable} Correct the address first, or "
                          "send the message as a letter.")
    if message.channel == SMS and customer is not None and customer.phone_undeliverable:
        raise RuleBlocked(f"{customer.name}'s phone {customer.phone} was refused: "
                          f"{customer.phone_undeliverable} Correct the number first, or "
                          "send the message by email or as a letter.")
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
    _still_movable(message, "letter")
    before = (message.channel, message.state)
    message.channel = LETTER
    stamp(session, message, "queued", "To be printed as a letter and handed or posted.")
    _dismiss_parked(session, actor, message, "as a letter")
    audit.record(session, actor, "message.as_letter", "customer_message", message.id.hex,
                 {"was_channel": before[0] or EMAIL, "was_state": before[1]})
    return f"{message.subject!r} is now a letter to print."


as_letter = writes(as_letter_in)


def _usable(customer: Customer | None, channel: str) -> str:
    """Why `channel` cannot reach this customer now, in plain words; "" when it can."""
    if channel == SMS:
        return sms_problem(customer)
    if customer is None or not customer.email:
        return "The customer has no email address on file: add one first."
    return (f"{customer.name}'s email address {customer.email} was refused: "
            f"{customer.email_undeliverable} Correct the address first."
            if customer.email_undeliverable else "")


def switch_channel_in(uow: UnitOfWork, actor: Actor, message_id: str, channel: str,
                      *, senders: Collection[str]) -> str:
    """Send a message that did not arrive by the other of email and SMS, with the next sync.

    `senders`: the channels this till sends by itself (email with its own mail server, sms
    with a gateway). The message's event is queued again, so the sender of the new channel
    takes it even though it passed it by once.
    """
    session = uow.session
    message = _owned(session, actor, message_id)
    if channel not in SWITCHABLE:
        raise BadInput(f"{channel!r} is not a channel a message can be switched to: use "
                       "email or sms.")
    if channel not in senders:
        raise RuleBlocked(f"This till does not send messages {_CHANNEL_WORDS[channel]} "
                          "itself: set it up under Settings > Sync first.")
    _still_movable(message, "other channel")
    if message.channel == channel and message.state not in TROUBLE:
        raise RuleBlocked(f"The message {message.subject!r} already goes "
                          f"{_CHANNEL_WORDS[channel]}.")
    customer = recipient(session, message)
    problem = _usable(customer, channel)
    if problem:
        raise RuleBlocked(sentences(problem, f"The message stays {message.state}"))
    before = (message.channel, message.state)
    message.channel = channel
    stamp(session, message, "queued")
    _dismiss_parked(session, actor, message, _CHANNEL_WORDS[channel])
    claim = session.get(Claim, message.claim_id) if message.claim_id else None
    outbox.emit(session, QUEUED_TOPIC, "message", message.id.hex,
                {"id": message.id.hex, "claim": claim.number if claim else None,
                 "customer": customer.reference if customer else None,
                 "template": message.template, "subject": message.subject,
                 "body": message.body})
    audit.record(session, actor, "message.channel", "customer_message", message.id.hex,
                 {"was_channel": before[0] or EMAIL, "was_state": before[1],
                  "channel": channel})
    return f"{message.subject!r} will be sent {_CHANNEL_WORDS[channel]} with the next sync."


switch_channel = writes(switch_channel_in)


def _customer(session: Session, actor: Actor, reference: str) -> Customer:
    require(actor, Permission.SEND_MESSAGE)
    customer = session.scalars(select(Customer).where(Customer.reference == reference)).first()
    if customer is None:
        raise NotFound(f"There is no customer {reference}.")
    return customer


def _new_contact(session: Session, actor: Actor, customer: Customer, kind: str, value: str
                 ) -> str:
    """Store a corrected phone or email; it clears the undeliverable flag the old one had."""
    words = {"phone": ("phone", "texts"), "email": ("email", "messages")}[kind]
    before, flagged = getattr(customer, kind), getattr(customer, f"{kind}_undeliverable")
    setattr(customer, kind, value)
    setattr(customer, f"{kind}_undeliverable", "")
    customer.updated_at = clock_of(session).now()
    audit.record(session, actor, f"customer.{kind}", "customer", customer.reference,
                 {"before": before, "after": value, "was_undeliverable": flagged})
    return (f"{customer.name}'s {words[0]} is now {value or 'empty'}"
            + (f"; {words[1]} can be sent to it again." if flagged else "."))


def correct_phone_in(uow: UnitOfWork, actor: Actor, customer_reference: str, phone: str
                     ) -> str:
    """A customer's new phone number (read in the shop's country); it clears the undeliverable
    flag the old one had."""
    customer = _customer(uow.session, actor, customer_reference)
    try:
        number = contacts.phone_key(phone, phone_region(uow.session))
    except contacts.ContactError as exc:
        raise BadInput(str(exc)) from None
    return _new_contact(uow.session, actor, customer, "phone", number)


correct_phone = writes(correct_phone_in)


def prefer_channel_in(uow: UnitOfWork, actor: Actor, customer_reference: str, channel: str
                      ) -> str:
    """How the customer wants to hear from the shop: email or sms ("" for no preference)."""
    session = uow.session
    customer = _customer(session, actor, customer_reference)
    if channel not in ("", *SWITCHABLE):
        raise BadInput(f"{channel!r} is not a channel: use email or sms.")
    if channel == SMS:
        problem = contacts.texting_problem(customer.phone)
        if problem:
            raise BadInput(sentences(f"{customer.name} cannot get texts: {problem}",
                                     "Correct the phone first"))
    before = customer.preferred_channel
    customer.preferred_channel = channel
    customer.updated_at = clock_of(session).now()
    audit.record(session, actor, "customer.preferred_channel", "customer", customer.reference,
                 {"before": before, "after": channel})
    return (f"{customer.name} now hears from the shop "
            f"{_CHANNEL_WORDS.get(channel or EMAIL)}.")


prefer_channel = writes(prefer_channel_in)


def correct_email_in(uow: UnitOfWork, actor: Actor, customer_reference: str, email: str) -> str:
    """A customer's new email address; it clears the undeliverable flag the old one had."""
    customer = _customer(uow.session, actor, customer_reference)
    try:
        address = contacts.email_key(email)
    except contacts.ContactError as exc:
        raise BadInput(str(exc)) from None
    return _new_contact(uow.session, actor, customer, "email", address)


correct_email = writes(correct_email_in)
