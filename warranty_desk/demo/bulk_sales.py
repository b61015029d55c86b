"""The bulk generator's sales: customers, sales day by day through the history, and their rows."""

# Everything follows the services: people-facing numbers come from numbers.reserve, every change
# has its outbox event, new customers are indexed for search by rowid high-water mark (as
# sale_rows.apply_plan does), and each chunk appends one entry to the audit chain.

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from warranty_desk.demo import people
from warranty_desk.demo.bulk_rows import Tables, outbox_row
from warranty_desk.demo.bulk_run import (
    ACTOR,
    HISTORY_DAYS,
    UNIT_COUNTER,
    BulkRun,
    Item,
    Layer,
    Target,
    quotas,
    unit_serial,
)
from warranty_desk.demo.counters import INVOICE_COUNTER
from warranty_desk.ids import uuid7
from warranty_desk.rules.coverage import LayerKind, LayerSpan, plan_layers
from warranty_desk.services import audit, numbers, warranty_cards
from warranty_desk.storage import search

SALES_PER_CHUNK = 5_000
# 13 national digits is no UK number, so these +44 7700 phones can never reach a real phone;
# the step is coprime with 10**9, so every customer reference gets its own number.
_PHONE_STEP = 7_919_777
_VOID_SHARE = 0.004
_ANONYMOUS_ACCESSORY_SHARE = 0.4
_SEGMENTS = ("retail", "vip", "business", "reseller")
_SEGMENT_WEIGHTS = (82, 7, 8, 3)


@dataclass(frozen=True, slots=True)
class _Line:
    item: int
    quantity: int
    price: int
    plan: int  # index into plans, or -1
    declined: int  # a plan offered and declined, or -1


@dataclass(frozen=True, slots=True)
class _SaleSpec:
    day: date
    minute: int
    customer: int  # index into the run's customers, or -1 for an anonymous till sale
    lines: tuple[_Line, ...]


def _day_weight(day: date, n: int, days: int) -> float:
    # A growing shop, busy Saturdays and a November-December peak.
    growth = 0.7 + 0.6 * n / max(days - 1, 1)
    weekday = (1.0, 0.95, 0.95, 1.05, 1.2, 1.6, 0.7)[day.weekday()]
    season = {11: 1.45, 12: 1.6, 1: 1.15, 8: 0.9}.get(day.month, 1.0)
    return growth * weekday * season


def sell(run: BulkRun) -> None:
    """Sell the run's units day by day through the history, writing them a chunk at a time."""
    start = run.today - timedelta(days=HISTORY_DAYS - 1)
    days = [start + timedelta(days=n) for n in range(HISTORY_DAYS)]
    per_day = quotas(run.sold_units, [_day_weight(d, n, HISTORY_DAYS)
                                      for n, d in enumerate(days)])
    chunk: list[_SaleSpec] = []
    for day, quota in zip(days, per_day, strict=True):
        left = quota
        while left > 0:
            spec = _sale(run, day, left)
            units = sum(line.quantity for line in spec.lines)
            left -= units
            run.units += units
            chunk.append(spec)
            if len(chunk) >= SALES_PER_CHUNK:
                _write_sales(run, chunk)
                chunk = []
    if chunk:
        _write_sales(run, chunk)


def _pick_item(run: BulkRun) -> int:
    return bisect.bisect_right(run.cumulative, run.rng.randrange(run.cumulative[-1]))


def _new_customer(run: BulkRun, day: date) -> int:
    rng = run.rng
    segment = rng.choices(range(4), _SEGMENT_WEIGHTS)[0]
    if _SEGMENTS[segment] in ("business", "reseller"):
        kinds = (people.BUSINESS_KINDS if _SEGMENTS[segment] == "business"
                 else people.RESELLER_KINDS)
        name = (f"{rng.choice(people.BUSINESS_WORDS)} {rng.choice(kinds)} "
                f"({rng.choice(people.TOWNS)}) Ltd")
        local = "accounts"
    else:
        first, last = rng.choice(people.FIRST_NAMES), rng.choice(people.LAST_NAMES)
        name = f"{first} {last}"
        local = f"{first}.{last}".lower().replace("'", "")
    index = len(run.cust_ids)
    run.cust_ids.append(uuid7().bytes)
    run.cust_refs.append("")
    run.cust_names.append(name)
    run.cust_segments.append(segment)
    # The reference (and the phone made from it) is reserved when the chunk is written.
    email_share = 0.9 if segment >= 2 else 0.55
    run.pending_customers.append((index, local if rng.random() < email_share else "",
                                  day.isoformat(), rng.randrange(540, 1080), name))
    return index


def _customer_for(run: BulkRun, units_done: int, day: date) -> int:
    # New customers arrive at an even pace through the history (about one per five
    # warranties); everyone else is a returning customer picked at random.
    wanted = run.requested // 5 or 1
    created = len(run.cust_ids)
    due = wanted * (units_done + 1) / run.sold_units
    if created == 0 or (created < wanted and (created < due or run.rng.random() < 0.02)):
        return _new_customer(run, day)
    return run.rng.randrange(created)


def _sale(run: BulkRun, day: date, left: int) -> _SaleSpec:
    rng = run.rng
    item_n = _pick_item(run)
    item = run.items[item_n]
    customer = -1
    if not (item.category == "accessories" and rng.random() < _ANONYMOUS_ACCESSORY_SHARE):
        customer = _customer_for(run, run.units, day)
    segment = _SEGMENTS[run.cust_segments[customer]] if customer >= 0 else "retail"
    quantity = 1
    if segment == "business" and item.category in ("laptops", "phones", "headphones"):
        quantity = rng.randint(1, 5)
    elif segment == "reseller":
        quantity = rng.randint(2, 8) if item.category in (
            "phones", "headphones", "accessories") else rng.randint(1, 3)
    elif rng.random() < 0.06:
        quantity = 2
    quantity = min(quantity, left)
    lines = [_line(run, item_n, quantity, segment)]
    if left > quantity and item.category != "accessories" and rng.random() < 0.25:
        extra = run.accessories[rng.randrange(len(run.accessories))]
        lines.append(_line(run, extra, min(rng.randint(1, 2), left - quantity), segment))
    return _SaleSpec(day, rng.randrange(540, 1080), customer, tuple(lines))


def _line(run: BulkRun, item_n: int, quantity: int, segment: str) -> _Line:
    rng = run.rng
    item = run.items[item_n]
    discount = {"vip": 5, "business": 8, "reseller": 15}.get(segment, 0)
    if segment == "retail" and rng.random() < 0.1:
        discount = rng.choice((5, 10))
    price = item.price * (100 - discount) // 100 // 100 * 100 if discount else item.price
    plan = declined = -1
    eligible = [n for n, p in enumerate(run.plans) if p.fits(item.category, price)]
    if eligible:
        roll = rng.random()
        if roll < 0.18:
            plan = eligible[0]
        elif roll < 0.30:
            declined = eligible[0]
    return _Line(item_n, quantity, price, plan, declined)


def _layers(run: BulkRun, cache: dict[tuple[date, int, int, int], tuple[Layer, ...]], day: date,
            item: Item, plan: int) -> tuple[Layer, ...]:
    # Most units of a day share their policy, so their layers are worked out once.
    key = (day, item.manufacturer_months, item.shop_months, plan)
    found = cache.get(key)
    if found is None:
        months = run.plans[plan].months if plan >= 0 else 0
        found = tuple(Layer(s.kind.value, s.start, s.end,
                             plan if s.kind is LayerKind.EXTENSION else -1)
                      for s in plan_layers(day, item.manufacturer_months, item.shop_months,
                                           months))
        cache[key] = found
    return found


def _write_sales(run: BulkRun, chunk: list[_SaleSpec]) -> None:
    rng = run.rng
    units_per_year: dict[int, int] = defaultdict(int)
    serial_units = 0
    for spec in chunk:
        for line in spec.lines:
            units_per_year[spec.day.year] += line.quantity
            if run.items[line.item].prefix:
                serial_units += line.quantity
    with run.db.write() as session:
        next_code = {year: numbers.reserve(session, "W", year, n)
                     for year, n in sorted(units_per_year.items())}
        next_serial = numbers.reserve(session, UNIT_COUNTER, 0, serial_units)
        invoice = numbers.reserve(session, INVOICE_COUNTER, 0, len(chunk))
        tables = Tables()
        _customers_rows(run, session, tables)
        marks = {"customers": search.high_water(session, "customers")}
        seller = run.staff["sales"]
        cache: dict[tuple[date, int, int, int], tuple[Layer, ...]] = {}
        first_code = last_code = ""
        for spec in chunk:
            day_text = spec.day.isoformat()
            at = f"{day_text} {spec.minute // 60:02d}:{spec.minute % 60:02d}:00.000000"
            customer_id = run.cust_ids[spec.customer] if spec.customer >= 0 else None
            customer_ref = run.cust_refs[spec.customer] if spec.customer >= 0 else None
            sale_id = uuid7().bytes
            number = f"INV-{invoice:06d}"
            invoice += 1
            tables.add("sales", (sale_id, number, "counter", run.branch, day_text,
                                 customer_id, seller, None, at, None))
            for line_no, line in enumerate(spec.lines, start=1):
                item = run.items[line.item]
                line_id = uuid7().bytes
                tables.add("invoice_lines", (line_id, sale_id, line_no, item.id,
                                             line.quantity, line.price))
                layers = _layers(run, cache, spec.day, item, line.plan)
                spans = [LayerSpan(LayerKind(x.kind), x.start, x.end) for x in layers]
                for _ in range(line.quantity):
                    year = spec.day.year
                    code = numbers.warranty_code(run.branch, year, next_code[year])
                    next_code[year] += 1
                    first_code = first_code or code
                    last_code = code
                    serial = None
                    if item.prefix:
                        serial = unit_serial(item.prefix, next_serial)
                        next_serial += 1
                    _unit_rows(run, tables, rng, code, serial, line, line_id, layers,
                                    spans, customer_id, customer_ref, number, at, spec)
            run.sales += 1
        tables.write(session)
        for table, mark in marks.items():
            search.index_since(session, table, mark)
        audit.record(session, ACTOR, "demo.sales", "demo", f"{first_code}..{last_code}",
                     {"sales": len(chunk), "warranties": sum(units_per_year.values()),
                      "first": first_code, "last": last_code})
    run.tick(sum(units_per_year.values()))


def _unit_rows(run: BulkRun, tables: Tables, rng: random.Random, code: str, serial: str | None,
               line: _Line, line_id: bytes, layers: tuple[Layer, ...],
               spans: list[LayerSpan], customer_id: bytes | None, customer_ref: str | None,
               invoice: str, at: str, spec: _SaleSpec) -> None:
    item = run.items[line.item]
    wid = uuid7().bytes
    end = max(x.end for x in layers)
    targeted = run.written in run.target_units
    run.written += 1
    void = not targeted and rng.random() < _VOID_SHARE
    void_reason = voided_at = None
    if void:
        when = min(spec.day + timedelta(days=rng.randint(1, 14)), run.today)
        voided_at = f"{when.isoformat()} 16:{rng.randrange(60):02d}:00.000000"
        void_reason = "Sale returned within 14 days; refunded at the till."
    tables.add("warranties", (wid, code, line_id, item.id, customer_id, serial,
                              layers[0].start.isoformat(), end.isoformat(),
                              "void" if void else "active", void_reason, voided_at, None,
                              at))
    for layer in layers:
        plan = run.plans[layer.plan] if layer.plan >= 0 else None
        tables.add("warranty_layers", (wid, layer.kind,
                                       layer.start.isoformat(), layer.end.isoformat(),
                                       plan.id if plan else None,
                                       plan.price if plan else 0))
    seller = run.staff["sales"]
    if line.plan >= 0:
        tables.add("extension_offers", (uuid7().bytes, wid, run.plans[line.plan].id, 1,
                                        seller, at))
    elif line.declined >= 0:
        tables.add("extension_offers", (uuid7().bytes, wid, run.plans[line.declined].id,
                                        0, seller, at))
    card = warranty_cards.warranty_card(code=code, serial=serial, product=item.name,
                                        sku=item.sku, category=item.category,
                                        price=line.price, customer_ref=customer_ref,
                                        invoice_number=invoice,
                                        cover=warranty_cards.card_cover(spans),
                                        policy=item.policy, policy_ref=item.policy_ref)
    tables.add("outbox_events", outbox_row(run.db.ids, "warranty.activated", "warranty", code,
                                           card, at))
    if void_reason and voided_at:
        tables.add("outbox_events", outbox_row(run.db.ids, "warranty.voided", "warranty",
                                               code, {"code": code, "reason": void_reason},
                                               voided_at))
    if targeted:
        run.targets.append(Target(wid, code, serial, line.item, spec.customer, line_id,
                                    line.price, layers))
    elif serial is not None:
        if void:
            run.samples.setdefault("void", serial)
        elif end < run.today:
            run.samples.setdefault("expired", serial)
        else:
            run.samples["in_cover"] = serial


def _customers_rows(run: BulkRun, session: Session, tables: Tables) -> None:
    if not run.pending_customers:
        return
    first = numbers.reserve(session, "CU", 0, len(run.pending_customers))
    for n, (index, local, day, minute, name) in enumerate(run.pending_customers):
        seq = first + n
        reference = numbers.customer_reference(run.branch, seq)
        run.cust_refs[index] = reference
        phone = f"+447700{(seq * _PHONE_STEP) % 10**9:09d}"
        email = f"{local}.{seq}@example.com" if local else ""
        segment = _SEGMENTS[run.cust_segments[index]]
        at = f"{day} {minute // 60:02d}:{minute % 60:02d}:00.000000"
        tables.add("customers", (run.cust_ids[index], reference, name, phone, email,
                                 segment, 0, at, None))
        tables.add("outbox_events", outbox_row(
            run.db.ids, "customer.created", "customer", reference,
            {"reference": reference, "name": name, "phone": phone, "email": email,
             "segment": segment}, at))
    run.pending_customers.clear()

# --- claims ----------------------------------------------------------------------------
