"""Customer messages on paper: the letter's view, and the message marked delivered by hand.

Printing a letter (on the office printer, as a saved PDF, or on the receipt printer) hands the
message to the customer: it becomes `delivered` by the LETTER channel, with who printed it and
when, in the transaction that marks the print job printed. A message that already went by email
or through head office keeps its delivery; its letter is a copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.clock import zone_of
from warranty_desk.errors import BadInput, NotFound
from warranty_desk.models import Claim, Customer, CustomerMessage, PrintJob
from warranty_desk.models.sync_state import SyncParked
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.printables import LetterView
from warranty_desk.services import audit, outbox
from warranty_desk.services.claim_common import add_event
from warranty_desk.services.inbox_item import shorten
from warranty_desk.services.letterhead import header, local_now, local_time, shop_of
from warranty_desk.services.message_delivery import (
    GONE,
    LETTER,
    MAIL_DESTINATION,
    message_by_hex,
    recipient,
    stamp,
)
from warranty_desk.services.unit_of_work import UnitOfWork, reads
from warranty_desk.storage.database import clock_of
from warranty_desk.storage.documents import DocumentStore

DOCUMENT = "letter"
# Being sent right now, or already with the customer: printing does not change its delivery.
_LEFT_ALONE = (*GONE, "sending")


def message_for_letter(session: Session, message_id: str) -> CustomerMessage:
    """The shop's message to the customer by its id, or a plain refusal."""
    message = message_by_hex(session, message_id.strip())
    if message is None:
        raise BadInput(f"{message_id!r} is not a message on this till: give the message's "
                       "32-character id, or print it from the claim's Messages tab.")
    if message.direction != "outbound":
        raise BadInput("That is the customer's own message to the shop; only the shop's "
                       "messages are printed as letters.")
    return message


def _gone_by(message: CustomerMessage) -> str:
    how = {"email": "by email", "head_office": "through head office"}.get(message.channel)
    return f"This message was sent {how}; this letter is a copy of it." if how else ""


def letter_view_in(uow: UnitOfWork, actor: Actor, message_id: str, *, copy: bool,
                   documents: DocumentStore | None = None) -> LetterView:
    """The letter for one message; `copy` when it was printed before."""
    require(actor, Permission.PRINT)
    session = uow.session
    message = message_for_letter(session, message_id)
    shop = shop_of(session)
    customer = recipient(session, message)
    claim = session.get(Claim, message.claim_id) if message.claim_id else None
    sent = message.state in GONE and message.channel not in ("", LETTER)
    note = _gone_by(message) if sent else "A reprint of a letter given before." if copy else ""
    written = local_time(message.created_at, zone_of(shop.timezone)).date()
    name = customer.name if customer else (claim.claimant_name if claim else None)
    return LetterView(
        shop=header(shop, documents), copy=copy or sent, copy_note=note,
        printed_at=local_now(session, shop), written_on=written, message_id=message.id.hex,
        customer_name=name or None, claim_number=claim.number if claim else None,
        subject=message.subject, body=message.body)


letter_view = reads(letter_view_in)


def delivered_by_hand(session: Session, actor: Actor, job: PrintJob) -> bool:
    """The letter left the printer: its message is delivered by LETTER, unless it already went
    (or is going) another way. Whether it was marked."""
    message = message_for_letter(session, job.subject)
    if message.state in _LEFT_ALONE:
        return False
    before = (message.channel, message.state)
    message.channel, message.server_id = LETTER, f"print job {job.id.hex[-8:]}"
    stamp(session, message, "delivered", f"printed by {actor.name}")
    now = clock_of(session).now()
    for row in session.scalars(select(SyncParked).where(
            SyncParked.destination == MAIL_DESTINATION, SyncParked.aggregate == "message",
            SyncParked.aggregate_id == message.id.hex,
            SyncParked.state.in_(("parked", "retry")))):
        # The mail sender must not send what the customer already has on paper.
        row.state, row.settled_at, row.settled_by = "dismissed", now, actor.name
        row.reason = f"{row.reason}\nPrinted as a letter instead, by {actor.name}."
    claim = session.get(Claim, message.claim_id) if message.claim_id else None
    if claim is not None:
        add_event(session, claim, actor, "message",
                  reason=f"Printed as a letter for the customer: {shorten(message.subject)}")
    # Head office, when it sends for this shop, must not email what the customer now holds.
    outbox.emit(session, "message.delivered_by_hand", "message", message.id.hex,
                {"id": message.id.hex})
    audit.record(session, actor, "message.letter", "customer_message", message.id.hex,
                 {"was_channel": before[0], "was_state": before[1], "print_job": job.id.hex,
                  "target": job.target})
    return True


@dataclass(frozen=True, slots=True)
class HandBack:
    """What the customer collecting a claim's unit has not yet been told, and whether any
    other road reaches them (a usable email address or a phone number)."""

    claim_number: str
    customer_name: str
    reachable: bool
    message_ids: tuple[str, ...]  # oldest first
    subjects: tuple[str, ...]

    @property
    def offer_letters(self) -> bool:
        """Nothing else reaches them and something is unsent: print it before they leave."""
        return not self.reachable and bool(self.message_ids)


def hand_back_in(uow: UnitOfWork, actor: Actor, claim_number: str) -> HandBack:
    """The claim's messages that have not reached the customer, and whether email or phone
    can still reach them, for the moment the unit is handed back."""
    require(actor, Permission.PRINT)
    session = uow.session
    claim = session.scalars(select(Claim).where(Claim.number == claim_number.strip().upper())
                            ).first()
    if claim is None:
        raise NotFound(f"There is no claim {claim_number}.")
    customer = session.get(Customer, claim.customer_id) if claim.customer_id else None
    email = bool(customer and customer.email and not customer.email_undeliverable)
    phone = bool((customer and customer.phone) or claim.claimant_phone)
    unsent = session.execute(
        select(CustomerMessage.id, CustomerMessage.subject).where(
            CustomerMessage.claim_id == claim.id, CustomerMessage.direction == "outbound",
            CustomerMessage.state.not_in(_LEFT_ALONE))
        .order_by(CustomerMessage.created_at, CustomerMessage.id)).all()
    name = (customer.name if customer else claim.claimant_name) or "the customer"
    return HandBack(claim.number, name, email or phone, tuple(m.hex for m, _ in unsent),
                    tuple(subject for _, subject in unsent))


hand_back = reads(hand_back_in)
