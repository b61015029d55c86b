"""Duplicate customers: found by the same phone key or email, merged into one kept record.

Everything the dropped record held (warranties, claims, messages, sales, complaints, retention
follow-ups, exception notes) moves to the kept one; the dropped row goes, and the audit log
keeps it whole. Head office and the CRM hear a customer.updated for each: the kept one names
the record merged into it, the dropped one names where it went.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput, NotFound
from warranty_desk.models import (
    Claim,
    Complaint,
    Customer,
    CustomerMessage,
    ExceptionNote,
    RetentionFollowUp,
    Sale,
    Warranty,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit, outbox
from warranty_desk.services.customer_view import customer_record
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import clock_of

# What a customer's records are, by the table that points at them; each moves on a merge.
_HOLDINGS: dict[str, type[Warranty] | type[Claim] | type[CustomerMessage] | type[Sale]
                | type[Complaint] | type[RetentionFollowUp]] = {
    "warranties": Warranty, "claims": Claim, "messages": CustomerMessage, "sales": Sale,
    "complaints": Complaint, "follow_ups": RetentionFollowUp,
}
# The duplicates screen lists this many pairs at most: past that, merge some first.
MAX_PAIRS = 200


@dataclass(frozen=True, slots=True)
class CustomerCard:
    """One side of a merge as the confirmation shows it: the record and what it holds."""

    reference: str
    name: str
    phone: str
    email: str
    segment: str
    warranties: int
    claims: int
    messages: int
    sales: int


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two customers who look like one person, and what they share."""

    first: CustomerCard
    second: CustomerCard
    shared: str  # "the same phone", "the same email" or both


def _card(session: Session, c: Customer) -> CustomerCard:
    def count(model: type[Warranty] | type[Claim] | type[CustomerMessage] | type[Sale]) -> int:
        return session.scalar(select(func.count()).select_from(model).where(
            model.customer_id == c.id)) or 0
    return CustomerCard(c.reference, c.name, c.phone, c.email, c.segment.value,
                        count(Warranty), count(Claim), count(CustomerMessage), count(Sale))


def _shared(a: Customer, b: Customer) -> str:
    same = []
    if a.phone and a.phone == b.phone:
        same.append("phone")
    if a.email and a.email.strip().casefold() == b.email.strip().casefold():
        same.append("email")
    return "the same " + " and ".join(same) if same else ""


def _find(session: Session, reference: str) -> Customer:
    key = reference.strip().upper()
    found = session.scalars(select(Customer).where(Customer.reference == key)).first()
    if found is None:
        raise NotFound(f"No customer {reference.strip()}. Check the reference.")
    return found


def duplicates_in(uow: UnitOfWork, actor: Actor, reference: str | None = None
                  ) -> tuple[DuplicatePair, ...]:
    """Customers sharing a phone (its E.164 key) or an email (any case): every pair in the
    shop, or only those of one customer."""
    require(actor, Permission.LOOKUP)
    session = uow.session
    groups: dict[tuple[str, str], list[Customer]] = defaultdict(list)
    phones = select(Customer.phone).where(Customer.phone != "").group_by(Customer.phone) \
        .having(func.count() > 1)
    emails = select(func.lower(Customer.email)).where(Customer.email != "") \
        .group_by(func.lower(Customer.email)).having(func.count() > 1)
    for c in session.scalars(select(Customer).where(
            Customer.phone.in_(phones) | func.lower(Customer.email).in_(emails))
            .order_by(Customer.reference)):
        if c.phone:
            groups[("phone", c.phone)].append(c)
        if c.email:
            groups[("email", c.email.strip().casefold())].append(c)
    only = reference.strip().upper() if reference else None
    seen: set[tuple[str, str]] = set()
    pairs: list[DuplicatePair] = []
    # A customer sharing a phone with some and an email with others is in several pairs; their
    # card's counts are read once.
    cards: dict[str, CustomerCard] = {}

    def card(c: Customer) -> CustomerCard:
        if c.reference not in cards:
            cards[c.reference] = _card(session, c)
        return cards[c.reference]

    for members in groups.values():
        for n, a in enumerate(members):
            for b in members[n + 1:]:
                if (a.reference, b.reference) in seen or (only and only not in (a.reference,
                                                                                b.reference)):
                    continue
                seen.add((a.reference, b.reference))
                pairs.append(DuplicatePair(card(a), card(b), _shared(a, b)))
                if len(pairs) >= MAX_PAIRS:
                    return tuple(pairs)
    return tuple(pairs)


duplicates = reads(duplicates_in)


def merge_in(uow: UnitOfWork, actor: Actor, keep: str, drop: str) -> CustomerCard:
    """Merge the `drop` customer into the `keep` one; they must share a phone or an email."""
    require(actor, Permission.MERGE_CUSTOMERS)
    session = uow.session
    kept, dropped = _find(session, keep), _find(session, drop)
    if kept.id == dropped.id:
        raise BadInput(f"{kept.reference} is one customer already; pick the duplicate to merge "
                       "into it.")
    shared = _shared(kept, dropped)
    if not shared:
        raise BadInput(f"{kept.name} ({kept.reference}) and {dropped.name} "
                       f"({dropped.reference}) share no phone or email, so nothing says they "
                       "are one person. Nothing was merged.")
    was = customer_record(dropped)
    # A follow-up is keyed by its customer, rule and claim: re-keyed to the kept customer, the
    # rules do not raise it again for them.
    for row in session.scalars(select(RetentionFollowUp).where(
            RetentionFollowUp.customer_id == dropped.id)):
        row.key = row.key.replace(dropped.id.hex, kept.id.hex, 1)
    session.flush()
    moved = {}
    for name, model in _HOLDINGS.items():
        result = session.execute(update(model).where(model.customer_id == dropped.id)
                                 .values(customer_id=kept.id)
                                 .execution_options(synchronize_session=False))
        moved[name] = result.rowcount  # type: ignore[attr-defined]
    moved["notes"] = session.execute(
        update(ExceptionNote).where(ExceptionNote.record_kind == "customer",
                                    ExceptionNote.record_ref == dropped.reference)
        .values(record_ref=kept.reference)
        .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    # What the kept record lacks, the duplicate may know; what it has, it keeps.
    kept.phone = kept.phone or dropped.phone
    kept.email = kept.email or dropped.email
    kept.retention_follow_up = kept.retention_follow_up or dropped.retention_follow_up
    if kept.reminders_agreed_at is None and dropped.reminders_agreed_at is not None:
        kept.reminders_agreed_at = dropped.reminders_agreed_at
        kept.reminders_withdrawn_at = dropped.reminders_withdrawn_at
    audit.record(session, actor, "customer.merge", "customer", kept.reference,
                 {"dropped": was, "shared": shared, "moved": moved})
    # The dropped record's last word: the CRM notes where it went, head office re-points.
    outbox.emit(session, "customer.updated", "customer", dropped.reference,
                {**was, "merged_into": kept.reference})
    session.delete(dropped)
    kept.updated_at = clock_of(session).now()
    outbox.emit(session, "customer.updated", "customer", kept.reference,
                {**customer_record(kept), "merged_from": dropped.reference})
    session.flush()
    return _card(session, kept)


merge = writes(merge_in)
