"""What every claim use case shares: loading, rule context, overrides, events and messages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from warranty_desk.errors import BadInput, NotFound, PermissionDenied, RuleBlocked
from warranty_desk.models import (
    Claim,
    ClaimEvent,
    Customer,
    EvidenceDocument,
    Policy,
    Product,
    Shop,
    Staff,
    StockMovement,
    Warranty,
)
from warranty_desk.permissions import ROLE_LABELS, Actor, Permission, Role, allowed
from warranty_desk.rules.claim_states import (
    OPEN_STATES,
    Blocker,
    ClaimState,
    Outcome,
    TransitionContext,
    check_transition,
    target_words,
)
from warranty_desk.services import audit, messages, outbox
from warranty_desk.services.shop_locale import day_words

# "online": a return a customer asked for online, on an online sale; its unit is awaited.
ONLINE = "online"
CHANNELS = ("counter", "portal", "online_order", "phone", ONLINE)
CLAIM_TYPES = ("fault", "dead_on_arrival", "cosmetic", "battery")


@dataclass(frozen=True, slots=True)
class Override:
    """A manager's approval to pass a rule: who (already PIN-checked) and why, in writing."""

    approver: Actor
    reason: str


def load_claim(session: Session, number: str) -> Claim:
    """The claim with this number, or a plain NotFound."""
    claim = session.scalars(select(Claim).where(Claim.number == number.strip().upper())).first()
    if claim is None:
        raise NotFound(f"No claim {number}. Check the number on the ticket.")
    return claim


def other_open_claim(session: Session, claim: Claim) -> str | None:
    """The number of another claim still open on the same unit, if there is one."""
    if claim.warranty_id is None:
        return None
    return session.scalars(select(Claim.number).where(
        Claim.warranty_id == claim.warranty_id, Claim.id != claim.id,
        Claim.state.in_(OPEN_STATES))).first()


def claim_policy(session: Session, claim: Claim) -> Policy | None:
    """The policy of the claimed product, if the product is known."""
    if claim.product_id is None:
        return None
    product = session.get(Product, claim.product_id)
    return product.policy if product else None


def attached_kinds(session: Session, claim_id: uuid.UUID) -> frozenset[str]:
    """Evidence kinds attached to the claim so far."""
    return frozenset(session.scalars(
        select(EvidenceDocument.kind).where(EvidenceDocument.claim_id == claim_id)))


def unit_received(session: Session, claim_id: uuid.UUID) -> bool:
    """Whether the returns desk has scanned the claim's unit in (a return_in movement)."""
    return session.scalars(select(StockMovement.id).where(
        StockMovement.claim_id == claim_id, StockMovement.kind == "return_in")).first() is not None


def unit_awaited(session: Session, claim: Claim) -> bool:
    """Whether an online return's unit is still on its way: nothing moves on without it."""
    return claim.channel == ONLINE and not unit_received(session, claim.id)


def transition_context(
    session: Session, claim: Claim, outcome: Outcome | None
) -> TransitionContext:
    """The pure rules' view of a claim."""
    policy = claim_policy(session, claim)
    required = {k: tuple(v) for k, v in (policy.evidence_required if policy else {}).items()}
    return TransitionContext(
        claim_type=claim.claim_type, attached_evidence=attached_kinds(session, claim.id),
        required_evidence=required, proof_verified=claim.proof_status != "unverified",
        outcome=outcome, proof_rejected=claim.proof_status == "rejected",
        unit_awaited=unit_awaited(session, claim))


def same_person(one: Actor, other: Actor) -> bool:
    """Whether two actors are one person: the same staff row (the same name where neither
    has one, as for the command line)."""
    if one.staff_id is None and other.staff_id is None:
        return one.name == other.name
    return one.staff_id == other.staff_id


def check_approver(override: Override, asked_by: Actor) -> None:
    """An override is a second person's approval: never the PIN of the one asking."""
    if same_person(override.approver, asked_by):
        raise PermissionDenied(
            f"{asked_by.name} cannot approve their own change: an override needs a second "
            "person. Ask another manager or the owner to type their PIN.")


def check_override(
    override: Override | None, blockers: tuple[Blocker, ...] | list[str], *,
    policy: Policy | None, what: str, asked_by: Actor,
) -> None:
    """Pass only if there are no blockers, or every one is overridable and a manager other than
    the person asking approved."""
    if override is not None:
        check_approver(override, asked_by)  # never recorded as approved by the one asking
    messages_: list[str] = []
    overridable = True
    for b in blockers:
        if isinstance(b, Blocker):
            messages_.append(b.message)
            overridable = overridable and b.overridable
        else:
            messages_.append(b)
    if not messages_:
        return
    if not overridable:
        raise RuleBlocked(f"{what} is not possible: " + " ".join(messages_), overridable=False,
                          reasons=tuple(messages_))
    if override is None:
        raise RuleBlocked(f"{what} needs a manager override: " + " ".join(messages_),
                          overridable=True, reasons=tuple(messages_))
    approver = override.approver
    roles = {Role(r) for r in (policy.override_roles if policy else ["manager", "owner"])}
    if not allowed(approver.role, Permission.OVERRIDE_RULE) or approver.role not in roles:
        names = ", ".join(ROLE_LABELS[r] for r in sorted(roles, key=lambda r: r.value))
        raise PermissionDenied(f"{approver.name} ({ROLE_LABELS[approver.role]}) may not "
                               f"override this rule. Ask: {names}.")
    if len(override.reason.strip()) < 5:
        raise BadInput("Write the reason for the override (a few words at least); it is kept "
                       "with the claim and in the audit log.")


def add_event(
    session: Session, claim: Claim, actor: Actor, kind: str, *, from_state: str | None = None,
    to_state: str | None = None, reason: str = "", override: Override | None = None,
    cost_minor: int = 0,
) -> ClaimEvent:
    """One line of the claim's timeline."""
    event = ClaimEvent(
        claim_id=claim.id, staff_id=actor.staff_id, kind=kind, from_state=from_state,
        to_state=to_state, reason=reason,
        override_by_id=override.approver.staff_id if override else None, cost_minor=cost_minor)
    session.add(event)
    if override is not None:
        audit.record(session, override.approver, "claim.override", "claim", claim.number,
                     {"kind": kind, "to": to_state, "reason": override.reason,
                      "requested_by": actor.name})
    return event


def claim_payload(claim: Claim, **extra: object) -> dict[str, object]:
    """What head office hears about a claim with each event, the customer's reference too."""
    session = object_session(claim)
    customer = (session.get(Customer, claim.customer_id)
                if session is not None and claim.customer_id else None)
    payload: dict[str, object] = {
        "customer": customer.reference if customer else None,
        "number": claim.number, "state": claim.state, "outcome": claim.outcome,
        "channel": claim.channel, "claim_type": claim.claim_type, "fault": claim.fault,
        "serial": claim.serial, "opened_at": claim.opened_at.isoformat() if claim.opened_at
        else None,
    }
    if claim.preferred_outcome:  # an online return: what the customer asked for
        payload["preferred_outcome"] = claim.preferred_outcome
    if claim.external_ref:  # the online claim it came from, so head office links them exactly
        payload["external_ref"] = claim.external_ref
    if session is not None:  # who answers for it at the branch, by name (None: nobody yet)
        payload["owner"] = staff_name(session, claim.assignee_id)
        payload["backup"] = staff_name(session, claim.backup_id)
        # What head office's metric pages read to count as the branch's dashboard does.
        payload["opened_by"] = staff_name(session, claim.opened_by_id)
        product = session.get(Product, claim.product_id) if claim.product_id else None
        payload["sku"] = product.sku if product is not None else None
    payload["closed_at"] = claim.closed_at.isoformat() if claim.closed_at else None
    payload["promised_on"] = claim.promised_on.isoformat() if claim.promised_on else None
    payload.update(extra)
    return payload


def staff_name(session: Session, staff_id: uuid.UUID | None) -> str | None:
    """The name of a staff member by id; None for no id or one not known here."""
    person = session.get(Staff, staff_id) if staff_id is not None else None
    return person.name if person is not None else None


def notify(
    session: Session, claim: Claim, template: str, *, today: date, **values: str
) -> None:
    """Queue the customer message for a status or outcome."""
    shop = session.scalars(select(Shop)).first()
    customer = session.get(Customer, claim.customer_id) if claim.customer_id else None
    product = session.get(Product, claim.product_id) if claim.product_id else None
    warranty = session.get(Warranty, claim.warranty_id) if claim.warranty_id else None
    base = {
        "customer": customer.name if customer else "customer",
        "claim": claim.number, "product": product.name if product else "product",
        "serial": claim.serial or "not recorded", "shop": shop.name if shop else "",
        "phone": shop.phone if shop else "",
        "promised": day_words(session, claim.promised_on) if claim.promised_on else "soon",
        "end": day_words(session, warranty.end_on) if warranty else "",
        "today": day_words(session, today),
    }
    base.update(values)
    messages.queue(session, template=template, values=base, claim_id=claim.id,
                   customer_id=claim.customer_id, customer_ref=customer.reference if customer
                   else None, claim_number=claim.number,
                   segment=messages.segment_of(customer.segment if customer else None))


def move(
    session: Session, claim: Claim, actor: Actor, target: ClaimState, *, reason: str,
    override: Override | None, outcome: Outcome | None, today: date,
) -> None:
    """Check the state machine's guards, then move the claim and tell the customer."""
    current = ClaimState(claim.state)
    blockers = check_transition(current, target, transition_context(session, claim, outcome))
    check_override(override, blockers, policy=claim_policy(session, claim),
                   what=f"Moving claim {claim.number} to {target_words(target)}", asked_by=actor)
    claim.state = target.value
    add_event(session, claim, actor, "status", from_state=current.value, to_state=target.value,
              reason=reason, override=override)
    outbox.emit(session, "claim.status_changed", "claim", claim.number,
                claim_payload(claim, from_state=current.value, reason=reason))
    if target not in (ClaimState.RESOLVED, ClaimState.REJECTED):
        notify(session, claim, f"claim_{target.value}", today=today)
