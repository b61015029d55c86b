"""Reminders before a warranty ends, with the plans that could extend it, only to customers who
agreed: their consent, and the nightly send that reminds each warranty's end once.

Messages about an open claim are service messages and need no consent (claim_common.notify
never asks); a reminder is an offer, so it goes only to a customer who agreed and has not
withdrawn.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warranty_desk.models import (
    Customer,
    Product,
    Shop,
    Warranty,
    WarrantyReminder,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit, messages
from warranty_desk.services.lookup import verdicts_for
from warranty_desk.services.shop_locale import day_words, money_of
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, writes
from warranty_desk.storage.database import clock_of

# Days before a warranty's end that its reminder is due, unless the shop sets its own.
DEFAULT_DAYS = 30
TEMPLATE = "warranty_reminder"
# What the reminder says where no plan can extend the unit any more.
NO_PLAN = "No extension plan can be added to it any more; ask us what cover we can offer instead."
# Warranties whose offers are read in one lookup.
_BATCH = 500


def agreed(customer: Customer) -> bool:
    """The customer agreed to reminders and has not withdrawn since."""
    return customer.reminders_agreed_at is not None and customer.reminders_withdrawn_at is None


def record_consents(session: Session, ids: Iterable[bytes]) -> None:
    """Customers (ids as stored) agreed at a sale: agreed from now, any withdrawal undone."""
    keys = [uuid.UUID(bytes=i) for i in set(ids)]
    session.execute(
        update(Customer)
        .where(Customer.id.in_(keys), (Customer.reminders_agreed_at.is_(None))
               | Customer.reminders_withdrawn_at.is_not(None))
        .values(reminders_agreed_at=clock_of(session).now(), reminders_withdrawn_at=None)
        .execution_options(synchronize_session=False))


@dataclass(frozen=True, slots=True)
class SentReminder:
    """One reminder the run queued."""

    warranty_code: str
    customer_reference: str
    ends_on: date
    plans: tuple[str, ...]  # names of the plans it offered


def reminder_days(session: Session) -> int:
    """The shop's reminder window in days."""
    days = session.scalar(select(Shop.reminder_days).limit(1))
    return DEFAULT_DAYS if days is None else days


def _due(session: Session, today: date, days: int) -> Sequence[tuple[Warranty, Customer]]:
    sent = select(WarrantyReminder.warranty_id).where(
        WarrantyReminder.warranty_id == Warranty.id, WarrantyReminder.ends_on == Warranty.end_on)
    rows = session.execute(
        select(Warranty, Customer).join(Customer, Customer.id == Warranty.customer_id)
        # A unit waiting for delivery has no end yet: its stored one is only the terms' length.
        .where(Warranty.status != WarrantyStatus.VOID, Warranty.awaits_delivery.is_(False),
               Warranty.end_on >= today,
               Warranty.end_on <= today + timedelta(days=days),
               Customer.reminders_agreed_at.is_not(None),
               Customer.reminders_withdrawn_at.is_(None), ~sent.exists())
        .order_by(Warranty.end_on, Warranty.code))
    return [(w, c) for w, c in rows]


def send_due_in(uow: UnitOfWork, actor: Actor) -> tuple[SentReminder, ...]:
    """Queue a reminder for every warranty ending within the window whose customer agreed,
    once per warranty and end date: a run that finds it again (the next night, after a
    restart, or a second run the same night) sends nothing more."""
    require(actor, Permission.SEND_REMINDERS)
    session = uow.session
    today = shop_today(session)
    shop = session.scalars(select(Shop)).first()
    due = _due(session, today, reminder_days(session))
    # The plans lookup offers at the counter today, read for the due warranties in batches
    # (a first run may find thousands; SQLite caps a query's parameters).
    ids = [w.id for w, _ in due]
    offers = {v.warranty_code: sorted(v.extension_offers, key=lambda o: o.plan)
              for start in range(0, len(ids), _BATCH)
              for v in verdicts_for(session, ids[start:start + _BATCH], today=today)}
    money = money_of(session)
    out = []
    for warranty, customer in due:
        product = session.get(Product, warranty.product_id)
        names = [o.plan for o in offers[warranty.code]]
        lines = [f"- {o.plan}: {o.months} more months for {money.people(o.price_minor)}."
                 for o in offers[warranty.code]]
        values = {
            "customer": customer.name, "product": product.name if product else "product",
            "serial": warranty.serial or "not recorded", "end": day_words(session, warranty.end_on),
            "days": str((warranty.end_on - today).days),
            "plans": "\n".join(lines) if lines else NO_PLAN,
            "shop": shop.name if shop else "", "phone": shop.phone if shop else "",
        }
        message = messages.queue(
            session, template=TEMPLATE, values=values, claim_id=None, customer_id=customer.id,
            customer_ref=customer.reference, claim_number=None,
            segment=messages.segment_of(customer.segment))
        session.add(WarrantyReminder(warranty_id=warranty.id, ends_on=warranty.end_on,
                                     message_id=message.id))
        audit.record(session, actor, "warranty.reminder", "warranty", warranty.code,
                     {"customer": customer.reference, "ends_on": warranty.end_on.isoformat(),
                      "plans": names})
        out.append(SentReminder(warranty.code, customer.reference, warranty.end_on,
                                tuple(names)))
    return tuple(out)


send_due = writes(send_due_in)
