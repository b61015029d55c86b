"""How each event topic changes the read models; topics not listed here are stored only.

Every handler is idempotent (an event applied twice changes nothing) and keeps a record's
fields at its newest event by the till's seq, so replaying gives the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

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

Handler = Callable[[Event], None]
HANDLERS: dict[str, Handler] = {}


def handles(*topics: str) -> Callable[[Handler], Handler]:
    """Register a handler for these topics."""
    def register(handler: Handler) -> Handler:
        for topic in topics:
            HANDLERS[topic] = handler
        return handler
    return register


def _text(value: object, limit: int = 200) -> str:
    return "" if value is None else str(value)[:limit]


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _instant(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _payload(event: Event) -> dict[str, Any]:
    if not isinstance(event.payload, dict):
        raise TypeError("the event's payload is not an object")
    return event.payload


def customer_of(branch_id: int, reference: object) -> Customer | None:
    """The branch's customer by reference, created bare if its own event is still to come."""
    if not reference:
        return None
    found, _ = Customer.objects.get_or_create(branch_id=branch_id, reference=_text(reference, 64))
    return found


def product_of(branch_id: int, sku: object, name: object = None) -> Product | None:
    """The branch's product by SKU, named when an event names it."""
    if not sku:
        return None
    found, _ = Product.objects.get_or_create(branch_id=branch_id, sku=_text(sku, 64))
    if name and found.name != _text(name):
        found.name = _text(name)
        found.save(update_fields=["name"])
    return found


def warranty_of(branch_id: int, code: object) -> Warranty:
    """The warranty by code, created bare if its activation is still to come."""
    found, _ = Warranty.objects.get_or_create(branch_id=branch_id, code=_text(code, 64),
                                              defaults={"status": ""})
    return found


def claim_of(branch_id: int, number: object) -> Claim:
    """The claim by number, created bare if its opening is still to come."""
    found, _ = Claim.objects.get_or_create(branch_id=branch_id, number=_text(number, 64))
    return found


# -- customers and products ----------------------------------------------------------------


@handles("customer.created", "customer.updated")
def customer(event: Event) -> None:
    """A customer's details as the branch last wrote them."""
    p = _payload(event)
    row = customer_of(event.branch_id, p.get("reference") or event.aggregate_id)
    if row is None or event.seq < row.seq:
        return
    for field, limit in (("name", 200), ("phone", 64), ("email", 254), ("segment", 40)):
        if field in p:
            setattr(row, field, _text(p[field], limit))
    row.phone_digits = "".join(c for c in row.phone if c.isdigit())
    row.seq = event.seq
    row.save()


@handles("catalogue.products_added")
def products_added(event: Event) -> None:
    """New SKUs in a branch's catalogue (named by the first warranty that sells them)."""
    for sku in _payload(event).get("skus") or []:
        product_of(event.branch_id, sku)


# -- warranties ----------------------------------------------------------------------------


@handles("warranty.activated")
def activated(event: Event) -> None:
    """A sold unit's cover with its layers."""
    p = _payload(event)
    row = warranty_of(event.branch_id, p.get("code") or event.aggregate_id)
    if event.seq < row.seq:
        return
    row.serial = _text(p.get("serial"), 100)
    row.product = product_of(event.branch_id, p.get("sku"), p.get("product"))
    row.customer = customer_of(event.branch_id, p.get("customer"))
    row.invoice = _text(p.get("invoice"), 64)
    row.status = _text(p.get("status") or "active", 20)
    row.start_on, row.end_on = _day(p.get("start")), _day(p.get("end"))
    row.seq = event.seq
    row.save()
    row.layers.all().delete()
    WarrantyLayer.objects.bulk_create(
        WarrantyLayer(warranty=row, position=i, kind=_text(layer["kind"], 20),
                      start_on=date.fromisoformat(layer["start"]),
                      end_on=date.fromisoformat(layer["end"]))
        for i, layer in enumerate(p.get("layers") or []))


@handles("warranty.extended")
def extended(event: Event) -> None:
    """A paid extension: a layer from the day after the cover ended to the new end."""
    p = _payload(event)
    row = warranty_of(event.branch_id, p.get("code") or event.aggregate_id)
    if event.seq <= row.seq:  # adds a layer: applied once even if replayed over itself
        return
    end = _day(p.get("end"))
    if end is None:
        raise ValueError("the extension names no end date")
    start = row.end_on + timedelta(days=1) if row.end_on else end
    WarrantyLayer.objects.create(warranty=row, position=row.layers.count(), kind="extension",
                                 start_on=start, end_on=end, plan=_text(p.get("plan"), 120))
    row.end_on, row.seq = end, event.seq
    row.save()


@handles("warranty.voided")
def voided(event: Event) -> None:
    """A warranty made void."""
    p = _payload(event)
    row = warranty_of(event.branch_id, p.get("code") or event.aggregate_id)
    if event.seq >= row.seq:
        row.status, row.seq = "void", event.seq
        row.void_reason = _text(p.get("reason"), 2000)
        row.save()


@handles("warranty.serial_registered")
def serial_registered(event: Event) -> None:
    """A serial recorded after the sale."""
    p = _payload(event)
    row = warranty_of(event.branch_id, p.get("code") or event.aggregate_id)
    if event.seq >= row.seq:
        row.serial, row.seq = _text(p.get("serial"), 100), event.seq
        row.save()


@handles("warranty.replaced")
def replaced(event: Event) -> None:
    """A replacement unit: the old cover ends, the new unit gets its own."""
    p = _payload(event)
    old = warranty_of(event.branch_id, p.get("old") or event.aggregate_id)
    if event.seq >= old.seq:
        old.status, old.seq = "replaced", event.seq
        old.replaced_by = _text(p["new"], 64)
        old.save()
    new = warranty_of(event.branch_id, p["new"])
    if event.seq >= new.seq:
        new.serial, new.end_on = _text(p.get("serial"), 100), _day(p.get("end"))
        new.product, new.customer = old.product, old.customer
        new.status, new.invoice, new.seq = "active", old.invoice, event.seq
        new.save()


# -- claims and messages -------------------------------------------------------------------


def _timeline(claim: Claim, event: Event, **fields: str) -> None:
    ClaimEvent.objects.get_or_create(event_id=event.id, defaults={
        "claim": claim, "seq": event.seq, "occurred_at": event.occurred_at,
        "topic": event.topic, "details": event.payload, **fields})


@handles("claim.opened", "claim.status_changed", "claim.decided", "claim.proof_checked")
def claim_state(event: Event) -> None:
    """A claim's state, outcome and details as of its newest event, and a timeline line."""
    p = _payload(event)
    row = claim_of(event.branch_id, p.get("number") or event.aggregate_id)
    if event.seq >= row.seq:
        for field, limit in (("state", 20), ("outcome", 20), ("channel", 20),
                             ("claim_type", 40), ("serial", 100)):
            if field in p:
                setattr(row, field, _text(p[field], limit))
        if "fault" in p:
            row.fault = _text(p["fault"], 10_000)
        if p.get("opened_at"):
            row.opened_at = _instant(p["opened_at"])
        if "customer" in p:
            row.customer = customer_of(event.branch_id, p["customer"])
        if p.get("warranty"):
            row.warranty = warranty_of(event.branch_id, p["warranty"])
        if event.topic == "claim.decided":
            row.decision_reason = _text(p.get("reason"), 10_000)
        if "proof_status" in p:
            row.proof_status = _text(p["proof_status"], 20)
        row.seq = event.seq
        row.save()
    if event.topic == "claim.opened" and p.get("proof"):
        ClaimDocument.objects.get_or_create(claim=row, sha256=_text(p["proof"], 64),
                                            kind="proof_of_purchase")
    _timeline(row, event, from_state=_text(p.get("from_state"), 20),
              to_state=_text(p.get("state"), 20))


@handles("claim.evidence_added")
def evidence_added(event: Event) -> None:
    """A document attached to a claim."""
    p = _payload(event)
    row = claim_of(event.branch_id, p.get("number") or event.aggregate_id)
    ClaimDocument.objects.get_or_create(
        claim=row, sha256=_text(p["sha256"], 64), kind=_text(p.get("kind"), 40),
        defaults={"media_type": _text(p.get("media_type"), 100),
                  "size": int(p.get("size") or 0)})
    _timeline(row, event)


@handles("claim.cost_posted", "claim.replacement_handed_over", "stock.moved")
def claim_timeline(event: Event) -> None:
    """Costs, hand-overs and stock movements: lines of the claim's timeline."""
    row = claim_of(event.branch_id, _payload(event).get("number") or event.aggregate_id)
    _timeline(row, event)


@handles("message.queued")
def message_queued(event: Event) -> None:
    """A message to a customer, on the claim's timeline too."""
    p = _payload(event)
    claim = claim_of(event.branch_id, p["claim"]) if p.get("claim") else None
    Message.objects.get_or_create(branch_id=event.branch_id,
                                  message_id=_text(p.get("id") or event.aggregate_id, 64),
                                  defaults={
        "claim": claim, "customer": customer_of(event.branch_id, p.get("customer")),
        "template": _text(p.get("template"), 80), "subject": _text(p.get("subject"), 300),
        "body": _text(p.get("body"), 20_000), "queued_at": event.occurred_at})
    if claim is not None:
        _timeline(claim, event)
