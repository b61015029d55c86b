"""What the database says about a batch of sales, read once for the whole batch: its products,
extension plans, invoices and serials already recorded, and the customers it names."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import normalize
from warranty_desk.models import Customer, ExtensionPlan
from warranty_desk.money import MoneyFormat
from warranty_desk.services.extension_plans import plans_by_name
from warranty_desk.services.sale_customers import (
    Known,
    Matchable,
    match_key,
    matchable,
)
from warranty_desk.services.sale_input import SaleInput
from warranty_desk.services.shop_locale import money_of, phone_region
from warranty_desk.storage.database import driver_of, session_rows

# SQLite allows 32766 bound parameters; IN-lists are chunked well below that.
_CHUNK = 5000
# Plain-SQL IN lists: small enough for any SQLite build's parameter limit (999 before 3.32).
_SQL_CHUNK = 900


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """A product with its policy's months, as the checks and the rows need it."""

    id: Any
    sku: str
    name: str
    category: str
    serial_required: bool
    manufacturer_months: int
    shop_months: int
    policy: str
    policy_ref: str  # the policy's id as hex, as catalogue.policy_updated names it
    # The id as the 16 bytes the database stores: rows carry it, and it hashes in C.
    key: bytes
    # The policy starts the cover of an online sale on delivery, not on the order date.
    online_cover_on_delivery: bool = False


def _products(session: Session, skus: Iterable[str]) -> dict[str, ProductInfo]:
    # Plain SQL by SKU (unique index): the ORM statement cost about 0.5 ms of CPU on every
    # counter sale, where SQLite reads the rows in a few microseconds.
    wanted = sorted(set(skus))
    found: dict[str, ProductInfo] = {}
    for start in range(0, len(wanted), _SQL_CHUNK):
        chunk = tuple(wanted[start:start + _SQL_CHUNK])
        # session_rows flushes first, as the ORM read did: a unit that added a product
        # through the ORM before selling it finds it (the batch's first read).
        for (key, sku, name, category, serial_required, manufacturer_months, shop_months,
             policy, policy_key, cover_from) in session_rows(
                session, "SELECT p.id, p.sku, p.name, p.category, p.serial_required, "
                "pol.manufacturer_months, pol.shop_months, pol.name, pol.id, "
                "pol.online_cover_from FROM products AS p "
                "JOIN policies AS pol ON pol.id = p.policy_id "
                f"WHERE p.sku IN ({','.join('?' * len(chunk))})", chunk):
            found[sku] = ProductInfo(
                uuid.UUID(bytes=key), sku, name, category, bool(serial_required),
                manufacturer_months, shop_months, policy, policy_key.hex(), key=key,
                online_cover_on_delivery=cover_from == "delivery")
    return found


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
    driver = driver_of(session)
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
    driver = driver_of(session)
    for start in range(0, len(numbers_wanted), _SQL_CHUNK):
        chunk = numbers_wanted[start:start + _SQL_CHUNK]
        for source, number in driver.execute(
                f"SELECT source, invoice_number FROM sales "
                f"WHERE invoice_number IN ({','.join('?' * len(chunk))})", chunk):
            if (source, number) in keys:
                found.add((source, number))
    return found


def customer_index(session: Session, forms: Iterable[Matchable]) -> dict[str, Known]:
    """Existing customers (id, reference, name) keyed 'ref:', 'phone:' and 'email:'."""
    wanted: dict[str, set[str]] = {"ref:": set(), "phone:": set(), "email:": set()}
    for form in forms:
        for key in form.keys:
            prefix, _, value = key.partition(":")
            wanted[prefix + ":"].add(value)
    index: dict[str, Known] = {}
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


@dataclass(frozen=True, slots=True)
class SaleFacts:
    """Everything a batch's checks and rows look up, read before the first check."""

    product_of: dict[str, ProductInfo | None]  # by each line's own spelling of the SKU
    plans: dict[str, ExtensionPlan]
    money: MoneyFormat
    recorded: set[tuple[str, str]]  # (source, invoice number) already on file
    forms: dict[tuple[str, str, str], Matchable]  # each distinct customer input, normalised
    known: dict[str, Known]  # customers on file by their 'ref:', 'phone:' and 'email:' keys
    serials: list[list[list[str]]]  # each line's serials normalised, sale by sale
    covered: dict[tuple[bytes, str], str]  # (product, serial) an active warranty covers


def read_facts(session: Session, sales: Sequence[SaleInput]) -> SaleFacts:
    """The facts of a batch, each read in as few queries as its size allows."""
    # A file repeats a few SKUs on every line: each spelling is normalised and looked up once.
    spellings = {ln.sku for s in sales for ln in s.lines}
    found = _products(session, {normalize.sku(sku) for sku in spellings})
    product_of = {sku: found.get(normalize.sku(sku)) for sku in spellings}
    recorded = _recorded_invoices(session, {(s.source, s.invoice_number.strip()) for s in sales})
    forms = _customer_forms(sales, phone_region(session))
    serials, wanted = _line_serials(sales, product_of)
    # Extension plans are read only for a batch that names one (sold or declined): the ORM
    # read of every plan cost about 0.2 ms on each counter sale that names none.
    named = any(ln.extension_plan or ln.declined_plans for s in sales for ln in s.lines)
    plans = plans_by_name(session) if named else {}
    return SaleFacts(product_of, plans, money_of(session), recorded, forms,
                     customer_index(session, forms.values()), serials,
                     _covered_serials(session, wanted))


def _customer_forms(sales: Sequence[SaleInput],
                    region: str | None) -> dict[tuple[str, str, str], Matchable]:
    # Customers repeat across invoices: each distinct one is normalised once.
    forms: dict[tuple[str, str, str], Matchable] = {}
    for sale in sales:
        if sale.customer is not None and match_key(sale.customer) not in forms:
            forms[match_key(sale.customer)] = matchable(sale.customer, region)
    return forms


def _line_serials(
    sales: Sequence[SaleInput], product_of: dict[str, ProductInfo | None],
) -> tuple[list[list[list[str]]], set[tuple[bytes, str]]]:
    """Each line's serials, normalised once, and every (product, serial) the batch names."""
    line_serials: list[list[list[str]]] = []
    wanted: set[tuple[bytes, str]] = set()
    for sale in sales:
        per_line = []
        for ln in sale.lines:
            info = product_of[ln.sku]
            serials = [] if info is None else [
                normalize.serial(s) for s in ln.serials if s.strip()]
            if info is not None:
                wanted.update((info.key, s) for s in serials)
            per_line.append(serials)
        line_serials.append(per_line)
    return line_serials, wanted
