"""The returns desk: faulty units scanned in, replacements handed over, parcels to suppliers."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers, normalize
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models import (
    Brand,
    BrandClaim,
    BrandClaimItem,
    Claim,
    ClaimEvent,
    Customer,
    Product,
    Staff,
    StockMovement,
    SupplierBatch,
    Warranty,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services import audit, numbers, outbox
from warranty_desk.services.claim_common import add_event, load_claim
from warranty_desk.services.shop_time import shop_today, shop_zone
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.storage.database import clock_of

# Movements that put a faulty unit in the shop's returns stock, and those that take it out.
_IN = ("return_in", "back_from_supplier")
_OUT = ("to_supplier", "scrap", "handed_back")
# What a supplier can do with a unit sent to it; only "returned" brings the unit back.
BACK_OUTCOMES = ("returned", "credited", "scrapped")


@dataclass(frozen=True, slots=True)
class Receipt:
    """A faulty unit scanned into returns stock, or found to be there already."""

    claim_number: str
    serial: str | None
    product_name: str
    customer_name: str | None
    claim_state: str
    received_at: datetime
    received_by: str
    already_received: bool


@dataclass(frozen=True, slots=True)
class Handover:
    """A replacement unit given to the customer."""

    claim_number: str
    serial: str
    warranty_code: str | None
    product_name: str
    customer_name: str | None


@dataclass(frozen=True, slots=True)
class StockUnit:
    """One faulty unit in returns stock: what it is, whose claim, for which supplier, how old."""

    claim_number: str
    serial: str | None
    product_name: str
    brand: str
    supplier: str
    received_on: date
    age_days: int
    status: str  # received | packed | back
    batch: str | None
    claim_state: str
    claim_outcome: str | None


@dataclass(frozen=True, slots=True)
class SupplierGroup:
    """Faulty units waiting for one supplier."""

    supplier: str
    brands: tuple[str, ...]
    units: tuple[StockUnit, ...]


@dataclass(frozen=True, slots=True)
class BatchView:
    """A supplier batch as the returns desk lists it."""

    number: str
    supplier: str
    state: str
    claim_numbers: tuple[str, ...]
    outcomes: tuple[tuple[str, str], ...]
    created_at: datetime
    sent_at: datetime | None
    back_at: datetime | None
    note: str


@dataclass(frozen=True, slots=True)
class Position:
    """Where a claim's faulty unit is, from its stock movements."""

    last_kind: str
    last_at: datetime
    reference: str


def positions(session: Session, claim_ids: Iterable[uuid.UUID] | None = None
              ) -> dict[uuid.UUID, Position]:
    """Where each claim's faulty unit is, from its last stock movement in or out of returns."""
    stmt = (select(StockMovement.claim_id, StockMovement.kind, StockMovement.at,
                   StockMovement.reference)
            .where(StockMovement.kind.in_(_IN + _OUT), StockMovement.claim_id.is_not(None))
            .order_by(StockMovement.at, StockMovement.id))
    if claim_ids is not None:
        stmt = stmt.where(StockMovement.claim_id.in_(list(claim_ids)))
    found: dict[uuid.UUID, Position] = {}
    for claim_id, kind, at, reference in session.execute(stmt):
        if claim_id is not None:
            found[claim_id] = Position(kind, at, reference)
    return found



def move_unit(session: Session, claim: Claim, actor: Actor, kind: str, reference: str,
              serial: str | None = None) -> StockMovement:
    """One stock movement of a claim's unit, and its stock.moved event for head office."""
    if claim.product_id is None:
        raise RuleBlocked(f"Claim {claim.number} has no product on record, so its unit cannot be "
                          "counted in stock. Verify the purchase and set the product first.")
    row = StockMovement(claim_id=claim.id, product_id=claim.product_id,
                        serial=serial if serial is not None else claim.serial, kind=kind,
                        reference=reference, staff_id=actor.staff_id, at=clock_of(session).now())
    session.add(row)
    outbox.emit(session, "stock.moved", "claim", claim.number,
                {"number": claim.number, "kind": kind, "serial": row.serial,
                 "reference": reference})
    return row


def unit_names(session: Session, claim: Claim) -> tuple[str, str | None]:
    """The claim's product name and its customer's name (None when there is none on file)."""
    product = session.get(Product, claim.product_id) if claim.product_id else None
    customer = session.get(Customer, claim.customer_id) if claim.customer_id else None
    return (product.name if product else claim.claimed_purchase.get("product", "unknown product"),
            customer.name if customer else None)


def claim_for_scan(session: Session, code: str) -> Claim:
    """The claim a scanned ticket, serial or warranty code stands for at the returns desk."""
    scan = classify(code)
    if scan.kind is ScanKind.EMPTY:
        raise BadInput("Scan the claim ticket or the returned unit's serial.")
    if scan.kind is ScanKind.CLAIM_NUMBER:
        return load_claim(session, scan.value)
    stmt = select(Claim).order_by(Claim.opened_at.desc())
    if scan.kind is ScanKind.WARRANTY_CODE:
        stmt = stmt.join(Warranty, Warranty.id == Claim.warranty_id).where(
            Warranty.code == scan.value)
        shown = f"warranty {scan.value}"
    else:
        serial = normalize.serial(scan.lookup_value(ScanKind.SERIAL))
        stmt = stmt.where(Claim.serial == serial)
        shown = f"serial {serial}"
    found = list(session.scalars(stmt))
    open_ = [c for c in found if c.state in OPEN_STATES]
    if len(open_) > 1:
        raise BadInput(f"{shown.capitalize()} has open claims {', '.join(c.number for c in open_)}."
                       " Scan the claim ticket instead.")
    if open_:
        return open_[0]
    # A replacement or refund decision already took the unit in; say so rather than refuse.
    held = positions(session, [c.id for c in found])
    for claim in found:
        if claim.id in held:
            return claim
    raise BadInput(f"No open claim for {shown}. Start a claim for the unit first (Counter, F2, "
                   "then Ctrl+N), then scan it in here.")


def receive_in(uow: UnitOfWork, actor: Actor, code: str) -> Receipt:
    """Scan a claim ticket or a returned unit's serial into returns stock (once per claim)."""
    require(actor, Permission.HANDLE_STOCK)
    session = uow.session
    claim = claim_for_scan(session, code)
    product, customer = unit_names(session, claim)
    earlier = session.execute(
        select(StockMovement.at, Staff.name)
        .outerjoin(Staff, Staff.id == StockMovement.staff_id)
        .where(StockMovement.claim_id == claim.id, StockMovement.kind == "return_in")
        .order_by(StockMovement.at)).first()
    if earlier is not None:
        return Receipt(claim.number, claim.serial, product, customer, claim.state,
                       earlier[0], earlier[1] or "the system", already_received=True)
    if claim.state not in OPEN_STATES and claim.outcome not in ("replace", "refund"):
        raise RuleBlocked(
            f"Claim {claim.number} is closed ({claim.outcome or claim.state}): the unit goes "
            "back to the customer, not into returns stock.")
    row = move_unit(session, claim, actor, "return_in", claim.number)
    add_event(session, claim, actor, "return_in",
              reason="Faulty unit received into returns stock.")
    audit.record(session, actor, "stock.return_in", "claim", claim.number,
                 {"serial": claim.serial})
    return Receipt(claim.number, claim.serial, product, customer, claim.state, row.at,
                   actor.name, already_received=False)


receive = writes(receive_in)


def issue_replacement_in(
    uow: UnitOfWork, actor: Actor, claim_number: str, new_serial: str
) -> Handover:
    """Hand the replacement chosen by the manager's decision to the customer, checked by scan."""
    require(actor, Permission.HANDLE_STOCK)
    serial = normalize.serial(new_serial)
    if not serial:
        raise BadInput("Scan the serial of the replacement unit you are handing over.")
    session = uow.session
    claim = load_claim(session, claim_number)
    if claim.outcome != "replace" or claim.replacement_serial is None:
        raise RuleBlocked(
            f"Claim {claim.number} is not resolved as a replacement (it is "
            f"{(claim.outcome or claim.state).replace('_', ' ')}). A manager decides "
            "replacements first.")
    if serial != claim.replacement_serial:
        raise BadInput(
            f"The scanned unit {serial} is not the replacement recorded on claim "
            f"{claim.number} ({claim.replacement_serial}). Hand over that unit, or ask a "
            "manager to correct the decision.")
    done = replacement_handed_over(session, claim)
    if done is not None:
        raise RuleBlocked(done)
    code = hand_over_replacement(session, claim, actor, serial,
                                 reason=f"Replacement unit {serial} handed over to the customer.")
    product, customer = unit_names(session, claim)
    return Handover(claim.number, serial, code, product, customer)


def replacement_handed_over(session: Session, claim: Claim) -> str | None:
    """Words saying the claim's replacement already went to the customer, if it did."""
    done = session.execute(select(ClaimEvent.at).where(
        ClaimEvent.claim_id == claim.id, ClaimEvent.kind == "handed_over")).scalar()
    if done is None:
        return None
    return (f"The replacement for claim {claim.number} was already handed over on "
            f"{done.astimezone(shop_zone(session)).date()}.")


def hand_over_replacement(session: Session, claim: Claim, actor: Actor, serial: str, *,
                          reason: str) -> str | None:
    """The replacement leaves stock for the customer: its movement, timeline line, audit entry
    and event (checked by the caller); returns the replacement's warranty code."""
    recorded = session.execute(select(StockMovement.id).where(
        StockMovement.claim_id == claim.id, StockMovement.kind == "replacement_out")).first()
    if recorded is None:
        move_unit(session, claim, actor, "replacement_out", claim.number, serial=serial)
    add_event(session, claim, actor, "handed_over", reason=reason)
    code = session.execute(select(Warranty.code).where(
        Warranty.id == claim.replacement_warranty_id)).scalar()
    today = shop_today(session)
    audit.record(session, actor, "stock.handover", "claim", claim.number,
                 {"serial": serial, "warranty": code, "on": today.isoformat()})
    outbox.emit(session, "claim.replacement_handed_over", "claim", claim.number,
                {"number": claim.number, "serial": serial, "warranty": code,
                 "on": today.isoformat()})
    return code


issue_replacement = writes(issue_replacement_in)


def units_held(session: Session, today: date) -> list[StockUnit]:
    """Every faulty unit the shop holds or got back, oldest first (no permission check)."""
    held = {cid: p for cid, p in positions(session).items() if p.last_kind in _IN}
    if not held:
        return []
    packed = {n: b for b, ns in session.execute(select(SupplierBatch.number,
                                                       SupplierBatch.claim_numbers)
                                                .where(SupplierBatch.state == "open"))
              for n in ns}
    # A unit in an open brand claim is packed for its supplier too: no parcel may take it twice.
    packed.update((n, b or "") for n, b in session.execute(
        select(Claim.number, BrandClaim.number)
        .join(BrandClaimItem, BrandClaimItem.claim_id == Claim.id)
        .join(BrandClaim, BrandClaim.id == BrandClaimItem.brand_claim_id)
        .where(BrandClaim.closed_at.is_(None), BrandClaim.number.is_not(None),
               Claim.id.in_(list(held)))).all())
    zone = shop_zone(session)
    rows = session.execute(
        select(Claim.id, Claim.number, Claim.serial, Claim.state, Claim.outcome, Product.name,
               Product.supplier, Brand.name.label("brand"))
        .join(Product, Product.id == Claim.product_id).join(Brand, Brand.id == Product.brand_id)
        .where(Claim.id.in_(list(held))))
    units = []
    for row in rows:
        pos = held[row.id]
        since = pos.last_at.astimezone(zone).date()
        status = ("back" if pos.last_kind == "back_from_supplier"
                  else "packed" if row.number in packed else "received")
        units.append(StockUnit(
            row.number, row.serial, row.name, row.brand, row.supplier.strip() or row.brand,
            since, max((today - since).days, 0), status,
            packed.get(row.number) or (pos.reference if status == "back" else None),
            row.state, row.outcome))
    return sorted(units, key=lambda u: (u.received_on, u.claim_number))


def returns_stock_in(uow: UnitOfWork, actor: Actor) -> tuple[StockUnit, ...]:
    """Every faulty unit the shop holds, oldest first, with its age in days."""
    require(actor, Permission.HANDLE_STOCK)
    session = uow.session
    return tuple(units_held(session, shop_today(session)))


returns_stock = reads(returns_stock_in)


def faulty_units_in(uow: UnitOfWork, actor: Actor) -> tuple[SupplierGroup, ...]:
    """Units received and not yet packed for a supplier, grouped by supplier."""
    require(actor, Permission.HANDLE_STOCK)
    session = uow.session
    units = [u for u in units_held(session, shop_today(session)) if u.status == "received"]
    groups: dict[str, list[StockUnit]] = {}
    for unit in units:
        groups.setdefault(unit.supplier, []).append(unit)
    return tuple(SupplierGroup(name, tuple(sorted({u.brand for u in group})), tuple(group))
                 for name, group in sorted(groups.items()))


faulty_units = reads(faulty_units_in)


def _batch(session: Session, number: str) -> SupplierBatch:
    batch = session.scalars(select(SupplierBatch).where(
        SupplierBatch.number == number.strip().upper())).first()
    if batch is None:
        raise NotFound(f"No supplier batch {number}. Check the number on the packing list.")
    return batch


def _view(batch: SupplierBatch) -> BatchView:
    return BatchView(batch.number, batch.supplier, batch.state, tuple(batch.claim_numbers),
                     tuple(sorted(batch.outcomes.items())), batch.created_at, batch.sent_at,
                     batch.back_at, batch.note)


def supplier_batches_in(uow: UnitOfWork, actor: Actor) -> tuple[BatchView, ...]:
    """Every supplier batch, newest first."""
    require(actor, Permission.HANDLE_STOCK)
    session = uow.session
    return tuple(_view(b) for b in session.scalars(
        select(SupplierBatch).order_by(SupplierBatch.created_at.desc())))


supplier_batches = reads(supplier_batches_in)


def create_batch_in(uow: UnitOfWork, actor: Actor, supplier: str, claim_numbers: Iterable[str], *,
                 note: str = "") -> str:
    """Pack received faulty units for one supplier; returns the batch number."""
    require(actor, Permission.HANDLE_STOCK)
    wanted = list(dict.fromkeys(n.strip().upper() for n in claim_numbers if n.strip()))
    if not supplier.strip():
        raise BadInput("Say which supplier the units go to.")
    if not wanted:
        raise BadInput("Pick the units to send: select their rows in returns stock.")
    session = uow.session
    by_number = {u.claim_number: u for u in units_held(session, shop_today(session))}
    problems = []
    for number in wanted:
        unit = by_number.get(number)
        if unit is None:
            problems.append(f"Claim {number}'s unit is not in returns stock.")
        elif unit.status != "received":
            where = f"packed in {unit.batch}" if unit.status == "packed" else "back already"
            problems.append(f"Claim {number}'s unit is {where}.")
        elif unit.supplier.casefold() != supplier.strip().casefold():
            problems.append(f"Claim {number}'s unit ({unit.product_name}) comes from "
                            f"{unit.supplier}, not {supplier.strip()}.")
    if problems:
        raise BadInput(" ".join(problems))
    year = shop_today(session).year
    number = (f"{numbers.branch_code(session)}-SB-{year}-"
              f"{numbers.reserve(session, 'SB', year):06d}")
    batch = SupplierBatch(number=number, supplier=by_number[wanted[0]].supplier,
                          state="open", claim_numbers=wanted, outcomes={},
                          created_by_id=actor.staff_id, note=card_numbers.typed(note))
    session.add(batch)
    for claim_number in wanted:
        add_event(session, load_claim(session, claim_number), actor, "packed",
                  reason=f"Packed for {batch.supplier} in batch {number}.")
    audit.record(session, actor, "supplier_batch.create", "supplier_batch", number,
                 {"supplier": batch.supplier, "claims": wanted})
    outbox.emit(session, "supplier_batch.created", "supplier_batch", number,
                {"number": number, "supplier": batch.supplier, "claims": wanted})
    return number


create_batch = writes(create_batch_in)


def mark_sent_in(uow: UnitOfWork, actor: Actor, batch: str) -> BatchView:
    """The parcel left the shop: each unit moves out of returns stock to the supplier."""
    require(actor, Permission.HANDLE_STOCK)
    session = uow.session
    row = _batch(session, batch)
    if row.state != "open":
        raise RuleBlocked(f"Batch {row.number} was already sent.")
    claims = [load_claim(session, n) for n in row.claim_numbers]
    held = positions(session, [c.id for c in claims])
    gone = [c.number for c in claims
            if c.id not in held or held[c.id].last_kind != "return_in"]
    if gone:
        raise RuleBlocked(f"Not in returns stock any more: {', '.join(gone)}. Take them out "
                          "of the batch first.")
    for claim in claims:
        move_unit(session, claim, actor, "to_supplier", row.number)
        add_event(session, claim, actor, "to_supplier",
                  reason=f"Sent to {row.supplier} in batch {row.number}.")
    row.state, row.sent_at = "sent", clock_of(session).now()
    audit.record(session, actor, "supplier_batch.sent", "supplier_batch", row.number,
                 {"supplier": row.supplier, "claims": row.claim_numbers})
    outbox.emit(session, "supplier_batch.sent", "supplier_batch", row.number,
                {"number": row.number, "supplier": row.supplier,
                 "claims": row.claim_numbers})
    return _view(row)


mark_sent = writes(mark_sent_in)


def mark_back_in(uow: UnitOfWork, actor: Actor, batch: str, *,
              outcome_per_claim: Mapping[str, str] | None = None) -> BatchView:
    """The supplier answered: returned units come back into stock; others are settled."""
    require(actor, Permission.HANDLE_STOCK)
    session = uow.session
    row = _batch(session, batch)
    if row.state != "sent":
        raise RuleBlocked(f"Batch {row.number} is {row.state}: only a sent batch can come "
                          "back.")
    outcomes = dict.fromkeys(row.claim_numbers, "returned")
    for number, outcome in (outcome_per_claim or {}).items():
        key, value = number.strip().upper(), outcome.strip().lower()
        if key not in outcomes:
            raise BadInput(f"Claim {key} is not in batch {row.number}.")
        if value not in BACK_OUTCOMES:
            raise BadInput(f"Unknown outcome {outcome!r} for {key}: use one of "
                           f"{', '.join(BACK_OUTCOMES)}.")
        outcomes[key] = value
    for number, outcome in outcomes.items():
        claim = load_claim(session, number)
        if outcome == "returned":
            move_unit(session, claim, actor, "back_from_supplier", row.number)
        add_event(session, claim, actor, "from_supplier",
                  reason=f"{row.supplier} answered on batch {row.number}: {outcome}.")
    row.state, row.back_at, row.outcomes = "back", clock_of(session).now(), outcomes
    audit.record(session, actor, "supplier_batch.back", "supplier_batch", row.number,
                 {"supplier": row.supplier, "outcomes": outcomes})
    outbox.emit(session, "supplier_batch.back", "supplier_batch", row.number,
                {"number": row.number, "supplier": row.supplier, "outcomes": outcomes})
    return _view(row)


mark_back = writes(mark_back_in)
