"""Claim decisions: repair, replace, refund or reject, with their costs and stock moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers, normalize
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.models import (
    Claim,
    CostPosting,
    InvoiceLine,
    Product,
    Staff,
    StockMovement,
    Warranty,
    WarrantyLayer,
    WarrantyStatus,
)
from warranty_desk.money import MoneyFormat
from warranty_desk.permissions import (
    REFUND_LIMITS,
    ROLE_LABELS,
    Actor,
    Permission,
    Role,
    refund_limit,
    require,
)
from warranty_desk.rules.claim_states import (
    ClaimState,
    Outcome,
    check_reopen,
    reopen_target,
)
from warranty_desk.rules.coverage import LayerKind, LayerSpan, coverage_on, plan_layers
from warranty_desk.rules.metrics.costs import COST_KINDS
from warranty_desk.services import audit, numbers, outbox
from warranty_desk.services.claim_common import (
    Override,
    add_event,
    check_approver,
    claim_payload,
    load_claim,
    move,
    notify,
    other_open_claim,
)
from warranty_desk.services.claims import DEFAULT_PROMISE_DAYS, ClaimSummary, summary_of
from warranty_desk.services.online_returns import online_order
from warranty_desk.services.shop_locale import day_words, money_of
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, writes
from warranty_desk.services.voiding import void_in
from warranty_desk.services.warranty_layers import layer_spans
from warranty_desk.storage.database import clock_of

# A reopen reason goes to the customer and the audit log: a few words at least.
MIN_REOPEN_REASON = 5


@dataclass(frozen=True, slots=True)
class CostLine:
    """One cost to post with a decision or on its own."""

    kind: str
    amount_minor: int
    description: str = ""
    recoverable: bool = False

    def __post_init__(self) -> None:
        # Masked as typed, so no copy of it (event, audit, file) ever holds a card number.
        object.__setattr__(self, "description", card_numbers.typed(self.description))


@dataclass(frozen=True, slots=True)
class Decision:
    """A manager's decision on a claim."""

    outcome: Outcome
    reason: str
    costs: tuple[CostLine, ...] = ()
    refund_minor: int | None = None
    refund_reference: str | None = None
    replacement_serial: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", card_numbers.typed(self.reason))
        # Staff write the card a refund went back to where the refund's reference goes.
        if self.refund_reference is not None:
            object.__setattr__(self, "refund_reference",
                               card_numbers.typed(self.refund_reference))


def message_words(decision: Decision, money: MoneyFormat) -> dict[str, str]:
    """What a decision itself writes into the customer's message: its reason, and the refund (as
    the shop writes money) or the new unit's serial. The decision dialog previews the letter
    with the same words."""
    words = {"reason": decision.reason.strip()}
    if decision.outcome is Outcome.REFUND and decision.refund_minor is not None:
        words["amount"] = money.people(decision.refund_minor)
    if decision.outcome is Outcome.REPLACE and decision.replacement_serial:
        words["new_serial"] = normalize.serial(decision.replacement_serial)
    return words


def _post(session: Session, claim: Claim, actor: Actor, line: CostLine) -> None:
    if line.kind not in COST_KINDS:
        raise BadInput(f"Unknown cost kind {line.kind!r}: use one of {', '.join(COST_KINDS)}.")
    if line.amount_minor <= 0:
        raise BadInput(f"A {line.kind} cost must be more than zero.")
    session.add(CostPosting(claim_id=claim.id, kind=line.kind, amount_minor=line.amount_minor,
                            recoverable=line.recoverable, description=line.description,
                            posted_by_id=actor.staff_id))
    add_event(session, claim, actor, "cost", reason=f"{line.kind}: {line.description}".strip(),
              cost_minor=line.amount_minor)
    outbox.emit(session, "claim.cost_posted", "claim", claim.number,
                {"number": claim.number, "kind": line.kind, "amount_minor": line.amount_minor,
                 "recoverable": line.recoverable})


def post_cost_in(uow: UnitOfWork, actor: Actor, number: str, line: CostLine) -> ClaimSummary:
    """Post labour, parts, shipping or other cost on a claim."""
    require(actor, Permission.POST_COST)
    session = uow.session
    claim = load_claim(session, number)
    _post(session, claim, actor, line)
    audit.record(session, actor, "claim.cost", "claim", claim.number,
                 {"kind": line.kind, "amount_minor": line.amount_minor})
    return summary_of(session, claim)


post_cost = writes(post_cost_in)


def _stock(session: Session, claim: Claim, actor: Actor, kind: str, serial: str | None,
           product_id: object) -> None:
    session.add(StockMovement(claim_id=claim.id, product_id=product_id, serial=serial,
                              kind=kind, reference=claim.number, staff_id=actor.staff_id))
    outbox.emit(session, "stock.moved", "claim", claim.number,
                {"number": claim.number, "kind": kind, "serial": serial})


def _ensure_returned(session: Session, claim: Claim, actor: Actor) -> None:
    # The returns desk may already have scanned the faulty unit in; never count it twice.
    already = session.scalars(select(StockMovement.id).where(
        StockMovement.claim_id == claim.id, StockMovement.kind == "return_in")).first()
    if already is None and claim.product_id is not None:
        _stock(session, claim, actor, "return_in", claim.serial, claim.product_id)


def _manufacturer_covers(warranty: Warranty, today: date) -> bool:
    spans = layer_spans(warranty)
    # Void or not (a replacement voids the unit it replaces): who stood behind it that day.
    cover = (coverage_on(spans, today, awaits_delivery=warranty.awaits_delivery)
             if spans else None)
    return cover is not None and cover.layer is LayerKind.MANUFACTURER


def decide_in(
    uow: UnitOfWork, actor: Actor, number: str, decision: Decision, *,
    override: Override | None = None,
) -> ClaimSummary:
    """Resolve (repair, replace, refund) or reject a claim, with everything that follows."""
    require(actor, Permission.DECIDE_CLAIM)
    if len(decision.reason.strip()) < 3:
        raise BadInput("Write the reason for the decision in plain words; the customer sees "
                       "it for a rejection.")
    target = ClaimState.REJECTED if decision.outcome is Outcome.REJECT else ClaimState.RESOLVED
    session = uow.session
    claim = load_claim(session, number)
    today = shop_today(session)
    warranty = session.get(Warranty, claim.warranty_id) if claim.warranty_id else None
    move(session, claim, actor, target, reason=decision.reason.strip(), override=override,
         outcome=decision.outcome, today=today)
    claim.outcome = decision.outcome.value
    claim.decision_reason = decision.reason.strip()
    claim.closed_at = clock_of(session).now()
    for line in decision.costs:
        _post(session, claim, actor, line)
    extra: dict[str, str] = {}
    if decision.outcome is Outcome.REPLACE:
        extra = _replace(session, claim, actor, warranty, decision, today)
    elif decision.outcome is Outcome.REFUND:
        extra = _refund(session, claim, actor, warranty, decision, override, today)
    template = ("claim_rejected" if decision.outcome is Outcome.REJECT
                else f"claim_resolved_{decision.outcome.value}")
    if "order" in extra:  # a refund of an online sale goes back through its order
        template += "_online"
    audit.record(session, actor, "claim.decide", "claim", claim.number,
                 {"outcome": decision.outcome.value, "reason": decision.reason.strip(),
                  **extra})
    facts = (_refund_facts(session, claim, actor, override)
             if decision.outcome is Outcome.REFUND else {})
    outbox.emit(session, "claim.decided", "claim", claim.number,
                claim_payload(claim, reason=claim.decision_reason, **extra, **facts))
    # The customer reads the refund as the shop writes money (€199.00); the event and
    # the audit log keep the plain amount and its currency.
    words = extra | message_words(decision, money_of(session))
    if "end" in extra:  # the new unit's cover, as the letter writes dates (the event keeps ISO)
        words["end"] = day_words(session, date.fromisoformat(extra["end"]))
    notify(session, claim, template, today=today, **words)
    return summary_of(session, claim)


decide = writes(decide_in)


def reopen_in(uow: UnitOfWork, actor: Actor, number: str, reason: str) -> ClaimSummary:
    """A manager looks again at a rejected claim: it goes back to review, the customer is told."""
    require(actor, Permission.DECIDE_CLAIM)
    reason = card_numbers.typed(reason)
    if len(reason) < MIN_REOPEN_REASON:
        raise BadInput("Write why the claim is looked at again (a few words at least); the "
                       "customer reads it, and it is kept with the claim and in the audit log.")
    session = uow.session
    claim = load_claim(session, number)
    current = ClaimState(claim.state)
    blockers = check_reopen(current, open_claim_on_unit=other_open_claim(session, claim))
    target = reopen_target(current)
    if blockers or target is None:
        raise RuleBlocked(f"Claim {claim.number} cannot be reopened: "
                          + " ".join(b.message for b in blockers),
                          codes=tuple(b.code for b in blockers))
    why, earlier = reason.strip(), claim.decision_reason
    today = shop_today(session)
    claim.state = target.value
    # The customer is promised a new answer date; the one before the rejection has gone.
    if claim.promised_on is None or claim.promised_on < today:
        claim.promised_on = today + timedelta(days=DEFAULT_PROMISE_DAYS)
    # The claim is open again: its rejection stays in the timeline and the audit log.
    claim.outcome = None
    claim.decision_reason = None
    claim.closed_at = None
    add_event(session, claim, actor, "reopened", from_state=current.value,
              to_state=target.value, reason=why)
    audit.record(session, actor, "claim.reopen", "claim", claim.number,
                 {"from": current.value, "to": target.value, "reason": why,
                  "earlier_decision": earlier})
    outbox.emit(session, "claim.reopened", "claim", claim.number,
                claim_payload(claim, from_state=current.value, reason=why))
    notify(session, claim, "claim_reopened", today=today, reason=why)
    return summary_of(session, claim)


reopen = writes(reopen_in)


def _replace(
    session: Session, claim: Claim, actor: Actor, warranty: Warranty | None,
    decision: Decision, today: date,
) -> dict[str, str]:
    if warranty is None or claim.product_id is None:
        raise RuleBlocked("A replacement needs a known warranty and product; verify the sale "
                          "first or refund instead.")
    new_serial = normalize.serial(decision.replacement_serial or "")
    if not new_serial:
        raise BadInput("Scan the serial of the replacement unit.")
    if new_serial == normalize.serial(warranty.serial or ""):
        raise BadInput("The replacement serial is the faulty unit's serial. Scan the new unit.")
    taken = session.scalars(select(Warranty.code).where(
        Warranty.product_id == claim.product_id, Warranty.serial == new_serial,
        Warranty.status == WarrantyStatus.ACTIVE)).first()
    if taken:
        raise BadInput(f"Serial {new_serial} is already covered by warranty {taken}. "
                       "Scan a unit from stock.")
    product = session.get_one(Product, claim.product_id)
    policy = product.policy
    if policy.new_term_on_replacement:
        spans = list(plan_layers(today, policy.manufacturer_months, policy.shop_months))
    else:
        # The remaining cover moves to the new unit: each layer still running or to come.
        spans = [LayerSpan(LayerKind(x.kind), max(x.start_on, today), x.end_on)
                 for x in warranty.layers if x.end_on >= today]
        if not spans:
            spans = [LayerSpan(LayerKind.SHOP, today, today)]
    branch = numbers.branch_code(session)
    code = numbers.warranty_code(branch, today.year, numbers.reserve(session, "W", today.year))
    new = Warranty(code=code, invoice_line_id=warranty.invoice_line_id,
                   product_id=warranty.product_id, customer_id=warranty.customer_id,
                   serial=new_serial, start_on=spans[0].start, end_on=max(s.end for s in spans),
                   replaces_id=warranty.id)
    plan_ids = {x.kind: x.extension_plan_id for x in warranty.layers}
    new.layers = [WarrantyLayer(kind=s.kind.value, start_on=s.start, end_on=s.end,
                                extension_plan_id=plan_ids.get(s.kind.value), price_minor=0)
                  for s in spans]
    session.add(new)
    warranty.status = WarrantyStatus.VOID
    warranty.void_reason = f"Replaced by {code} (serial {new_serial}) under claim {claim.number}"
    warranty.voided_at = clock_of(session).now()
    session.flush()
    claim.replacement_serial = new_serial
    claim.replacement_warranty_id = new.id
    _ensure_returned(session, claim, actor)
    _stock(session, claim, actor, "replacement_out", new_serial, claim.product_id)
    line = session.get_one(InvoiceLine, warranty.invoice_line_id)
    _post(session, claim, actor, CostLine(
        "replacement", max(line.unit_price_minor, product.list_price_minor, 1),
        f"Replacement unit {new_serial}", recoverable=_manufacturer_covers(warranty, today)))
    outbox.emit(session, "warranty.replaced", "warranty", warranty.code,
                {"old": warranty.code, "new": code, "serial": new_serial,
                 "end": new.end_on.isoformat()})
    return {"new_serial": new_serial, "new_warranty": code, "end": new.end_on.isoformat()}


def _refund_facts(session: Session, claim: Claim, actor: Actor, override: Override | None
                  ) -> dict[str, object]:
    """What head office's refund accuracy checks a refund by, as the till's own metric reads
    it (services.refund_rows): the approver is the manager who overrode, else the decider."""
    approver = override.approver if override and override.approver.staff_id else actor
    person = session.get(Staff, approver.staff_id) if approver.staff_id else None
    role = Role(person.role) if person is not None else None
    return {"refund_minor": claim.refund_minor,
            "approver_role": ROLE_LABELS[role] if role else None,
            "approver_limit_minor": refund_limit(role) if role else None}


def _refund(
    session: Session, claim: Claim, actor: Actor, warranty: Warranty | None,
    decision: Decision, override: Override | None, today: date,
) -> dict[str, str]:
    amount = decision.refund_minor
    money = money_of(session)
    if amount is None or amount <= 0:
        raise BadInput("Enter the refund amount (more than zero).")
    if not (decision.refund_reference or "").strip():
        raise BadInput("Enter the POS refund reference, so the refund can be matched to the "
                       "till.")
    if warranty is not None:
        paid = session.get_one(InvoiceLine, warranty.invoice_line_id).unit_price_minor
        if amount > paid:
            raise RuleBlocked(f"The refund {money.people(amount)} is more than the customer "
                              f"paid ({money.people(paid)}).")
    if override is not None:
        check_approver(override, actor)
    approver = override.approver if override else actor
    limit = refund_limit(approver.role)
    if limit is not None and amount > limit:
        able = [ROLE_LABELS[r] for r, cap in REFUND_LIMITS.items() if cap is None or cap >= amount]
        raise PermissionDenied(
            f"A refund of {money.people(amount)} is over the limit of {approver.name} "
            f"({money.people(limit)}). Ask {' or '.join(able)} to approve it.")
    claim.refund_minor = amount
    claim.refund_reference = (decision.refund_reference or "").strip()
    # A sale made online is refunded through its own order: the record and the customer name it.
    order = online_order(session, warranty.id) if warranty is not None else None
    _post(session, claim, actor, CostLine(
        "refund", amount, f"Refund {claim.refund_reference}"
        + (f" to online order {order}" if order else ""),
        recoverable=warranty is not None and _manufacturer_covers(warranty, today)))
    _ensure_returned(session, claim, actor)
    if warranty is not None and warranty.status is WarrantyStatus.ACTIVE:
        void_in(session, actor, warranty, f"Refunded under claim {claim.number}",
                 claim=claim.number)
    return {"amount": money.plain(amount), "currency": money.currency,
            "refund_reference": claim.refund_reference, **({"order": order} if order else {})}
