"""Suppliers' warranty terms: what each pays back, for how long, and when its claims go stale."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput
from warranty_desk.models import SupplierTerms
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.recovery import RECOVERABLE_KINDS, WINDOW_FROM, Terms
from warranty_desk.services import audit
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
    require(actor, Permission.VIEW_BRAND_CLAIMS)
    return tuple(_input(r) for r in uow.session.scalars(
        select(SupplierTerms).order_by(SupplierTerms.supplier)))


all_terms = reads(all_terms_in)
