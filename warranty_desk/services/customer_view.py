"""One customer at a glance: purchases with their cover, claims and messages; segment and flags."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from warranty_desk import card_numbers
from warranty_desk.contacts import phone_search_key
from warranty_desk.errors import BadInput, NotFound
from warranty_desk.models import Claim, Customer, CustomerMessage, Product, Warranty
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit, outbox
from warranty_desk.services.complaints import ComplaintView, complaints_of
from warranty_desk.services.customers import parse_segment
from warranty_desk.services.exception_notes import NoteView, notes_of
from warranty_desk.services.lookup import verdicts_for
from warranty_desk.services.message_delivery import delivery_words
from warranty_desk.services.reminders import agreed
from warranty_desk.services.shop_locale import phone_region
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import clock_of
from warranty_desk.storage.search import fts_query
from warranty_desk.views import WarrantyVerdict

# A search box answers with a short list; a longer one means the person should type more.
MAX_FOUND = 20
# A reseller can hold thousands of units; the profile shows the newest and says how many.
MAX_PURCHASES = 200
MAX_MESSAGES = 100
# Segment and follow-up steer how the CRM talks to the customer: the same people who write to
# customers (sales, support, managers, owner) may set them; every change is audited.
CUSTOMER_PERMISSION = Permission.SEND_MESSAGE
# Enough trailing digits to tell part of a number apart from the rest of the shop's numbers.
_PHONE_TAIL = 9
_PHONE_SHAPE = re.compile(r"^\+?[\d\s().-]{6,}$")


@dataclass(frozen=True, slots=True)
class CustomerBrief:
    """One line of a customer search."""

    reference: str
    name: str
    phone: str
    email: str
    segment: str
    retention_follow_up: bool


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One of the customer's claims."""

    number: str
    state: str
    outcome: str | None
    opened_on: date
    product_name: str
    serial: str | None
    fault: str


@dataclass(frozen=True, slots=True)
class MessageLine:
    """One message to or from the customer, with its delivery state."""

    created_at: datetime
    subject: str
    state: str
    direction: str
    claim_number: str | None
    delivery: str = ""  # the state in plain words, with the reason when it did not arrive
    id: str = ""  # hex: what printing it as a letter names


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    """Everything the customer screen shows about one customer."""

    reference: str
    name: str
    phone: str
    email: str
    segment: str
    retention_follow_up: bool
    purchase_count: int
    purchases: tuple[WarrantyVerdict, ...]
    claims: tuple[ClaimLine, ...]
    messages: tuple[MessageLine, ...]
    complaints: tuple[ComplaintView, ...] = ()
    # Why a mail server refused the email address for good; "" while it is usable.
    email_undeliverable: str = ""
    # Reminders before a warranty ends: agreed since (a day), or withdrawn on (a day).
    reminders_agreed_at: datetime | None = None
    reminders_withdrawn_at: datetime | None = None
    # Why an SMS gateway refused the phone for good; "" while it is usable.
    phone_undeliverable: str = ""
    # How the customer wants to hear from the shop: "" (no preference: email), email or sms.
    preferred_channel: str = ""
    notes: tuple[NoteView, ...] = ()  # exception notes on the customer, newest first

    @property
    def reminders_agreed(self) -> bool:
        """The customer agreed to reminders and has not withdrawn."""
        return self.reminders_agreed_at is not None and self.reminders_withdrawn_at is None


def _brief(c: Customer) -> CustomerBrief:
    return CustomerBrief(c.reference, c.name, c.phone, c.email, c.segment.value,
                         c.retention_follow_up)


def _customer(session: Session, reference_or_id: str | uuid.UUID) -> Customer:
    if isinstance(reference_or_id, uuid.UUID):
        found = session.get(Customer, reference_or_id)
    else:
        key = reference_or_id.strip()
        found = session.scalars(select(Customer).where(
            Customer.reference.in_({key, key.upper()}))).first()
        if found is None and re.fullmatch(r"[0-9a-fA-F]{32}", key):
            found = session.get(Customer, uuid.UUID(key))
    if found is None:
        raise NotFound(f"No customer {reference_or_id}. Search by name or phone instead.")
    return found


def customer_profile_in(uow: UnitOfWork, actor: Actor, reference_or_id: str | uuid.UUID
                     ) -> CustomerProfile:
    """The customer with their purchases (each with today's verdict), claims and messages."""
    require(actor, Permission.LOOKUP)
    session = uow.session
    c = _customer(session, reference_or_id)
    ids = list(session.scalars(select(Warranty.id).where(Warranty.customer_id == c.id)
                               .order_by(Warranty.start_on.desc(), Warranty.code)))
    claims = tuple(
        ClaimLine(r.number, r.state, r.outcome, r.opened_at.date(),
                  r.name or r.claimed_purchase.get("product", "unknown product"), r.serial,
                  r.fault)
        for r in session.execute(
            select(Claim.number, Claim.state, Claim.outcome, Claim.opened_at, Claim.serial,
                   Claim.fault, Claim.claimed_purchase, Product.name)
            .outerjoin(Product, Product.id == Claim.product_id)
            .where(Claim.customer_id == c.id).order_by(Claim.opened_at.desc())))
    messages = tuple(
        MessageLine(r.created_at, r.subject, r.state, r.direction, r.number,
                    delivery_words(r.state, r.channel, r.reason, r.server_id), r.id.hex)
        for r in session.execute(
            select(CustomerMessage.created_at, CustomerMessage.subject,
                   CustomerMessage.state, CustomerMessage.direction, Claim.number,
                   CustomerMessage.channel, CustomerMessage.reason, CustomerMessage.server_id,
                   CustomerMessage.id)
            .outerjoin(Claim, Claim.id == CustomerMessage.claim_id)
            .where(CustomerMessage.customer_id == c.id)
            .order_by(CustomerMessage.created_at.desc()).limit(MAX_MESSAGES)))
    verdicts = verdicts_for(session, ids[:MAX_PURCHASES], today=shop_today(session))
    return CustomerProfile(
        c.reference, c.name, c.phone, c.email, c.segment.value, c.retention_follow_up,
        len(ids), tuple(verdicts), claims, messages, complaints_of(session, c.id),
        c.email_undeliverable, c.reminders_agreed_at, c.reminders_withdrawn_at,
        c.phone_undeliverable, c.preferred_channel, notes_of(session, "customer", c.reference))


customer_profile = reads(customer_profile_in)


def updated(session: Session, actor: Actor, c: Customer, action: str,
            details: dict[str, object]) -> CustomerBrief:
    """Record a change to the customer: stamped, audited, and told to head office and the CRM
    (customer.updated carries the customer as they now are, with the change's details)."""
    c.updated_at = clock_of(session).now()
    audit.record(session, actor, action, "customer", c.reference, details)
    outbox.emit(session, "customer.updated", "customer", c.reference,
                {**customer_record(c), **details})
    return _brief(c)


def customer_record(c: Customer) -> dict[str, object]:
    """The customer as customer.updated carries them to head office and the CRM."""
    return {"reference": c.reference, "name": c.name, "phone": c.phone, "email": c.email,
            "segment": c.segment.value, "retention_follow_up": c.retention_follow_up}


def set_segment_in(uow: UnitOfWork, actor: Actor, reference: str, segment: str) -> CustomerBrief:
    """Change how the shop serves this customer (retail, vip, business, reseller)."""
    require(actor, CUSTOMER_PERMISSION)
    chosen = parse_segment(segment)
    session = uow.session
    c = _customer(session, reference)
    if c.segment is chosen:
        return _brief(c)
    before = c.segment.value
    c.segment = chosen
    return updated(session, actor, c, "customer.segment",
                    {"from": before, "to": chosen.value})


set_segment = writes(set_segment_in)


def set_retention_follow_up_in(uow: UnitOfWork, actor: Actor, reference: str, flag: bool,
                            reason: str) -> CustomerBrief:
    """Flag (or clear) a customer for a retention call, with the reason kept in the audit log."""
    require(actor, CUSTOMER_PERMISSION)
    reason = card_numbers.typed(reason)
    if len(reason) < 3:
        raise BadInput("Write why (a few words): it is kept with the change and sent to the CRM.")
    session = uow.session
    c = _customer(session, reference)
    c.retention_follow_up = flag
    return updated(session, actor, c, "customer.retention",
                    {"flag": flag, "reason": reason.strip()})


set_retention_follow_up = writes(set_retention_follow_up_in)


def set_reminder_consent_in(uow: UnitOfWork, actor: Actor, reference: str,
                            agree: bool) -> CustomerBrief:
    """Record that the customer agreed to reminders (from now) or withdrew (from now); the
    audit log keeps each change with its day, so an earlier agreement stays on record."""
    require(actor, CUSTOMER_PERMISSION)
    session = uow.session
    c = _customer(session, reference)
    if agreed(c) is agree:
        return _brief(c)
    now = clock_of(session).now()
    if agree:
        c.reminders_agreed_at, c.reminders_withdrawn_at = now, None
    else:
        c.reminders_withdrawn_at = now
    c.updated_at = now
    # Kept at the branch and in the audit log: the sync contract's customer carries no consent
    # yet, so head office is not told (a customer.updated with these fields would be refused).
    audit.record(session, actor, "customer.reminders", "customer", c.reference,
                 {"reminders": "agreed" if agree else "withdrawn", "on": now.isoformat()})
    return _brief(c)


set_reminder_consent = writes(set_reminder_consent_in)


def find_customers_in(uow: UnitOfWork, actor: Actor, query: str) -> tuple[CustomerBrief, ...]:
    """Customers whose name, email or reference starts with the words typed, or by phone."""
    require(actor, Permission.LOOKUP)
    typed = query.strip()
    if not typed:
        return ()
    session = uow.session
    digits = "".join(ch for ch in typed if ch.isdigit())
    if _PHONE_SHAPE.match(typed) and len(digits) >= 6:
        # A whole number is found by its E.164 key, as the lookup finds it; part of one
        # ("900596") by its last digits.
        whole = phone_search_key(typed, phone_region(session))
        by_phone = (Customer.phone == whole if whole
                    else Customer.phone.like(f"%{digits[-_PHONE_TAIL:]}"))
        found = session.scalars(select(Customer).where(by_phone).order_by(Customer.name)
                                .limit(MAX_FOUND))
        return tuple(_brief(c) for c in found)
    match = fts_query(typed)
    if not match:
        return ()
    ids = [uuid.UUID(bytes=r[0]) for r in session.execute(text(
        "SELECT c.id FROM customers_fts f JOIN customers c ON c.rowid = f.rowid "
        "WHERE customers_fts MATCH :q ORDER BY rank LIMIT :n"), {"q": match, "n": MAX_FOUND})]
    by_id = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    return tuple(_brief(by_id[i]) for i in ids if i in by_id)


find_customers = reads(find_customers_in)
