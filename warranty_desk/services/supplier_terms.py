"""Suppliers' warranty terms: what each pays back, for how long, and when its claims go stale."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput
from warranty_desk.models import Brand, Product, Shop, SupplierTerms
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.recovery import (
    DIFFERENCE_LIMIT_MINOR,
    RECOVERABLE_KINDS,
    WINDOW_FROM,
    Terms,
)
from warranty_desk.services import audit
from warranty_desk.services.shop_locale import money_of
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes

# Profiles of the brand packet's columns shipped in resources/brand_packets/.
GENERIC_PROFILE = "generic"


@dataclass(frozen=True, slots=True)
class TermsInput:
    """One supplier's terms as typed in settings or on the command line."""

    supplier: str
    kinds: frozenset[str] = frozenset({"parts", "labour", "replacement"})
    window_from: str = "sale"
    window_days: int = 365
    stale_after_days: int = 14
    packet_profile: str = GENERIC_PROFILE
    service_centre: str = ""


def terms_row(session: Session, supplier: str) -> SupplierTerms | None:
    """A supplier's terms row, matched without regard to case or spacing; None when none."""
    key = " ".join(supplier.split()).casefold()
    for row in session.scalars(select(SupplierTerms)):
        if row.supplier.casefold() == key:
            return row
    return None


def rule_terms(row: SupplierTerms | None) -> Terms:
    """The rules' view of a supplier's terms; the defaults when none are on record."""
    if row is None:
        return Terms()
    kinds = frozenset(k for k in RECOVERABLE_KINDS if getattr(row, k))
    return Terms(kinds, row.window_from, row.window_days, row.stale_after_days)


def terms_for(session: Session, supplier: str) -> Terms:
    """A supplier's terms as the rules read them (no permission check)."""
    return rule_terms(terms_row(session, supplier))


def packet_profile(session: Session, supplier: str) -> str:
    """The packet layout a supplier asked for; the generic one by default."""
    row = terms_row(session, supplier)
    return row.packet_profile if row is not None else GENERIC_PROFILE


def set_terms_in(uow: UnitOfWork, actor: Actor, terms: TermsInput) -> TermsInput:
    """Record (or change) one supplier's warranty terms."""
    require(actor, Permission.MANAGE_SUPPLIER_TERMS)
    supplier = " ".join(terms.supplier.split())
    if not supplier:
        raise BadInput("Say which supplier the terms are for, as named on its products.")
    unknown = sorted(terms.kinds - set(RECOVERABLE_KINDS))
    if unknown:
        raise BadInput(f"A supplier can pay back {', '.join(RECOVERABLE_KINDS)}; not "
                       f"{', '.join(unknown)}.")
    if terms.window_from not in WINDOW_FROM:
        raise BadInput("The claim window counts from the sale or from the claim: say sale or "
                       "claim.")
    if not 1 <= terms.window_days <= 3650:
        raise BadInput(f"The claim window is {terms.window_days} days; give 1 to 3650 days.")
    if not 1 <= terms.stale_after_days <= 365:
        raise BadInput(f"Stale after {terms.stale_after_days} days is not a waiting time; give 1 "
                       "to 365 days.")
    session = uow.session
    row = terms_row(session, supplier)
    if row is None:
        row = SupplierTerms(supplier=supplier)
        session.add(row)
    for kind in RECOVERABLE_KINDS:
        setattr(row, kind, kind in terms.kinds)
    row.window_from, row.window_days = terms.window_from, terms.window_days
    row.stale_after_days = terms.stale_after_days
    row.packet_profile = terms.packet_profile.strip() or GENERIC_PROFILE
    row.service_centre = terms.service_centre.strip()
    audit.record(session, actor, "supplier_terms.set", "supplier", supplier,
                 {"kinds": sorted(terms.kinds), "window_from": terms.window_from,
                  "window_days": terms.window_days, "stale_after_days": terms.stale_after_days,
                  "packet_profile": row.packet_profile})
    return _input(row)


set_terms = writes(set_terms_in)


def _input(row: SupplierTerms) -> TermsInput:
    return TermsInput(row.supplier, frozenset(k for k in RECOVERABLE_KINDS if getattr(row, k)),
                      row.window_from, row.window_days, row.stale_after_days,
                      row.packet_profile, row.service_centre)


def all_terms_in(uow: UnitOfWork, actor: Actor) -> tuple[TermsInput, ...]:
    """Every supplier's terms on record, by supplier."""
    require(actor, Permission.VIEW_SUPPLIER_TERMS)
    return tuple(_input(r) for r in uow.session.scalars(
        select(SupplierTerms).order_by(SupplierTerms.supplier)))


all_terms = reads(all_terms_in)


def suppliers_in(uow: UnitOfWork, actor: Actor) -> tuple[str, ...]:
    """Every supplier the shop's products name (the brand where a product names none) and every
    supplier with terms on record, once each without regard to case, by name."""
    require(actor, Permission.VIEW_SUPPLIER_TERMS)
    session = uow.session
    names = [supplier.strip() or brand for supplier, brand in session.execute(
        select(Product.supplier, Brand.name).join(Brand, Brand.id == Product.brand_id)
        .distinct())]
    names += list(session.scalars(select(SupplierTerms.supplier)))
    found: dict[str, str] = {}
    for name in names:
        found.setdefault(" ".join(name.split()).casefold(), " ".join(name.split()))
    return tuple(sorted(found.values(), key=str.casefold))


suppliers = reads(suppliers_in)


# The settlement limit a shop may set: nothing (a manager agrees every difference) up to an
# amount no parcel of returns reaches.
MAX_SETTLEMENT_LIMIT_MINOR = 10_000_000


def settlement_limit(session: Session) -> int:
    """How far a brand claim's settlements may end from what was expected before a manager
    must agree (the shop's setting; the rules' default before one is set)."""
    found = session.scalar(select(Shop.settlement_limit_minor).limit(1))
    return DIFFERENCE_LIMIT_MINOR if found is None else int(found)


def settlement_limit_in(uow: UnitOfWork, actor: Actor) -> int:
    """The shop's settlement limit, for settings."""
    require(actor, Permission.VIEW_SUPPLIER_TERMS)
    return settlement_limit(uow.session)


get_settlement_limit = reads(settlement_limit_in)


def set_settlement_limit_in(uow: UnitOfWork, actor: Actor, limit_minor: int) -> int:
    """Set the shop's settlement limit (a shop setting: owners and admins)."""
    require(actor, Permission.MANAGE_SETTINGS)
    session = uow.session
    if not 0 <= limit_minor <= MAX_SETTLEMENT_LIMIT_MINOR:
        money = money_of(session)
        raise BadInput(f"The settlement limit is {money.people(limit_minor)}; give "
                       f"{money.people(0)} to {money.people(MAX_SETTLEMENT_LIMIT_MINOR)}.")
    shop = session.scalars(select(Shop)).one()
    before = shop.settlement_limit_minor
    if before != limit_minor:
        shop.settlement_limit_minor = limit_minor
        audit.record(session, actor, "shop.settlement_limit", "shop", shop.branch_code,
                     {"before": before, "after": limit_minor})
    return limit_minor


set_settlement_limit = writes(set_settlement_limit_in)
