"""Retention follow-ups: raised by the rules over customers' claims, worked as a list, cleared
with a note. The customer's follow-up flag and the CRM hear of both, as when staff set it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models import Claim, Customer, RetentionFollowUp, Shop
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.dates import add_months
from warranty_desk.rules.retention import (
    DEFAULT_OPEN_DAYS,
    RULE_WORDS,
    WINDOW_MONTHS,
    ClaimFact,
    Trigger,
    retention_triggers,
)
from warranty_desk.services import audit
from warranty_desk.services.customer_view import CUSTOMER_PERMISSION, updated
from warranty_desk.services.letterhead import day_bounds
from warranty_desk.services.shop_time import shop_today, shop_zone
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import clock_of

MIN_NOTE = 3
# The list shows every open follow-up and the newest cleared ones up to this many.
CLEARED_SHOWN = 200


@dataclass(frozen=True, slots=True)
class FollowUpView:
    """One follow-up as the list shows it."""

    id: str  # hex, what clearing names
    customer_reference: str
    customer_name: str
    customer_phone: str
    rule: str
    claim_number: str
    reason: str
    raised_at: datetime
    cleared_at: datetime | None = None
    cleared_by: str = ""
    note: str = ""

    @property
    def rule_words(self) -> str:
        """The rule as people say it."""
        return RULE_WORDS.get(self.rule, self.rule)


def _view(row: RetentionFollowUp, customer: Customer) -> FollowUpView:
    return FollowUpView(row.id.hex, customer.reference, customer.name, customer.phone, row.rule,
                        row.claim_number, row.reason, row.raised_at, row.cleared_at,
                        row.cleared_by, row.note)


def open_days(session: Session) -> int:
    """After how many days an open claim asks for a retention call (Settings > Shop)."""
    days = session.scalar(select(Shop.follow_up_open_days).limit(1))
    return days or DEFAULT_OPEN_DAYS


def _facts(session: Session, today: date) -> dict[uuid.UUID, list[ClaimFact]]:
    """Per customer, the claims any rule could fire on today: opened or closed in the window,
    or still open."""
    zone = shop_zone(session)
    since, _ = day_bounds(add_months(today, -WINDOW_MONTHS), zone)
    facts: dict[uuid.UUID, list[ClaimFact]] = defaultdict(list)
    for number, customer_id, opened_at, state, closed_at in session.execute(
            select(Claim.number, Claim.customer_id, Claim.opened_at, Claim.state,
                   Claim.closed_at)
            .where(Claim.customer_id.is_not(None),
                   or_(Claim.state.in_(OPEN_STATES), Claim.opened_at >= since,
                       Claim.closed_at >= since))):
        if customer_id is None:  # the query leaves these out; the check says so to mypy
            continue
        facts[customer_id].append(ClaimFact(
            number, opened_at.astimezone(zone).date(), state,
            closed_at.astimezone(zone).date() if closed_at is not None else None))
    return facts


def _raise(session: Session, actor: Actor, customer_id: uuid.UUID,
           triggers: list[Trigger]) -> list[RetentionFollowUp]:
    keys = {f"{customer_id.hex}:{t.rule}:{t.claim_number}": t for t in triggers}
    known = set(session.scalars(select(RetentionFollowUp.key).where(
        RetentionFollowUp.key.in_(keys))))
    new = [RetentionFollowUp(customer_id=customer_id, rule=t.rule, claim_number=t.claim_number,
                             key=key, reason=t.words)
           for key, t in keys.items() if key not in known]
    if not new:
        return []
    # Loaded only now: on most runs every trigger is known and no customer need be read.
    customer = session.get_one(Customer, customer_id)
    session.add_all(new)
    session.flush()
    for row in new:
        audit.record(session, actor, "retention.raise", "customer", customer.reference,
                     {"rule": row.rule, "claim": row.claim_number, "reason": row.reason})
    reason = "; ".join(row.reason for row in new)
    if not customer.retention_follow_up:
        customer.retention_follow_up = True
        updated(session, actor, customer, "customer.retention", {"flag": True,
                                                                 "reason": reason})
    return new


def raise_due_in(uow: UnitOfWork, actor: Actor) -> int:
    """Run the retention rules over every customer's claims; a rule that fires on a claim for
    the first time raises a follow-up (flagging the customer and telling the CRM). Returns how
    many were raised; running again raises nothing more. The rules act, not a person: anyone
    who opens the list (and the nightly run) sets them going."""
    require(actor, Permission.LOOKUP)
    session = uow.session
    today, days = shop_today(session), open_days(session)
    raised = 0
    for customer_id, facts in _facts(session, today).items():
        triggers = list(retention_triggers(facts, today, days))
        if triggers:
            raised += len(_raise(session, actor, customer_id, triggers))
    return raised


raise_due = writes(raise_due_in)


def follow_ups_in(uow: UnitOfWork, actor: Actor, *, cleared: bool = False
                  ) -> tuple[FollowUpView, ...]:
    """The open follow-ups, oldest first (or the cleared ones, newest first)."""
    require(actor, CUSTOMER_PERMISSION)
    done = RetentionFollowUp.cleared_at.is_not(None)
    query = (select(RetentionFollowUp, Customer)
             .join(Customer, Customer.id == RetentionFollowUp.customer_id))
    query = (query.where(done).order_by(RetentionFollowUp.cleared_at.desc()).limit(CLEARED_SHOWN)
             if cleared else query.where(~done).order_by(RetentionFollowUp.raised_at,
                                                          RetentionFollowUp.key))
    return tuple(_view(f, c) for f, c in uow.session.execute(query))


follow_ups = reads(follow_ups_in)


def clear_in(uow: UnitOfWork, actor: Actor, follow_up_id: str, note: str) -> FollowUpView:
    """Clear a follow-up with a note of what was done; the customer's flag is cleared (and the
    CRM told) when no other follow-up of theirs is open."""
    require(actor, CUSTOMER_PERMISSION)
    words = card_numbers.typed(note)
    if len(words) < MIN_NOTE:
        raise BadInput("Write what was done (a few words): it is kept with the follow-up and "
                       "sent to the CRM.")
    session = uow.session
    try:
        key = uuid.UUID(follow_up_id)
    except ValueError:
        raise NotFound(f"No follow-up {follow_up_id}.") from None
    row = session.get(RetentionFollowUp, key)
    if row is None:
        raise NotFound(f"No follow-up {follow_up_id}.")
    customer = session.get_one(Customer, row.customer_id)
    if row.cleared_at is not None:
        raise RuleBlocked(f"This follow-up of {customer.name} was cleared already by "
                          f"{row.cleared_by or 'someone'}: {row.note}", overridable=False)
    row.cleared_at = clock_of(session).now()
    row.cleared_by_id, row.cleared_by, row.note = actor.staff_id, actor.name, words
    audit.record(session, actor, "retention.clear", "customer", customer.reference,
                 {"rule": row.rule, "claim": row.claim_number, "note": words})
    still_open = session.scalar(select(RetentionFollowUp.id).where(
        RetentionFollowUp.customer_id == customer.id, RetentionFollowUp.cleared_at.is_(None)))
    if still_open is None and customer.retention_follow_up:
        customer.retention_follow_up = False
        updated(session, actor, customer, "customer.retention", {"flag": False, "reason": words})
    return _view(row, customer)


clear = writes(clear_in)
