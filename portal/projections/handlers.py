"""How each event topic changes the read models; topics not listed here are stored only.

A handler changes a branch's rows in memory (books.Books), which the projector writes once for
a whole run of events. Every handler is idempotent (an event applied twice changes nothing)
and keeps a record's fields at its newest event by the till's seq, so replaying gives the
same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.branches.models import Branch
from portal.projections.book_rows import Claim, Layer
from portal.projections.books import Books, day, instant, text
from portal.projections.books import StoredEvent as Event
from portal.projections.models import (
    BrandClaim,
    BrandClaimLine,
    ExtensionPlan,
    Policy,
    RefusedItem,
)
from warranty_desk.rules.claim_states import OPEN_STATES

Handler = Callable[[Books, Event], None]
HANDLERS: dict[str, Handler] = {}


def handles(*topics: str) -> Callable[[Handler], Handler]:
    """Register a handler for these topics."""
    def register(handler: Handler) -> Handler:
        for topic in topics:
            HANDLERS[topic] = handler
        return handler
    return register


def _payload(event: Event) -> dict[str, Any]:
    if not isinstance(event.payload, dict):
        raise TypeError("the event's payload is not an object")
    return event.payload


# -- the shop ----------------------------------------------------------------------------


@handles("shop.updated")
def shop_updated(books: Books, event: Event) -> None:
    """The till's time zone, when the change names one: head office counts the branch's days
    in it. A name this portal does not know is left out (the days stay as they were)."""
    name = _payload(event).get("timezone")
    if not isinstance(name, str) or not name.strip():
        return
    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return
    Branch.objects.filter(pk=books.branch_id, time_zone_seq__lte=event.seq).update(
        time_zone=name.strip()[:64], time_zone_seq=event.seq)


# -- customers and products ----------------------------------------------------------------


@handles("customer.created", "customer.updated")
def customer(books: Books, event: Event) -> None:
    """A customer's details as the branch last wrote them; a merge of duplicates (the pair's
    two events, `merged_into` on the dropped one and `merged_from` on the kept one) moves
    everything the dropped one held to the kept one, whatever came first."""
    p = _payload(event)
    row = books.customer(p.get("reference") or event.aggregate_id)
    if row is None:
        return
    into, source = books.customer(p.get("merged_into")), books.customer(p.get("merged_from"))
    if into is not None:
        books.merge(row, into)
    if source is not None:
        books.merge(source, row)
    if event.seq < row.seq:
        return
    for field, limit in (("name", 200), ("phone", 64), ("email", 254), ("segment", 40)):
        if field in p:
            setattr(row, field, text(p[field], limit))
    row.phone_digits = "".join(c for c in row.phone if c.isdigit())
    row.seq = event.seq
    books.changed(row)


@handles("customer.erased")
def erased(books: Books, event: Event) -> None:
    """The branch erased the customer's personal data: their row names the pseudonym only
    (the receiver scrubbed the stored events and the rows already; a rebuild lands here)."""
    p = _payload(event)
    row = books.customer(p.get("reference") or event.aggregate_id)
    if row is None:
        return
    row.name = text(p.get("pseudonym"), 200)
    row.phone = row.phone_digits = row.email = ""
    row.seq = max(row.seq, event.seq)
    books.changed(row)


@handles("catalogue.products_added")
def products_added(books: Books, event: Event) -> None:
    """New SKUs in a branch's catalogue, with what the public product page shows of each
    when the till sent it (older tills send the SKUs alone: the first warranty names them)."""
    p = _payload(event)
    for sku in p.get("skus") or []:
        books.product(sku)
    for item in p.get("products") or []:
        row = books.product(item["sku"], item.get("name"))
        if row is None or event.seq < row.seq:
            continue
        price = item.get("list_price_minor")
        row.gtin, row.brand = text(item.get("gtin"), 14), text(item.get("brand"), 200)
        row.category = text(item.get("category"), 100)
        row.list_price_minor = price if isinstance(price, int) else None
        row.currency, row.locale = text(p.get("currency"), 3), text(p.get("locale"), 20)
        row.policy_ref = text(item.get("policy_ref"), 64)
        row.serial_required = bool(item.get("serial_required", True))
        row.supplier = text(item.get("supplier"), 200)
        row.described, row.seq = True, event.seq
        books.changed(row)


# -- warranties ----------------------------------------------------------------------------


@handles("warranty.activated")
def activated(books: Books, event: Event) -> None:
    """A sold unit's cover with its layers."""
    p = _payload(event)
    row = books.warranty(p.get("code") or event.aggregate_id)
    if event.seq < row.seq:
        return
    row.serial = text(p.get("serial"), 100)
    row.product = books.product(p.get("sku"), p.get("product"))
    row.customer = books.holder(p.get("customer"))
    row.invoice = text(p.get("invoice"), 64)
    row.status = text(p.get("status") or "active", 20)
    row.start_on, row.end_on = day(p.get("start")), day(p.get("end"))
    row.category = text(p.get("category"), 100)
    row.price_minor = p["price_minor"] if isinstance(p.get("price_minor"), int) else None
    row.policy_ref = text(p.get("policy_ref"), 64)
    # Optional: older tills never send it, and their cover runs from "start".
    row.awaits_delivery = p.get("cover_from") == "delivery" and row.delivered_on is None
    row.sale_channel = text(p.get("channel"), 20)
    # The sale's day: the cover is laid from it at activation (even one waiting for delivery).
    row.sold_on = day(p.get("start"))
    row.seq = event.seq
    books.changed(row)
    books.set_layers(row, _layers(p))


def _layers(p: dict[str, Any]) -> list[Layer]:
    return [Layer(text(layer["kind"], 20), date.fromisoformat(layer["start"]),
                  date.fromisoformat(layer["end"])) for layer in p.get("layers") or []]


@handles("warranty.delivered")
def delivered(books: Books, event: Event) -> None:
    """A unit that waited for delivery arrived: its cover starts that day, laid by the till."""
    p = _payload(event)
    row = books.warranty(p.get("code") or event.aggregate_id)
    if event.seq < row.seq:
        return
    row.delivered_on = day(p.get("delivered_on"))
    row.awaits_delivery = False
    row.start_on, row.end_on = day(p.get("start")), day(p.get("end"))
    row.seq = event.seq
    books.changed(row)
    books.set_layers(row, _layers(p))


@handles("warranty.extended")
def extended(books: Books, event: Event) -> None:
    """A paid extension: a layer from the day after the cover ended to the new end."""
    p = _payload(event)
    row = books.warranty(p.get("code") or event.aggregate_id)
    if event.seq <= row.seq:  # adds a layer: applied once even if replayed over itself
        return
    end = day(p.get("end"))
    if end is None:
        raise ValueError("the extension names no end date")
    start = row.end_on + timedelta(days=1) if row.end_on else end
    books.set_layers(row, [*books.layers(row),
                           Layer("extension", start, end, text(p.get("plan"), 120))])
    row.end_on, row.seq = end, event.seq
    books.changed(row)


@handles("catalogue.plan_updated")
def plan_updated(books: Books, event: Event) -> None:
    """A paid extension plan's terms as the branch last wrote them (plans change rarely: the
    row is written at once). Events before tills sent the terms carry only name and active."""
    p = _payload(event)
    code = text(p.get("code") or event.aggregate_id, 64)
    found = ExtensionPlan.objects.filter(branch_id=books.branch_id, code=code).first()
    if found is not None and event.seq < found.seq:
        return
    if "months" not in p:
        if found is not None:
            found.active, found.seq = bool(p.get("active", found.active)), event.seq
            found.save(update_fields=["active", "seq"])
        return
    maximum = p.get("max_price_minor")
    ExtensionPlan.objects.update_or_create(branch_id=books.branch_id, code=code, defaults={
        "name": text(p["name"], 200), "active": bool(p.get("active", True)),
        "months": int(p["months"]), "price_minor": int(p["price_minor"]),
        "currency": text(p.get("currency"), 3),
        "categories": [text(c, 100) for c in p.get("categories") or []],
        "min_price_minor": int(p.get("min_price_minor") or 0),
        "max_price_minor": None if maximum is None else int(maximum),
        "max_days_since_sale": int(p["max_days_since_sale"]), "seq": event.seq})


@handles("catalogue.policy_updated")
def policy_updated(books: Books, event: Event) -> None:
    """A warranty policy's terms as the branch last wrote them (written at once, like plans).
    Events from tills before the terms travelled carry only the name and what changed: they
    leave no terms, and the portal says it holds none for that policy's warranties."""
    p = _payload(event)
    if "exclusions" not in p:
        return
    ref = text(p.get("ref") or event.aggregate_id, 64)
    found = Policy.objects.filter(branch_id=books.branch_id, ref=ref).first()
    if found is not None and event.seq < found.seq:
        return
    limit = p.get("claim_limit_count")
    evidence = p.get("evidence_required") or {}
    months = {k: int(p[k]) if isinstance(p.get(k), int) else None
              for k in ("manufacturer_months", "shop_months")}
    serial = p.get("serial_required")
    Policy.objects.update_or_create(branch_id=books.branch_id, ref=ref, defaults={
        "name": text(p["name"], 200), **months, "terms": text(p.get("terms"), 20_000),
        "serial_required": serial if isinstance(serial, bool) else None,
        "exclusions": [text(item, 500) for item in p.get("exclusions") or [] if item],
        "evidence_required": {text(kind, 40): [text(e, 40) for e in needed]
                              for kind, needed in evidence.items()},
        "claim_limit_count": None if limit is None else int(limit),
        "claim_limit_period_months": int(p.get("claim_limit_period_months") or 12),
        "online_cover_from": "delivery" if p.get("online_cover_from") == "delivery" else "sale",
        "seq": event.seq})


@handles("warranty.voided")
def voided(books: Books, event: Event) -> None:
    """A warranty made void."""
    p = _payload(event)
    row = books.warranty(p.get("code") or event.aggregate_id)
    if event.seq >= row.seq:
        row.status, row.seq = "void", event.seq
        row.void_reason = text(p.get("reason"), 2000)
        books.changed(row)


@handles("warranty.serial_registered")
def serial_registered(books: Books, event: Event) -> None:
    """A serial recorded after the sale."""
    p = _payload(event)
    row = books.warranty(p.get("code") or event.aggregate_id)
    if event.seq >= row.seq:
        row.serial, row.seq = text(p.get("serial"), 100), event.seq
        books.changed(row)


@handles("warranty.replaced")
def replaced(books: Books, event: Event) -> None:
    """A replacement unit: the old cover ends, the new unit gets its own."""
    p = _payload(event)
    old = books.warranty(p.get("old") or event.aggregate_id)
    if event.seq >= old.seq:
        old.status, old.seq = "replaced", event.seq
        old.replaced_by = text(p["new"], 64)
        books.changed(old)
    new = books.warranty(p["new"])
    if event.seq >= new.seq:
        new.serial, new.end_on = text(p.get("serial"), 100), day(p.get("end"))
        new.product, new.customer = old.product, old.customer
        new.status, new.invoice, new.seq = "active", old.invoice, event.seq
        new.sold_on = old.sold_on  # the till counts it under the original sale
        books.changed(new)


# -- claims and messages -------------------------------------------------------------------


@handles("claim.opened", "claim.status_changed", "claim.decided", "claim.proof_checked",
         "claim.return_approved", "claim.reopened")
def claim_state(books: Books, event: Event) -> None:
    """A claim's state, outcome and details as of its newest event, and a timeline line."""
    p = _payload(event)
    row = books.claim(p.get("number") or event.aggregate_id)
    if event.seq >= row.seq:
        for field, limit in (("state", 20), ("outcome", 20), ("channel", 20),
                             ("claim_type", 40), ("serial", 100), ("external_ref", 64),
                             ("owner", 200), ("backup", 200), ("opened_by", 200), ("sku", 64)):
            if field in p:
                setattr(row, field, text(p[field], limit))
        _claim_facts(row, p, event)
        if "fault" in p:
            row.fault = text(p["fault"], 10_000)
        if p.get("opened_at"):
            row.opened_at = instant(p["opened_at"])
        if "customer" in p:
            row.customer = books.holder(p["customer"])
        if p.get("warranty"):
            row.warranty = books.warranty(p["warranty"])
        if event.topic == "claim.decided":
            row.decision_reason = text(p.get("reason"), 10_000)
        if "proof_status" in p:
            row.proof_status = text(p["proof_status"], 20)
        row.seq = event.seq
        books.changed(row)
    if event.topic == "claim.opened" and p.get("proof"):
        books.document(row, text(p["proof"], 64), "proof_of_purchase")
    books.timeline(row, event, text(p.get("from_state"), 20), text(p.get("state"), 20))


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _claim_facts(row: Claim, p: dict[str, Any], event: Event) -> None:
    """What the metric pages read: when it closed (the till's own record; from tills before
    they sent it, the time of the event that closed it), the day promised, a refund's facts."""
    if "closed_at" in p:
        row.closed_at = instant(p["closed_at"])
    elif "state" in p:
        row.closed_at = None if row.state in OPEN_STATES else row.closed_at or event.occurred_at
    if "promised_on" in p:
        row.promised_on = day(p["promised_on"])
    if event.topic == "claim.decided":
        row.refund_minor = _whole(p.get("refund_minor"))
        row.approver_role = text(p.get("approver_role"), 60)
        row.approver_limit_minor = _whole(p.get("approver_limit_minor"))
    elif event.topic == "claim.reopened":
        row.refund_minor, row.approver_role, row.approver_limit_minor = None, "", None


@handles("claim.evidence_added")
def evidence_added(books: Books, event: Event) -> None:
    """A document attached to a claim."""
    p = _payload(event)
    row = books.claim(p.get("number") or event.aggregate_id)
    books.document(row, text(p["sha256"], 64), text(p.get("kind"), 40),
                   media_type=text(p.get("media_type"), 100), size=int(p.get("size") or 0))
    books.timeline(row, event)


@handles("claim.cost_posted", "claim.replacement_handed_over", "claim.handed_back",
         "stock.moved")
def claim_timeline(books: Books, event: Event) -> None:
    """Costs, hand-overs and stock movements: lines of the claim's timeline."""
    books.timeline(books.claim(_payload(event).get("number") or event.aggregate_id), event)


@handles("message.queued")
def message_queued(books: Books, event: Event) -> None:
    """A message to a customer, on the claim's timeline too."""
    p = _payload(event)
    claim: Claim | None = books.claim(p["claim"]) if p.get("claim") else None
    books.message(text(p.get("id") or event.aggregate_id, 64), claim=claim,
                  customer=books.holder(p.get("customer")),
                  template=text(p.get("template"), 80), subject=text(p.get("subject"), 300),
                  body=text(p.get("body"), 20_000), queued_at=event.occurred_at)
    if claim is not None:
        books.timeline(claim, event)


@handles("message.delivered_by_hand")
def message_by_hand(books: Books, event: Event) -> None:
    """The branch printed a message as a letter for the customer: head office sends it no more."""
    books.by_hand(text(_payload(event)["id"], 64), event.occurred_at)


# -- inbox items the branch gave up --------------------------------------------------------


@handles("inbox.item_refused")
def item_refused(books: Books, event: Event) -> None:
    """An inbox item the branch could not apply, with its reason (written at once: rare)."""
    p = _payload(event)
    item_id = text(p.get("item_id") or event.aggregate_id, 64)
    found = RefusedItem.objects.filter(branch_id=books.branch_id, item_id=item_id).first()
    if found is not None and event.seq < found.seq:
        return
    RefusedItem.objects.update_or_create(branch_id=books.branch_id, item_id=item_id, defaults={
        "kind": text(p.get("kind"), 40), "reason": text(p.get("reason"), 2000),
        "seq": event.seq})


# -- brand claims --------------------------------------------------------------------------

# The fields a brand claim event carries beside the brand claim as it now is: the line's.
_BRAND_STATE = frozenset({"number", "supplier", "brand", "external_id", "service_centre",
                          "expected_per_claim",
                          "status", "approval", "claims", "expected_minor", "settled_minor",
                          "written_off_minor", "closed", "currency"})


def _minor(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@handles("brand_claim.opened", "brand_claim.claims_added", "brand_claim.details_set",
         "brand_claim.status_changed", "brand_claim.settled", "brand_claim.written_off",
         "brand_claim.report_added", "brand_claim.proposal_received")
def brand_claim(books: Books, event: Event) -> None:
    """A brand claim as of its newest event, and the event's line of its history (written at
    once: a branch has few brand claims beside its claims)."""
    p = _payload(event)
    number = text(p.get("number") or event.aggregate_id, 64)
    found = BrandClaim.objects.filter(branch_id=books.branch_id, number=number).first()
    if found is None or event.seq >= found.seq:
        fields: dict[str, Any] = {
            "supplier": text(p.get("supplier"), 200), "brand": text(p.get("brand"), 200),
            "external_id": text(p.get("external_id"), 64),
            "service_centre": text(p.get("service_centre"), 300),
            "status": text(p.get("status"), 40), "approval": text(p.get("approval"), 12),
            "claim_numbers": [text(n, 64) for n in p.get("claims") or []],
            "expected_minor": _minor(p.get("expected_minor")),
            "expected_per_claim": [_minor(n) for n in p.get("expected_per_claim") or []],
            "settled_minor": _minor(p.get("settled_minor")),
            "written_off_minor": _minor(p.get("written_off_minor")),
            "currency": text(p.get("currency"), 3), "closed": bool(p.get("closed")),
            "updated_at": event.occurred_at, "seq": event.seq}
        if event.topic == "brand_claim.opened":
            fields["opened_at"] = event.occurred_at
        found, _ = BrandClaim.objects.update_or_create(
            branch_id=books.branch_id, number=number, defaults=fields,
            create_defaults={"opened_at": event.occurred_at, **fields})
    BrandClaimLine.objects.get_or_create(event_id=event.id, defaults={
        "brand_claim": found, "seq": event.seq, "occurred_at": event.occurred_at,
        "topic": event.topic,
        "details": {k: v for k, v in p.items()
                    if k not in _BRAND_STATE or event.topic.endswith(f".{k}_changed")}})
