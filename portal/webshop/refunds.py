"""Refunds the branches decided on online orders, for head office to pay back on the platform.

A till refunds a unit sold online against its order (claim.decided names the `order`); the
money goes back on the web shop the customer paid on, which head office runs. This lists each
such refund with the shop's own order, and keeps head office's word once it is paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from portal.projections.models import Claim, ClaimEvent
from portal.webshop.models import RefundPaid, WebOrder

# The page lists this many refunds, unpaid first.
LIMIT = 200


@dataclass(frozen=True)
class RefundDue:
    """One refund of an online order: the claim, the amount, the shop's order, and whether
    head office has paid it back."""

    claim: Claim
    decided_at: datetime
    order_number: str
    amount: str
    currency: str
    branch_reference: str  # the till's refund reference
    order: WebOrder | None  # None for an order that did not come through a webhook
    paid: RefundPaid | None


def refunds_due() -> list[RefundDue]:
    """Every refund of an online order the branches decided, unpaid first, newest first."""
    events = list(ClaimEvent.objects.select_related("claim__branch")
                  .filter(topic="claim.decided", details__has_key="order")
                  .order_by("-occurred_at")[:LIMIT])
    numbers = {str(e.details.get("order")) for e in events}
    orders = {(o.branch_id, o.order_number): o
              for o in WebOrder.objects.select_related("shop").filter(order_number__in=numbers)}
    paid = {(p.branch_id, p.claim_number): p
            for p in RefundPaid.objects.select_related("marked_by").filter(
                claim_number__in=[e.claim.number for e in events])}
    found = [RefundDue(e.claim, e.occurred_at, str(e.details.get("order")),
                       str(e.details.get("amount") or ""), str(e.details.get("currency") or ""),
                       str(e.details.get("refund_reference") or ""),
                       orders.get((e.claim.branch_id, str(e.details.get("order")))),
                       paid.get((e.claim.branch_id, e.claim.number)))
             for e in events]
    return sorted(found, key=lambda r: r.paid is not None)  # stable: newest first within


class NotDue(ValueError):
    """The claim has no refund of an online order to pay back, or it was paid already."""


def mark_paid(claim: Claim, reference: str, by: User) -> RefundPaid:
    """Keep head office's word that this claim's refund was paid back on the platform."""
    reference = reference.strip()
    if not reference or len(reference) > 100:
        raise NotDue("Give the platform's refund number or a short note (up to 100 "
                     "characters), so the payment can be found again.")
    decided = (ClaimEvent.objects.filter(claim=claim, topic="claim.decided",
                                         details__has_key="order")
               .order_by("-seq").first())
    if decided is None:
        raise NotDue(f"Claim {claim.number} has no refund of an online order.")
    try:
        with transaction.atomic():
            return RefundPaid.objects.create(
                branch_id=claim.branch_id, claim_number=claim.number,
                order_number=str(decided.details.get("order")), reference=reference,
                marked_by=by)
    except IntegrityError:
        raise NotDue(f"Claim {claim.number}'s refund is marked paid already.") from None
