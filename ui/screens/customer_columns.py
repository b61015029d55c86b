"""The customer screen's tables as columns (purchases, claims, messages), and its facts in words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtWidgets import QTableView

from ui.models.record_table import Column
from ui.widgets.column_fit import fit_width
from ui.widgets.verdict_card import SYMBOLS
from warranty_desk.services.customer_view import ClaimLine, CustomerProfile, MessageLine
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


def message_columns(when: Callable[[datetime], str]) -> tuple[Column[MessageLine], ...]:
    """The Messages tab's columns, times on the shop's clock."""
    return (
        Column("Date", lambda m: when(m.created_at)),
        Column("Subject", lambda m: m.subject),
        Column("Claim", lambda m: m.claim_number or ""),
        Column("Delivery", lambda m: m.delivery or m.state),
        Column("Direction", lambda m: m.direction),
    )


def shop_message(row: int, lines: Sequence[MessageLine]) -> MessageLine | None:
    """The shop's message on this row, the one a letter can be printed of; None for the
    customer's own messages or no row."""
    picked = lines[row] if 0 <= row < len(lines) else None
    return picked if picked is not None and picked.id and picked.direction == "outbound" else None


def fit_tables(purchases: QTableView, claims: QTableView, messages: QTableView) -> None:
    """What gives way when the tables are too narrow for every column (ui.widgets.column_fit).

    Codes are matched whole. In purchases the day of sale steps aside for "Until", then the
    warranty code (on the slip in the customer's hand, and on the certificate the tab prints),
    then the end of cover when the list of customers found is beside it (the cover column says
    whether it is over).
    """
    fit_width(purchases, spare=("Sold", "Warranty", "Until"), cut=("Product",))
    fit_width(claims, spare=("Opened", "Outcome"), cut=("Fault", "Product"))
    fit_width(messages, cut=("Subject", "Delivery"))
