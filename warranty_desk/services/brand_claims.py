"""Brand claims at the returns desk: open one for a supplier, add claims and units by scan,
enter the brand's id and service centre, and record each status the brand gives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers
from warranty_desk.errors import BadInput, RuleBlocked
from warranty_desk.models import (
    Brand,
    BrandClaim,
    BrandClaimItem,
    BrandStatusUpdate,
    Claim,
    Product,
)
from warranty_desk.permissions import Actor, Permission, Role, require
from warranty_desk.rules.brand_status import BRAND_STATUSES, brand_status_words
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.services import audit, brand_claim_events, numbers
from warranty_desk.services.brand_claim_views import (
    BrandClaimView,
    expected_recovery,
    find,
    view_of,
)
from warranty_desk.services.claim_common import add_event
from warranty_desk.services.returns import claim_for_scan
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.supplier_terms import terms_row
from warranty_desk.services.unit_of_work import UnitOfWork, writes
from warranty_desk.storage.database import clock_of

SOURCES = ("desk", "csv", "head_office")
# The brand's answer, apart from where the unit is: these statuses settle it.
_APPROVAL = {"approved": "approved", "paid": "approved", "credited": "approved",
             "rejected": "rejected"}
MAX_NOTE = 1000


@dataclass(frozen=True, slots=True)
class _Unit:
    claim: Claim
    supplier: str
    brand_id: object
    brand: str


def _unit(session: Session, claim: Claim) -> _Unit:
    if claim.product_id is None:
        raise RuleBlocked(f"Claim {claim.number} has no product on record, so no supplier to "
                          "claim from. Verify the purchase and set the product first.")
    product, brand = session.execute(
        select(Product, Brand).join(Brand, Brand.id == Product.brand_id)
        .where(Product.id == claim.product_id)).one()
    return _Unit(claim, product.supplier.strip() or brand.name, brand.id, brand.name)


def _in_open_brand_claim(session: Session, claim: Claim) -> str | None:
    return session.scalar(
        select(BrandClaim.number).join(BrandClaimItem, BrandClaimItem.brand_claim_id
                                       == BrandClaim.id)
        .where(BrandClaimItem.claim_id == claim.id, BrandClaim.closed_at.is_(None)))


def _check_addable(session: Session, unit: _Unit, row: BrandClaim | None) -> None:
    claim = unit.claim
    if claim.state == ClaimState.REJECTED.value or claim.outcome == "reject":
        raise RuleBlocked(f"Claim {claim.number} was rejected: the shop paid nothing, so there "
                          "is nothing to claim from the brand.")
    other = _in_open_brand_claim(session, claim)
    if other is not None:
        here = row is not None and other == row.number
        raise BadInput(f"Claim {claim.number} is {'already' if here else 'in another'} brand "
                       f"claim {other}" + ("." if here else "; take it out there first."))
    if row is not None and unit.supplier.casefold() != row.supplier.casefold():
        raise BadInput(f"Claim {claim.number}'s unit comes from {unit.supplier}, not "
                       f"{row.supplier}: it goes in a brand claim of its own supplier.")
    if row is not None and unit.brand_id != row.brand_id:
        raise BadInput(f"Claim {claim.number} is a {unit.brand} unit; brand claim {row.number} "
                       "is for another brand. Open a brand claim for it.")


def _add(session: Session, actor: Actor, row: BrandClaim, claim: Claim) -> None:
    session.add(BrandClaimItem(brand_claim_id=row.id, claim_id=claim.id,
                               added_by_id=actor.staff_id))
    add_event(session, claim, actor, "brand",
              reason=f"Added to brand claim {row.number} for {row.supplier}.")


def _claims_for(session: Session, codes: Iterable[str]) -> list[Claim]:
    found: list[Claim] = []
    problems = []
    for code in codes:
        if not code.strip():
            continue
        try:
            claim = claim_for_scan(session, code)
        except (BadInput, RuleBlocked) as exc:
            problems.append(f"{code.strip()}: {exc}")
            continue
        if claim.id not in {c.id for c in found}:
            found.append(claim)
    if problems:
        raise BadInput(" ".join(problems))
    if not found:
        raise BadInput("Scan the claim tickets or the faulty units' serials to put in the "
                       "brand claim.")
    return found


def open_lodged(session: Session, actor: Actor, claims: list[Claim], *, external_id: str = "",
                service_centre: str = "", note: str = "") -> BrandClaim:
    """A new brand claim over these claims (no permission check: the caller's step holds one)."""
    note = card_numbers.typed(note)
    units = [_unit(session, c) for c in claims]
    first = units[0]
    for unit in units:
        _check_addable(session, unit, None)
        if unit.supplier.casefold() != first.supplier.casefold() or unit.brand_id != first.brand_id:
            raise BadInput(f"Claim {unit.claim.number} is a {unit.brand} unit from {unit.supplier}"
                           f"; claim {first.claim.number} is {first.brand} from {first.supplier}."
                           " A brand claim is for one brand and supplier: open one for each.")
    year = shop_today(session).year
    number = (f"{numbers.branch_code(session)}-BC-{year}-"
              f"{numbers.reserve(session, 'BC', year):06d}")
    terms = terms_row(session, first.supplier)
    brand = session.get_one(Brand, first.brand_id)
    centre = (service_centre.strip() or (terms.service_centre if terms else "")
              or brand.service_centre)
    row = BrandClaim(number=number, claim_id=first.claim.id, brand_id=first.brand_id,
                     supplier=first.supplier, external_id=external_id.strip(),
                     service_centre=centre, external_status="submitted", approval="pending",
                     created_by_id=actor.staff_id, claimed_minor=0)
    session.add(row)
    session.flush()
    for unit in units:
        _add(session, actor, row, unit.claim)
    session.flush()
    row.claimed_minor = expected_recovery(session, row, claims)
    audit.record(session, actor, "brand_claim.open", "brand_claim", number,
                 {"supplier": row.supplier, "claims": [c.number for c in claims],
                  "external_id": row.external_id, "note": note.strip()})
    brand_claim_events.emit(session, "brand_claim.opened", row)
    return row


def open_brand_claim_in(uow: UnitOfWork, actor: Actor, codes: Iterable[str], *,
                        external_id: str = "", service_centre: str = "",
                        note: str = "") -> BrandClaimView:
    """Open a brand claim over the scanned claims or faulty units (one brand and supplier)."""
    require(actor, Permission.MANAGE_BRAND_CLAIMS)
    session = uow.session
    row = open_lodged(session, actor, _claims_for(session, codes), external_id=external_id,
                      service_centre=service_centre, note=note)
    return view_of(session, row)


open_brand_claim = writes(open_brand_claim_in)


def _open_row(session: Session, number: str) -> BrandClaim:
    row = find(session, number)
    if row.closed_at is not None:
        raise RuleBlocked(f"Brand claim {row.number} is settled and closed; open a new one.")
    return row


def add_claims_in(uow: UnitOfWork, actor: Actor, number: str, codes: Iterable[str]
                  ) -> BrandClaimView:
    """Add scanned claims or faulty units to an open brand claim."""
    require(actor, Permission.MANAGE_BRAND_CLAIMS)
    session = uow.session
    row = _open_row(session, number)
    claims = _claims_for(session, codes)
    for claim in claims:
        _check_addable(session, _unit(session, claim), row)
        _add(session, actor, row, claim)
    session.flush()
    row.claimed_minor = expected_recovery(session, row)
    audit.record(session, actor, "brand_claim.add", "brand_claim", row.number,
                 {"claims": [c.number for c in claims]})
    brand_claim_events.emit(session, "brand_claim.claims_added", row,
                            added=[c.number for c in claims])
    return view_of(session, row)


add_claims = writes(add_claims_in)


def lodge_for_claim(session: Session, actor: Actor, claim: Claim) -> BrandClaim:
    """The brand claim a claim sent to the manufacturer goes in: one it is in already, else a
    new one of its own (the desk can add more claims to it before it is sent)."""
    number = _in_open_brand_claim(session, claim)
    if number is not None:
        return find(session, number)
    return open_lodged(session, actor, [claim])


def set_details_in(uow: UnitOfWork, actor: Actor, number: str, *, external_id: str | None = None,
                   service_centre: str | None = None) -> BrandClaimView:
    """The brand's own claim id and the service centre handling it, as the brand gave them."""
    require(actor, Permission.UPDATE_BRAND_STATUS)
    session = uow.session
    row = find(session, number, actor)
    change_details(session, actor, row, external_id=external_id, service_centre=service_centre)
    return view_of(session, row)


def change_details(session: Session, actor: Actor, row: BrandClaim, *,
                   external_id: str | None = None, service_centre: str | None = None,
                   origin: str = "", inbox_item: str = "") -> bool:
    """Set the brand's claim id and service centre (no permission check); False when both are
    as given already, which is recorded nowhere."""
    changes: dict[str, str] = {}
    if external_id is not None and external_id.strip() != row.external_id:
        other = session.scalar(select(BrandClaim.number).where(
            BrandClaim.external_id == external_id.strip(), BrandClaim.id != row.id))
        if external_id.strip() and other is not None:
            # A supplier contact is not told which: it may be another supplier's.
            which = "another brand claim" if actor.role is Role.SUPPLIER else f"brand claim {other}"
            raise BadInput(f"The brand's claim id {external_id.strip()} is on {which} already. "
                           "Check the id the brand gave.")
        row.external_id = changes["external_id"] = external_id.strip()[:64]
    if service_centre is not None and service_centre.strip() != row.service_centre:
        row.service_centre = changes["service_centre"] = service_centre.strip()[:300]
    if not changes:
        return False
    audit.record(session, actor, "brand_claim.details", "brand_claim", row.number or row.id,
                 {**changes, **({"origin": origin} if origin else {})})
    brand_claim_events.emit(session, "brand_claim.details_set", row,
                            **({"inbox_item": inbox_item} if inbox_item else {}))
    return True


set_details = writes(set_details_in)


def apply_status(session: Session, actor: Actor, row: BrandClaim, status: str, *, source: str,
                 origin: str = "", note: str = "", inbox_item: str = "") -> bool:
    """Record one status the brand gave (no permission check); False when it is the status the
    brand claim has already, which is recorded nowhere."""
    note = card_numbers.typed(note)
    if brand_status_words(status) is None:
        raise BadInput(f"{status!r} is not a brand status. Use one of: "
                       f"{', '.join(BRAND_STATUSES)}.")
    if source not in SOURCES:
        raise ValueError(f"unknown status source {source!r}")
    if len(note) > MAX_NOTE:
        raise BadInput(f"The note is {len(note):,} characters long; keep it under {MAX_NOTE:,}.")
    if row.external_status == status:
        return False
    before = row.external_status
    now = clock_of(session).now()
    session.add(BrandStatusUpdate(brand_claim_id=row.id, status=status, from_status=before,
                                  source=source, entered_by=actor.name, staff_id=actor.staff_id,
                                  origin=origin[:300], note=note.strip(), at=now))
    row.external_status, row.updated_at = status, now
    row.approval = _APPROVAL.get(status, row.approval)
    words = brand_status_words(status)
    for claim in session.scalars(select(Claim).join(
            BrandClaimItem, BrandClaimItem.claim_id == Claim.id)
            .where(BrandClaimItem.brand_claim_id == row.id)):
        add_event(session, claim, actor, "brand",
                  reason=f"The brand's status changed from {before} to {status} ({words})"
                         + (f": {note.strip()}" if note.strip() else ""))
    audit.record(session, actor, "brand_claim.status", "brand_claim", row.number or row.id,
                 {"from": before, "to": status, "source": source, "origin": origin,
                  "note": note.strip(), "external_id": row.external_id})
    brand_claim_events.emit(session, "brand_claim.status_changed", row, from_status=before,
                            source=source, note=note.strip(),
                            **({"inbox_item": inbox_item} if inbox_item else {}))
    return True


def update_status_in(uow: UnitOfWork, actor: Actor, number: str, status: str, *,
                     note: str = "") -> BrandClaimView:
    """A status the brand gave, typed at the desk."""
    require(actor, Permission.UPDATE_BRAND_STATUS)
    session = uow.session
    row = find(session, number, actor)
    key = status.strip().lower().replace(" ", "_")
    if not apply_status(session, actor, row, key, source="desk", note=note):
        raise BadInput(f"Brand claim {row.number} is {key} already; nothing changed.")
    return view_of(session, row)


update_status = writes(update_status_in)
