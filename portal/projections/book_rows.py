"""The plain rows a run of events changes in memory (books.Books holds and writes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(slots=True, eq=False)
class Customer:
    """projections.Customer's fields."""

    reference: str
    pk: int | None = None
    name: str = ""
    phone: str = ""
    phone_digits: str = ""
    email: str = ""
    segment: str = ""
    merged_into: str = ""
    seq: int = 0


@dataclass(slots=True, eq=False)
class Product:
    """projections.Product's fields."""

    sku: str
    pk: int | None = None
    name: str = ""
    gtin: str = ""
    brand: str = ""
    category: str = ""
    list_price_minor: int | None = None
    currency: str = ""
    locale: str = ""
    policy_ref: str = ""
    serial_required: bool = True
    described: bool = False
    supplier: str = ""  # who supplies it as the branch writes it; blank: its brand
    seq: int = 0


@dataclass(slots=True, eq=False)
class Warranty:
    """projections.Warranty's fields, its product and customer as rows."""

    code: str
    pk: int | None = None
    serial: str = ""
    # A row this run holds, or the id of one it only read the warranty pointing at.
    product: Product | int | None = None
    customer: Customer | int | None = None
    invoice: str = ""
    status: str = ""
    start_on: date | None = None
    end_on: date | None = None
    void_reason: str = ""
    replaced_by: str = ""
    category: str = ""
    price_minor: int | None = None
    policy_ref: str = ""
    awaits_delivery: bool = False
    delivered_on: date | None = None
    sale_channel: str = ""
    sold_on: date | None = None  # the sale's day (the metrics count activations by it)
    seq: int = 0


@dataclass(slots=True, eq=False)
class Claim:
    """projections.Claim's fields, its warranty and customer as rows."""

    number: str
    pk: int | None = None
    warranty: Warranty | int | None = None
    customer: Customer | int | None = None
    state: str = ""
    outcome: str = ""
    channel: str = ""
    claim_type: str = ""
    fault: str = ""
    serial: str = ""
    opened_at: datetime | None = None
    decision_reason: str = ""
    proof_status: str = ""
    external_ref: str = ""
    owner: str = ""
    backup: str = ""
    # What head office's metric pages read (newer tills; blank or None from older ones).
    opened_by: str = ""
    sku: str = ""
    closed_at: datetime | None = None
    promised_on: date | None = None
    refund_minor: int | None = None
    approver_role: str = ""
    approver_limit_minor: int | None = None
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of a warranty's cover, as the warranty's list holds it."""

    kind: str
    start_on: date
    end_on: date
    plan: str = ""
