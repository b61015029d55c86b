"""What sale planning gives back: the rows ready to insert in bulk, or the problems that stop
the batch, and what each sale created (its warranties and what the till charges for plans)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from warranty_desk.services.outbox import BULK_COLUMNS
from warranty_desk.services.sale_input import Problem


@dataclass(frozen=True, slots=True)
class PlanCharge:
    """An extension plan sold on some units: what the till must charge for it."""

    plan: str
    units: int
    price_minor: int  # per unit

    @property
    def total_minor(self) -> int:
        """What the till charges for this plan on this sale."""
        return self.units * self.price_minor


def plan_charges(sold: Iterable[tuple[str, int]]) -> tuple[PlanCharge, ...]:
    """(plan, unit price) for each unit extended, as one charge per plan and price."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for plan, price in sold:
        counts[(plan, price)] += 1
    return tuple(PlanCharge(plan, n, price) for (plan, price), n in counts.items())


@dataclass(frozen=True, slots=True)
class SaleResult:
    """What an activation created."""

    invoice_number: str
    sale_id: str
    warranty_codes: tuple[str, ...]
    extensions_sold: int
    charges: tuple[PlanCharge, ...] = ()


@dataclass(slots=True)
class Rows:
    """New rows of one table: tuples in `columns` order, every value as SQLite stores it."""

    columns: tuple[str, ...]
    values: list[tuple[Any, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.values)

    def column(self, name: str) -> list[Any]:
        """Every row's value of one column, in row order."""
        at = self.columns.index(name)
        return [row[at] for row in self.values]


def _rows(*columns: str) -> Callable[[], Rows]:
    """An empty Rows of these columns, made anew for each plan."""
    return lambda: Rows(columns)


@dataclass(slots=True)
class Plan:
    """Rows ready to insert, or the problems that stop the whole batch."""

    problems: list[Problem] = field(default_factory=list)
    skipped_invoices: list[str] = field(default_factory=list)
    # Tuples, not dicts: at 100k lines building a dict per row cost more than inserting it.
    sales: Rows = field(default_factory=_rows(
        "id", "invoice_number", "source", "branch_code", "sold_on", "customer_id", "staff_id",
        "created_at"))
    lines: Rows = field(default_factory=_rows(
        "id", "sale_id", "line_no", "product_id", "quantity", "unit_price_minor"))
    warranties: Rows = field(default_factory=_rows(
        "id", "code", "invoice_line_id", "product_id", "customer_id", "serial", "start_on",
        "end_on", "status", "created_at", "awaits_delivery"))
    layers: Rows = field(default_factory=_rows(
        "warranty_id", "kind", "start_on", "end_on", "extension_plan_id", "price_minor"))
    offers: Rows = field(default_factory=_rows(
        "id", "warranty_id", "plan_id", "accepted", "staff_id", "at"))
    customers: Rows = field(default_factory=_rows(
        "id", "reference", "name", "phone", "email", "segment", "retention_follow_up",
        "created_at"))
    events: Rows = field(default_factory=_rows(*BULK_COLUMNS))
    results: list[SaleResult] = field(default_factory=list)
    # Customers (id as stored) who agreed to reminders at one of these sales.
    consents: list[Any] = field(default_factory=list)
