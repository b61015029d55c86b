"""Sale activation: one warranty per sold unit, serial checks, extensions, voiding."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import contacts, normalize
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.ids import uuid7_bytes
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
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.coverage import LayerKind, LayerSpan, extension_layer, plan_layers
from warranty_desk.rules.extension import ExtensionTerms, extension_eligibility
from warranty_desk.services import audit, numbers, outbox
from warranty_desk.services.customers import CustomerInput, parse_segment
from warranty_desk.services.shop_locale import money_of, phone_region
from warranty_desk.services.shop_time import shop_today
from warranty_desk.storage import bulk, search
from warranty_desk.storage.database import Database, clock_of

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
    # Plans offered at the till and declined: kept with the sale, so nobody asks twice.
    declined_plans: tuple[str, ...] = ()


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
        "end_on", "status", "created_at"))
    layers: Rows = field(default_factory=_rows(
        "warranty_id", "kind", "start_on", "end_on", "extension_plan_id", "price_minor"))
    offers: Rows = field(default_factory=_rows(
        "id", "warranty_id", "plan_id", "accepted", "staff_id", "at"))
    customers: Rows = field(default_factory=_rows(
        "id", "reference", "name", "phone", "email", "segment", "retention_follow_up",
        "created_at"))
    events: Rows = field(default_factory=_rows(
        "id", "topic", "aggregate", "aggregate_id", "payload", "created_at"))
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
    # The id as the 16 bytes the database stores: rows carry it, and it hashes in C.
    key: bytes


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
            found[row.sku] = _ProductInfo(*row, key=row.id.bytes)
    return found


def _plans(session: Session) -> dict[str, ExtensionPlan]:
    return {p.name: p for p in session.scalars(select(ExtensionPlan))}


def unknown_plan(name: str, plans: Iterable[ExtensionPlan]) -> str:
    """Why a plan name is refused, with the plans that can be sold instead."""
    names = sorted(p.name for p in plans if p.active)
    if not names:
        return (f"Unknown extension plan {name!r}: this shop sells no extension plans. "
                "Leave the plan out, or add one under Settings > Policies.")
    return (f"Unknown extension plan {name!r}. Plans on sale: {', '.join(names)}. "
            "Write one of these exactly, or leave the plan out.")


def extension_terms(plan: ExtensionPlan) -> ExtensionTerms:
    """The pure-rule view of an extension plan row."""
    return ExtensionTerms(
        categories=frozenset(plan.categories), min_price_minor=plan.min_price_minor,
        max_price_minor=plan.max_price_minor, max_days_since_sale=plan.max_days_since_sale,
        months=plan.months, price_minor=plan.price_minor,
    )


def _driver(session: Session) -> sqlite3.Connection:
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    return cast(sqlite3.Connection, raw)


def _covered_serials(
    session: Session, pairs: set[tuple[bytes, str]]
) -> dict[tuple[bytes, str], str]:
    """Active warranties already covering (product id bytes, serial): their codes."""
    # Plain SQL by serial (indexed): a (product, serial) tuple IN list costs more to compile
    # than to run at 100k lines.
    by_serial: dict[str, set[bytes]] = defaultdict(set)
    for product_id, serial in pairs:
        by_serial[serial].add(product_id)
    serials = sorted(by_serial)
    found: dict[tuple[bytes, str], str] = {}
    driver = _driver(session)
    for start in range(0, len(serials), _SQL_CHUNK):
        chunk = serials[start:start + _SQL_CHUNK]
        for product_id, serial, code in driver.execute(
                f"SELECT product_id, serial, code FROM warranties WHERE status = 'active' "
                f"AND serial IN ({','.join('?' * len(chunk))})", chunk):
            if product_id in by_serial.get(serial, ()):
                found[(product_id, str(serial))] = code
    return found


def _recorded_invoices(session: Session, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    # Plain SQL by invoice number (indexed), as for serials; the source is matched here.
    numbers_wanted = sorted({number for _, number in keys})
    found: set[tuple[str, str]] = set()
    driver = _driver(session)
    for start in range(0, len(numbers_wanted), _SQL_CHUNK):
        chunk = numbers_wanted[start:start + _SQL_CHUNK]
        for source, number in driver.execute(
                f"SELECT source, invoice_number FROM sales "
                f"WHERE invoice_number IN ({','.join('?' * len(chunk))})", chunk):
            if (source, number) in keys:
                found.add((source, number))
    return found


@dataclass(frozen=True, slots=True)
class _Matchable:
    """A customer input's phone and email as stored, and the keys it is matched by."""

    phone: str
    email: str
    # 'ref:', 'phone:' and 'email:' keys, in the order a match is looked for.
    keys: tuple[str, ...]
    # (field, why) for a phone or email that cannot be used; the sale is refused.
    problems: tuple[tuple[str, str], ...] = ()


def _match_key(data: CustomerInput) -> tuple[str, str, str]:
    # What _matchable reads; a tuple of str hashes in C, the dataclass through Python.
    return data.reference, data.phone, data.email


def _matchable(data: CustomerInput, region: str | None) -> _Matchable:
    problems: list[tuple[str, str]] = []
    phone = email = ""
    try:
        phone = contacts.phone_key(data.phone, region)
    except contacts.ContactError as exc:
        problems.append(("phone", str(exc)))
    try:
        email = contacts.email_key(data.email)
    except contacts.ContactError as exc:
        problems.append(("email", str(exc)))
    keys = tuple(prefix + value for prefix, value in (
        ("ref:", data.reference.strip()), ("phone:", phone), ("email:", email)) if value)
    return _Matchable(phone, email, keys, tuple(problems))


# A known customer as the plan matches them: id bytes, reference and name.
_Known = tuple[bytes, str, str]


def _customer_index(session: Session, forms: Iterable[_Matchable]) -> dict[str, _Known]:
    """Existing customers (id, reference, name) keyed 'ref:', 'phone:' and 'email:'."""
    wanted: dict[str, set[str]] = {"ref:": set(), "phone:": set(), "email:": set()}
    for form in forms:
        for key in form.keys:
            prefix, _, value = key.partition(":")
            wanted[prefix + ":"].add(value)
    index: dict[str, _Known] = {}
    for prefix, column in (("ref:", Customer.reference), ("phone:", Customer.phone),
                           ("email:", Customer.email)):
        values = sorted(wanted[prefix])
        for start in range(0, len(values), _CHUNK):
            for cid, ref, name, value in session.execute(
                select(Customer.id, Customer.reference, Customer.name, column)
                .where(column.in_(values[start:start + _CHUNK]))
            ):
                index.setdefault(prefix + value, (cid.bytes, ref, name))
    return index


def _same_name(a: str, b: str) -> bool:
    # "grace  okafor" and "Grace Okafor" are one name; "Grace O." is not.
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


_KEY_WORDS = {"phone:": "phone", "email:": "email"}


def _name_problem(
    data: CustomerInput, form: _Matchable, known: dict[str, _Known],
    named: dict[str, tuple[str, int | None]], row: int | None,
) -> str | None:
    """Why this customer is refused: their phone or email belongs to someone else by name.

    A match by phone or email with a different name is never resolved silently (a sale for
    one person printed with another's name); the person fixing the input decides.
    """
    name = data.name.strip()
    if not name:
        return None
    for key in form.keys:
        prefix, _, value = key.partition(":")
        what = _KEY_WORDS.get(prefix + ":")
        if key in known:
            if what is None:  # the shop's own reference decides who it is
                return None
            _, ref, on_file = known[key]
            if not _same_name(on_file, name):
                return (f"The {what} {value} belongs to {on_file} ({ref}), but this sale names "
                        f"{name}. If it is the same person, write the name as {on_file}; if "
                        f"not, correct the {what}.")
            return None
        if what is not None and key in named and not _same_name(named[key][0], name):
            first, at = named[key]
            return (f"The {what} {value} is also given for {first} at row {at}, but this sale "
                    f"names {name}. One {what} is one customer: use the same name on both, "
                    f"or correct the {what}.")
    for key in form.keys:
        named.setdefault(key, (name, row))
    return None


@lru_cache(maxsize=64)
def _segment_value(text: str) -> str:
    """A segment as stored (BadInput for an unknown one); a file repeats a handful of them."""
    return parse_segment(text).value


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
    # A file repeats a few SKUs on every line: each spelling is normalised and looked up once.
    spellings = {ln.sku for s in sales for ln in s.lines}
    found = _products(session, {normalize.sku(sku) for sku in spellings})
    product_of = {sku: found.get(normalize.sku(sku)) for sku in spellings}
    ext_plans = _plans(session)
    money = money_of(session)
    recorded = _recorded_invoices(
        session, {(s.source, s.invoice_number.strip()) for s in sales}
    )
    # Customers repeat across invoices: each distinct one is normalised once.
    region = phone_region(session)
    forms: dict[tuple[str, str, str], _Matchable] = {}
    for sale in sales:
        if sale.customer is not None and _match_key(sale.customer) not in forms:
            forms[_match_key(sale.customer)] = _matchable(sale.customer, region)
    known_customers = _customer_index(session, forms.values())
    # Phone and email keys first given in this input, with the name and row they came with.
    named: dict[str, tuple[str, int | None]] = {}

    # Each line's serials, normalised once, sale by sale and line by line.
    line_serials: list[list[list[str]]] = []
    wanted_pairs: set[tuple[bytes, str]] = set()
    for sale in sales:
        per_line = []
        for ln in sale.lines:
            info = product_of[ln.sku]
            serials = [] if info is None else [
                normalize.serial(s) for s in ln.serials if s.strip()]
            if info is not None:
                wanted_pairs.update((info.key, s) for s in serials)
            per_line.append(serials)
        line_serials.append(per_line)
    covered = _covered_serials(session, wanted_pairs)

    seen_invoices: dict[tuple[str, str], int | None] = {}
    seen_serials: dict[tuple[bytes, str], int | None] = {}
    pending: list[tuple[SaleInput, list[tuple[LineInput, _ProductInfo, list[str]]]]] = []
    add_problem = plan.problems.append
    for sale, sale_serials in zip(sales, line_serials, strict=True):
        number = sale.invoice_number.strip()
        row = sale.source_row
        if not number:
            add_problem(Problem(row, "invoice", "The invoice number is empty."))
            continue
        key = (sale.source, number)
        if key in seen_invoices:
            add_problem(Problem(row, "invoice", f"Invoice {number} appears twice in this input "
                                f"(first at row {seen_invoices[key]})."))
            continue
        seen_invoices[key] = row
        if key in recorded:
            if skip_recorded:
                plan.skipped_invoices.append(number)
                continue
            add_problem(Problem(row, "invoice", f"Invoice {number} is already recorded. Look it up "
                                "instead of entering it again."))
            continue
        if sale.sold_on > today:
            add_problem(Problem(row, "date", f"The sale date {sale.sold_on} is in the future. "
                                "Check the date."))
        if not sale.lines:
            add_problem(Problem(row, "lines", f"Invoice {number} has no lines."))
        if sale.customer is not None:
            try:
                _segment_value(sale.customer.segment)
            except BadInput as exc:
                add_problem(Problem(row, "segment", str(exc)))
            form = forms[_match_key(sale.customer)]
            for column, why in form.problems:
                add_problem(Problem(row, column, why))
            clash = _name_problem(sale.customer, form, known_customers, named, row)
            if clash is not None:
                add_problem(Problem(row, "customer", clash))
        checked: list[tuple[LineInput, _ProductInfo, list[str]]] = []
        for ln, serials in zip(sale.lines, sale_serials, strict=True):
            lrow = ln.source_row if ln.source_row is not None else row
            before = len(plan.problems)
            info = product_of[ln.sku]
            if info is None:
                add_problem(Problem(lrow, "sku", f"Unknown product {ln.sku!r}. Add it under "
                                    "Settings > Products, or fix the SKU."))
                continue
            if ln.quantity < 1:
                add_problem(Problem(lrow, "quantity",
                                    f"Quantity {ln.quantity} is not a positive number."))
                continue
            if ln.unit_price_minor < 0:
                add_problem(Problem(lrow, "price", "The price is negative."))
            if info.serial_required and len(serials) != ln.quantity and (
                    require_serials or serials):
                add_problem(Problem(
                    lrow, "serial", f"{info.name} needs a serial for each unit: {ln.quantity} "
                    f"sold, {len(serials)} serial(s) given. Scan the missing serial(s)."))
            elif len(serials) > ln.quantity:
                add_problem(Problem(lrow, "serial", f"{len(serials)} serials for {ln.quantity} "
                                    "unit(s). Remove the extra ones."))
            if len(serials) > 1 and len(set(serials)) != len(serials):
                add_problem(Problem(lrow, "serial", "The same serial is given twice on this line."))
            for s in serials:
                pair = (info.key, s)
                if pair in covered:
                    add_problem(Problem(
                        lrow, "serial", f"Serial {s} of {info.name} is already covered by "
                        f"warranty {covered[pair]}. Check the unit, or void that warranty first."))
                elif pair in seen_serials and seen_serials[pair] != lrow:
                    add_problem(Problem(lrow, "serial", f"Serial {s} also appears at row "
                                        f"{seen_serials[pair]}."))
                seen_serials.setdefault(pair, lrow)
            if ln.extension_plan:
                ext = ext_plans.get(ln.extension_plan.strip())
                if ext is None or not ext.active:
                    add_problem(Problem(lrow, "extension",
                                        unknown_plan(ln.extension_plan, ext_plans.values())))
                else:
                    verdict = extension_eligibility(
                        extension_terms(ext), category=info.category,
                        unit_price_minor=ln.unit_price_minor, sale_date=sale.sold_on,
                        today=today, already_extended=False, void=False, money=money.people)
                    if not verdict.eligible:
                        add_problem(Problem(lrow, "extension", f"{ext.name} cannot be sold with "
                                            f"{info.name}: {verdict.reason}"))
            for name in ln.declined_plans:
                if name.strip() not in ext_plans:
                    add_problem(Problem(lrow, "extension", f"Unknown extension plan {name!r}."))
            if len(plan.problems) == before:
                checked.append((ln, info, serials))
        pending.append((sale, checked))

    if plan.problems:
        return plan
    _build_rows(session, plan, pending, branch, ext_plans, _Customers(known_customers, forms),
                staff_id)
    return plan


@dataclass(slots=True)
class _Customers:
    """Customers as the plan resolves them: those on file, those it adds, and every input's
    normalised form."""

    known: dict[str, _Known]
    forms: dict[tuple[str, str, str], _Matchable]
    added: dict[str, tuple[Any, str]] = field(default_factory=dict)


# Stand-ins for a card's words other than its cover. A card is JSON-encoded once per cover
# with these in place, then each unit fills in its own words, each JSON-encoded: encoding a
# whole card per unit was a tenth of an import.
_CARD_WORDS = ("code", "serial", "product", "sku", "customer", "invoice")


def _card_template(cover: CardCover) -> str | None:
    """The card of a cover as a str.format template of `_CARD_WORDS`; None if the cover's
    own words would be mistaken for a stand-in."""
    marks = {word: f"\x00{word}\x00" for word in _CARD_WORDS}
    text = _JSON.encode(warranty_card(
        code=marks["code"], serial=marks["serial"], product=marks["product"], sku=marks["sku"],
        customer_ref=marks["customer"], invoice_number=marks["invoice"], cover=cover))
    quoted = {word: _JSON.encode(mark) for word, mark in marks.items()}
    # A quoted stand-in can only match a whole value, and a cover holds dates and layer kinds;
    # should one ever match, that cover's cards are encoded whole instead.
    if any(text.count(q) != 1 for q in quoted.values()):
        return None
    text = text.replace("{", "{{").replace("}", "}}")
    for word, q in quoted.items():
        text = text.replace(q, "{" + word + "}")
    return text


def _json_text(value: str | None) -> str:
    """One card value as the card's encoder writes it."""
    return "null" if value is None else _JSON.encode(value)


def _build_rows(
    session: Session, plan: Plan,
    pending: list[tuple[SaleInput, list[tuple[LineInput, _ProductInfo, list[str]]]]],
    branch: str, ext_plans: dict[str, ExtensionPlan], customers: _Customers,
    staff_id: uuid.UUID | None,
) -> None:
    """The plan's rows, with every value already as SQLite stores it (ids as 16 bytes,
    dates and times as ISO text), so the bulk insert passes them straight to the driver."""
    units_per_year: dict[int, int] = defaultdict(int)
    for sale, checked in pending:
        units_per_year[sale.sold_on.year] += sum(ln.quantity for ln, _, _ in checked)
    next_code = {year: numbers.reserve(session, "W", year, n) for year, n in units_per_year.items()}
    stamp = bulk.stored(clock_of(session).now())
    staff = staff_id.bytes if staff_id else None
    active = WarrantyStatus.ACTIVE.value
    new_key = uuid7_bytes
    references = numbers.counter(session, "CU", 0)
    last_reference = references.last

    def next_reference() -> str:
        nonlocal last_reference
        last_reference += 1
        return numbers.customer_reference(branch, last_reference)

    # Many lines share a sale day and terms: their cover, in stored words, the layer rows and
    # the card template that follow from it are worked out once, as is each product's words.
    covers: dict[tuple[Any, ...], tuple[CardCover, tuple[tuple[Any, ...], ...], str | None]] = {}
    product_words: dict[bytes, tuple[str, str]] = {}

    def cover_of(terms: tuple[Any, ...], ext: ExtensionPlan | None
                 ) -> tuple[CardCover, tuple[tuple[Any, ...], ...], str | None]:
        day, manufacturer, shop, _ = terms
        spans = plan_layers(day, manufacturer, shop, ext.months if ext else 0)
        cover = card_cover(spans)
        layers: list[tuple[Any, ...]] = []
        for layer, span in zip(cover.layers, spans, strict=True):
            if ext is not None and span.kind is LayerKind.EXTENSION:
                layers.append((layer["kind"], layer["start"], layer["end"], ext.id.bytes,
                               ext.price_minor))
            else:
                layers.append((layer["kind"], layer["start"], layer["end"], None, 0))
        covers[terms] = (cover, tuple(layers), _card_template(cover))
        return covers[terms]

    add_sale, add_line = plan.sales.values.append, plan.lines.values.append
    add_warranty, add_layer = plan.warranties.values.append, plan.layers.values.append
    add_offer, add_event = plan.offers.values.append, plan.events.values.append
    encode = _JSON.encode
    for sale, checked in pending:
        customer_id, customer_ref = _resolve_customer(plan, sale.customer, customers, stamp,
                                                      next_reference, new_key)
        sale_id = new_key()
        year = sale.sold_on.year
        add_sale((sale_id, sale.invoice_number.strip(), sale.source, branch,
                  sale.sold_on.isoformat(), customer_id, staff, stamp))
        customer_text, invoice_text = _json_text(customer_ref), encode(sale.invoice_number)
        codes: list[str] = []
        extensions = 0
        sold: list[tuple[str, int]] = []
        for line_no, (ln, info, serials) in enumerate(checked, start=1):
            line_id = new_key()
            product_id = info.key
            add_line((line_id, sale_id, line_no, product_id, ln.quantity, ln.unit_price_minor))
            ext = ext_plans.get(ln.extension_plan.strip()) if ln.extension_plan else None
            terms = (sale.sold_on, info.manufacturer_months, info.shop_months,
                     ext.id if ext else None)
            cover, layers, template = covers.get(terms) or cover_of(terms, ext)
            if product_id not in product_words:
                product_words[product_id] = (encode(info.name), encode(info.sku))
            product_text, sku_text = product_words[product_id]
            declined = [ext_plans[name.strip()].id.bytes for name in ln.declined_plans]
            first = next_code[year]
            next_code[year] = first + ln.quantity
            for unit in range(ln.quantity):
                code = numbers.warranty_code(branch, year, first + unit)
                serial = serials[unit] if unit < len(serials) else None
                wid = new_key()
                add_warranty((wid, code, line_id, product_id, customer_id, serial, cover.start,
                              cover.end, active, stamp))
                for layer in layers:
                    add_layer((wid, *layer))
                if ext is not None:
                    extensions += 1
                    sold.append((ext.name, ext.price_minor))
                    add_offer((new_key(), wid, ext.id.bytes, 1, staff, stamp))
                for plan_key in declined:
                    add_offer((new_key(), wid, plan_key, 0, staff, stamp))
                if template is not None:
                    payload = template.format(
                        code=encode(code), serial=_json_text(serial), product=product_text,
                        sku=sku_text, customer=customer_text, invoice=invoice_text)
                else:
                    payload = _JSON.encode(warranty_card(
                        code=code, serial=serial, product=info.name, sku=info.sku,
                        customer_ref=customer_ref, invoice_number=sale.invoice_number,
                        cover=cover))
                add_event((new_key(), "warranty.activated", "warranty", code, payload, stamp))
                codes.append(code)
        plan.results.append(SaleResult(sale.invoice_number.strip(), sale_id.hex(),
                                       tuple(codes), extensions, plan_charges(sold)))
    if last_reference != references.last:
        # The counter row is told the last reference once, not once per new customer.
        references.last = last_reference


def _resolve_customer(
    plan: Plan, data: CustomerInput | None, customers: _Customers, stamp: str,
    next_reference: Callable[[], str], new_key: Callable[[], bytes],
) -> tuple[Any, str | None]:
    if data is None:
        return None, None
    form = customers.forms[_match_key(data)]
    for key in form.keys:
        if key in customers.known:
            cid, ref, _ = customers.known[key]
            return cid, ref
        if key in customers.added:
            return customers.added[key]
    name = data.name.strip()
    if not name:
        return None, None
    cid = new_key()
    ref = data.reference.strip() or next_reference()
    segment = _segment_value(data.segment)
    plan.customers.values.append((cid, ref, name, form.phone, form.email, segment, 0, stamp))
    plan.events.values.append(_event(
        "customer.created", "customer", ref, {"reference": ref, "name": name,
                                              "phone": form.phone, "email": form.email,
                                              "segment": segment}, stamp, new_key()))
    for key in form.keys or ("new:" + ref,):
        customers.added[key] = (cid, ref)
    return cid, ref


# One encoder for every event: json.dumps with options builds a new one per call.
_JSON = json.JSONEncoder(sort_keys=True, default=str, ensure_ascii=False)


def _event(topic: str, aggregate: str, aggregate_id: str, payload: dict[str, Any],
           at: str, key: bytes) -> tuple[Any, ...]:
    """An outbox row in the column order of Plan.events."""
    return (key, topic, aggregate, aggregate_id, _JSON.encode(payload), at)


def apply_plan(session: Session, plan: Plan, *, import_batch_id: Any = None) -> None:
    """Insert every row of a checked plan in bulk, in the caller's transaction."""
    sales = plan.sales
    if import_batch_id is not None:
        batch = bulk.stored(import_batch_id)
        sales = Rows((*sales.columns, "import_batch_id"), [(*row, batch) for row in sales.values])
    # Core bulk inserts skip the ORM flush hooks, so search rows are added by high-water mark.
    marks = {"customers": search.high_water(session, "customers")}
    for model, rows in ((Customer, plan.customers), (Sale, sales),
                        (InvoiceLine, plan.lines), (Warranty, plan.warranties),
                        (WarrantyLayer, plan.layers), (ExtensionOffer, plan.offers),
                        (OutboxEvent, plan.events)):
        bulk.insert_values(session, model.__tablename__, rows.columns, rows.values)
    for table, mark in marks.items():
        search.index_since(session, table, mark)


def record_sale(db: Database, actor: Actor, sale: SaleInput) -> SaleResult:
    """Activate one invoice at the counter: all its warranties, or nothing."""
    require(actor, Permission.ACTIVATE_SALE)
    if any(ln.extension_plan or ln.declined_plans for ln in sale.lines):
        require(actor, Permission.SELL_EXTENSION)
    with db.write() as session:
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
    db: Database, actor: Actor, code: str, plan_name: str
) -> str:
    """Sell a paid extension on an existing warranty while it is eligible; returns the new end."""
    require(actor, Permission.SELL_EXTENSION)
    with db.write() as session:
        return sell_extension_in(session, actor, code, plan_name)


def sell_extension_in(session: Session, actor: Actor, code: str, plan_name: str) -> str:
    """sell_extension in the caller's transaction (permission already checked)."""
    warranty = _warranty_by_code(session, code)
    plan = session.scalars(select(ExtensionPlan).where(ExtensionPlan.name == plan_name)).first()
    if plan is None or not plan.active:
        raise BadInput(unknown_plan(plan_name, _plans(session).values()))
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
                               staff_id=actor.staff_id))
    audit.record(session, actor, "warranty.extend", "warranty", warranty.code,
                 {"plan": plan.name, "months": plan.months, "price_minor": plan.price_minor,
                  "new_end": span.end.isoformat()})
    customer = session.get(Customer, warranty.customer_id) if warranty.customer_id else None
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
        decline_extension_in(session, actor, code, plan_name)


def decline_extension_in(session: Session, actor: Actor, code: str, plan_name: str) -> None:
    """decline_extension in the caller's transaction (permission already checked)."""
    warranty = _warranty_by_code(session, code)
    plan = session.scalars(select(ExtensionPlan).where(ExtensionPlan.name == plan_name)).first()
    if plan is None:
        raise BadInput(unknown_plan(plan_name, _plans(session).values()))
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
        warranty.voided_at = clock_of(session).now()
        audit.record(session, actor, "warranty.void", "warranty", warranty.code,
                     {"reason": reason.strip()})
        outbox.emit(session, "warranty.voided", "warranty", warranty.code,
                    {"code": warranty.code, "reason": reason.strip()})
