"""Online returns: a claim on an online sale waits for its unit; approving it sends the label."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import RuleBlocked
from warranty_desk.models import InvoiceLine, Sale, Shop, Warranty
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import OPEN_STATES, Outcome
from warranty_desk.services import audit, outbox
from warranty_desk.services.claim_common import ONLINE, add_event, claim_payload, load_claim
from warranty_desk.services.claims import ClaimSummary, summary_of
from warranty_desk.services.unit_of_work import UnitOfWork, writes
from warranty_desk.services.warranty_cards import ONLINE_SALE
from warranty_desk.storage.database import clock_of

# What a customer may ask for when returning a faulty unit bought online.
PREFERRED_OUTCOMES = (Outcome.REPAIR.value, Outcome.REPLACE.value, Outcome.REFUND.value)


def online_order(session: Session, warranty_id: uuid.UUID | None) -> str | None:
    """The order number of the online sale a warranty came from; None for any other sale."""
    if warranty_id is None:
        return None
    found = session.execute(
        select(Sale.invoice_number)
        .join(InvoiceLine, InvoiceLine.sale_id == Sale.id)
        .join(Warranty, Warranty.invoice_line_id == InvoiceLine.id)
        .where(Warranty.id == warranty_id, Sale.source == ONLINE_SALE)).first()
    return found[0] if found is not None else None


def return_to(session: Session) -> dict[str, str]:
    """Where the customer sends the unit: this branch, as the shop's settings name it."""
    shop = session.scalars(select(Shop)).first()
    if shop is None:
        return {"name": "", "address": "", "phone": ""}
    name = shop.name if not shop.branch_name or shop.branch_name == shop.name else (
        f"{shop.name}, {shop.branch_name}")
    return {"name": name, "address": shop.address, "phone": shop.phone}


def approve_return_in(uow: UnitOfWork, actor: Actor, number: str, *, by: str = ""
                      ) -> ClaimSummary:
    """Approve an online return: the claim says so, and head office makes the customer's label.

    `by` names who approved at head office when the approval came through the inbox; a
    second approval changes nothing.
    """
    require(actor, Permission.APPROVE_RETURN)
    session = uow.session
    claim = load_claim(session, number)
    if claim.channel != ONLINE:
        raise RuleBlocked(f"Claim {claim.number} was not asked for online, so there is no "
                          "return label to approve: the customer brought or sent the unit "
                          "themselves.", overridable=False)
    if claim.return_approved_at is not None:
        return summary_of(session, claim)
    if claim.state not in OPEN_STATES:
        raise RuleBlocked(f"Claim {claim.number} is closed ({claim.state}): no unit is to be "
                          "sent back for it.", overridable=False)
    to = return_to(session)
    if not to["address"].strip():
        raise RuleBlocked("The shop's address is not set, and the customer's return label is "
                          "addressed to it: an owner or admin enters it under Settings, Shop; "
                          "then approve the return again.", overridable=False)
    who = by.strip()[:200] or actor.name
    claim.return_approved_at = clock_of(session).now()
    add_event(session, claim, actor, "return_approved",
              reason=f"Return approved by {who}: the customer gets a return label.")
    audit.record(session, actor, "claim.return_approve", "claim", claim.number,
                 {"approved_by": who})
    outbox.emit(session, "claim.return_approved", "claim", claim.number,
                claim_payload(claim, approved_by=who, return_to=to))
    return summary_of(session, claim)


approve_return = writes(approve_return_in)
