"""The sync panel's side of the core: progress per destination, parked events, retry, dismiss."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk.errors import NotFound, RuleBlocked
from warranty_desk.models import OutboxEvent, SyncCursor, SyncDelivered, SyncParked
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit
from warranty_desk.services.message_delivery import (
    MAIL_DESTINATION,
    QUEUED_TOPIC,
    SMS_DESTINATION,
)
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import clock_of

# Parked rows still waiting: for a person (parked) or for the sync worker (retry).
OPEN_STATES = ("parked", "retry")
# Receivers that take one topic only and pass every other event by: only that topic waits for
# them (a sale is not "waiting" for the shop's own mail server, which will never send it).
ONE_TOPIC = {MAIL_DESTINATION: QUEUED_TOPIC, SMS_DESTINATION: QUEUED_TOPIC}


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """One destination as the sync panel shows it."""

    destination: str
    delivered_seq: int
    pending: int  # events still to send (new ones, and parked ones marked for retry)
    parked: int  # refused by the receiver, waiting for a person
    held: int  # waiting behind a refused event of the same record
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class ParkedView:
    """One parked event with the receiver's reason (or what it waits behind)."""

    destination: str
    seq: int
    topic: str
    aggregate: str
    aggregate_id: str
    kind: str  # rejected | held
    state: str  # parked | retry | dismissed | delivered
    reason: str
    parked_at: datetime
    settled_at: datetime | None
    settled_by: str


def status_in(uow: UnitOfWork, destinations: Sequence[str] = ()) -> list[SyncStatus]:
    """Every destination that has a cursor, plus the named ones (a new one has sent nothing)."""
    session = uow.session
    cursors = {c.destination: c for c in session.scalars(select(SyncCursor))}
    counts: dict[tuple[str, str, str], int] = {
        (d, k, s): n for d, k, s, n in session.execute(
            select(SyncParked.destination, SyncParked.kind, SyncParked.state, func.count())
            .where(SyncParked.state.in_(OPEN_STATES))
            .group_by(SyncParked.destination, SyncParked.kind, SyncParked.state))}
    result = []
    for name in sorted(set(cursors) | set(destinations)):
        cursor = cursors.get(name)
        seq = cursor.delivered_seq if cursor else 0
        above = select(func.count()).select_from(OutboxEvent).where(OutboxEvent.seq > seq)
        # Answered above the cursor while an earlier event was still unsettled.
        answered = (select(func.count()).select_from(SyncDelivered)
                    .join(OutboxEvent, OutboxEvent.seq == SyncDelivered.event_seq)
                    .where(SyncDelivered.destination == name, SyncDelivered.event_seq > seq))
        if name in ONE_TOPIC:
            above = above.where(OutboxEvent.topic == ONE_TOPIC[name])
            answered = answered.where(OutboxEvent.topic == ONE_TOPIC[name])
        beyond = (session.scalar(above) or 0) - (session.scalar(answered) or 0)
        retry = sum(n for (d, _, s), n in counts.items() if d == name and s == "retry")
        result.append(SyncStatus(
            destination=name, delivered_seq=seq, pending=beyond + retry,
            parked=counts.get((name, "rejected", "parked"), 0),
            held=counts.get((name, "held", "parked"), 0),
            last_success_at=cursor.last_success_at if cursor else None,
            last_attempt_at=cursor.last_attempt_at if cursor else None,
            last_error=cursor.last_error if cursor else None))
    return result


status = reads(status_in)


def _view(row: SyncParked, topic: str) -> ParkedView:
    return ParkedView(row.destination, row.event_seq, topic, row.aggregate, row.aggregate_id,
                      row.kind, row.state, row.reason, row.parked_at, row.settled_at,
                      row.settled_by)


def parked_in(
    uow: UnitOfWork, destination: str | None = None, *, include_settled: bool = False
) -> list[ParkedView]:
    """Parked events, oldest first: by default only those still waiting (parked or retry)."""
    query = (select(SyncParked, OutboxEvent.topic)
             .join(OutboxEvent, OutboxEvent.seq == SyncParked.event_seq, isouter=True)
             .order_by(SyncParked.destination, SyncParked.event_seq))
    if destination is not None:
        query = query.where(SyncParked.destination == destination)
    if not include_settled:
        query = query.where(SyncParked.state.in_(OPEN_STATES))
    session = uow.session
    return [_view(row, topic or "") for row, topic in session.execute(query)]


parked = reads(parked_in)


def _load(session: Session, destination: str, seq: int) -> SyncParked:
    row = session.get(SyncParked, (destination, seq))
    if row is None:
        raise NotFound(f"Event {seq} is not parked for {destination}.")
    if row.state not in OPEN_STATES:
        raise RuleBlocked(f"Event {seq} for {destination} is already {row.state}.")
    if row.kind == "held":
        raise RuleBlocked(f"Event {seq} waits behind an earlier event of {row.aggregate} "
                          f"{row.aggregate_id}; retry or dismiss that one and this one follows.")
    return row


def _topic(session: Session, seq: int) -> str:
    return session.scalar(select(OutboxEvent.topic).where(OutboxEvent.seq == seq)) or ""


def retry_parked_in(uow: UnitOfWork, actor: Actor, destination: str, seq: int) -> ParkedView:
    """Send a refused event again (after head office fixed its side); held ones follow it."""
    require(actor, Permission.MANAGE_SYNC)
    session = uow.session
    row = _load(session, destination, seq)
    row.state = "retry"
    audit.record(session, actor, "sync.retry", "sync_event", f"{destination}:{seq}",
                 {"aggregate": row.aggregate, "aggregate_id": row.aggregate_id,
                  "refused_because": row.reason})
    return _view(row, _topic(session, seq))


retry_parked = writes(retry_parked_in)


def dismiss_parked_in(
    uow: UnitOfWork, actor: Actor, destination: str, seq: int, reason: str
) -> ParkedView:
    """Give up on a refused event, with a reason; the events held behind it go next."""
    require(actor, Permission.MANAGE_SYNC)
    why = audit.kept_words(reason, "Write why this event will never reach head office; the "
                                   "reason is kept in the audit log.")
    session = uow.session
    row = _load(session, destination, seq)
    row.state, row.settled_at, row.settled_by = "dismissed", clock_of(session).now(), actor.name
    row.reason = f"{row.reason}\nDismissed by {actor.name}: {why}"
    audit.record(session, actor, "sync.dismiss", "sync_event", f"{destination}:{seq}",
                 {"aggregate": row.aggregate, "aggregate_id": row.aggregate_id,
                  "reason": why})
    return _view(row, _topic(session, seq))


dismiss_parked = writes(dismiss_parked_in)
