"""The claims board (counts and rows) and one claim's full picture, as frozen views."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, false, func, or_, select, text
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput
from warranty_desk.models import (
    Brand,
    BrandClaim,
    Claim,
    ClaimEvent,
    CostPosting,
    Customer,
    CustomerMessage,
    EvidenceDocument,
    InvoiceLine,
    Product,
    Sale,
    Settlement,
    Shop,
    Staff,
    StockMovement,
    Warranty,
)
from warranty_desk.permissions import Actor, Permission, allowed, require
from warranty_desk.rules.claim_states import (
    OPEN_STATES,
    ClaimState,
    Outcome,
    check_reopen,
    check_transition,
    evidence_label,
    is_final,
    next_states,
    reopen_target,
)
from warranty_desk.rules.evidence import missing_evidence, proof_words
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services import claim_search, lookup, messages
from warranty_desk.services.claim_common import (
    load_claim,
    other_open_claim,
    transition_context,
)
from warranty_desk.services.shop_time import shop_today, shop_zone
from warranty_desk.storage.database import Database
from warranty_desk.storage.search import fts_query
from warranty_desk.views import WarrantyVerdict

# The board's pseudo-state for "every claim still being handled".
OPEN = "open"
FINAL_STATES = tuple(s.value for s in ClaimState if is_final(s))
# How staff say each state, on tabs and headers.
STATE_LABELS: dict[str, str] = {
    "received": "Received", "reviewing": "In review", "inspecting": "In inspection",
    "repairing": "In repair", "at_manufacturer": "At manufacturer", "resolved": "Resolved",
    "rejected": "Rejected",
}
# Rows the board lists at most; past that people narrow it with a filter or the search box,
# and a Qt view of a few hundred rows stays instant.
ROW_LIMIT = 500
# Customers a name search may match before the board asks for a longer name.
_NAME_MATCHES = 200
# Placeholders a decision fills in, shown as such in the message preview (the decision dialog
# fills them as the manager types).
DECISION_BLANKS = {"reason": "[the reason you write]", "amount": "[refund amount]",
                   "new_serial": "[serial of the new unit]"}


@dataclass(frozen=True, slots=True)
class BoardFilters:
    """What the board shows; None or empty means no filter."""

    state: str | None = None  # a ClaimState value, OPEN, or None for every claim
    branch: str | None = None
    brand: str | None = None
    assignee: str | None = None  # a staff name
    channel: str | None = None
    min_age_days: int | None = None
    search: str = ""


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One line of the board."""

    number: str
    state: str
    outcome: str | None
    age_days: int
    opened_on: date
    customer: str | None
    product: str
    brand: str | None
    serial: str | None
    channel: str
    assignee: str | None
    promised_on: date | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class Board:
    """Counts per state (every state, whatever the state filter) and the rows to list."""

    counts: dict[str, int]
    rows: tuple[ClaimRow, ...]
    total: int  # claims matching every filter; more than len(rows) past ROW_LIMIT
    brands: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()



def _local_day(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def _people(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {row.id: row.name for row in session.execute(
        select(Staff.id, Staff.name).where(Staff.id.in_(wanted)))}


def _is_overdue(state: str, promised_on: date | None, today: date) -> bool:
    return state in OPEN_STATES and promised_on is not None and promised_on < today


def _search_terms(session: Session, query: str) -> list[ColumnElement[bool]]:
    """Claims the search names: claim number, warranty code, invoice, serial, phone or name."""
    scan = classify(query)
    terms: list[ColumnElement[bool]] = []
    # The whole claim number, or the end of it read off a ticket ("C-2026-000123", "123").
    by_number = claim_search.claim_condition(scan)
    if by_number is not None:
        terms.append(by_number)
    for kind in scan.candidates:
        value = scan.lookup_value(kind)
        if kind is ScanKind.WARRANTY_CODE:
            terms.append(Claim.warranty_id.in_(select(Warranty.id).where(Warranty.code == value)))
        elif kind is ScanKind.INVOICE_NUMBER:
            terms.append(Claim.warranty_id.in_(
                select(Warranty.id).join(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
                .join(Sale, Sale.id == InvoiceLine.sale_id).where(Sale.invoice_number == value)))
        elif kind in (ScanKind.SERIAL, ScanKind.GS1):
            terms.append(Claim.serial == (scan.serial or value).upper())
        elif kind is ScanKind.PHONE:
            phone = lookup.phone_lookup_key(session, value)
            terms.append(Claim.customer_id.in_(select(Customer.id).where(Customer.phone == phone)))
        elif kind is ScanKind.TEXT and (words := fts_query(value)):
            ids = [uuid.UUID(bytes=bytes(row[0])) for row in session.execute(text(
                "SELECT c.id FROM customers_fts f JOIN customers c ON c.rowid = f.rowid "
                "WHERE customers_fts MATCH :q LIMIT :n"), {"q": words, "n": _NAME_MATCHES})]
            if ids:
                terms.append(Claim.customer_id.in_(ids))
    return terms


def _conditions(session: Session, filters: BoardFilters, today: date,
                zone: ZoneInfo) -> list[ColumnElement[bool]]:
    """Every filter but the state one, so the state tabs can count under the others."""
    conds: list[ColumnElement[bool]] = []
    if filters.branch:
        conds.append(Claim.number.startswith(f"{filters.branch.strip().upper()}-C-",
                                             autoescape=True))
    if filters.brand:
        conds.append(Claim.product_id.in_(
            select(Product.id).join(Brand, Brand.id == Product.brand_id)
            .where(Brand.name == filters.brand)))
    if filters.assignee:
        conds.append(Claim.assignee_id.in_(select(Staff.id).where(Staff.name == filters.assignee)))
    if filters.channel:
        conds.append(Claim.channel == filters.channel)
    if filters.min_age_days:
        if filters.min_age_days < 0:
            raise BadInput("The age filter counts days, so it cannot be negative.")
        # Opened on or before that local day: before the following local midnight, in UTC.
        last_day = today - timedelta(days=filters.min_age_days - 1)
        conds.append(Claim.opened_at < datetime.combine(last_day, time(), zone).astimezone(UTC))
    if filters.search.strip():
        terms = _search_terms(session, filters.search)
        conds.append(or_(*terms) if terms else false())
    return conds


def _state_condition(state: str | None) -> list[ColumnElement[bool]]:
    if state is None or state == "":
        return []
    if state == OPEN:
        return [Claim.state.in_(OPEN_STATES)]
    if state not in {s.value for s in ClaimState}:
        raise BadInput(f"Unknown claim state {state!r}.")
    return [Claim.state == state]


def _page(session: Session, conds: list[ColumnElement[bool]]) -> list[Any]:
    """The oldest open claims first, then the most recently opened closed ones."""
    columns = (Claim.number, Claim.state, Claim.outcome, Claim.opened_at, Claim.customer_id,
               Claim.product_id, Claim.serial, Claim.channel, Claim.assignee_id,
               Claim.promised_on, Claim.claimed_purchase)
    # Two queries, so each walks the (state, opened_at) index instead of sorting every claim.
    open_rows = list(session.execute(
        select(*columns).where(*conds, Claim.state.in_(OPEN_STATES))
        .order_by(Claim.opened_at, Claim.number).limit(ROW_LIMIT)))
    room = ROW_LIMIT - len(open_rows)
    if room <= 0:
        return open_rows
    closed = list(session.execute(
        select(*columns).where(*conds, Claim.state.in_(FINAL_STATES))
        .order_by(Claim.opened_at.desc(), Claim.number.desc()).limit(room)))
    return open_rows + closed


def _rows(session: Session, page: list[Any], today: date, zone: ZoneInfo) -> tuple[ClaimRow, ...]:
    customer_ids = {r.customer_id for r in page if r.customer_id is not None}
    product_ids = {r.product_id for r in page if r.product_id is not None}
    staff_ids = [r.assignee_id for r in page]
    customers: dict[uuid.UUID, str] = {}
    products: dict[uuid.UUID, tuple[str, str]] = {}
    if customer_ids:
        customers = {i: n for i, n in session.execute(
            select(Customer.id, Customer.name).where(Customer.id.in_(customer_ids)))}
    if product_ids:
        products = {i: (n, b) for i, n, b in session.execute(
            select(Product.id, Product.name, Brand.name).join(Brand, Brand.id == Product.brand_id)
            .where(Product.id.in_(product_ids)))}
    people = _people(session, staff_ids)
    rows = []
    for r in page:
        opened_on = _local_day(r.opened_at, zone)
        product, brand = products.get(r.product_id, (None, None)) if r.product_id else (
            None, None)
        rows.append(ClaimRow(
            number=r.number, state=r.state, outcome=r.outcome,
            age_days=(today - opened_on).days, opened_on=opened_on,
            customer=customers.get(r.customer_id),
            product=product or (r.claimed_purchase or {}).get("product") or "unknown product",
            brand=brand, serial=r.serial, channel=r.channel, assignee=people.get(r.assignee_id),
            promised_on=r.promised_on, overdue=_is_overdue(r.state, r.promised_on, today)))
    return tuple(rows)


def board(db: Database, actor: Actor, filters: BoardFilters) -> Board:
    """Counts per state under the filters, and up to ROW_LIMIT matching claims."""
    require(actor, Permission.LOOKUP)
    with db.read() as session:
        zone, today = shop_zone(session), shop_today(session)
        conds = _conditions(session, filters, today, zone)
        counts = {s.value: 0 for s in ClaimState}
        for state, count in session.execute(
                select(Claim.state, func.count()).where(*conds).group_by(Claim.state)):
            counts[state] = count
        state_conds = _state_condition(filters.state)
        if filters.state == OPEN:
            total = sum(counts[s] for s in OPEN_STATES)
        else:
            total = counts.get(filters.state, 0) if filters.state else sum(counts.values())
        rows = _rows(session, _page(session, conds + state_conds), today, zone)
        brands = tuple(session.scalars(select(Brand.name).order_by(Brand.name)))
        assignees = tuple(session.scalars(
            select(Staff.name).where(Staff.active.is_(True)).order_by(Staff.name)))
        return Board(counts, rows, total, brands, assignees)


# --- One claim ---------------------------------------------------------------------------------


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


def _templates_for(target: ClaimState) -> tuple[str, ...]:
    if target is ClaimState.RESOLVED:
        return tuple(f"claim_resolved_{o.value}" for o in Outcome if o is not Outcome.REJECT)
    if target is ClaimState.REJECTED:
        return ("claim_rejected",)
    return (f"claim_{target.value}",)


def _previews(target: ClaimState, values: dict[str, str]) -> tuple[MessagePreview, ...]:
    known = messages.templates()
    out = []
    for name in _templates_for(target):
        if name in known:
            wording = messages.render(name, values)
            out.append(MessagePreview(name, wording.subject, wording.body))
    return tuple(out)


def _moves(session: Session, claim: Claim, actor: Actor,
           values: dict[str, str]) -> tuple[MoveOption, ...]:
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
            previews=_previews(target, values)))
    return tuple(options)


def _reopen(session: Session, claim: Claim, actor: Actor,
            values: dict[str, str]) -> ReopenOption | None:
    current = ClaimState(claim.state)
    target = reopen_target(current)
    if target is None:
        return None
    blockers = check_reopen(current, open_claim_on_unit=other_open_claim(session, claim))
    wording = messages.render("claim_reopened", values)
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
    names = _people(session, [e.staff_id for e in events] + [e.override_by_id for e in events])
    return tuple(TimelineEntry(
        e.at, e.kind, e.from_state, e.to_state, names.get(e.staff_id) if e.staff_id else None,
        names.get(e.override_by_id) if e.override_by_id else None, e.reason, e.cost_minor)
        for e in events)


def _evidence(session: Session, claim_id: uuid.UUID) -> tuple[EvidenceItem, ...]:
    docs = list(session.scalars(select(EvidenceDocument).where(
        EvidenceDocument.claim_id == claim_id).order_by(EvidenceDocument.added_at,
                                                        EvidenceDocument.id)))
    names = _people(session, [d.added_by_id for d in docs])
    return tuple(EvidenceItem(
        d.kind, evidence_label(d.kind), d.media_type, d.size, d.original_name, d.sha256,
        names.get(d.added_by_id) if d.added_by_id else None, d.added_at, d.source)
        for d in docs)


def _messages(session: Session, claim_id: uuid.UUID) -> tuple[MessageItem, ...]:
    rows = session.scalars(select(CustomerMessage).where(CustomerMessage.claim_id == claim_id)
                           .order_by(CustomerMessage.created_at, CustomerMessage.id))
    return tuple(MessageItem(m.subject, m.body, m.state, m.direction, m.template, m.created_at)
                 for m in rows)


def _costs(session: Session, claim_id: uuid.UUID) -> tuple[CostItem, ...]:
    rows = list(session.scalars(select(CostPosting).where(CostPosting.claim_id == claim_id)
                                .order_by(CostPosting.posted_at, CostPosting.id)))
    names = _people(session, [c.posted_by_id for c in rows])
    return tuple(CostItem(c.kind, c.amount_minor, c.recoverable, c.description,
                          names.get(c.posted_by_id) if c.posted_by_id else None, c.posted_at)
                 for c in rows)


def _stock(session: Session, claim_id: uuid.UUID) -> tuple[StockItem, ...]:
    rows = list(session.scalars(select(StockMovement).where(StockMovement.claim_id == claim_id)
                                .order_by(StockMovement.at, StockMovement.id)))
    names = _people(session, [m.staff_id for m in rows])
    return tuple(StockItem(m.kind, m.serial, m.reference,
                           names.get(m.staff_id) if m.staff_id else None, m.at) for m in rows)


def _brand_claims(session: Session, claim_id: uuid.UUID) -> tuple[BrandClaimItem, ...]:
    settled = (select(func.coalesce(func.sum(Settlement.amount_minor), 0))
               .where(Settlement.brand_claim_id == BrandClaim.id).scalar_subquery())
    rows = session.execute(
        select(BrandClaim, Brand.name, settled).join(Brand, Brand.id == BrandClaim.brand_id)
        .where(BrandClaim.claim_id == claim_id).order_by(BrandClaim.submitted_at))
    return tuple(BrandClaimItem(name, b.external_id, b.service_centre,
                                b.external_status, b.claimed_minor, int(paid), b.submitted_at)
                 for b, name, paid in rows)


def claim_detail(db: Database, actor: Actor, number: str) -> ClaimDetail:
    """One claim with its facts, history, documents, money, stock and the moves open to actor."""
    require(actor, Permission.LOOKUP)
    with db.read() as session:
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
        opened_on = _local_day(claim.opened_at, zone)
        values = _message_values(session, claim, customer, product_name, warranty, today)
        return ClaimDetail(
            number=claim.number, state=claim.state, outcome=claim.outcome,
            channel=claim.channel, claim_type=claim.claim_type, fault=claim.fault,
            accessories=claim.accessories, condition=claim.condition,
            proof_status=claim.proof_status, opened_at=claim.opened_at, opened_on=opened_on,
            age_days=(today - opened_on).days, promised_on=claim.promised_on,
            overdue=_is_overdue(claim.state, claim.promised_on, today),
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
            moves=_moves(session, claim, actor, values),
            reopen=_reopen(session, claim, actor, values))

