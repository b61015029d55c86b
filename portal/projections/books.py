"""One branch's read-model rows that a run of its events touches, held in memory until flushed.

The projector loads every row a run of events names in one query per table, the handlers
change them here, and `flush` writes what changed in a few set-wise statements (upserts on the
natural keys, layers replaced per warranty, timeline lines and documents inserted once). A run
that fails is thrown away whole: nothing here is written until `flush`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import models

from portal.projections.models import (
    Claim,
    ClaimDocument,
    ClaimEvent,
    Customer,
    Message,
    Product,
    Warranty,
    WarrantyLayer,
)
from portal.receiver.models import Event

M = TypeVar("M", bound=models.Model)


def text(value: object, limit: int = 200) -> str:
    """A field's text as the read models keep it: cut to the column's length."""
    return "" if value is None else str(value)[:limit]


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of a warranty's cover, as the warranty's list holds it."""

    kind: str
    start_on: date
    end_on: date
    plan: str = ""


@dataclass(frozen=True, slots=True)
class _Document:
    claim: Claim
    sha256: str
    kind: str
    media_type: str
    size: int


_CUSTOMER_FIELDS = ["name", "phone", "phone_digits", "email", "segment", "seq"]
_PRODUCT_FIELDS = ["name"]
_WARRANTY_FIELDS = ["serial", "product", "customer", "invoice", "status", "start_on", "end_on",
                    "void_reason", "replaced_by", "seq"]
_CLAIM_FIELDS = ["warranty", "customer", "state", "outcome", "channel", "claim_type", "fault",
                 "serial", "opened_at", "decision_reason", "proof_status", "seq"]


class _Table:
    """The rows of one read model by natural key: loaded, looked up once, or made here."""

    def __init__(self, model: type[models.Model], key: str, branch_id: int) -> None:
        self.model, self.key, self.branch_id = model, key, branch_id
        self.rows: dict[str, Any] = {}
        self.absent: set[str] = set()
        self.changed: dict[str, Any] = {}

    def load(self, keys: set[str]) -> None:
        wanted = keys - self.rows.keys() - self.absent
        if not wanted:
            return
        found = self.model._default_manager.filter(
            branch_id=self.branch_id, **{f"{self.key}__in": wanted})
        for row in found:
            self.rows[getattr(row, self.key)] = row
        self.absent |= wanted - self.rows.keys()

    def get(self, key: str, **bare: Any) -> Any:
        if key not in self.rows:
            self.load({key})
        if key not in self.rows:
            row = self.model(branch_id=self.branch_id, **{self.key: key}, **bare)
            self.rows[key] = self.changed[key] = row
        return self.rows[key]

    def touch(self, row: Any) -> None:
        self.changed[getattr(row, self.key)] = row

    def flush(self, fields: list[str]) -> None:
        if self.changed:
            self.model._default_manager.bulk_create(
                list(self.changed.values()), update_conflicts=True,
                unique_fields=["branch", self.key], update_fields=fields)
            self.changed.clear()


class Books:
    """The rows one branch's run of events reads and changes."""

    def __init__(self, branch_id: int) -> None:
        self.branch_id = branch_id
        self._customers = _Table(Customer, "reference", branch_id)
        self._products = _Table(Product, "sku", branch_id)
        self._warranties = _Table(Warranty, "code", branch_id)
        self._claims = _Table(Claim, "number", branch_id)
        self._layers: dict[str, list[Layer]] = {}
        self._relayered: dict[str, Warranty] = {}
        self._documents: dict[tuple[str, str, str], _Document] = {}
        self._timeline: dict[str, ClaimEvent] = {}
        self._messages: dict[str, Message] = {}

    # -- loading ----------------------------------------------------------------------------

    def load(self, events: Iterable[Event]) -> None:
        """Read every row these events name, one query per table."""
        keys: dict[str, set[str]] = {"customer": set(), "product": set(), "warranty": set(),
                                     "claim": set()}
        fields = {"customer": ("reference", "customer"), "product": ("sku",),
                  "warranty": ("code", "warranty", "old", "new"), "claim": ("number", "claim")}
        for event in events:
            payload = event.payload if isinstance(event.payload, dict) else {}
            for kind, names in fields.items():
                keys[kind].update(text(payload[n], 64) for n in names if payload.get(n))
            if event.aggregate in keys and event.aggregate_id:
                keys[event.aggregate].add(text(event.aggregate_id, 64))
            skus = payload.get("skus")
            if isinstance(skus, list):
                keys["product"].update(text(s, 64) for s in skus if s)
        self._customers.load(keys["customer"])
        self._products.load(keys["product"])
        self._warranties.load(keys["warranty"])
        self._claims.load(keys["claim"])

    # -- rows by key, made bare when their own event is still to come ------------------------

    def customer(self, reference: object) -> Customer | None:
        """The branch's customer by reference, or None when there is no reference."""
        if not reference:
            return None
        found: Customer = self._customers.get(text(reference, 64))
        return found

    def product(self, sku: object, name: object = None) -> Product | None:
        """The branch's product by SKU, named when an event names it."""
        if not sku:
            return None
        found: Product = self._products.get(text(sku, 64))
        if name and found.name != text(name):
            found.name = text(name)
            self._products.touch(found)
        return found

    def warranty(self, code: object) -> Warranty:
        """The warranty by code."""
        found: Warranty = self._warranties.get(text(code, 64), status="")
        return found

    def claim(self, number: object) -> Claim:
        """The claim by number."""
        found: Claim = self._claims.get(text(number, 64))
        return found

    def changed(self, row: Customer | Warranty | Claim) -> None:
        """A row whose fields a handler set."""
        table = {Customer: self._customers, Warranty: self._warranties,
                 Claim: self._claims}[type(row)]
        table.touch(row)

    # -- what hangs off the rows -------------------------------------------------------------

    def layers(self, warranty: Warranty) -> list[Layer]:
        """The warranty's layers in order (read once from the database)."""
        if warranty.code not in self._layers:
            self._layers[warranty.code] = [] if warranty.pk is None else [
                Layer(row.kind, row.start_on, row.end_on, row.plan)
                for row in WarrantyLayer.objects.filter(warranty_id=warranty.pk)
                .order_by("position")]
        return list(self._layers[warranty.code])

    def set_layers(self, warranty: Warranty, layers: list[Layer]) -> None:
        """Replace the warranty's layers."""
        self._layers[warranty.code] = layers
        self._relayered[warranty.code] = warranty

    def document(self, claim: Claim, sha256: str, kind: str, *, media_type: str = "",
                 size: int = 0) -> None:
        """A document the claim carries; the first word on it stands."""
        self._documents.setdefault((claim.number, sha256, kind),
                                   _Document(claim, sha256, kind, media_type, size))

    def timeline(self, claim: Claim, event: Event, from_state: str = "",
                 to_state: str = "") -> None:
        """The event's line on the claim's timeline (once, by the event's id)."""
        self._timeline.setdefault(str(event.id), ClaimEvent(
            claim=claim, event_id=event.id, seq=event.seq, occurred_at=event.occurred_at,
            topic=event.topic, details=event.payload, from_state=from_state, to_state=to_state))

    def message(self, message_id: str, **fields: Any) -> None:
        """A message queued for a customer; the first word on it stands."""
        if message_id not in self._messages:
            self._messages[message_id] = Message(branch_id=self.branch_id,
                                                 message_id=message_id, **fields)

    # -- writing ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Write every change: parents before the rows that point at them."""
        relayered_before = [w.pk for w in self._relayered.values() if w.pk is not None]
        self._customers.flush(_CUSTOMER_FIELDS)
        self._products.flush(_PRODUCT_FIELDS)
        self._warranties.flush(_WARRANTY_FIELDS)
        self._claims.flush(_CLAIM_FIELDS)
        if relayered_before:
            WarrantyLayer.objects.filter(warranty_id__in=relayered_before).delete()
        WarrantyLayer.objects.bulk_create(
            WarrantyLayer(warranty=warranty, position=i, kind=layer.kind,
                          start_on=layer.start_on, end_on=layer.end_on, plan=layer.plan)
            for code, warranty in self._relayered.items()
            for i, layer in enumerate(self._layers[code]))
        ClaimDocument.objects.bulk_create(
            [ClaimDocument(claim=d.claim, sha256=d.sha256, kind=d.kind,
                           media_type=d.media_type, size=d.size)
             for d in self._documents.values()], ignore_conflicts=True)
        ClaimEvent.objects.bulk_create(list(self._timeline.values()), ignore_conflicts=True)
        Message.objects.bulk_create(list(self._messages.values()), ignore_conflicts=True)


def day(value: object) -> date | None:
    """A date field of a payload."""
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def instant(value: object) -> datetime | None:
    """An instant field of a payload."""
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None
