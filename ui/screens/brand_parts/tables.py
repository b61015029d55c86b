"""The brand claims screen's tables: brand claims, one brand claim's units, its status history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ui.models.record_table import Column, RecordTableModel
from warranty_desk.money import MoneyFormat
from warranty_desk.services.brand_claim_views import (
    BrandClaimLine,
    BrandClaimRow,
    StatusUpdateView,
)

_SOURCES = {"desk": "typed at the desk", "csv": "service centre file",
            "head_office": "head office"}


def list_model(money: Callable[[], MoneyFormat]) -> RecordTableModel[BrandClaimRow]:
    """Brand claims, stale first, keyed by number."""
    return RecordTableModel((
        Column("Brand claim", lambda r: r.number),
        Column("Supplier", lambda r: r.supplier),
        Column("Status", lambda r: r.status.replace("_", " ")),
        Column("Claims", lambda r: str(r.claims), numeric=True),
        Column("Expected", lambda r: money().people(r.expected_minor), numeric=True),
        Column("Settled", lambda r: money().people(r.settled_minor), numeric=True),
        Column("Without news", lambda r: (f"{r.age_days} days  ⚠ STALE" if r.stale
                                          else f"{r.age_days} days")),
    ), key=lambda r: r.number)


def lines_model(money: Callable[[], MoneyFormat]) -> RecordTableModel[BrandClaimLine]:
    """One brand claim's claims and units."""
    return RecordTableModel((
        Column("Claim", lambda ln: ln.claim_number),
        Column("Serial", lambda ln: ln.serial or "not recorded"),
        Column("Product", lambda ln: ln.product),
        # Short headers: at 1024 px the reasons under them need the room ("Unit is: in returns
        # stock", "Not claimed: outside the supplier's terms").
        Column("Unit is", lambda ln: ln.place),
        Column("Expected", lambda ln: money().people(ln.expected_minor), numeric=True),
        Column("Not claimed", lambda ln: ln.not_recoverable or ""),
    ), key=lambda ln: ln.claim_number)


def updates_model(when: Callable[[datetime], str]) -> RecordTableModel[StatusUpdateView]:
    """Every status the brand gave, oldest first."""
    return RecordTableModel((
        Column("When", lambda u: when(u.at)),
        # A line that moved no status is the brand's word beside it (a settlement proposal).
        Column("Status", lambda u: (f"{u.status} (unchanged)" if u.from_status == u.status
                                    else f"{u.from_status} → {u.status}").replace("_", " ")),
        Column("Entered by", lambda u: u.entered_by),
        Column("From", lambda u: _SOURCES.get(u.source, u.source)
               + (f" ({u.origin})" if u.origin else "")),
        Column("Note", lambda u: u.note),
    ))
