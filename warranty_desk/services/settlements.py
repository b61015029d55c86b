"""What suppliers pay back on brand claims: settlements that add up, a reason (and above the
limit a manager) when they differ from what was expected, and write-offs of what never came."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from warranty_desk import card_numbers
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.models import CostPosting, Settlement
from warranty_desk.money import MoneyFormat
from warranty_desk.permissions import Actor, Permission, allowed, require
from warranty_desk.rules.recovery import check_settlement, split_by_weight
from warranty_desk.services import audit, brand_claim_events
from warranty_desk.services.brand_claim_views import (
    BrandClaimView,
    claims_of,
    expected_recovery,
    find,
    settled,
    view_of,
)
from warranty_desk.services.claim_common import add_event
from warranty_desk.services.shop_locale import money_of
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.supplier_terms import settlement_limit
from warranty_desk.services.unit_of_work import UnitOfWork, writes
from warranty_desk.storage.database import clock_of

SETTLEMENT_KINDS = ("payment", "credit_note")
MIN_REASON = 5


@dataclass(frozen=True, slots=True)
class SettlementInput:
    """One payment or credit note from the supplier; `final` says nothing more will come."""

    amount_minor: int
    reference: str
    kind: str = "payment"
    settled_on: date | None = None  # today when not given
    final: bool = False
    reason: str = ""


def _difference_words(money: MoneyFormat, difference: int, expected: int) -> str:
    side = "more" if difference > 0 else "less"
    return (f"{money.people(abs(difference))} {side} than the {money.people(expected)} "
            "expected")


def record_settlement_in(uow: UnitOfWork, actor: Actor, number: str,
                         entry: SettlementInput) -> BrandClaimView:
    """Record a settlement; the final one closes the brand claim."""
    require(actor, Permission.RECORD_SETTLEMENT)
    if entry.kind not in SETTLEMENT_KINDS:
        raise BadInput(f"A settlement is a payment or a credit note, not {entry.kind!r}.")
    if entry.amount_minor <= 0:
        raise BadInput("A settlement is an amount above nothing; for nothing paid, record the "
                       "brand's rejection and write the amount off.")
    if not entry.reference.strip():
        raise BadInput("Type the payment's or credit note's reference, as on the remittance.")
    session = uow.session
    row = find(session, number)
    if row.closed_at is not None:
        raise RuleBlocked(f"Brand claim {row.number} is settled and closed already.")
    today = shop_today(session)
    on = entry.settled_on or today
    if on > today:
        raise BadInput(f"The settlement is dated {on}, after today; date it when the money or "
                       "the credit note came.")
    expected = expected_recovery(session, row)
    before = settled(session, row)
    check = check_settlement(expected, before, entry.amount_minor, final=entry.final,
                             limit_minor=settlement_limit(session))
    money = money_of(session)
    reason = card_numbers.typed(entry.reason)
    agreed_by = None
    if check.needs_reason and len(reason) < MIN_REASON:
        raise BadInput(f"With this settlement the brand pays "
                       f"{_difference_words(money, check.difference_minor, expected)}: say why "
                       "(a few words), for the books.")
    if check.needs_manager:
        if not allowed(actor.role, Permission.AGREE_SETTLEMENT_DIFFERENCE):
            raise PermissionDenied(
                f"With this settlement the brand pays "
                f"{_difference_words(money, check.difference_minor, expected)}, past the "
                "limit finance may record alone. Ask a warranty manager or the owner to "
                "record it.")
        agreed_by = actor.staff_id
    session.add(Settlement(brand_claim_id=row.id, amount_minor=entry.amount_minor,
                           reference=entry.reference.strip()[:64], settled_on=on,
                           kind=entry.kind, reason=reason, recorded_by_id=actor.staff_id,
                           agreed_by_id=agreed_by, recorded_at=clock_of(session).now()))
    if entry.final:
        row.closed_at = clock_of(session).now()
    audit.record(session, actor, "brand_claim.settlement", "brand_claim", row.number or row.id,
                 {"amount_minor": entry.amount_minor, "kind": entry.kind,
                  "reference": entry.reference.strip(), "settled_on": on.isoformat(),
                  "final": entry.final, "expected_minor": expected,
                  "settled_before_minor": before, "reason": reason,
                  "agreed_by_manager": agreed_by is not None})
    brand_claim_events.emit(session, "brand_claim.settled", row,
                            amount_minor=entry.amount_minor, kind=entry.kind,
                            reference=entry.reference.strip()[:64], settled_on=on.isoformat(),
                            final=entry.final, reason=reason,
                            agreed_by_manager=agreed_by is not None)
    return view_of(session, row)


record_settlement = writes(record_settlement_in)


def write_off_in(uow: UnitOfWork, actor: Actor, number: str, reason: str) -> BrandClaimView:
    """Give up what the supplier has not paid on a brand claim: a write_off cost on its claims
    (shared in proportion to what each was expected to bring), and the brand claim closes."""
    require(actor, Permission.WRITE_OFF_RECOVERY)
    reason = card_numbers.typed(reason)
    if len(reason) < MIN_REASON:
        raise BadInput("Say why the amount is written off (a few words), for the books.")
    session = uow.session
    row = find(session, number)
    claims = claims_of(session, [row.id]).get(row.id, [])
    view = view_of(session, row)
    left = view.outstanding_minor
    if left <= 0:
        raise RuleBlocked(f"Nothing is outstanding on brand claim {view.number}: the supplier "
                          "paid what was expected.")
    shares = split_by_weight(left, [line.expected_minor for line in view.lines])
    for claim, share in zip(claims, shares, strict=True):
        if share <= 0:
            continue
        session.add(CostPosting(claim_id=claim.id, kind="write_off", amount_minor=share,
                                recoverable=False, posted_by_id=actor.staff_id,
                                description=f"Not recovered on brand claim {view.number}: "
                                            f"{reason.strip()}"))
        add_event(session, claim, actor, "cost", cost_minor=share,
                  reason=f"write off: not recovered on brand claim {view.number}")
    row.written_off_minor += left
    row.closed_at = row.closed_at or clock_of(session).now()
    audit.record(session, actor, "brand_claim.write_off", "brand_claim", view.number,
                 {"amount_minor": left, "reason": reason.strip(),
                  "claims": [c.number for c in claims]})
    brand_claim_events.emit(session, "brand_claim.written_off", row, amount_minor=left,
                            reason=reason.strip())
    return view_of(session, row)


write_off = writes(write_off_in)

