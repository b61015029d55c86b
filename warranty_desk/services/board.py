"""The claims board: counts per state and the claims to list, under the person's filters."""

from __future__ import annotations

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
    BrandClaimItem,
    Claim,
    Customer,
    CustomerMessage,
    InvoiceLine,
    Product,
    Sale,
    Staff,
    Warranty,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import (
    OPEN_STATES,
    ClaimState,
    is_final,
)
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services import claim_search, lookup
from warranty_desk.services.brand_claim_views import rows_of as brand_rows
from warranty_desk.services.shop_time import shop_today, shop_zone
from warranty_desk.services.unit_of_work import UnitOfWork, reads
from warranty_desk.storage.search import fts_query

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


@dataclass(frozen=True, slots=True)
class BoardFilters:
    """What the board shows; None or empty means no filter."""

    state: str | None = None  # a ClaimState value, OPEN, or None for every claim
    branch: str | None = None
    brand: str | None = None
    assignee: str | None = None  # a staff name: claims they own or back up
    unowned: bool = False  # only open claims nobody owns
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
    assignee: str | None  # the owner, who answers for the claim
    promised_on: date | None
    overdue: bool
    unread: int = 0  # the customer's messages nobody has opened the claim for since
    # The open brand claim holding this claim whose status has not moved for longer than its
    # supplier allows: someone should chase the service centre.
    stale_brand_claim: str | None = None
    backup: str | None = None

    @property
    def unowned(self) -> bool:
        """An open claim nobody answers for: the first thing the board must show."""
        return self.state in OPEN_STATES and self.assignee is None


@dataclass(frozen=True, slots=True)
class Board:
    """Counts per state (every state, whatever the state filter) and the rows to list."""

    counts: dict[str, int]
    rows: tuple[ClaimRow, ...]
    total: int  # claims matching every filter; more than len(rows) past ROW_LIMIT
    brands: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    unowned: int = 0  # open claims with no owner, under every filter but the state one


def local_day(at: datetime, zone: ZoneInfo) -> date:
    """The shop's calendar day of an instant."""
    return at.astimezone(zone).date()


def staff_names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """The names of the staff with these ids (None and unknown ids are left out)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {row.id: row.name for row in session.execute(
        select(Staff.id, Staff.name).where(Staff.id.in_(wanted)))}


def is_overdue(state: str, promised_on: date | None, today: date) -> bool:
    """An open claim past the day the shop promised an answer by; the claim page says the same."""
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
        person = select(Staff.id).where(Staff.name == filters.assignee)
        conds.append(or_(Claim.assignee_id.in_(person), Claim.backup_id.in_(person)))
    if filters.unowned:
        conds += [Claim.assignee_id.is_(None), Claim.state.in_(OPEN_STATES)]
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
               Claim.backup_id, Claim.promised_on, Claim.claimed_purchase, Claim.id)
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
    staff_ids = [r.assignee_id for r in page] + [r.backup_id for r in page]
    customers: dict[uuid.UUID, str] = {}
    products: dict[uuid.UUID, tuple[str, str]] = {}
    if customer_ids:
        customers = {i: n for i, n in session.execute(
            select(Customer.id, Customer.name).where(Customer.id.in_(customer_ids)))}
    if product_ids:
        products = {i: (n, b) for i, n, b in session.execute(
            select(Product.id, Product.name, Brand.name).join(Brand, Brand.id == Product.brand_id)
            .where(Product.id.in_(product_ids)))}
    people = staff_names(session, staff_ids)
    unread = _unread(session, [r.id for r in page])
    stale = _stale_brand_claims(session, [r.id for r in page])
    rows = []
    for r in page:
        opened_on = local_day(r.opened_at, zone)
        product, brand = products.get(r.product_id, (None, None)) if r.product_id else (
            None, None)
        rows.append(ClaimRow(
            number=r.number, state=r.state, outcome=r.outcome,
            age_days=(today - opened_on).days, opened_on=opened_on,
            customer=customers.get(r.customer_id),
            product=product or (r.claimed_purchase or {}).get("product") or "unknown product",
            brand=brand, serial=r.serial, channel=r.channel, assignee=people.get(r.assignee_id),
            promised_on=r.promised_on, overdue=is_overdue(r.state, r.promised_on, today),
            unread=unread.get(r.id, 0), stale_brand_claim=stale.get(r.id),
            backup=people.get(r.backup_id)))
    return tuple(rows)


def _stale_brand_claims(session: Session, claim_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Per claim, the stale open brand claim it is in (none for most claims)."""
    if not claim_ids:
        return {}
    held = session.execute(
        select(BrandClaimItem.claim_id, BrandClaim)
        .join(BrandClaim, BrandClaim.id == BrandClaimItem.brand_claim_id)
        .where(BrandClaimItem.claim_id.in_(claim_ids), BrandClaim.closed_at.is_(None))).all()
    if not held:
        return {}
    rows = {b.id: b for _, b in held}
    stale = {r.number for r in brand_rows(session, list(rows.values())) if r.stale}
    return {claim_id: b.number or b.external_id for claim_id, b in held
            if (b.number or b.external_id) in stale}


def _unread(session: Session, claim_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Per claim, the customer's messages not read yet (none listed for most claims)."""
    if not claim_ids:
        return {}
    return {cid: n for cid, n in session.execute(
        select(CustomerMessage.claim_id, func.count())
        .where(CustomerMessage.claim_id.in_(claim_ids), CustomerMessage.direction == "inbound",
               CustomerMessage.read_at.is_(None))
        .group_by(CustomerMessage.claim_id)) if cid is not None}


def board_in(uow: UnitOfWork, actor: Actor, filters: BoardFilters) -> Board:
    """Counts per state under the filters, and up to ROW_LIMIT matching claims."""
    require(actor, Permission.LOOKUP)
    session = uow.session
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
    unowned = session.scalar(select(func.count()).select_from(Claim).where(
        *conds, Claim.state.in_(OPEN_STATES), Claim.assignee_id.is_(None))) or 0
    return Board(counts, rows, total, brands, assignees, unowned)


board = reads(board_in)
