"""Complaints: logged by whoever hears them, settled with a note, and sent on to the CRM."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers
from warranty_desk.errors import BadInput, NotFound
from warranty_desk.models import Claim, Complaint, Customer
from warranty_desk.models.complaint import COMPLAINT_CHANNELS
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit, outbox
from warranty_desk.services.unit_of_work import UnitOfWork, writes
from warranty_desk.storage.database import clock_of

# Customer support, sales and managers hear complaints: the people who write to customers.
COMPLAINT_PERMISSION = Permission.SEND_MESSAGE


@dataclass(frozen=True, slots=True)
class ComplaintView:
    """One complaint as the customer screen lists it."""

    id: str
    customer_reference: str
    claim_number: str | None
    channel: str
    text: str
    logged_by: str
    logged_at: datetime
    resolved_at: datetime | None
    resolution: str


def _view(session: Session, row: Complaint) -> ComplaintView:
    customer = session.get_one(Customer, row.customer_id)
    claim = session.get(Claim, row.claim_id) if row.claim_id else None
    return ComplaintView(row.id.hex, customer.reference, claim.number if claim else None,
                         row.channel, row.text, row.logged_by, row.logged_at, row.resolved_at,
                         row.resolution)


def _customer(session: Session, reference: str) -> Customer:
    customer = session.scalars(select(Customer).where(
        Customer.reference == reference.strip().upper())).first()
    if customer is None:
        raise NotFound(f"No customer {reference.strip()!r}. Find the customer by name or phone "
                       "first.")
    return customer


def log_complaint_in(uow: UnitOfWork, actor: Actor, customer_reference: str, text: str, *,
                  channel: str = "counter", claim_number: str | None = None) -> ComplaintView:
    """Keep what the customer complained about, in their words, with the audit and CRM."""
    require(actor, COMPLAINT_PERMISSION)
    words = card_numbers.masked(" ".join(text.split()))
    if len(words) < 5:
        raise BadInput("Write what the customer complained about (a few words at least).")
    if channel not in COMPLAINT_CHANNELS:
        raise BadInput(f"Unknown channel {channel!r}: use one of {', '.join(COMPLAINT_CHANNELS)}.")
    session = uow.session
    customer = _customer(session, customer_reference)
    claim = None
    if claim_number and claim_number.strip():
        claim = session.scalars(select(Claim).where(
            Claim.number == claim_number.strip().upper())).first()
        if claim is None or claim.customer_id != customer.id:
            raise BadInput(f"Claim {claim_number.strip()} is not one of "
                           f"{customer.name}'s claims. Pick one of theirs, or leave it out.")
    row = Complaint(customer_id=customer.id, claim_id=claim.id if claim else None,
                    channel=channel, text=words, logged_by_id=actor.staff_id,
                    logged_by=actor.name)
    session.add(row)
    session.flush()
    audit.record(session, actor, "complaint.log", "complaint", row.id,
                 {"customer": customer.reference, "claim": claim.number if claim else None,
                  "channel": channel, "text": words})
    outbox.emit(session, "complaint.logged", "customer", customer.reference,
                {"id": row.id.hex, "customer": customer.reference,
                 "claim": claim.number if claim else None, "channel": channel,
                 "text": words})
    return _view(session, row)


log_complaint = writes(log_complaint_in)


def resolve_complaint_in(uow: UnitOfWork, actor: Actor, complaint_id: str,
                      resolution: str) -> ComplaintView:
    """Close a complaint with how it was settled (kept in the audit log and sent on)."""
    require(actor, COMPLAINT_PERMISSION)
    words = card_numbers.masked(" ".join(resolution.split()))
    if len(words) < 5:
        raise BadInput("Write how the complaint was settled (a few words at least).")
    try:
        key = uuid.UUID(hex=complaint_id)
    except ValueError:
        raise BadInput(f"{complaint_id!r} is not a complaint.") from None
    session = uow.session
    row = session.get(Complaint, key)
    if row is None:
        raise NotFound("That complaint is no longer on record. Reload the customer.")
    if row.resolved_at is not None:
        raise BadInput("That complaint is already settled.")
    row.resolved_at, row.resolution = clock_of(session).now(), words
    view = _view(session, row)
    audit.record(session, actor, "complaint.resolve", "complaint", row.id,
                 {"resolution": words})
    outbox.emit(session, "complaint.resolved", "customer", view.customer_reference,
                {"id": view.id, "customer": view.customer_reference, "resolution": words})
    return view


resolve_complaint = writes(resolve_complaint_in)


def complaints_of(session: Session, customer_id: uuid.UUID) -> tuple[ComplaintView, ...]:
    """A customer's complaints, newest first (read inside the caller's session)."""
    rows = session.scalars(select(Complaint).where(Complaint.customer_id == customer_id)
                           .order_by(Complaint.logged_at.desc()))
    return tuple(_view(session, row) for row in rows)
