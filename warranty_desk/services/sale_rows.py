"""A checked sale plan's rows, with every value already as SQLite stores it (ids as 16 bytes,
dates and times as ISO text), and their insert in bulk."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from warranty_desk.ids import ms_since_epoch, uuid7_bytes
from warranty_desk.models import (
    Base,
    Customer,
    ExtensionOffer,
    ExtensionPlan,
    InvoiceLine,
    OutboxEvent,
    Sale,
    Warranty,
    WarrantyLayer,
    WarrantyStatus,
)
from warranty_desk.rules.coverage import LayerKind, plan_layers
from warranty_desk.services import numbers, outbox
from warranty_desk.services.outbox import encode
from warranty_desk.services.reminders import record_consents
from warranty_desk.services.sale_checks import CheckedLine, Pending
from warranty_desk.services.sale_customers import Customers, resolve_customer
from warranty_desk.services.sale_facts import ProductInfo, SaleFacts
from warranty_desk.services.sale_input import SaleInput
from warranty_desk.services.sale_plan import Plan, Rows, SaleResult, plan_charges
from warranty_desk.services.warranty_cards import (
    ONLINE_SALE,
    CardCover,
    card_cover,
    card_template,
    json_text,
    warranty_card,
)
from warranty_desk.storage import bulk, rollups, search
from warranty_desk.storage.database import database_of, driver_of

_ACTIVE = WarrantyStatus.ACTIVE.value
# From this many warranties a plan counts them into the roll-ups in one statement per roll-up
# after inserting them all. A sale of a few units at the counter keeps the row trigger:
# dropping it, making it again and the count are six statements more, where the trigger runs
# three per unit.
COUNT_AT_END = 64
# A cover as the rows need it: the card's words, the layer rows, and the card's template.
_Cover = tuple[CardCover, tuple[tuple[Any, ...], ...], str | None]


def build_rows(session: Session, plan: Plan, pending: Sequence[Pending], facts: SaleFacts,
               staff_id: uuid.UUID | None) -> None:
    """Add every checked sale's rows and result to the plan; numbers are reserved here."""
    builder = _RowBuilder(session, plan, facts, staff_id, pending)
    for sale, checked in pending:
        plan.results.append(builder.sale(sale, checked))
    builder.finish()


@dataclass(slots=True)
class _SaleRows:
    """One sale's rows in the making: its ids, its words on every card, what it created."""

    sale: SaleInput
    sale_id: bytes
    customer_id: Any
    customer_ref: str | None
    customer_text: str
    invoice_text: str
    codes: list[str] = field(default_factory=list)
    sold: list[tuple[str, int]] = field(default_factory=list)


class _RowBuilder:
    """The rows of one plan. Many lines share a sale day and terms: their cover in stored
    words, the layer rows and the card template are worked out once, as is each product's
    words; at 100k lines that is most of the work saved."""

    def __init__(self, session: Session, plan: Plan, facts: SaleFacts,
                 staff_id: uuid.UUID | None, pending: Sequence[Pending]) -> None:
        self._plan = plan
        self._plans = facts.plans
        self._customers = Customers(facts.known, facts.forms)
        self._branch = numbers.branch_code(session)
        self._next_code = _reserve_codes(session, pending)
        database = database_of(session)
        now = database.clock.now()
        self._stamp = bulk.stored(now)
        # Every event of the plan is dated by the one clock's now, worked out once.
        self._event_id = partial(database.ids.bytes_at_ms, ms_since_epoch(now))
        self._staff = staff_id.bytes if staff_id else None
        self._session = session
        # Read when the plan's first new customer needs a reference: most counter sales name
        # no customer, or one already on file.
        self._first_reference: int | None = None
        self._last_reference = 0
        self._covers: dict[tuple[Any, ...], _Cover] = {}
        self._words: dict[bytes, tuple[str, str, str, str, str]] = {}
        # The encoder writes a number through its Python path (2.6 us); a file repeats prices.
        self._prices: dict[int, str] = {}

    def finish(self) -> None:
        """Reserve the customer references handed out, once, not once per customer (the write
        lock held since the first was read keeps them the counter's next ones)."""
        if self._first_reference is not None and self._last_reference > self._first_reference:
            used = self._last_reference - self._first_reference
            numbers.reserve(self._session, "CU", 0, used)

    def _next_reference(self) -> str:
        if self._first_reference is None:
            self._first_reference = self._last_reference = numbers.last_issued(
                self._session, "CU", 0)
        self._last_reference += 1
        return numbers.customer_reference(self._branch, self._last_reference)

    def sale(self, sale: SaleInput, checked: list[CheckedLine]) -> SaleResult:
        """One sale's rows: its customer if new, the sale, its lines and their units."""
        customer_id, customer_ref = resolve_customer(
            self._plan, sale.customer, self._customers, self._stamp, self._next_reference,
            uuid7_bytes, self._event_id)
        rows = _SaleRows(sale, uuid7_bytes(), customer_id, customer_ref,
                         json_text(customer_ref), encode(sale.invoice_number))
        self._plan.sales.values.append((
            rows.sale_id, sale.invoice_number.strip(), sale.source, self._branch,
            sale.sold_on.isoformat(), customer_id, self._staff, self._stamp))
        for line_no, line in enumerate(checked, start=1):
            self._line(rows, line_no, line)
        return SaleResult(sale.invoice_number.strip(), rows.sale_id.hex(), tuple(rows.codes),
                          len(rows.sold), plan_charges(rows.sold))

    def _cover(self, day: date, info: ProductInfo, ext: ExtensionPlan | None,
               awaits: bool) -> _Cover:
        terms = (day, info.manufacturer_months, info.shop_months, ext.id if ext else None,
                 awaits)
        found = self._covers.get(terms)
        if found is None:
            found = self._covers[terms] = _cover_of(day, info, ext, awaits)
        return found

    def _product_words(self, info: ProductInfo) -> tuple[str, str, str, str, str]:
        found = self._words.get(info.key)
        if found is None:
            found = self._words[info.key] = (encode(info.name), encode(info.sku),
                                             encode(info.category), encode(info.policy),
                                             encode(info.policy_ref))
        return found

    def _line(self, rows: _SaleRows, line_no: int, line: CheckedLine) -> None:
        ln, info, serials = line
        line_id = uuid7_bytes()
        self._plan.lines.values.append((line_id, rows.sale_id, line_no, info.key, ln.quantity,
                                        ln.unit_price_minor))
        ext = self._plans.get(ln.extension_plan.strip()) if ln.extension_plan else None
        declined = [self._plans[name.strip()].id.bytes for name in ln.declined_plans]
        year = rows.sale.sold_on.year
        first = self._next_code[year]
        self._next_code[year] = first + ln.quantity
        codes = [numbers.warranty_code(self._branch, year, n)
                 for n in range(first, first + ln.quantity)]
        # Counter sales leave with the customer; an online one may wait for its delivery.
        awaits = rows.sale.source == ONLINE_SALE and info.online_cover_on_delivery
        self._units(rows, line_id, info, codes, serials, ln.unit_price_minor,
                    self._cover(rows.sale.sold_on, info, ext, awaits), ext, declined)

    def _units(self, rows: _SaleRows, line_id: bytes, info: ProductInfo, codes: list[str],
               serials: list[str], price: int, cover: _Cover, ext: ExtensionPlan | None,
               declined: list[bytes]) -> None:
        """Each unit of a line: its warranty, layers, offers and warranty.activated event."""
        plan, stamp, staff, new_key = self._plan, self._stamp, self._staff, uuid7_bytes
        event_id = self._event_id
        add_warranty, add_layer = plan.warranties.values.append, plan.layers.values.append
        add_offer, add_event = plan.offers.values.append, plan.events.values.append
        card, layers, template = cover
        product_text, sku_text, category_text, policy_text, ref_text = self._product_words(info)
        price_text = self._prices.get(price)
        if price_text is None:
            price_text = self._prices[price] = encode(price)
        # An online order (one at a time, from the inbox) says its channel on each card.
        online = rows.sale.source == ONLINE_SALE
        for unit, code in enumerate(codes):
            serial = serials[unit] if unit < len(serials) else None
            wid = new_key()
            add_warranty((wid, code, line_id, info.key, rows.customer_id, serial, card.start,
                          card.end, _ACTIVE, stamp, card.awaits_delivery))
            for layer in layers:
                add_layer((wid, *layer))
            if ext is not None:
                rows.sold.append((ext.name, ext.price_minor))
                add_offer((new_key(), wid, ext.id.bytes, 1, staff, stamp))
            for plan_key in declined:
                add_offer((new_key(), wid, plan_key, 0, staff, stamp))
            payload = template.format(
                code=encode(code), serial=json_text(serial), product=product_text, sku=sku_text,
                category=category_text, price=price_text, customer=rows.customer_text,
                invoice=rows.invoice_text, policy=policy_text, policy_ref=ref_text,
            ) if template is not None and not online else encode(warranty_card(
                code=code, serial=serial, product=info.name, sku=info.sku,
                category=info.category, price=price, customer_ref=rows.customer_ref,
                invoice_number=rows.sale.invoice_number, cover=card, policy=info.policy,
                policy_ref=info.policy_ref, channel=ONLINE_SALE if online else None))
            add_event(outbox.bulk_row(event_id(), stamp, "warranty.activated", "warranty", code,
                                      payload))
        rows.codes.extend(codes)


def _reserve_codes(session: Session, pending: Sequence[Pending]) -> dict[int, int]:
    """The first warranty number of each sale year, with a block reserved for every unit."""
    units_per_year: dict[int, int] = defaultdict(int)
    for sale, checked in pending:
        units_per_year[sale.sold_on.year] += sum(ln.quantity for ln, _, _ in checked)
    return {year: numbers.reserve(session, "W", year, n) for year, n in units_per_year.items()}


def _cover_of(day: date, info: ProductInfo, ext: ExtensionPlan | None,
              awaits: bool) -> _Cover:
    # Laid from the order date even when the cover waits for delivery: the layers keep the
    # terms sold (delivery lays them again from its day), and the mark keeps them unclaimed.
    spans = plan_layers(day, info.manufacturer_months, info.shop_months,
                        ext.months if ext else 0)
    cover = card_cover(spans, awaits_delivery=awaits)
    layers: list[tuple[Any, ...]] = []
    for layer, span in zip(cover.layers, spans, strict=True):
        if ext is not None and span.kind is LayerKind.EXTENSION:
            layers.append((layer["kind"], layer["start"], layer["end"], ext.id.bytes,
                           ext.price_minor))
        else:
            layers.append((layer["kind"], layer["start"], layer["end"], None, 0))
    return cover, tuple(layers), card_template(cover)


def apply_plan(session: Session, plan: Plan, *, import_batch_id: Any = None) -> None:
    """Insert every row of a checked plan in bulk, in the caller's transaction."""
    sales = plan.sales
    if import_batch_id is not None:
        batch = bulk.stored(import_batch_id)
        sales = Rows((*sales.columns, "import_batch_id"), [(*row, batch) for row in sales.values])
    # Core bulk inserts skip the ORM flush hooks, so search rows are added by high-water mark
    # (for a plan that makes customers: most counter sales make none, and skip both reads).
    marks = {"customers": search.high_water(session, "customers")} if plan.customers.values \
        else {}
    for model, rows in ((Customer, plan.customers), (Sale, sales), (InvoiceLine, plan.lines)):
        _insert(session, model, rows)
    counted = (rollups.warranties_counted_at_end(driver_of(session))
               if len(plan.warranties.values) >= COUNT_AT_END else nullcontext())
    with counted:
        _insert(session, Warranty, plan.warranties)
    for child, rows in ((WarrantyLayer, plan.layers), (ExtensionOffer, plan.offers),
                        (OutboxEvent, plan.events)):
        _insert(session, child, rows)
    for table, mark in marks.items():
        search.index_since(session, table, mark)
    if plan.consents:
        record_consents(session, plan.consents)


def _insert(session: Session, model: type[Base], rows: Rows) -> None:
    bulk.insert_values(session, model.__tablename__, rows.columns, rows.values)
