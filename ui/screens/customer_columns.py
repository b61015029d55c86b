"""The customer screen's tables: purchases with their cover, claims, and the consent words."""

from __future__ import annotations

from ui.models.record_table import Column
from ui.widgets.verdict_card import SYMBOLS
from warranty_desk.services.customer_view import ClaimLine, CustomerProfile
from warranty_desk.views import WarrantyVerdict


def consent_words(p: CustomerProfile) -> str:
    """When the customer agreed to reminders, or withdrew; nothing if they never agreed."""
    if p.reminders_agreed and p.reminders_agreed_at is not None:
        return f"agreed on {p.reminders_agreed_at.date().isoformat()}"
    if p.reminders_withdrawn_at is not None:
        return f"withdrawn on {p.reminders_withdrawn_at.date().isoformat()}"
    return "not agreed"


def _words(state: str | None) -> str:
    return (state or "").replace("_", " ")


PURCHASE_COLUMNS: tuple[Column[WarrantyVerdict], ...] = (
    Column("Cover", lambda v: f"{SYMBOLS.get(v.verdict, '')}  {v.headline}"),
    Column("Product", lambda v: v.product_name),
    Column("Serial", lambda v: v.serial or ""),
    Column("Warranty", lambda v: v.warranty_code),
    Column("Sold", lambda v: str(v.sold_on)),
    Column("Until", lambda v: str(v.end_on)),
    Column("Open claim", lambda v: v.open_claim or ""),
)
CLAIM_COLUMNS: tuple[Column[ClaimLine], ...] = (
    Column("Claim", lambda c: c.number),
    Column("Opened", lambda c: str(c.opened_on)),
    Column("Product", lambda c: c.product_name),
    Column("Serial", lambda c: c.serial or ""),
    Column("State", lambda c: _words(c.state)),
    Column("Outcome", lambda c: _words(c.outcome)),
    Column("Fault", lambda c: c.fault),
)
