"""Small frozen views that cross from services to the screens, printers and JSON output."""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class LayerView:
    """One span of cover."""

    kind: str
    start_on: date
    end_on: date
    plan: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimBrief:
    """An earlier or open claim on a unit."""

    number: str
    state: str
    outcome: str | None
    opened_on: date
    fault: str
    channel: str


@dataclass(frozen=True, slots=True)
class ExtensionOfferView:
    """A paid extension this unit can still buy."""

    plan: str
    months: int
    price_minor: int
    reason: str


@dataclass(frozen=True, slots=True)
class WarrantyVerdict:
    """Everything the counter needs to answer "is this covered?" for one unit."""

    verdict: str
    headline: str
    detail: str
    warranty_code: str
    serial: str | None
    product_name: str
    sku: str
    brand: str
    category: str
    customer_name: str | None
    customer_phone: str | None
    customer_reference: str | None
    invoice_number: str
    sold_on: date
    start_on: date
    end_on: date
    layer: str | None
    days_left: int | None
    expired_since: date | None
    void_reason: str | None
    terms: str
    exclusions: tuple[str, ...]
    layers: tuple[LayerView, ...]
    claims: tuple[ClaimBrief, ...]
    open_claim: str | None
    extension_offers: tuple[ExtensionOfferView, ...]


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    """A claim a scan or search names: enough to tell it from the others and open it."""

    number: str
    state: str
    product: str
    customer_name: str | None
    customer_phone: str | None
    opened_on: date


@dataclass(frozen=True, slots=True)
class LookupResult:
    """The answer to one scan or typed search."""

    query: str
    scan_kind: str
    outcome: str  # found | several | not_found (of the units; claims are listed apart)
    message: str
    matches: tuple[WarrantyVerdict, ...]
    problem: str | None = None
    # Claims the query names: a claim number (a scanned ticket) or its last digits.
    claims: tuple[ClaimMatch, ...] = ()


def to_jsonable(value: Any) -> Any:
    """Views to plain JSON types: dates as ISO text, enums as their values, ids as hex."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    return value
