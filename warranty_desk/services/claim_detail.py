"""One claim's full picture for its page: facts, history, documents, money, stock, brand
claims, and the moves open to the person looking, each with the customer's message to come."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk.models import (
    Brand,
    BrandClaim,
    Claim,
    ClaimEvent,
    CostPosting,
    Customer,
    CustomerMessage,
    EvidenceDocument,
    Product,
    Segment,
    Settlement,
    Shop,
    StockMovement,
    Warranty,
)
from warranty_desk.models import BrandClaimItem as BrandClaimMember
from warranty_desk.permissions import Actor, Permission, allowed, require
from warranty_desk.rules.claim_states import (
    ClaimState,
    Outcome,
    check_reopen,
    check_transition,
    evidence_label,
    next_states,
    reopen_target,
)
from warranty_desk.rules.evidence import missing_evidence, proof_words
from warranty_desk.services import claim_messages, lookup, messages
from warranty_desk.services.board import is_overdue, local_day, staff_names
from warranty_desk.services.claim_common import (
    load_claim,
    other_open_claim,
    staff_name,
    transition_context,
)
from warranty_desk.services.exception_notes import NoteView, notes_of
from warranty_desk.services.message_delivery import delivery_words
from warranty_desk.services.online_returns import online_order
from warranty_desk.services.shop_time import shop_today, shop_zone
from warranty_desk.services.unit_of_work import UnitOfWork, reads
from warranty_desk.views import WarrantyVerdict

# Placeholders a decision fills in, shown as such in the message preview (the decision dialog
# fills them as the manager types).
REFUND_LETTER = f"claim_resolved_{Outcome.REFUND.value}"
DECISION_BLANKS = {"reason": "[the reason you write]", "amount": "[refund amount]",
                   "new_serial": "[serial of the new unit]"}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a claim's history."""

    at: datetime
    kind: str
    from_state: str | None
    to_state: str | None
    staff: str | None
    override_by: str | None
    reason: str
    cost_minor: int


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One stored document on a claim."""

    kind: str
    label: str
    media_type: str
    size: int
    original_name: str
    sha256: str
    added_by: str | None
    added_at: datetime
    source: str


@dataclass(frozen=True, slots=True)
class MessageItem:
    """A message to or from the customer."""

    subject: str
    body: str
    state: str
    direction: str
    template: str
    created_at: datetime
    id: str = ""  # hex: what retrying, sending it as a letter or rewording it names
    delivery: str = ""  # its delivery state in plain words (message_delivery.delivery_words)
    editable: bool = False  # queued, not yet with any receiver: staff may still reword it
    unread: bool = False  # the customer's, and nobody has opened the claim since
    channel: str = ""  # email, sms, head_office, letter; "" until a channel takes it


@dataclass(frozen=True, slots=True)
class CostItem:
    """A cost posted on the claim."""

    kind: str
    amount_minor: int
    recoverable: bool
    description: str
    posted_by: str | None
    posted_at: datetime


@dataclass(frozen=True, slots=True)
class StockItem:
    """A movement of the faulty or the replacement unit."""

    kind: str
    serial: str | None
    reference: str
    staff: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class BrandClaimItem:
    """The shop's claim to the brand and what it has paid back."""

    brand: str
    external_id: str
    service_centre: str
    external_status: str
    claimed_minor: int
    settled_minor: int
    submitted_at: datetime
    number: str = ""  # the branch's brand claim number; "" on one made before batches


@dataclass(frozen=True, slots=True)
class MessagePreview:
    """The wording the customer would get after a move."""

    template: str
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class MoveOption:
    """One next state: whether this person may take it now, and if not, what is missing."""

    target: str
    allowed: bool  # permitted and nothing blocks it
    blockers: tuple[str, ...]
    overridable: bool  # blocked, and a manager's override would pass every blocker
    needs_permission: str  # a Permission value
    permitted: bool  # the actor's role holds needs_permission
    previews: tuple[MessagePreview, ...] = ()


@dataclass(frozen=True, slots=True)
class ReopenOption:
    """A rejected claim's way back to review: whether this person may take it, what stops it."""

    target: str
    permitted: bool  # the actor's role may decide claims
    blockers: tuple[str, ...]
    previews: tuple[MessagePreview, ...] = ()

    @property
    def allowed(self) -> bool:
        """Permitted and nothing blocks it."""
        return self.permitted and not self.blockers


@dataclass(frozen=True, slots=True)
class ClaimDetail:
    """Everything the claim screen shows."""

    number: str
    state: str
    outcome: str | None
    channel: str
    claim_type: str
    fault: str
    accessories: str
    condition: str
    proof_status: str
    opened_at: datetime
    opened_on: date
    age_days: int
    promised_on: date | None
    overdue: bool
    closed_at: datetime | None
    decision_reason: str | None
    refund_minor: int | None
    refund_reference: str | None
    replacement_serial: str | None
    customer_name: str | None
    customer_phone: str | None
    customer_reference: str | None
    product: str
    sku: str | None
    brand: str | None
    serial: str | None
    warranty_code: str | None
    cover: WarrantyVerdict | None
    claimed_purchase: tuple[tuple[str, str], ...]
    required_evidence: tuple[str, ...]
    missing_evidence: tuple[str, ...]
    timeline: tuple[TimelineEntry, ...]
    evidence: tuple[EvidenceItem, ...]
    messages: tuple[MessageItem, ...]
    costs: tuple[CostItem, ...]
    cost_total_minor: int
    recoverable_total_minor: int
    stock_moves: tuple[StockItem, ...]
    brand_claims: tuple[BrandClaimItem, ...]
    moves: tuple[MoveOption, ...]
    reopen: ReopenOption | None = None  # None unless the claim is closed and may come back
    # How the proof of purchase stands, from the same facts as missing_evidence.
    proof_words: str = ""
    # Who started the claim online, as they gave it, beside the warranty's holder above.
    claimant_name: str | None = None
    claimant_phone: str | None = None
    # The claim's policy lets staff reword a message before it leaves.
    message_edit_allowed: bool = True
    # Who answers for the claim, and who stands in; None for nobody.
    owner: str | None = None
    backup: str | None = None
    notes: tuple[NoteView, ...] = ()  # exception notes on the claim, newest first


def _templates_for(target: ClaimState) -> tuple[str, ...]:
    if target is ClaimState.RESOLVED:
        return tuple(f"claim_resolved_{o.value}" for o in Outcome if o is not Outcome.REJECT)
    if target is ClaimState.REJECTED:
        return ("claim_rejected",)
    return (f"claim_{target.value}",)


def _previews(target: ClaimState, values: dict[str, str],
              segment: Segment) -> tuple[MessagePreview, ...]:
    known = messages.templates(segment)
    out = []
    for name in _templates_for(target):
        # A refund of a unit sold online is told in its order's words (decisions.decide).
        shown = f"{name}_online" if "order" in values and name == REFUND_LETTER else name
        if shown in known:
            wording = messages.render(shown, values, segment)
            out.append(MessagePreview(name, wording.subject, wording.body))
    return tuple(out)


def _moves(session: Session, claim: Claim, actor: Actor, values: dict[str, str],
           segment: Segment) -> tuple[MoveOption, ...]:
    current = ClaimState(claim.state)
    base = transition_context(session, claim, None)
    options = []
    for target in next_states(current):
        decision = target in (ClaimState.RESOLVED, ClaimState.REJECTED)
        permission = Permission.DECIDE_CLAIM if decision else Permission.ADVANCE_CLAIM
        # A decision always carries its outcome; judge the other guards as it would.
        outcome = (Outcome.REJECT if target is ClaimState.REJECTED
                   else Outcome.REPAIR if target is ClaimState.RESOLVED else None)
        blockers = check_transition(current, target, dataclasses.replace(base, outcome=outcome))
        permitted = allowed(actor.role, permission)
        options.append(MoveOption(
            target=target.value, allowed=permitted and not blockers,
            blockers=tuple(b.message for b in blockers),
            overridable=bool(blockers) and all(b.overridable for b in blockers),
            needs_permission=permission.value, permitted=permitted,
            previews=_previews(target, values, segment)))
    return tuple(options)


def _reopen(session: Session, claim: Claim, actor: Actor, values: dict[str, str],
            segment: Segment) -> ReopenOption | None:
    current = ClaimState(claim.state)
    target = reopen_target(current)
    if target is None:
        return None
    blockers = check_reopen(current, open_claim_on_unit=other_open_claim(session, claim))
    wording = messages.render("claim_reopened", values, segment)
    return ReopenOption(target.value, allowed(actor.role, Permission.DECIDE_CLAIM),
                        tuple(b.message for b in blockers),
                        (MessagePreview("claim_reopened", wording.subject, wording.body),))


def _message_values(session: Session, claim: Claim, customer: Customer | None,
                    product_name: str, warranty: Warranty | None, today: date) -> dict[str, str]:
    """The same values the services fill a customer message with (claim_common.notify)."""
    shop = session.scalars(select(Shop)).first()
    return {
        "customer": customer.name if customer else "customer", "claim": claim.number,
        "product": product_name, "serial": claim.serial or "not recorded",
        "shop": shop.name if shop else "", "phone": shop.phone if shop else "",
        "promised": claim.promised_on.isoformat() if claim.promised_on else "soon",
        "end": warranty.end_on.isoformat() if warranty else "", "today": today.isoformat(),
        **DECISION_BLANKS,
    }


def _timeline(session: Session, claim_id: uuid.UUID) -> tuple[TimelineEntry, ...]:
    events = list(session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim_id)
                                  .order_by(ClaimEvent.at, ClaimEvent.id)))
    names = staff_names(session, [e.staff_id for e in events] + [e.override_by_id for e in events])
    return tuple(TimelineEntry(
        e.at, e.kind, e.from_state, e.to_state, names.get(e.staff_id) if e.staff_id else None,
        names.get(e.override_by_id) if e.override_by_id else None, e.reason, e.cost_minor)
        for e in events)


def _evidence(session: Session, claim_id: uuid.UUID) -> tuple[EvidenceItem, ...]:
    docs = list(session.scalars(select(EvidenceDocument).where(
        EvidenceDocument.claim_id == claim_id).order_by(EvidenceDocument.added_at,
                                                        EvidenceDocument.id)))
    names = staff_names(session, [d.added_by_id for d in docs])
    return tuple(EvidenceItem(
        d.kind, evidence_label(d.kind), d.media_type, d.size, d.original_name, d.sha256,
        names.get(d.added_by_id) if d.added_by_id else None, d.added_at, d.source)
        for d in docs)


def _messages(session: Session, claim_id: uuid.UUID) -> tuple[MessageItem, ...]:
    rows = session.scalars(select(CustomerMessage).where(CustomerMessage.claim_id == claim_id)
                           .order_by(CustomerMessage.created_at, CustomerMessage.id))
    return tuple(MessageItem(m.subject, m.body, m.state, m.direction, m.template, m.created_at,
                             m.id.hex, delivery_words(m.state, m.channel, m.reason, m.server_id),
                             claim_messages.editable(session, m),
                             m.direction == "inbound" and m.read_at is None, m.channel)
                 for m in rows)


def _costs(session: Session, claim_id: uuid.UUID) -> tuple[CostItem, ...]:
    rows = list(session.scalars(select(CostPosting).where(CostPosting.claim_id == claim_id)
                                .order_by(CostPosting.posted_at, CostPosting.id)))
    names = staff_names(session, [c.posted_by_id for c in rows])
    return tuple(CostItem(c.kind, c.amount_minor, c.recoverable, c.description,
                          names.get(c.posted_by_id) if c.posted_by_id else None, c.posted_at)
                 for c in rows)


def _stock(session: Session, claim_id: uuid.UUID) -> tuple[StockItem, ...]:
    rows = list(session.scalars(select(StockMovement).where(StockMovement.claim_id == claim_id)
                                .order_by(StockMovement.at, StockMovement.id)))
    names = staff_names(session, [m.staff_id for m in rows])
    return tuple(StockItem(m.kind, m.serial, m.reference,
                           names.get(m.staff_id) if m.staff_id else None, m.at) for m in rows)


def _brand_claims(session: Session, claim_id: uuid.UUID) -> tuple[BrandClaimItem, ...]:
    settled = (select(func.coalesce(func.sum(Settlement.amount_minor), 0))
               .where(Settlement.brand_claim_id == BrandClaim.id).scalar_subquery())
    rows = session.execute(
        select(BrandClaim, Brand.name, settled).join(Brand, Brand.id == BrandClaim.brand_id)
        .join(BrandClaimMember, BrandClaimMember.brand_claim_id == BrandClaim.id)
        .where(BrandClaimMember.claim_id == claim_id).order_by(BrandClaim.submitted_at))
    return tuple(BrandClaimItem(name, b.external_id, b.service_centre,
                                b.external_status, b.claimed_minor, int(paid), b.submitted_at,
                                b.number or "")
                 for b, name, paid in rows)


def claim_detail_in(uow: UnitOfWork, actor: Actor, number: str) -> ClaimDetail:
    """One claim with its facts, history, documents, money, stock and the moves open to actor."""
    require(actor, Permission.LOOKUP)
    session = uow.session
    claim = load_claim(session, number)
    zone, today = shop_zone(session), shop_today(session)
    customer = session.get(Customer, claim.customer_id) if claim.customer_id else None
    product = session.get(Product, claim.product_id) if claim.product_id else None
    warranty = session.get(Warranty, claim.warranty_id) if claim.warranty_id else None
    purchase = {str(k): str(v) for k, v in (claim.claimed_purchase or {}).items()}
    product_name = product.name if product else purchase.get("product", "unknown product")
    verdicts = lookup.verdicts_for(session, [warranty.id], today=today) if warranty else []
    cover = verdicts[0] if verdicts else None
    rules = transition_context(session, claim, None)
    required = tuple(rules.required_evidence.get(claim.claim_type, ()))
    costs = _costs(session, claim.id)
    opened_on = local_day(claim.opened_at, zone)
    values = _message_values(session, claim, customer, product_name, warranty, today)
    order = online_order(session, claim.warranty_id)
    if order is not None:
        values["order"] = order
    segment = messages.segment_of(customer.segment if customer else None)
    return ClaimDetail(
        number=claim.number, state=claim.state, outcome=claim.outcome,
        channel=claim.channel, claim_type=claim.claim_type, fault=claim.fault,
        accessories=claim.accessories, condition=claim.condition,
        proof_status=claim.proof_status, opened_at=claim.opened_at, opened_on=opened_on,
        age_days=(today - opened_on).days, promised_on=claim.promised_on,
        overdue=is_overdue(claim.state, claim.promised_on, today),
        closed_at=claim.closed_at, decision_reason=claim.decision_reason,
        refund_minor=claim.refund_minor, refund_reference=claim.refund_reference,
        replacement_serial=claim.replacement_serial,
        customer_name=customer.name if customer else None,
        customer_phone=customer.phone if customer else None,
        customer_reference=customer.reference if customer else None,
        product=product_name, sku=product.sku if product else None,
        brand=product.brand.name if product else None, serial=claim.serial,
        warranty_code=warranty.code if warranty else None, cover=cover,
        claimed_purchase=tuple(purchase.items()), required_evidence=required,
        missing_evidence=missing_evidence(rules.required_evidence, claim.claim_type,
                                          rules.attached_evidence),
        timeline=_timeline(session, claim.id), evidence=_evidence(session, claim.id),
        messages=_messages(session, claim.id), costs=costs,
        cost_total_minor=sum(c.amount_minor for c in costs),
        recoverable_total_minor=sum(c.amount_minor for c in costs if c.recoverable),
        stock_moves=_stock(session, claim.id), brand_claims=_brand_claims(session, claim.id),
        proof_words=proof_words(claim.proof_status, required, rules.attached_evidence),
        moves=_moves(session, claim, actor, values, segment),
        reopen=_reopen(session, claim, actor, values, segment),
        claimant_name=claim.claimant_name, claimant_phone=claim.claimant_phone,
        message_edit_allowed=claim_messages.edit_allowed(session, claim),
        owner=staff_name(session, claim.assignee_id), backup=staff_name(session, claim.backup_id),
        notes=notes_of(session, "claim", claim.number))


claim_detail = reads(claim_detail_in)

