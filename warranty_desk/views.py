"""Small frozen views that cross from services to the screens, printers and JSON output."""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from warranty_desk.money import MoneyFormat
    from warranty_desk.rules.product_cover import ProductCover


class LayerView(NamedTuple):
    """One span of cover (a named tuple, as WarrantyVerdict, for the same reason: a lookup
    makes one or two per unit found)."""

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
    # Who started it online, when that was given beside the warranty's holder.
    claimant_name: str | None = None
    claimant_phone: str | None = None


@dataclass(frozen=True, slots=True)
class ExtensionOfferView:
    """A paid extension this unit can still buy."""

    plan: str
    months: int
    price_minor: int
    reason: str


class WarrantyVerdict(NamedTuple):
    """Everything the counter needs to answer "is this covered?" for one unit.

    A named tuple, not a frozen dataclass like the other views: a busy phone number finds
    fifty units, and a frozen dataclass of this many fields took 5 us to make (each field set
    through object.__setattr__), a third of each unit's share of the lookup; a tuple takes 1.
    """

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
    # Sold online, cover starts on delivery, not delivered: start_on, end_on and the layers'
    # dates are only the terms planned from the order date and must not be shown as cover.
    awaits_delivery: bool = False


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    """A claim a scan or search names: enough to tell it from the others and open it."""

    number: str
    state: str
    product: str
    customer_name: str | None
    customer_phone: str | None
    opened_on: date
    # Who started it online, when that was given beside the warranty's holder.
    claimant_name: str | None = None
    claimant_phone: str | None = None


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
    # A scanned product barcode (no serial): the product and the cover it comes with.
    product: ProductCoverView | None = None


@dataclass(frozen=True, slots=True)
class ProductCoverView:
    """A catalogue product and the cover it comes with (the wording head office shows too)."""

    sku: str
    gtin: str | None
    name: str
    brand: str
    category: str
    list_price_minor: int
    cover: ProductCover


# Views name amounts in minor units `<name>_minor`; JSON carries them as `<name>_major`.
MINOR, MAJOR = "_minor", "_major"


def to_jsonable(value: Any, *, money: MoneyFormat | None = None) -> Any:
    """Views to plain JSON types: dates as ISO text, enums as their values, ids as hex.

    An amount field `price_minor` leaves as `price_major`, plain decimal text in the shop's
    major units ("799.00"), written by `money`; a view with amounts needs it.
    """
    names = _field_names(value)
    if names is not None:
        out = {}
        for name in names:
            item = getattr(value, name)
            if name.endswith(MINOR) and (item is None or isinstance(item, int)):
                if money is None:
                    raise ValueError(f"{type(value).__name__}.{name} is an amount; pass the "
                                     "shop's money format so it leaves in major units")
                out[name[:-len(MINOR)] + MAJOR] = None if item is None else money.plain(item)
            else:
                out[name] = to_jsonable(item, money=money)
        return out
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, money=money) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v, money=money) for v in value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, money=money) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _field_names(value: Any) -> tuple[str, ...] | None:
    """A view's field names: a dataclass's, or a named tuple's (WarrantyVerdict); None for
    anything else."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(f.name for f in dataclasses.fields(value))
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return tuple(value._fields)
    return None
