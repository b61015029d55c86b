"""The counter's actions on warranties: record a sale, sell or decline an extension, void."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models import (
    Customer,
    ExtensionOffer,
    ExtensionPlan,
    InvoiceLine,
    Product,
    Warranty,
    WarrantyLayer,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.coverage import LayerKind, extension_layer
from warranty_desk.rules.extension import extension_eligibility
from warranty_desk.services import audit, outbox
from warranty_desk.services.extension_plans import extension_terms, plans_by_name, unknown_plan
from warranty_desk.services.sale_input import SaleInput
from warranty_desk.services.sale_plan import SaleResult
from warranty_desk.services.sale_planning import plan_sales
from warranty_desk.services.sale_rows import apply_plan
from warranty_desk.services.shop_locale import money_of
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, writes
from warranty_desk.services.voiding import void_in
from warranty_desk.services.warranty_layers import layer_spans


def record_sale_in(uow: UnitOfWork, actor: Actor, sale: SaleInput) -> SaleResult:
    """Activate one invoice at the counter: all its warranties, or nothing."""
    require(actor, Permission.ACTIVATE_SALE)
    if any(ln.extension_plan or ln.declined_plans for ln in sale.lines):
        require(actor, Permission.SELL_EXTENSION)
    session = uow.session
    plan = plan_sales(session, [sale], today=shop_today(session), skip_recorded=False,
                      staff_id=actor.staff_id)
    if plan.problems:
        raise BadInput("The sale was not recorded:\n" +
                       "\n".join(f"- {p}" for p in plan.problems))
    apply_plan(session, plan)
    result = plan.results[0]
    audit.record(session, actor, "sale.activate", "sale", result.invoice_number,
                 {"warranties": list(result.warranty_codes),
                  "extensions": result.extensions_sold,
                  "declined": sorted({p for ln in sale.lines for p in ln.declined_plans})})
    return result


record_sale = writes(record_sale_in)


def _warranty_by_code(session: Session, code: str) -> Warranty:
    warranty = session.scalars(
        select(Warranty).where(Warranty.code == code.strip().upper())
    ).first()
    if warranty is None:
        raise NotFound(f"No warranty {code}. Check the code on the slip, or look up the serial.")
    return warranty


def sell_extension_in(uow: UnitOfWork, actor: Actor, code: str, plan_name: str) -> str:
    """Sell a paid extension on an existing warranty while it is eligible; returns the new end."""
    require(actor, Permission.SELL_EXTENSION)
    session = uow.session
    warranty = _warranty_by_code(session, code)
    plan = session.scalars(select(ExtensionPlan).where(ExtensionPlan.name == plan_name)).first()
    if plan is None or not plan.active:
        raise BadInput(unknown_plan(plan_name, plans_by_name(session).values()))
    line = session.get_one(InvoiceLine, warranty.invoice_line_id)
    product = session.get_one(Product, warranty.product_id)
    spans = layer_spans(warranty)
    verdict = extension_eligibility(
        extension_terms(plan), category=product.category,
        unit_price_minor=line.unit_price_minor, sale_date=line.sale.sold_on,
        today=shop_today(session),
        already_extended=any(s.kind is LayerKind.EXTENSION for s in spans),
        void=warranty.status is WarrantyStatus.VOID, money=money_of(session).people)
    if not verdict.eligible:
        raise RuleBlocked(f"{plan.name} cannot be sold on {warranty.code}: {verdict.reason}")
    span = extension_layer(spans, plan.months)
    warranty.layers.append(WarrantyLayer(kind=span.kind.value, start_on=span.start,
                                         end_on=span.end, extension_plan_id=plan.id,
                                         price_minor=plan.price_minor))
    warranty.end_on = span.end
    session.add(ExtensionOffer(warranty_id=warranty.id, plan_id=plan.id, accepted=True,
                               staff_id=actor.staff_id, product_id=warranty.product_id))
    audit.record(session, actor, "warranty.extend", "warranty", warranty.code,
                 {"plan": plan.name, "months": plan.months, "price_minor": plan.price_minor,
                  "new_end": span.end.isoformat()})
    customer = session.get(Customer, warranty.customer_id) if warranty.customer_id else None
    outbox.emit(session, "warranty.extended", "warranty", warranty.code,
                {"code": warranty.code, "plan": plan.name, "plan_code": plan.code,
                 "end": span.end.isoformat(),
                 "price_minor": plan.price_minor, "product": product.name,
                 "serial": warranty.serial,
                 "customer": customer.reference if customer else None})
    return span.end.isoformat()


sell_extension = writes(sell_extension_in)


def decline_extension_in(uow: UnitOfWork, actor: Actor, code: str, plan_name: str) -> None:
    """Record that the customer declined the offered extension, so nobody asks twice."""
    require(actor, Permission.SELL_EXTENSION)
    session = uow.session
    warranty = _warranty_by_code(session, code)
    plan = session.scalars(select(ExtensionPlan).where(ExtensionPlan.name == plan_name)).first()
    if plan is None:
        raise BadInput(unknown_plan(plan_name, plans_by_name(session).values()))
    session.add(ExtensionOffer(warranty_id=warranty.id, plan_id=plan.id, accepted=False,
                               staff_id=actor.staff_id, product_id=warranty.product_id))
    audit.record(session, actor, "warranty.extension_declined", "warranty", warranty.code,
                 {"plan": plan.name})


decline_extension = writes(decline_extension_in)


def void_warranty_in(uow: UnitOfWork, actor: Actor, code: str, reason: str) -> None:
    """Void a warranty with a written reason (a returned sale, a fraud case)."""
    require(actor, Permission.VOID_WARRANTY)
    reason = card_numbers.typed(reason)
    if not reason:
        raise BadInput("Write why the warranty is voided; the reason is kept in the audit log.")
    session = uow.session
    warranty = _warranty_by_code(session, code)
    if warranty.status is WarrantyStatus.VOID:
        raise RuleBlocked(f"Warranty {warranty.code} is already void.")
    void_in(session, actor, warranty, reason.strip())


void_warranty = writes(void_warranty_in)
