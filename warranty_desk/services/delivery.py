"""Delivery of an online order: the cover its policy started on delivery starts that day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import normalize
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models import InvoiceLine, Sale, Warranty, WarrantyLayer, WarrantyStatus
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.coverage import layers_from_delivery
from warranty_desk.services import audit, outbox
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, writes
from warranty_desk.services.warranty_cards import card_cover
from warranty_desk.services.warranty_layers import layer_spans


@dataclass(frozen=True, slots=True)
class DeliveryRecorded:
    """What a recorded delivery started: the order, the day, and each unit's new cover."""

    order_number: str
    delivered_on: date
    started: tuple[str, ...]  # warranty codes whose cover starts on the delivery day
    ends_on: date  # the last covered day of the longest of them


def _units(session: Session, ref: str) -> tuple[Sale, list[Warranty], str]:
    """The sale and the units a scanned order number, warranty code or serial names."""
    typed = ref.strip()
    if not typed:
        raise BadInput("Scan or type the order number, or the serial of the unit delivered.")
    sales = list(session.scalars(select(Sale).where(Sale.invoice_number == typed)
                                 .order_by(Sale.source != "online")))
    if sales:
        units = list(session.scalars(
            select(Warranty).join(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
            .where(InvoiceLine.sale_id == sales[0].id).order_by(Warranty.code)))
        return sales[0], units, f"order {sales[0].invoice_number}"
    units = list(session.scalars(select(Warranty).where(
        (Warranty.code == typed.upper()) | (Warranty.serial == normalize.serial(typed)))))
    if not units:
        raise NotFound(f"No order, warranty or serial {typed} at this branch. Check the order "
                       "number on the packing slip, or scan the unit's serial.")
    sale_ids = {session.get_one(InvoiceLine, w.invoice_line_id).sale_id for w in units}
    if len(sale_ids) > 1:
        raise BadInput(f"{typed} is on units of {len(sale_ids)} sales "
                       f"({', '.join(w.code for w in units)}); scan the order number instead.")
    sale = session.get_one(Sale, sale_ids.pop())
    return sale, units, f"{units[0].code} of order {sale.invoice_number}"


def record_delivery_in(uow: UnitOfWork, actor: Actor, ref: str, delivered_on: date,
                       *, origin: str = "counter") -> DeliveryRecorded:
    """Start the waiting cover of an order's units (or of one unit) on the day it arrived."""
    require(actor, Permission.RECORD_DELIVERY)
    session = uow.session
    sale, units, what = _units(session, ref)
    waiting = [w for w in units if w.awaits_delivery and w.status is WarrantyStatus.ACTIVE]
    if not waiting:
        done = sorted({w.delivered_on for w in units if w.delivered_on is not None})
        if done:
            raise RuleBlocked(f"The delivery of {what} was already recorded, on "
                              f"{done[-1]}; its cover runs from that day. Nothing changed.")
        raise RuleBlocked(f"The cover of {what} runs from the sale ({sale.sold_on}), as its "
                          "policy says; there is no delivery to record.")
    today = shop_today(session)
    if delivered_on > today:
        raise BadInput(f"{delivered_on} is in the future (today is {today}). Record the "
                       "delivery on the day the customer received the parcel, once they have.")
    if delivered_on < sale.sold_on:
        raise BadInput(f"Order {sale.invoice_number} was placed on {sale.sold_on}; it cannot "
                       f"have been delivered before, on {delivered_on}. Check the date.")
    ends = [_start_cover(session, unit, delivered_on) for unit in waiting]
    codes = tuple(w.code for w in waiting)
    audit.record(session, actor, "sale.delivered", "sale", sale.invoice_number,
                 {"delivered_on": delivered_on.isoformat(), "warranties": list(codes),
                  "origin": origin})
    return DeliveryRecorded(sale.invoice_number, delivered_on, codes, max(ends))


record_delivery = writes(record_delivery_in)


def _start_cover(session: Session, unit: Warranty, delivered_on: date) -> date:
    # The layers kept from the order date hold the terms sold; the same rule that lays them
    # at a sale lays them again from the delivery day (an extension keeps its plan and price).
    spans = layers_from_delivery(layer_spans(unit), delivered_on)
    paid = {layer.kind: (layer.extension_plan_id, layer.price_minor) for layer in unit.layers}
    unit.layers.clear()
    session.flush()  # the new layers may share a key (day and kind) with the old
    for span in spans:
        plan_id, price = paid.get(span.kind.value, (None, 0))
        unit.layers.append(WarrantyLayer(kind=span.kind.value, start_on=span.start,
                                         end_on=span.end, extension_plan_id=plan_id,
                                         price_minor=price))
    unit.start_on, unit.end_on = spans[0].start, max(s.end for s in spans)
    unit.awaits_delivery, unit.delivered_on = False, delivered_on
    cover = card_cover(spans)
    outbox.emit(session, "warranty.delivered", "warranty", unit.code,
                {"code": unit.code, "delivered_on": delivered_on.isoformat(),
                 "start": cover.start, "end": cover.end, "layers": list(cover.layers)})
    return unit.end_on
