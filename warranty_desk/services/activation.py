"""Sale activation: one warranty per sold unit, serial checks, extensions, voiding."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from warranty_desk import normalize
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.ids import KeySource
from warranty_desk.models import (
    Customer,
    ExtensionOffer,
    ExtensionPlan,
    InvoiceLine,
    OutboxEvent,
    Policy,
    Product,
    Sale,
    Warranty,
    WarrantyLayer,
    WarrantyStatus,
)
from warranty_desk.models.base import utcnow
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.coverage import LayerKind, LayerSpan, extension_layer, plan_layers
from warranty_desk.rules.extension import ExtensionTerms, extension_eligibility
from warranty_desk.services import audit, numbers, outbox
from warranty_desk.services.customers import CustomerInput, parse_segment
from warranty_desk.storage import bulk, search
from warranty_desk.storage.database import Database

# SQLite allows 32766 bound parameters; IN-lists are chunked well below that.
_CHUNK = 5000
# Plain-SQL IN lists: small enough for any SQLite build's parameter limit (999 before 3.32).
_SQL_CHUNK = 900


@dataclass(frozen=True, slots=True)
class LineInput:
    """One invoice line as the POS or the counter gives it."""

    sku: str
    quantity: int = 1
    unit_price_minor: int = 0
    serials: tuple[str, ...] = ()
    extension_plan: str | None = None
    # Where the line came from in an imported file, so problems can name the row.
    source_row: int | None = None


@dataclass(frozen=True, slots=True)
class SaleInput:
    """One invoice to activate."""

    invoice_number: str
    sold_on: date
    lines: tuple[LineInput, ...]
    customer: CustomerInput | None = None
    source: str = "counter"
    source_row: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where, which field, and what to do."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class SaleResult:
    """What an activation created."""

    invoice_number: str
    sale_id: str
    warranty_codes: tuple[str, ...]
    extensions_sold: int


@dataclass(slots=True)
class Plan:
    """Rows ready to insert, or the problems that stop the whole batch."""

    problems: list[Problem] = field(default_factory=list)
    skipped_invoices: list[str] = field(default_factory=list)
    sales: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    warranties: list[dict[str, Any]] = field(default_factory=list)
    layers: list[dict[str, Any]] = field(default_factory=list)
    offers: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    results: list[SaleResult] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _ProductInfo:
    id: Any
    sku: str
    name: str
    category: str
    serial_required: bool
    manufacturer_months: int
    shop_months: int


def _products(session: Session, skus: Iterable[str]) -> dict[str, _ProductInfo]:
    wanted = sorted(set(skus))
    found: dict[str, _ProductInfo] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(Product.id, Product.sku, Product.name, Product.category,
                   Product.serial_required, Policy.manufacturer_months, Policy.shop_months)
            .join(Policy, Policy.id == Product.policy_id)
            .where(Product.sku.in_(wanted[start:start + _CHUNK]))
        )
        for row in rows:
            found[row.sku] = _ProductInfo(*row)
    return found


def _plans(session: Session) -> dict[str, ExtensionPlan]:
    return {p.name: p for p in session.scalars(select(ExtensionPlan))}


def extension_terms(plan: ExtensionPlan) -> ExtensionTerms:
    """The pure-rule view of an extension plan row."""
    return ExtensionTerms(
        categories=frozenset(plan.categories), min_price_minor=plan.min_price_minor,
        max_price_minor=plan.max_price_minor, max_days_since_sale=plan.max_days_since_sale,
        months=plan.months, price_minor=plan.price_minor,
    )


def _covered_serials(
    session: Session, pairs: set[tuple[Any, str]]
) -> dict[tuple[Any, str], str]:
    """Active warranties already covering (product, serial): their codes."""
    # Plain SQL by serial (indexed): a (product, serial) tuple IN list costs more to compile
    # than to run at 100k lines.
    by_serial: dict[str, set[Any]] = defaultdict(set)
    for product_id, serial in pairs:
        by_serial[serial].add(product_id.bytes)
    serials = sorted(by_serial)
    found: dict[tuple[Any, str], str] = {}
    driver = session.connection().connection.dbapi_connection
    assert driver is not None
    for start in range(0, len(serials), _SQL_CHUNK):
        chunk = serials[start:start + _SQL_CHUNK]
        for product_id, serial, code in driver.execute(
                f"SELECT product_id, serial, code FROM warranties WHERE status = 'active' "
                f"AND serial IN ({','.join('?' * len(chunk))})", chunk):
            if product_id in by_serial.get(serial, ()):
                found[(uuid.UUID(bytes=product_id), str(serial))] = code
    return found


def _recorded_invoices(session: Session, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    wanted = sorted(keys)
    found: set[tuple[str, str]] = set()
    for start in range(0, len(wanted), _CHUNK // 2):
        rows = session.execute(
            select(Sale.source, Sale.invoice_number).where(
                tuple_(Sale.source, Sale.invoice_number).in_(wanted[start:start + _CHUNK // 2])
            )
        )
        found.update((s, n) for s, n in rows)
    return found


def _customer_index(session: Session, inputs: Sequence[CustomerInput]) -> dict[str, Any]:
    """Existing customers (id, reference) keyed 'ref:', 'phone:' and 'email:'."""
    refs = {c.reference.strip() for c in inputs if c.reference.strip()}
    phones = {normalize.phone(c.phone) for c in inputs if normalize.phone(c.phone)}
    emails = {normalize.email(c.email) for c in inputs if normalize.email(c.email)}
    index: dict[str, Any] = {}
    for prefix, column, values in (("ref:", Customer.reference, refs),
                                   ("phone:", Customer.phone, phones),
                                   ("email:", Customer.email, emails)):
        wanted = sorted(values)
        for start in range(0, len(wanted), _CHUNK):
            for cid, ref, value in session.execute(
                select(Customer.id, Customer.reference, column)
                .where(column.in_(wanted[start:start + _CHUNK]))
            ):
                index.setdefault(prefix + value, (cid.bytes, ref))
    return index


def _customer_keys(data: CustomerInput) -> list[str]:
    keys = []
    if data.reference.strip():
        keys.append("ref:" + data.reference.strip())
    if normalize.phone(data.phone):
        keys.append("phone:" + normalize.phone(data.phone))
    if normalize.email(data.email):
        keys.append("email:" + normalize.email(data.email))
    return keys


@dataclass(frozen=True, slots=True)
class CardCover:
    """A warranty card's cover in the card's own words (ISO dates); units of a line share one."""

    start: str
    end: str
    layers: tuple[dict[str, str], ...]


def card_cover(layers: Sequence[LayerSpan]) -> CardCover:
    """The cover part of a warranty card."""
    return CardCover(layers[0].start.isoformat(), max(s.end for s in layers).isoformat(),
                     tuple({"kind": s.kind.value, "start": s.start.isoformat(),
                            "end": s.end.isoformat()} for s in layers))


def warranty_card(
    *, code: str, serial: str | None, product: str, sku: str, customer_ref: str | None,
    invoice_number: str, cover: CardCover, status: str = "active",
) -> dict[str, Any]:
    """What head office and the customer portal show for one warranty."""
    return {
        "code": code, "serial": serial, "product": product, "sku": sku,
        "customer": customer_ref, "invoice": invoice_number, "status": status,
        "start": cover.start, "end": cover.end, "layers": list(cover.layers),
    }


def plan_sales(
    session: Session, sales: Sequence[SaleInput], *, today: date, skip_recorded: bool,
    require_serials: bool = True, staff_id: uuid.UUID | None = None,
) -> Plan:
    """Check every sale and build the rows; nothing is written here.

    `require_serials=False` is for web-shop exports that carry no serials: those units get a
    warranty without one (a registration gap the close report shows) instead of a refusal.
    `staff_id` is the person at the till, so the close report can count sales by person.
    """
    plan = Plan()
    branch = numbers.branch_code(session)
    products = _products(session, (normalize.sku(ln.sku) for s in sales for ln in s.lines))
    ext_plans = _plans(session)
    recorded = _recorded_invoices(
        session, {(s.source, s.invoice_number.strip()) for s in sales}
    )
    customers_in = [s.customer for s in sales if s.customer is not None]
    known_customers = _customer_index(session, customers_in)

    wanted_pairs: set[tuple[Any, str]] = set()
    # Each line's serials, normalised once (keyed by the line object, which lives as long).
    clean: dict[int, list[str]] = {}
    for sale in sales:
        for ln in sale.lines:
            info = products.get(normalize.sku(ln.sku))
            if info is not None:
                clean[id(ln)] = [normalize.serial(s) for s in ln.serials if s.strip()]
                wanted_pairs.update((info.id, s) for s in clean[id(ln)])
    covered = _covered_serials(session, wanted_pairs)

    seen_invoices: dict[tuple[str, str], int | None] = {}
    seen_serials: dict[tuple[Any, str], int | None] = {}
    pending: list[tuple[SaleInput, list[tuple[LineInput, _ProductInfo, list[str]]]]] = []
    for sale in sales:
        number = sale.invoice_number.strip()
        row = sale.source_row
        if not number:
            plan.problems.append(Problem(row, "invoice", "The invoice number is empty."))
            continue
        key = (sale.source, number)
        if key in seen_invoices:
            plan.problems.append(Problem(row, "invoice",
                                         f"Invoice {number} appears twice in this input "
                                         f"(first at row {seen_invoices[key]})."))
            continue
        seen_invoices[key] = row
        if key in recorded:
            if skip_recorded:
                plan.skipped_invoices.append(number)
                continue
            plan.problems.append(Problem(row, "invoice",
                                         f"Invoice {number} is already recorded. Look it up "
                                         "instead of entering it again."))
            continue
        if sale.sold_on > today:
            plan.problems.append(Problem(row, "date", f"The sale date {sale.sold_on} is in "
                                         "the future. Check the date."))
        if not sale.lines:
            plan.problems.append(Problem(row, "lines", f"Invoice {number} has no lines."))
        if sale.customer is not None:
            try:
                parse_segment(sale.customer.segment)
            except BadInput as exc:
                plan.problems.append(Problem(row, "segment", str(exc)))
        checked: list[tuple[LineInput, _ProductInfo, list[str]]] = []
        for ln in sale.lines:
            lrow = ln.source_row if ln.source_row is not None else row
            before = len(plan.problems)
            info = products.get(normalize.sku(ln.sku))
            if info is None:
                plan.problems.append(Problem(lrow, "sku", f"Unknown product {ln.sku!r}. Add it "
                                             "under Settings > Products, or fix the SKU."))
                continue
            if ln.quantity < 1:
                plan.problems.append(Problem(lrow, "quantity",
                                             f"Quantity {ln.quantity} is not a positive number."))
                continue
            if ln.unit_price_minor < 0:
                plan.problems.append(Problem(lrow, "price", "The price is negative."))
            serials = clean.get(id(ln)) or [normalize.serial(s) for s in ln.serials if s.strip()]
            if info.serial_required and len(serials) != ln.quantity and (
                    require_serials or serials):
                plan.problems.append(Problem(
                    lrow, "serial",
                    f"{info.name} needs a serial for each unit: {ln.quantity} sold, "
                    f"{len(serials)} serial(s) given. Scan the missing serial(s)."))
            elif len(serials) > ln.quantity:
                plan.problems.append(Problem(lrow, "serial", f"{len(serials)} serials for "
                                             f"{ln.quantity} unit(s). Remove the extra ones."))
            if len(set(serials)) != len(serials):
                plan.problems.append(Problem(lrow, "serial",
                                             "The same serial is given twice on this line."))
            for s in serials:
                pair = (info.id, s)
                if pair in covered:
                    plan.problems.append(Problem(
                        lrow, "serial", f"Serial {s} of {info.name} is already covered by "
                        f"warranty {covered[pair]}. Check the unit, or void that warranty first."))
                elif pair in seen_serials and seen_serials[pair] != lrow:
                    plan.problems.append(Problem(lrow, "serial",
                                                 f"Serial {s} also appears at row "
                                                 f"{seen_serials[pair]}."))
                seen_serials.setdefault(pair, lrow)
            if ln.extension_plan:
                ext = ext_plans.get(ln.extension_plan.strip())
                if ext is None or not ext.active:
                    plan.problems.append(Problem(lrow, "extension",
                                                 f"Unknown extension plan {ln.extension_plan!r}."))
                else:
                    verdict = extension_eligibility(
                        extension_terms(ext), category=info.category,
                        unit_price_minor=ln.unit_price_minor, sale_date=sale.sold_on,
                        today=today, already_extended=False, void=False)
                    if not verdict.eligible:
                        plan.problems.append(Problem(lrow, "extension",
                                                     f"{ext.name} cannot be sold with "
                                                     f"{info.name}: {verdict.reason}"))
            if len(plan.problems) == before:
                checked.append((ln, info, serials))
        pending.append((sale, checked))

    if plan.problems:
        return plan
    _build_rows(session, plan, pending, branch, ext_plans, known_customers, staff_id)
    return plan


def _build_rows(
    session: Session, plan: Plan,
    pending: list[tuple[SaleInput, list[tuple[LineInput, _ProductInfo, list[str]]]]],
    branch: str, ext_plans: dict[str, ExtensionPlan], known_customers: dict[str, Any],
    staff_id: uuid.UUID | None,
) -> None:
    """The plan's rows, with every value already as SQLite stores it (ids as 16 bytes,
    dates and times as ISO text), so the bulk insert passes them straight to the driver."""
    units_per_year: dict[int, int] = defaultdict(int)
    for sale, checked in pending:
        units_per_year[sale.sold_on.year] += sum(ln.quantity for ln, _, _ in checked)
    next_code = {year: numbers.reserve(session, "W", year, n) for year, n in units_per_year.items()}
    now = utcnow()
    stamp = bulk.stored(now)
    staff = staff_id.bytes if staff_id else None
    active = WarrantyStatus.ACTIVE.value
    new_refs: dict[str, tuple[Any, str]] = {}
    new_key = KeySource()
    customers = numbers.counter(session, "CU", 0)

    def next_reference() -> str:
        customers.last += 1
        return numbers.customer_reference(branch, customers.last)

    # Many lines share a sale day and terms: their cover, in stored words, is worked out once.
    covers: dict[tuple[Any, ...], Any] = {}

    def cover_of(day: date, manufacturer: int, shop: int, ext: ExtensionPlan | None) -> Any:
        key = (day, manufacturer, shop, ext.id if ext else None)
        if key not in covers:
            spans = plan_layers(day, manufacturer, shop, ext.months if ext else 0)
            covers[key] = (card_cover(spans), [span.kind is LayerKind.EXTENSION and ext is not None
                                               for span in spans])
        return covers[key]

    for sale, checked in pending:
        customer_id, customer_ref = _resolve_customer(plan, sale.customer, known_customers,
                                                      new_refs, stamp, next_reference, new_key)
        sale_id = new_key()
        sold_on = sale.sold_on.isoformat()
        plan.sales.append({"id": sale_id, "invoice_number": sale.invoice_number.strip(),
                           "source": sale.source, "branch_code": branch, "sold_on": sold_on,
                           "customer_id": customer_id, "staff_id": staff,
                           "created_at": stamp})
        codes: list[str] = []
        extensions = 0
        for line_no, (ln, info, serials) in enumerate(checked, start=1):
            line_id = new_key()
            product_id = info.id.bytes
            plan.lines.append({"id": line_id, "sale_id": sale_id, "line_no": line_no,
                               "product_id": product_id, "quantity": ln.quantity,
                               "unit_price_minor": ln.unit_price_minor})
            ext = ext_plans.get(ln.extension_plan.strip()) if ln.extension_plan else None
            cover, extension_flags = cover_of(
                sale.sold_on, info.manufacturer_months, info.shop_months, ext)
            for unit in range(ln.quantity):
                year = sale.sold_on.year
                code = numbers.warranty_code(branch, year, next_code[year])
                next_code[year] += 1
                serial = serials[unit] if unit < len(serials) else None
                wid = new_key()
                plan.warranties.append({
                    "id": wid, "code": code, "invoice_line_id": line_id,
                    "product_id": product_id, "customer_id": customer_id, "serial": serial,
                    "start_on": cover.start, "end_on": cover.end, "status": active,
                    "created_at": stamp})
                for layer, is_ext in zip(cover.layers, extension_flags, strict=True):
                    plan.layers.append({
                        "id": new_key(), "warranty_id": wid, "kind": layer["kind"],
                        "start_on": layer["start"], "end_on": layer["end"],
                        "extension_plan_id": ext.id.bytes if is_ext and ext else None,
                        "price_minor": ext.price_minor if is_ext and ext else 0})
                if ext is not None:
                    extensions += 1
                    plan.offers.append({"id": new_key(), "warranty_id": wid,
                                        "plan_id": ext.id.bytes, "accepted": 1,
                                        "staff_id": staff, "at": stamp})
                card = warranty_card(code=code, serial=serial, product=info.name,
                                     sku=info.sku, customer_ref=customer_ref,
                                     invoice_number=sale.invoice_number, cover=cover)
                plan.events.append(_event("warranty.activated", "warranty", code, card, stamp,
                                          new_key()))
                codes.append(code)
        plan.results.append(SaleResult(sale.invoice_number.strip(), sale_id.hex(),
                                       tuple(codes), extensions))


def _resolve_customer(
    plan: Plan, data: CustomerInput | None, known: dict[str, Any],
    new_refs: dict[str, tuple[Any, str]], stamp: str, next_reference: Callable[[], str],
    new_key: Callable[[], bytes],
) -> tuple[Any, str | None]:
    if data is None:
        return None, None
    keys = _customer_keys(data)
    for key in keys:
        if key in known:
            cid, ref = known[key]
            return cid, ref
        if key in new_refs:
            return new_refs[key]
    if not data.name.strip():
        return None, None
    cid = new_key()
    ref = data.reference.strip() or next_reference()
    segment = parse_segment(data.segment).value
    row: dict[str, Any] = {"id": cid, "reference": ref, "name": data.name.strip(),
           "phone": normalize.phone(data.phone), "email": normalize.email(data.email),
           "segment": segment, "retention_follow_up": 0, "created_at": stamp}
    plan.customers.append(row)
    plan.events.append(_event("customer.created", "customer", ref,
                              {"reference": ref, "name": row["name"], "phone": row["phone"],
                               "email": row["email"], "segment": segment}, stamp,
                              new_key()))
    for key in keys or ["new:" + ref]:
        new_refs[key] = (cid, ref)
    return cid, ref


# One encoder for every event: json.dumps with options builds a new one per call.
_JSON = json.JSONEncoder(sort_keys=True, default=str, ensure_ascii=False)


def _event(topic: str, aggregate: str, aggregate_id: str, payload: dict[str, Any],
           at: str, key: bytes) -> dict[str, Any]:
    return {"id": key, "topic": topic, "aggregate": aggregate,
            "aggregate_id": aggregate_id, "payload": _JSON.encode(payload), "created_at": at}


def apply_plan(session: Session, plan: Plan, *, import_batch_id: Any = None) -> None:
    """Insert every row of a checked plan in bulk, in the caller's transaction."""
    if import_batch_id is not None:
        for sale in plan.sales:
            sale["import_batch_id"] = bulk.stored(import_batch_id)
    # Core bulk inserts skip the ORM flush hooks, so search rows are added by high-water mark.
    marks = {table: search.high_water(session, table) for table in ("customers", "sales",
                                                                    "warranties")}
    for model, rows in ((Customer, plan.customers), (Sale, plan.sales),
                        (InvoiceLine, plan.lines), (Warranty, plan.warranties),
                        (WarrantyLayer, plan.layers), (ExtensionOffer, plan.offers),
                        (OutboxEvent, plan.events)):
        bulk.insert_rows(session, model.__tablename__, rows)
    for table, mark in marks.items():
        search.index_since(session, table, mark)


def record_sale(db: Database, actor: Actor, sale: SaleInput, *, today: date) -> SaleResult:
    """Activate one invoice at the counter: all its warranties, or nothing."""
    require(actor, Permission.ACTIVATE_SALE)
    if any(ln.extension_plan for ln in sale.lines):
        require(actor, Permission.SELL_EXTENSION)
    with db.write() as session:
        plan = plan_sales(session, [sale], today=today, skip_recorded=False,
                          staff_id=actor.staff_id)
        if plan.problems:
            raise BadInput("The sale was not recorded:\n" +
                           "\n".join(f"- {p}" for p in plan.problems))
        apply_plan(session, plan)
        result = plan.results[0]
        audit.record(session, actor, "sale.activate", "sale", result.invoice_number,
                     {"warranties": list(result.warranty_codes),
                      "extensions": result.extensions_sold})
        return result


def _warranty_by_code(session: Session, code: str) -> Warranty:
    warranty = session.scalars(
        select(Warranty).where(Warranty.code == code.strip().upper())
    ).first()
    if warranty is None:
        raise NotFound(f"No warranty {code}. Check the code on the slip, or look up the serial.")
    return warranty


def layer_spans(warranty: Warranty) -> list[LayerSpan]:
    """The pure rules' view of a warranty's stored layers."""
    return [LayerSpan(LayerKind(layer.kind), layer.start_on, layer.end_on)
            for layer in warranty.layers]


def sell_extension(
    db: Database, actor: Actor, code: str, plan_name: str, *, today: date
) -> str:
    """Sell a paid extension on an existing warranty while it is eligible; returns the new end."""
    require(actor, Permission.SELL_EXTENSION)
    with db.write() as session:
        warranty = _warranty_by_code(session, code)
        plan = session.scalars(select(ExtensionPlan).where(ExtensionPlan.name == plan_name)).first()
        if plan is None or not plan.active:
            raise BadInput(f"Unknown extension plan {plan_name!r}.")
        line = session.get_one(InvoiceLine, warranty.invoice_line_id)
        product = session.get_one(Product, warranty.product_id)
        spans = layer_spans(warranty)
        verdict = extension_eligibility(
            extension_terms(plan), category=product.category,
            unit_price_minor=line.unit_price_minor, sale_date=line.sale.sold_on, today=today,
            already_extended=any(s.kind is LayerKind.EXTENSION for s in spans),
            void=warranty.status is WarrantyStatus.VOID)
        if not verdict.eligible:
            raise RuleBlocked(f"{plan.name} cannot be sold on {warranty.code}: {verdict.reason}")
        span = extension_layer(spans, plan.months)
        warranty.layers.append(WarrantyLayer(kind=span.kind.value, start_on=span.start,
                                             end_on=span.end, extension_plan_id=plan.id,
                                             price_minor=plan.price_minor))
        warranty.end_on = span.end
        session.add(ExtensionOffer(warranty_id=warranty.id, plan_id=plan.id, accepted=True,
                                   staff_id=actor.staff_id))
        audit.record(session, actor, "warranty.extend", "warranty", warranty.code,
                     {"plan": plan.name, "months": plan.months, "price_minor": plan.price_minor,
                      "new_end": span.end.isoformat()})
        customer = session.get(Customer, warranty.customer_id) if warranty.customer_id else None
        product = session.get_one(Product, warranty.product_id)
        outbox.emit(session, "warranty.extended", "warranty", warranty.code,
                    {"code": warranty.code, "plan": plan.name, "end": span.end.isoformat(),
                     "price_minor": plan.price_minor, "product": product.name,
                     "serial": warranty.serial,
                     "customer": customer.reference if customer else None})
        return span.end.isoformat()


def decline_extension(db: Database, actor: Actor, code: str, plan_name: str) -> None:
    """Record that the customer declined the offered extension, so nobody asks twice."""
    require(actor, Permission.SELL_EXTENSION)
    with db.write() as session:
        warranty = _warranty_by_code(session, code)
        plan = session.scalars(select(ExtensionPlan).where(ExtensionPlan.name == plan_name)).first()
        if plan is None:
            raise BadInput(f"Unknown extension plan {plan_name!r}.")
        session.add(ExtensionOffer(warranty_id=warranty.id, plan_id=plan.id, accepted=False,
                                   staff_id=actor.staff_id))
        audit.record(session, actor, "warranty.extension_declined", "warranty", warranty.code,
                     {"plan": plan.name})


def void_warranty(db: Database, actor: Actor, code: str, reason: str) -> None:
    """Void a warranty with a written reason (a returned sale, a fraud case)."""
    require(actor, Permission.VOID_WARRANTY)
    if not reason.strip():
        raise BadInput("Write why the warranty is voided; the reason is kept in the audit log.")
    with db.write() as session:
        warranty = _warranty_by_code(session, code)
        if warranty.status is WarrantyStatus.VOID:
            raise RuleBlocked(f"Warranty {warranty.code} is already void.")
        warranty.status = WarrantyStatus.VOID
        warranty.void_reason = reason.strip()
        warranty.voided_at = utcnow()
        audit.record(session, actor, "warranty.void", "warranty", warranty.code,
                     {"reason": reason.strip()})
        outbox.emit(session, "warranty.voided", "warranty", warranty.code,
                    {"code": warranty.code, "reason": reason.strip()})
