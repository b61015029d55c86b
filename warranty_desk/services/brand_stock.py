"""Faulty units of a brand claim going to the supplier and coming back, each by scan, so the
place of every unit is known from its stock movements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from warranty_desk.errors import BadInput, RuleBlocked
from warranty_desk.models import BrandClaim, BrandClaimItem
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit
from warranty_desk.services.brand_claim_views import find
from warranty_desk.services.claim_common import add_event
from warranty_desk.services.returns import claim_for_scan, move_unit, positions
from warranty_desk.services.unit_of_work import UnitOfWork, writes


@dataclass(frozen=True, slots=True)
class UnitMove:
    """A unit that moved, and where it is now."""

    claim_number: str
    serial: str | None
    brand_claim: str
    place: str


def send_unit_in(uow: UnitOfWork, actor: Actor, number: str, code: str) -> UnitMove:
    """A unit of the brand claim leaves returns stock for the supplier, checked by its scan."""
    require(actor, Permission.HANDLE_STOCK)
    session = uow.session
    row = find(session, number)
    claim = claim_for_scan(session, code)
    inside = session.scalar(select(BrandClaimItem.id).where(
        BrandClaimItem.brand_claim_id == row.id, BrandClaimItem.claim_id == claim.id))
    if inside is None:
        raise BadInput(f"The scanned unit is claim {claim.number}, which is not in brand claim "
                       f"{row.number}. Add it to the brand claim first, or put it aside.")
    pos = positions(session, [claim.id]).get(claim.id)
    if pos is None or pos.last_kind not in ("return_in", "back_from_supplier"):
        where = ("never received into returns stock" if pos is None
                 else f"already sent ({pos.reference})" if pos.last_kind == "to_supplier"
                 else pos.last_kind.replace("_", " "))
        raise RuleBlocked(f"Claim {claim.number}'s unit is {where}; only a unit in returns "
                          "stock can be sent.")
    move_unit(session, claim, actor, "to_supplier", row.number or "")
    add_event(session, claim, actor, "to_supplier",
              reason=f"Sent to {row.supplier} on brand claim {row.number}.")
    audit.record(session, actor, "stock.to_supplier", "claim", claim.number,
                 {"brand_claim": row.number, "serial": claim.serial})
    return UnitMove(claim.number, claim.serial, row.number or "", f"at {row.supplier}")


send_unit = writes(send_unit_in)


def receive_back_in(uow: UnitOfWork, actor: Actor, code: str) -> UnitMove:
    """A unit the supplier sent back, scanned into returns stock again."""
    require(actor, Permission.HANDLE_STOCK)
    session = uow.session
    claim = claim_for_scan(session, code)
    pos = positions(session, [claim.id]).get(claim.id)
    if pos is None or pos.last_kind != "to_supplier":
        raise RuleBlocked(f"Claim {claim.number}'s unit was not sent to a supplier, so it cannot "
                          "come back from one. Scan it in as a return instead.")
    row = session.scalars(select(BrandClaim).where(BrandClaim.number == pos.reference)).first()
    move_unit(session, claim, actor, "back_from_supplier", pos.reference)
    supplier = row.supplier if row is not None else "the supplier"
    add_event(session, claim, actor, "from_supplier",
              reason=f"Back from {supplier} ({pos.reference}).")
    audit.record(session, actor, "stock.back_from_supplier", "claim", claim.number,
                 {"reference": pos.reference, "serial": claim.serial})
    return UnitMove(claim.number, claim.serial, pos.reference, "back in returns stock")


receive_back = writes(receive_back_in)
