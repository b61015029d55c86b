"""The bulk demo generator: a realistic, deterministic shop of any size, written in chunks."""

# At a million warranties the ORM path (activation.plan_sales/apply_plan) spends most of its
# time in per-row type processing, so rows are built here as plain tuples in the columns' stored
# forms and written with executemany inside db.write(). Everything else follows the services:
# people-facing numbers come from numbers.reserve, every change has its outbox event, new rows
# are indexed for search by rowid high-water mark (as apply_plan does), and each chunk appends
# one entry to the audit chain through audit.record.
#
# Calling generate on a shop that already has data adds more: warranty codes, claim numbers,
# customer references, invoice numbers and serials all continue from their counters.

from __future__ import annotations

import bisect
import json
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput
from warranty_desk.ids import uuid7
from warranty_desk.models import (
    Brand,
    ExtensionPlan,
    NumberCounter,
    Policy,
    Product,
    Shop,
    Staff,
)
from warranty_desk.money import MoneyFormat
from warranty_desk.permissions import Actor, Role
from warranty_desk.rules.coverage import LayerKind, LayerSpan, plan_layers
from warranty_desk.rules.evidence import evidence_label
from warranty_desk.services import activation, audit, demo, demo_names, messages, numbers
from warranty_desk.services.shop_time import today_at
from warranty_desk.storage import search
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

MAX_WARRANTIES = 5_000_000
SALES_PER_CHUNK = 5_000
CLAIMS_PER_CHUNK = 5_000
HISTORY_DAYS = 913  # two and a half years of trading
ACTOR = Actor.system("demo generator")
# A private counter for serials, so a second run never repeats one.
UNIT_COUNTER = "DU"
# Seven base-32 characters: 2**35 serials; a fixed odd step permutes them, so consecutive
# units get unrelated-looking serials and no two units ever share one.
_SERIAL_SPACE = 32**7
_SERIAL_STEP = 0x2F5A3B97
_SERIAL_DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# 13 national digits is no UK number, so these +44 7700 phones can never reach a real phone;
# the step is coprime with 10**9, so every customer reference gets its own number.
_PHONE_STEP = 7_919_777
_VOID_SHARE = 0.004
_ANONYMOUS_ACCESSORY_SHARE = 0.4
_SEGMENTS = ("retail", "vip", "business", "reseller")
_SEGMENT_WEIGHTS = (82, 7, 8, 3)
_CHANNELS = ("counter", "phone", "portal", "online_order")
_CHANNEL_WEIGHTS = (55, 15, 18, 12)

# Where claims end up, as shares of all claims on known sales.
_KIND_SHARES: tuple[tuple[str, float], ...] = (
    ("received", 0.06), ("reviewing", 0.05), ("inspecting", 0.04), ("repairing", 0.05),
    ("at_manufacturer", 0.03), ("repair", 0.36), ("replace", 0.14), ("refund", 0.10),
    ("rejected", 0.17),
)
_OPEN_KINDS = frozenset({"received", "reviewing", "inspecting", "repairing", "at_manufacturer"})
# Days ago an open claim in each state was opened: newer states are younger.
_OPEN_AGES: dict[str, tuple[int, int]] = {
    "received": (1, 6), "reviewing": (1, 10), "inspecting": (2, 20), "repairing": (3, 25),
    "at_manufacturer": (5, 40),
}
_RECEIVED, _REVIEWING, _INSPECTING = "received", "reviewing", "inspecting"
_REPAIRING, _AT_MANUFACTURER, _RESOLVED, _REJECTED = (
    "repairing", "at_manufacturer", "resolved", "rejected")
_MOVE_REASONS = {
    _REVIEWING: "Checking the warranty and the papers.",
    _INSPECTING: "Evidence complete; the unit is on the bench.",
    _REPAIRING: "Fault confirmed; repairing in the shop.",
    _AT_MANUFACTURER: "Sent to the brand's service centre.",
}

_CUSTOMER_COLUMNS = ("id", "reference", "name", "phone", "email", "segment",
                     "retention_follow_up", "created_at", "updated_at")
_SALE_COLUMNS = ("id", "invoice_number", "source", "branch_code", "sold_on", "customer_id",
                 "staff_id", "import_batch_id", "created_at", "voided_at")
_LINE_COLUMNS = ("id", "sale_id", "line_no", "product_id", "quantity", "unit_price_minor")
_WARRANTY_COLUMNS = ("id", "code", "invoice_line_id", "product_id", "customer_id", "serial",
                     "start_on", "end_on", "status", "void_reason", "voided_at", "replaces_id",
                     "created_at")
_LAYER_COLUMNS = ("warranty_id", "kind", "start_on", "end_on", "extension_plan_id",
                  "price_minor")
_OFFER_COLUMNS = ("id", "warranty_id", "plan_id", "accepted", "staff_id", "at")
_OUTBOX_COLUMNS = ("id", "topic", "aggregate", "aggregate_id", "payload", "created_at")
_CLAIM_COLUMNS = ("id", "number", "warranty_id", "customer_id", "product_id", "serial",
                  "channel", "claim_type", "fault", "accessories", "condition", "state",
                  "outcome", "proof_status", "claimed_purchase", "assignee_id", "opened_by_id",
                  "opened_at", "promised_on", "closed_at", "decision_reason", "refund_minor",
                  "refund_reference", "replacement_serial", "replacement_warranty_id",
                  "external_ref")
_EVENT_COLUMNS = ("id", "claim_id", "at", "staff_id", "kind", "from_state", "to_state",
                  "reason", "override_by_id", "cost_minor")
_EVIDENCE_COLUMNS = ("id", "claim_id", "sha256", "kind", "media_type", "size",
                     "original_name", "added_by_id", "added_at", "source")
_COST_COLUMNS = ("id", "claim_id", "kind", "amount_minor", "recoverable", "description",
                 "posted_by_id", "posted_at")
_STOCK_COLUMNS = ("id", "claim_id", "product_id", "serial", "kind", "reference", "staff_id",
                  "at")
_BRAND_CLAIM_COLUMNS = ("id", "claim_id", "brand_id", "external_id", "service_centre",
                        "external_status", "claimed_minor", "submitted_at", "updated_at")
_SETTLEMENT_COLUMNS = ("id", "brand_claim_id", "amount_minor", "reference", "settled_on")
_MESSAGE_COLUMNS = ("id", "claim_id", "customer_id", "template", "subject", "body",
                    "direction", "state", "created_at")

Row = tuple[Any, ...]


def _insert(session: Session, table: str, columns: Sequence[str], rows: list[Row]) -> None:
    if rows:
        marks = ", ".join("?" * len(columns))
        session.connection().exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _stamp(moment: datetime) -> str:
    """A naive UTC time in the text form SQLAlchemy's SQLite DateTime stores and reads."""
    return moment.isoformat(" ", "microseconds")


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)


def _outbox(topic: str, aggregate: str, aggregate_id: str, payload: dict[str, Any],
            at: str) -> Row:
    return (uuid7().bytes, topic, aggregate, aggregate_id, _json(payload), at)


@dataclass(frozen=True, slots=True)
class _Item:
    """A demo product as the generator needs it, ids in stored (bytes) form."""

    id: bytes
    sku: str
    name: str
    category: str
    brand_id: bytes
    brand: str
    price: int
    prefix: str | None
    manufacturer_months: int
    shop_months: int
    evidence: dict[str, tuple[str, ...]]
    new_term_on_replacement: bool


@dataclass(frozen=True, slots=True)
class _Plan:
    id: bytes
    name: str
    months: int
    price: int
    categories: frozenset[str]
    min_price: int
    max_price: int | None

    def fits(self, category: str, price: int) -> bool:
        return (category in self.categories and price >= self.min_price
                and (self.max_price is None or price <= self.max_price))


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


@dataclass(frozen=True, slots=True)
class _Layer:
    kind: str
    start: date
    end: date
    plan: int


@dataclass(frozen=True, slots=True)
class _Target:
    """A sold unit picked to have a claim later."""

    warranty_id: bytes
    code: str
    serial: str | None
    item: int
    customer: int
    line_id: bytes
    price: int
    layers: tuple[_Layer, ...]

    @property
    def start(self) -> date:
        return self.layers[0].start

    @property
    def end(self) -> date:
        return max(layer.end for layer in self.layers)

    def manufacturer_covers(self, day: date) -> bool:
        return any(x.kind == "manufacturer" and x.start <= day <= x.end for x in self.layers)


@dataclass(slots=True)
class _Claim:
    """One planned claim; rows are built from it when its chunk is written."""

    kind: str
    target: _Target | None
    opened: datetime
    closed: datetime | None
    channel: str
    claim_type: str
    fault: str
    reason: str = ""
    via_manufacturer: bool = False
    item: int = 0
    customer: int = -1
    serial: str | None = None


@dataclass(frozen=True, slots=True)
class _Document:
    kind: str
    sha256: str
    media_type: str
    size: int
    name: str


@dataclass(slots=True)
class _Tables:
    """Rows of one chunk, table by table, in the order foreign keys need."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: str, row: Row) -> None:
        self.rows[table].append(row)

    def write(self, session: Session) -> None:
        for table, columns in _ORDER:
            _insert(session, table, columns, self.rows.get(table, []))


_ORDER: tuple[tuple[str, Sequence[str]], ...] = (
    ("customers", _CUSTOMER_COLUMNS), ("sales", _SALE_COLUMNS), ("invoice_lines", _LINE_COLUMNS),
    ("warranties", _WARRANTY_COLUMNS), ("warranty_layers", _LAYER_COLUMNS),
    ("extension_offers", _OFFER_COLUMNS), ("claims", _CLAIM_COLUMNS),
    ("claim_events", _EVENT_COLUMNS), ("evidence_documents", _EVIDENCE_COLUMNS),
    ("cost_postings", _COST_COLUMNS), ("stock_movements", _STOCK_COLUMNS),
    ("brand_claims", _BRAND_CLAIM_COLUMNS), ("settlements", _SETTLEMENT_COLUMNS),
    ("customer_messages", _MESSAGE_COLUMNS), ("outbox_events", _OUTBOX_COLUMNS),
)


def _quotas(total: int, shares: Sequence[float]) -> list[int]:
    """Split `total` by shares, largest remainders first, so the parts add up exactly."""
    raw = [total * s / sum(shares) for s in shares]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[:total - sum(counts)]:
        counts[i] += 1
    return counts


def _day_weight(day: date, n: int, days: int) -> float:
    # A growing shop, busy Saturdays and a November-December peak.
    growth = 0.7 + 0.6 * n / max(days - 1, 1)
    weekday = (1.0, 0.95, 0.95, 1.05, 1.2, 1.6, 0.7)[day.weekday()]
    season = {11: 1.45, 12: 1.6, 1: 1.15, 8: 0.9}.get(day.month, 1.0)
    return growth * weekday * season


class _Run:
    """One call of generate: its catalogue, counters, random streams and planned claims."""

    def __init__(self, db: Database, *, warranties: int, seed: int, today: date,
                 progress: Callable[[int, int], None] | None, documents_root: Path | None):
        self.db = db
        self.today = today
        self.progress = progress
        self.requested = warranties
        self._load()
        # The run's first serial number seeds the streams: a second run on the same shop
        # gets new customers and sales instead of replaying the first.
        base = f"warranty-desk-demo:{seed}:{self.unit_base}"
        self.rng = random.Random(base + ":sales")
        self.claim_rng = random.Random(base + ":claims")
        self.documents = self._store_pool(demo.documents_store(db, documents_root))
        self.cust_ids: list[bytes] = []
        self.cust_refs: list[str] = []
        self.cust_names: list[str] = []
        self.cust_segments = bytearray()
        self.pending_customers: list[tuple[int, str, str, int, str]] = []
        self.targets: list[_Target] = []
        self.samples: dict[str, str] = {}
        self.sales = 0
        self.units = 0  # units planned so far
        self.written = 0  # sold units written so far; the index the claim targets refer to
        self.next_code: dict[int, int] = {}
        self.next_serial = 0
        self.done = 0
        self._plan_claims()

    # --- set-up ----------------------------------------------------------------------------

    def _load(self) -> None:
        demo.ensure_catalogue(self.db)
        skus = {p.sku: p for p in demo_names.PRODUCTS}
        with self.db.read() as session:
            shop = session.scalars(select(Shop)).first()
            if shop is None:
                raise BadInput("The shop is not set up; run `warranty-desk init` first.")
            self.branch = shop.branch_code
            self.shop_name, self.shop_phone = shop.name, shop.phone
            self.money = MoneyFormat(shop.currency, shop.locale)
            rows = session.execute(
                select(Product, Policy, Brand.name).join(Policy, Policy.id == Product.policy_id)
                .join(Brand, Brand.id == Product.brand_id).where(Product.sku.in_(skus))
                .order_by(Product.sku))
            self.items = [
                _Item(p.id.bytes, p.sku, p.name, p.category, p.brand_id.bytes, brand,
                      p.list_price_minor, skus[p.sku].serial_prefix if p.serial_required else None,
                      pol.manufacturer_months, pol.shop_months,
                      {k: tuple(v) for k, v in pol.evidence_required.items()},
                      pol.new_term_on_replacement)
                for p, pol, brand in rows]
            self.plans = [
                _Plan(x.id.bytes, x.name, x.months, x.price_minor, frozenset(x.categories),
                      x.min_price_minor, x.max_price_minor)
                for x in session.scalars(select(ExtensionPlan).where(
                    ExtensionPlan.active.is_(True)).order_by(ExtensionPlan.months.desc(),
                                                             ExtensionPlan.name))]
            self.staff: dict[str, bytes | None] = {role.value: None for role in Role}
            for member in session.scalars(select(Staff).where(Staff.active.is_(True))
                                          .order_by(Staff.created_at, Staff.name)):
                self.staff[member.role] = self.staff[member.role] or member.id.bytes
            counter = session.get(NumberCounter, (UNIT_COUNTER, 0))
            self.unit_base = counter.last + 1 if counter else 1
        weights = {p.sku: p.weight for p in demo_names.PRODUCTS}
        self.cumulative: list[int] = []
        for item in self.items:
            self.cumulative.append((self.cumulative[-1] if self.cumulative else 0)
                                   + weights[item.sku])
        self.accessories = [n for n, i in enumerate(self.items) if i.category == "accessories"]

    def _store_pool(self, store: DocumentStore) -> list[_Document]:
        # Real files, shared by many claims: the store keeps each content once by its hash.
        pool = []
        for n in range(8):
            colour = (70 + 20 * n, 140 - 9 * n, 90 + 13 * n)
            kind = "damage_photos" if n >= 6 else "photo_of_fault"
            stored = store.put(demo.png_bytes(64, 48, colour, seed=n))
            pool.append(_Document(kind, stored.sha256, stored.media_type, stored.size,
                                  f"IMG_{4100 + n}.png"))
        for n in range(4):
            stored = store.put(demo.pdf_bytes("Receipt", (
                f"{self.shop_name or 'Shop'} - till {n + 1}", "Thank you for shopping with us.",
                "Keep this receipt for your warranty.")))
            pool.append(_Document("proof_of_purchase", stored.sha256, stored.media_type,
                                  stored.size, f"receipt-{n + 1}.pdf"))
        for n in range(2):
            stored = store.put(demo.pdf_bytes("Technician's report", (
                f"Bench test {n + 1}", "Fault reproduced; findings attached to the claim.")))
            pool.append(_Document("technician_report", stored.sha256, stored.media_type,
                                  stored.size, f"bench-report-{n + 1}.pdf"))
        return pool

    def _plan_claims(self) -> None:
        """Decide how many claims end in which state before any sale, so replacements
        (new warranties) are known and the run lands on exactly the warranties asked for."""
        total = self.requested // 10
        self.unknown_claims = total // 100
        known = total - self.unknown_claims
        counts = _quotas(known, [share for _, share in _KIND_SHARES])
        if known >= len(counts):
            # Every state shows up once the run is big enough to hold them all.
            for n, count in enumerate(counts):
                if count == 0:
                    counts[counts.index(max(counts))] -= 1
                    counts[n] = 1
        self.kinds = [kind for (kind, _), count in zip(_KIND_SHARES, counts, strict=True)
                      for _ in range(count)]
        self.claim_rng.shuffle(self.kinds)
        self.replacements = self.kinds.count("replace")
        self.sold_units = self.requested - self.replacements
        self.target_units = set(self.claim_rng.sample(range(self.sold_units), len(self.kinds)))
        self.total_steps = self.requested + total

    # --- sales -----------------------------------------------------------------------------

    def _tick(self, steps: int) -> None:
        self.done += steps
        if self.progress is not None:
            self.progress(min(self.done, self.total_steps), self.total_steps)

    def _pick_item(self) -> int:
        return bisect.bisect_right(self.cumulative, self.rng.randrange(self.cumulative[-1]))

    def _new_customer(self, day: date) -> int:
        rng = self.rng
        segment = rng.choices(range(4), _SEGMENT_WEIGHTS)[0]
        if _SEGMENTS[segment] in ("business", "reseller"):
            kinds = (demo_names.BUSINESS_KINDS if _SEGMENTS[segment] == "business"
                     else demo_names.RESELLER_KINDS)
            name = (f"{rng.choice(demo_names.BUSINESS_WORDS)} {rng.choice(kinds)} "
                    f"({rng.choice(demo_names.TOWNS)}) Ltd")
            local = "accounts"
        else:
            first, last = rng.choice(demo_names.FIRST_NAMES), rng.choice(demo_names.LAST_NAMES)
            name = f"{first} {last}"
            local = f"{first}.{last}".lower().replace("'", "")
        index = len(self.cust_ids)
        self.cust_ids.append(uuid7().bytes)
        self.cust_refs.append("")
        self.cust_names.append(name)
        self.cust_segments.append(segment)
        # The reference (and the phone made from it) is reserved when the chunk is written.
        email_share = 0.9 if segment >= 2 else 0.55
        self.pending_customers.append((index, local if rng.random() < email_share else "",
                                       day.isoformat(), rng.randrange(540, 1080), name))
        return index

    def _customer_for(self, units_done: int, day: date) -> int:
        # New customers arrive at an even pace through the history (about one per five
        # warranties); everyone else is a returning customer picked at random.
        wanted = self.requested // 5 or 1
        created = len(self.cust_ids)
        due = wanted * (units_done + 1) / self.sold_units
        if created == 0 or (created < wanted and (created < due or self.rng.random() < 0.02)):
            return self._new_customer(day)
        return self.rng.randrange(created)

    def _sale(self, day: date, left: int) -> _SaleSpec:
        rng = self.rng
        item_n = self._pick_item()
        item = self.items[item_n]
        customer = -1
        if not (item.category == "accessories" and rng.random() < _ANONYMOUS_ACCESSORY_SHARE):
            customer = self._customer_for(self.units, day)
        segment = _SEGMENTS[self.cust_segments[customer]] if customer >= 0 else "retail"
        quantity = 1
        if segment == "business" and item.category in ("laptops", "phones", "headphones"):
            quantity = rng.randint(1, 5)
        elif segment == "reseller":
            quantity = rng.randint(2, 8) if item.category in (
                "phones", "headphones", "accessories") else rng.randint(1, 3)
        elif rng.random() < 0.06:
            quantity = 2
        quantity = min(quantity, left)
        lines = [self._line(item_n, quantity, segment)]
        if left > quantity and item.category != "accessories" and rng.random() < 0.25:
            extra = self.accessories[rng.randrange(len(self.accessories))]
            lines.append(self._line(extra, min(rng.randint(1, 2), left - quantity), segment))
        return _SaleSpec(day, rng.randrange(540, 1080), customer, tuple(lines))

    def _line(self, item_n: int, quantity: int, segment: str) -> _Line:
        rng = self.rng
        item = self.items[item_n]
        discount = {"vip": 5, "business": 8, "reseller": 15}.get(segment, 0)
        if segment == "retail" and rng.random() < 0.1:
            discount = rng.choice((5, 10))
        price = item.price * (100 - discount) // 100 // 100 * 100 if discount else item.price
        plan = declined = -1
        eligible = [n for n, p in enumerate(self.plans) if p.fits(item.category, price)]
        if eligible:
            roll = rng.random()
            if roll < 0.18:
                plan = eligible[0]
            elif roll < 0.30:
                declined = eligible[0]
        return _Line(item_n, quantity, price, plan, declined)

    def sell(self) -> None:
        start = self.today - timedelta(days=HISTORY_DAYS - 1)
        days = [start + timedelta(days=n) for n in range(HISTORY_DAYS)]
        quotas = _quotas(self.sold_units, [_day_weight(d, n, HISTORY_DAYS)
                                           for n, d in enumerate(days)])
        chunk: list[_SaleSpec] = []
        for day, quota in zip(days, quotas, strict=True):
            left = quota
            while left > 0:
                spec = self._sale(day, left)
                units = sum(line.quantity for line in spec.lines)
                left -= units
                self.units += units
                chunk.append(spec)
                if len(chunk) >= SALES_PER_CHUNK:
                    self._write_sales(chunk)
                    chunk = []
        if chunk:
            self._write_sales(chunk)

    def _serial(self, prefix: str, unit: int) -> str:
        value = (unit * _SERIAL_STEP) % _SERIAL_SPACE
        chars = []
        for _ in range(7):
            value, digit = divmod(value, 32)
            chars.append(_SERIAL_DIGITS[digit])
        return prefix + "-" + "".join(reversed(chars))

    def _layers(self, cache: dict[tuple[date, int, int, int], tuple[_Layer, ...]], day: date,
                item: _Item, plan: int) -> tuple[_Layer, ...]:
        # Most units of a day share their policy, so their layers are worked out once.
        key = (day, item.manufacturer_months, item.shop_months, plan)
        found = cache.get(key)
        if found is None:
            months = self.plans[plan].months if plan >= 0 else 0
            found = tuple(_Layer(s.kind.value, s.start, s.end,
                                 plan if s.kind is LayerKind.EXTENSION else -1)
                          for s in plan_layers(day, item.manufacturer_months, item.shop_months,
                                               months))
            cache[key] = found
        return found

    def _write_sales(self, chunk: list[_SaleSpec]) -> None:
        rng = self.rng
        units_per_year: dict[int, int] = defaultdict(int)
        serial_units = 0
        for spec in chunk:
            for line in spec.lines:
                units_per_year[spec.day.year] += line.quantity
                if self.items[line.item].prefix:
                    serial_units += line.quantity
        with self.db.write() as session:
            next_code = {year: numbers.reserve(session, "W", year, n)
                         for year, n in sorted(units_per_year.items())}
            next_serial = numbers.reserve(session, UNIT_COUNTER, 0, serial_units)
            invoice = numbers.reserve(session, demo.INVOICE_COUNTER, 0, len(chunk))
            tables = _Tables()
            self._customers_rows(session, tables)
            marks = {"customers": search.high_water(session, "customers")}
            seller = self.staff["sales"]
            cache: dict[tuple[date, int, int, int], tuple[_Layer, ...]] = {}
            first_code = last_code = ""
            for spec in chunk:
                day_text = spec.day.isoformat()
                at = f"{day_text} {spec.minute // 60:02d}:{spec.minute % 60:02d}:00.000000"
                customer_id = self.cust_ids[spec.customer] if spec.customer >= 0 else None
                customer_ref = self.cust_refs[spec.customer] if spec.customer >= 0 else None
                sale_id = uuid7().bytes
                number = f"INV-{invoice:06d}"
                invoice += 1
                tables.add("sales", (sale_id, number, "counter", self.branch, day_text,
                                     customer_id, seller, None, at, None))
                for line_no, line in enumerate(spec.lines, start=1):
                    item = self.items[line.item]
                    line_id = uuid7().bytes
                    tables.add("invoice_lines", (line_id, sale_id, line_no, item.id,
                                                 line.quantity, line.price))
                    layers = self._layers(cache, spec.day, item, line.plan)
                    spans = [LayerSpan(LayerKind(x.kind), x.start, x.end) for x in layers]
                    for _ in range(line.quantity):
                        year = spec.day.year
                        code = numbers.warranty_code(self.branch, year, next_code[year])
                        next_code[year] += 1
                        first_code = first_code or code
                        last_code = code
                        serial = None
                        if item.prefix:
                            serial = self._serial(item.prefix, next_serial)
                            next_serial += 1
                        self._unit_rows(tables, rng, code, serial, line, line_id, layers,
                                        spans, customer_id, customer_ref, number, at, spec)
                self.sales += 1
            tables.write(session)
            for table, mark in marks.items():
                search.index_since(session, table, mark)
            audit.record(session, ACTOR, "demo.sales", "demo", f"{first_code}..{last_code}",
                         {"sales": len(chunk), "warranties": sum(units_per_year.values()),
                          "first": first_code, "last": last_code})
        self._tick(sum(units_per_year.values()))

    def _unit_rows(self, tables: _Tables, rng: random.Random, code: str, serial: str | None,
                   line: _Line, line_id: bytes, layers: tuple[_Layer, ...],
                   spans: list[LayerSpan], customer_id: bytes | None, customer_ref: str | None,
                   invoice: str, at: str, spec: _SaleSpec) -> None:
        item = self.items[line.item]
        wid = uuid7().bytes
        end = max(x.end for x in layers)
        targeted = self.written in self.target_units
        self.written += 1
        void = not targeted and rng.random() < _VOID_SHARE
        void_reason = voided_at = None
        if void:
            when = min(spec.day + timedelta(days=rng.randint(1, 14)), self.today)
            voided_at = f"{when.isoformat()} 16:{rng.randrange(60):02d}:00.000000"
            void_reason = "Sale returned within 14 days; refunded at the till."
        tables.add("warranties", (wid, code, line_id, item.id, customer_id, serial,
                                  layers[0].start.isoformat(), end.isoformat(),
                                  "void" if void else "active", void_reason, voided_at, None,
                                  at))
        for layer in layers:
            plan = self.plans[layer.plan] if layer.plan >= 0 else None
            tables.add("warranty_layers", (wid, layer.kind,
                                           layer.start.isoformat(), layer.end.isoformat(),
                                           plan.id if plan else None,
                                           plan.price if plan else 0))
        seller = self.staff["sales"]
        if line.plan >= 0:
            tables.add("extension_offers", (uuid7().bytes, wid, self.plans[line.plan].id, 1,
                                            seller, at))
        elif line.declined >= 0:
            tables.add("extension_offers", (uuid7().bytes, wid, self.plans[line.declined].id,
                                            0, seller, at))
        card = activation.warranty_card(code=code, serial=serial, product=item.name,
                                        sku=item.sku, customer_ref=customer_ref,
                                        invoice_number=invoice,
                                        cover=activation.card_cover(spans))
        tables.add("outbox_events", _outbox("warranty.activated", "warranty", code, card, at))
        if void_reason and voided_at:
            tables.add("outbox_events", _outbox("warranty.voided", "warranty", code,
                                                {"code": code, "reason": void_reason},
                                                voided_at))
        if targeted:
            self.targets.append(_Target(wid, code, serial, line.item, spec.customer, line_id,
                                        line.price, layers))
        elif serial is not None:
            if void:
                self.samples.setdefault("void", serial)
            elif end < self.today:
                self.samples.setdefault("expired", serial)
            else:
                self.samples["in_cover"] = serial

    def _customers_rows(self, session: Session, tables: _Tables) -> None:
        if not self.pending_customers:
            return
        first = numbers.reserve(session, "CU", 0, len(self.pending_customers))
        for n, (index, local, day, minute, name) in enumerate(self.pending_customers):
            seq = first + n
            reference = numbers.customer_reference(self.branch, seq)
            self.cust_refs[index] = reference
            phone = f"+447700{(seq * _PHONE_STEP) % 10**9:09d}"
            email = f"{local}.{seq}@example.com" if local else ""
            segment = _SEGMENTS[self.cust_segments[index]]
            at = f"{day} {minute // 60:02d}:{minute % 60:02d}:00.000000"
            tables.add("customers", (self.cust_ids[index], reference, name, phone, email,
                                     segment, 0, at, None))
            tables.add("outbox_events", _outbox(
                "customer.created", "customer", reference,
                {"reference": reference, "name": name, "phone": phone, "email": email,
                 "segment": segment}, at))
        self.pending_customers.clear()

    # --- claims ----------------------------------------------------------------------------

    def claim(self) -> None:
        planned = self._assign() + self._unknown_sale_claims()
        # Numbers rise with the opening time, as they would have at the counter.
        planned.sort(key=lambda c: c.opened)
        for start in range(0, len(planned), CLAIMS_PER_CHUNK):
            self._write_claims(planned[start:start + CLAIMS_PER_CHUNK])

    def _assign(self) -> list[_Claim]:
        """Match planned end states to the units picked for claims.

        Open claims need a unit still in cover lately; replacements prefer units with a
        serial, as the replace decision asks for the new unit's serial.
        """
        rng = self.claim_rng
        recent_cut = self.today - timedelta(days=30)
        recent = [t for t in self.targets if t.end >= recent_cut]
        older = [t for t in self.targets if t.end < recent_cut]
        open_kinds = [k for k in self.kinds if k in _OPEN_KINDS]
        closed_kinds = [k for k in self.kinds if k not in _OPEN_KINDS]
        picked = rng.sample(range(len(recent)), min(len(open_kinds), len(recent)))
        planned = [self._open_claim(kind, recent[n])
                   for kind, n in zip(open_kinds, picked, strict=False)]
        # Too few recent units (a tiny run): the rest are turned down instead.
        closed_kinds += ["rejected"] * (len(open_kinds) - len(picked))
        chosen = set(picked)
        rest = [t for n, t in enumerate(recent) if n not in chosen] + older
        with_serial = [t for t in rest if t.serial]
        without = [t for t in rest if not t.serial]
        rng.shuffle(with_serial)
        rng.shuffle(without)
        replaces = [k for k in closed_kinds if k == "replace"]
        others = [k for k in closed_kinds if k != "replace"]
        rng.shuffle(others)
        planned += [self._closed_claim(kind, target) for kind, target in
                    zip(replaces + others, with_serial + without, strict=True)]
        return planned

    def _claim_basics(self, target: _Target, day: date) -> tuple[str, str, str]:
        rng = self.claim_rng
        item = self.items[target.item]
        channel = rng.choices(_CHANNELS, _CHANNEL_WEIGHTS)[0]
        fault = rng.choice(demo_names.FAULTS[item.category])
        roll = rng.random()
        if (day - target.start).days <= 14 and roll < 0.35:
            return channel, "dead_on_arrival", f"Faulty out of the box: {fault.lower()}"
        if item.category in ("phones", "laptops", "headphones") and roll > 0.93:
            return channel, "battery", "Battery runs down within a couple of hours"
        return channel, "fault", fault

    def _moment(self, day: date) -> datetime:
        return datetime.combine(day, time(9)) + timedelta(minutes=self.claim_rng.randrange(510))

    def _open_claim(self, kind: str, target: _Target) -> _Claim:
        low, high = _OPEN_AGES[kind]
        day = self.today - timedelta(days=self.claim_rng.randint(low, high))
        day = min(max(day, target.start), target.end, self.today)
        channel, claim_type, fault = self._claim_basics(target, day)
        return _Claim(kind, target, self._moment(day), None, channel, claim_type, fault,
                      via_manufacturer=kind == _AT_MANUFACTURER, item=target.item,
                      customer=target.customer, serial=target.serial)

    def _closed_claim(self, kind: str, target: _Target) -> _Claim:
        rng = self.claim_rng
        reason = ""
        last = min(target.end, self.today - timedelta(days=1))
        if kind == "rejected" and target.end < self.today - timedelta(days=1) and (
                rng.random() < 0.25):
            # Some customers come back after the cover ended; those claims are turned down.
            day = target.end + timedelta(days=rng.randint(1, (self.today - target.end).days))
            reason = demo_names.EXPIRED_REASON
        elif last < target.start:
            day = target.start
        else:
            # Faults cluster early in a unit's life.
            day = target.start + timedelta(
                days=int((last - target.start).days * rng.random() ** 1.6))
        if kind == "rejected" and not reason:
            reason = rng.choice(demo_names.REJECT_REASONS)
        via = kind == "repair" and rng.random() < 0.3
        low, high = {"repair": (10, 35) if via else (3, 21), "replace": (1, 10),
                     "refund": (1, 7)}.get(kind, (0, 8))
        opened = self._moment(day)
        # Closed by yesterday at the latest, so no decision is stamped later than now.
        yesterday = max(day, self.today - timedelta(days=1))
        closed = self._moment(min(day + timedelta(days=rng.randint(low, high)), yesterday))
        closed = max(closed, opened + timedelta(hours=2))
        channel, claim_type, fault = self._claim_basics(target, day)
        return _Claim(kind, target, opened, closed, channel, claim_type, fault, reason, via,
                      target.item, target.customer, target.serial)

    def _unknown_sale_claims(self) -> list[_Claim]:
        rng = self.claim_rng
        serial_items = [n for n, item in enumerate(self.items) if item.prefix]
        planned = []
        for n in range(self.unknown_claims):
            kind = (_RECEIVED, _REVIEWING, _REJECTED)[n % 3]
            ago = rng.randint(1, 10) if kind != _REJECTED else rng.randint(20, HISTORY_DAYS - 1)
            opened = self._moment(self.today - timedelta(days=ago))
            closed = opened + timedelta(days=rng.randint(1, 5)) if kind == _REJECTED else None
            item = rng.choice(serial_items)
            customer = rng.randrange(len(self.cust_ids)) if self.cust_ids else -1
            fault = rng.choice(demo_names.FAULTS[self.items[item].category])
            planned.append(_Claim(kind, None, opened, closed, rng.choice(("portal", "counter")),
                                  "fault", fault, demo_names.PROOF_REJECTED_REASON, False, item,
                                  customer))
        return planned

    def _path(self, claim: _Claim) -> list[tuple[str, str]]:
        into = [(_RECEIVED, _REVIEWING), (_REVIEWING, _INSPECTING)]
        kind = claim.kind
        if claim.target is None:
            return {_REVIEWING: into[:1], _REJECTED: [(_RECEIVED, _REJECTED)]}.get(kind, [])
        if kind in (_RECEIVED, _REVIEWING, _INSPECTING):
            return into[:[_RECEIVED, _REVIEWING, _INSPECTING].index(kind)]
        if kind in (_REPAIRING, _AT_MANUFACTURER):
            return [*into, (_INSPECTING, kind)]
        if kind == "repair":
            middle = _AT_MANUFACTURER if claim.via_manufacturer else _REPAIRING
            return [*into, (_INSPECTING, middle), (middle, _RESOLVED)]
        if kind in ("replace", "refund"):
            return [*into, (_INSPECTING, _RESOLVED)]
        reasons = demo_names.REJECT_REASONS
        if claim.reason in (demo_names.EXPIRED_REASON, reasons[1]):
            return [(_RECEIVED, _REJECTED)]
        if claim.reason == reasons[3]:
            return [into[0], (_REVIEWING, _REJECTED)]
        return [*into, (_INSPECTING, _REJECTED)]

    def _evidence(self, claim: _Claim, path: list[tuple[str, str]]) -> list[_Document]:
        rng = self.claim_rng
        if claim.target is None:
            return [self._document("proof_of_purchase")]
        inspected = any(to == _INSPECTING for _, to in path)
        if inspected:
            kinds = list(self.items[claim.item].evidence.get(claim.claim_type, ())
                         or ("proof_of_purchase",))
            if rng.random() < 0.3:
                kinds.append("technician_report")
        elif claim.reason == demo_names.REJECT_REASONS[1]:
            kinds = ["damage_photos"]
        else:
            kinds = ["proof_of_purchase"] if rng.random() < 0.6 else []
        return [self._document(kind) for kind in kinds]

    def _document(self, kind: str) -> _Document:
        fitting = [d for d in self.documents if d.kind == kind]
        return fitting[self.claim_rng.randrange(len(fitting))]

    def _write_claims(self, chunk: list[_Claim]) -> None:
        claims_per_year: dict[int, int] = defaultdict(int)
        codes_per_year: dict[int, int] = defaultdict(int)
        for claim in chunk:
            claims_per_year[claim.opened.year] += 1
            if claim.kind == "replace" and claim.closed is not None:
                codes_per_year[claim.closed.year] += 1
        serials = sum(1 for c in chunk if c.target is None or c.kind == "replace")
        with self.db.write() as session:
            next_number = {year: numbers.reserve(session, "C", year, n)
                           for year, n in sorted(claims_per_year.items())}
            self.next_code = {year: numbers.reserve(session, "W", year, n)
                              for year, n in sorted(codes_per_year.items())}
            self.next_serial = numbers.reserve(session, UNIT_COUNTER, 0, serials)
            tables = _Tables()
            voids: list[Row] = []
            first = last = ""
            for claim in chunk:
                year = claim.opened.year
                number = numbers.claim_number(self.branch, year, next_number[year])
                next_number[year] += 1
                first, last = first or number, number
                self._claim_rows(tables, voids, claim, number)
            tables.write(session)
            if voids:
                session.connection().exec_driver_sql(
                    "UPDATE warranties SET status = 'void', void_reason = ?, voided_at = ? "
                    "WHERE id = ?", voids)
            audit.record(session, ACTOR, "demo.claims", "demo", f"{first}..{last}",
                         {"claims": len(chunk), "first": first, "last": last,
                          "replacements": sum(codes_per_year.values())})
        # Replacement units are warranties too, so they count towards the total.
        self._tick(len(chunk) + sum(codes_per_year.values()))

    def _claim_rows(self, tables: _Tables, voids: list[Row], claim: _Claim, number: str) -> None:
        rng = self.claim_rng
        staff = self.staff
        item = self.items[claim.item]
        target = claim.target
        path = self._path(claim)
        documents = self._evidence(claim, path)
        notes = ([rng.choice(demo_names.REPAIR_NOTES)]
                 if any(to == _REPAIRING for _, to in path) else [])
        steps = 1 + len(documents) + len(path) + len(notes)
        if claim.closed is not None:
            finish = claim.closed
        else:
            # An open claim's last step happened before today began.
            finish = max(claim.opened + (datetime.combine(self.today, time(0)) - claim.opened)
                         * 0.8, claim.opened + timedelta(minutes=30))
        gap = (finish - claim.opened) / max(steps - 1, 1)
        times = [_stamp(claim.opened + gap * n) for n in range(steps)]
        at = iter(times)
        cid = uuid7().bytes
        customer_id = self.cust_ids[claim.customer] if claim.customer >= 0 else None
        opener = (None if claim.channel == "portal"
                  else staff["sales"] if claim.channel == "counter" else staff["support"])
        serial = claim.serial
        if target is None:
            serial = self._serial(item.prefix or "SN", self.next_serial)
            self.next_serial += 1
        state = {"repair": _RESOLVED, "replace": _RESOLVED, "refund": _RESOLVED}.get(
            claim.kind, claim.kind)
        outcome = {"repair": "repair", "replace": "replace", "refund": "refund",
                   _REJECTED: "reject"}.get(claim.kind)
        events = tables.rows["claim_events"]
        channel_words = claim.channel.replace("_", " ")
        events.append((uuid7().bytes, cid, next(at), opener, "opened", None, _RECEIVED,
                       f"Opened at the {channel_words}: {claim.fault}"
                       if target else "Opened without a known sale; proof of purchase "
                       "uploaded, not yet verified.", None, 0))
        source = "portal" if claim.channel == "portal" else "counter"
        for document in documents:
            when = next(at)
            tables.add("evidence_documents", (
                uuid7().bytes, cid, document.sha256, document.kind, document.media_type,
                document.size, document.name, opener, when, source))
            events.append((uuid7().bytes, cid, when, opener, "evidence", None, None,
                           f"Added {evidence_label(document.kind)} ({document.name})", None, 0))
        costs: list[tuple[str, int, str, bool, bytes | None]] = []
        extras: dict[str, str] = {}
        words: dict[str, str] = {}
        decision_reason = None
        refund_minor = refund_reference = replacement_serial = replacement_id = None
        decider = staff["manager"]
        close_stamp = _stamp(claim.closed) if claim.closed else None
        close_day = claim.closed.date() if claim.closed else self.today
        if claim.kind == "repair":
            if claim.via_manufacturer:
                decision_reason = f"Repaired by the {item.brand} service centre under warranty."
                costs.append(("shipping", rng.randrange(1_200, 2_500, 10),
                              f"Courier to {item.brand}", True, staff["finance"]))
            else:
                part, low, high = rng.choice(demo_names.PARTS[item.category])
                decision_reason = f"{part} replaced under warranty."
                covered = bool(target and target.manufacturer_covers(claim.opened.date()))
                costs.append(("parts", rng.randrange(low, high, 10), part, covered,
                              staff["technician"]))
                costs.append(("labour", rng.randrange(2_000, 6_000, 100),
                              f"{rng.choice((30, 45, 60, 90))} minutes bench time", False,
                              staff["technician"]))
        elif claim.kind in ("replace", "refund") and target is not None:
            covered = target.manufacturer_covers(close_day)
            if claim.kind == "replace":
                decision_reason = "Not economical to repair; replaced with a new unit."
                replacement_id, replacement_serial, extras = self._replace(
                    tables, voids, claim, target, number)
                costs.append(("replacement", max(target.price, item.price, 1),
                              f"Replacement unit {replacement_serial or 'without serial'}",
                              covered, decider))
            else:
                decision_reason = "No replacement in stock; refunded."
                refund_minor = (target.price if rng.random() < 0.7
                                else max(100, target.price * rng.randint(50, 90) // 100))
                refund_reference = f"POS-R-{rng.randrange(10**6):06d}"
                if refund_minor > 50_000:
                    decider = staff["owner"]
                costs.append(("refund", refund_minor, f"Refund {refund_reference}", covered,
                              decider))
                voids.append((f"Refunded under claim {number}", close_stamp, target.warranty_id))
                # As decisions.decide writes it: the event has the plain amount and its
                # currency, the customer's message the amount as the shop writes money.
                extras = {"amount": self.money.plain(refund_minor),
                          "currency": self.money.currency, "refund_reference": refund_reference}
                words = {"amount": self.money.people(refund_minor)}
        elif claim.kind == _REJECTED:
            decision_reason = claim.reason
        elif claim.kind == _AT_MANUFACTURER:
            costs.append(("shipping", rng.randrange(1_200, 2_500, 10), f"Courier to {item.brand}",
                          True, staff["finance"]))
        if target is None and claim.kind == _REJECTED:
            events.append((uuid7().bytes, cid, times[-1], staff["support"], "proof", None, None,
                           "Proof of purchase not accepted: " + claim.reason, None, 0))
        moved_at: dict[str, str] = {}
        for (from_state, to_state), note in zip(path, [*[""] * (len(path) - len(notes)),
                                                      *notes], strict=True):
            if note:
                events.append((uuid7().bytes, cid, next(at), staff["technician"], "note", None,
                               None, note, None, 0))
            when = next(at)
            moved_at[to_state] = when
            final = to_state in (_RESOLVED, _REJECTED)
            mover = (decider if final else staff["support"] if to_state == _REVIEWING
                     else staff["technician"])
            events.append((uuid7().bytes, cid, when, mover, "status", from_state, to_state,
                           (decision_reason or "") if final else _MOVE_REASONS[to_state],
                           None, 0))
        cost_at = times[-1]
        for kind, amount, description, recoverable, poster in costs:
            tables.add("cost_postings", (uuid7().bytes, cid, kind, amount, int(recoverable),
                                         description, poster, cost_at))
            events.append((uuid7().bytes, cid, cost_at, poster, "cost", None, None,
                           f"{kind}: {description}", None, amount))
        self._stock_and_brand(tables, claim, cid, number, serial, replacement_serial, moved_at,
                              costs)
        inspected = _INSPECTING in moved_at
        tables.add("claims", (
            cid, number, target.warranty_id if target else None, customer_id, item.id, serial,
            claim.channel, claim.claim_type, claim.fault,
            rng.choice(("", "", "Charger", "Box and charger", "Cable")), rng.choice((
                "Good", "Good", "Light scratches", "Worn corners")), state, outcome,
            ("rejected" if claim.kind == _REJECTED else "unverified") if target is None
            else "not_needed",
            _json({"product": item.name, "purchased_on": (claim.opened.date() - timedelta(
                days=rng.randint(30, 300))).isoformat(), "where": "Online marketplace"})
            if target is None else "{}",
            staff["technician"] if inspected else None, opener, _stamp(claim.opened),
            (claim.opened.date() + timedelta(days=10)).isoformat(), close_stamp,
            decision_reason, refund_minor, refund_reference, replacement_serial, replacement_id,
            None))
        self._claim_messages(tables, claim, cid, customer_id, number, state, outcome, serial,
                             decision_reason, extras, words, times[-1])

    def _replace(self, tables: _Tables, voids: list[Row], claim: _Claim, target: _Target,
                 number: str) -> tuple[bytes, str | None, dict[str, str]]:
        assert claim.closed is not None
        item = self.items[claim.item]
        day = claim.closed.date()
        if item.new_term_on_replacement:
            layers = [(s.kind.value, s.start, s.end, -1) for s in plan_layers(
                day, item.manufacturer_months, item.shop_months)]
        else:
            # The remaining cover moves to the new unit, as decisions.decide does.
            layers = [(x.kind, max(x.start, day), x.end, x.plan)
                      for x in target.layers if x.end >= day] or [("shop", day, day, -1)]
        code = numbers.warranty_code(self.branch, day.year, self.next_code[day.year])
        self.next_code[day.year] += 1
        serial = None
        if item.prefix:
            serial = self._serial(item.prefix, self.next_serial)
            self.next_serial += 1
        new_id = uuid7().bytes
        stamp = _stamp(claim.closed)
        end = max(x[2] for x in layers)
        customer_id = self.cust_ids[target.customer] if target.customer >= 0 else None
        tables.add("warranties", (new_id, code, target.line_id, item.id, customer_id, serial,
                                  layers[0][1].isoformat(), end.isoformat(), "active", None,
                                  None, target.warranty_id, stamp))
        for kind, start, stop, plan in layers:
            tables.add("warranty_layers", (new_id, kind, start.isoformat(),
                                           stop.isoformat(),
                                           self.plans[plan].id if plan >= 0 else None, 0))
        voids.append((f"Replaced by {code} (serial {serial}) under claim {number}", stamp,
                      target.warranty_id))
        tables.add("outbox_events", _outbox("warranty.replaced", "warranty", target.code,
                                            {"old": target.code, "new": code, "serial": serial,
                                             "end": end.isoformat()}, stamp))
        return new_id, serial, {"new_serial": serial or "", "new_warranty": code,
                                "end": end.isoformat()}

    def _stock_and_brand(self, tables: _Tables, claim: _Claim, cid: bytes, number: str,
                         serial: str | None, new_serial: str | None, moved_at: dict[str, str],
                         costs: list[tuple[str, int, str, bool, bytes | None]]) -> None:
        rng = self.claim_rng
        item = self.items[claim.item]
        keeper = self.staff["storekeeper"]
        closed = _stamp(claim.closed) if claim.closed else None
        moves: list[tuple[str, str | None, str]] = []
        if claim.kind in ("replace", "refund") and closed:
            moves.append(("return_in", serial, closed))
            if claim.kind == "replace":
                moves.append(("replacement_out", new_serial, closed))
        if _AT_MANUFACTURER in moved_at:
            moves.append(("to_supplier", serial, moved_at[_AT_MANUFACTURER]))
            if closed:
                moves.append(("from_supplier", serial, closed))
        for kind, unit, when in moves:
            tables.add("stock_movements", (uuid7().bytes, cid, item.id, unit, kind, number,
                                           keeper, when))
        recoverable = sum(amount for _, amount, _, rec, _ in costs if rec)
        if _AT_MANUFACTURER in moved_at:
            claimed = recoverable + rng.randrange(3_000, 12_000, 100)
            status = "paid" if closed else rng.choice(("submitted", "in_repair"))
            submitted = moved_at[_AT_MANUFACTURER]
        elif claim.kind in ("replace", "refund") and recoverable and rng.random() < 0.6:
            claimed, status, submitted = recoverable, "credited", closed or ""
        else:
            return
        brand_claim = uuid7().bytes
        settle_day = (claim.closed.date() + timedelta(days=rng.randint(7, 30))
                      if claim.closed else None)
        if settle_day is not None and settle_day > self.today:
            status, settle_day = "accepted", None
        tables.add("brand_claims", (
            brand_claim, cid, item.brand_id,
            f"{item.brand[:3].upper()}-RMA-{rng.randrange(10**6):06d}",
            demo_names.BRAND_CENTRES.get(item.brand, ""), status, claimed, submitted,
            f"{settle_day.isoformat()} 12:00:00.000000" if settle_day else None))
        if settle_day is not None:
            tables.add("settlements", (uuid7().bytes, brand_claim,
                                       claimed if rng.random() < 0.8 else claimed * 9 // 10,
                                       f"CN-{rng.randrange(10**6):06d}",
                                       settle_day.isoformat()))

    def _claim_messages(self, tables: _Tables, claim: _Claim, cid: bytes,
                        customer_id: bytes | None, number: str, state: str, outcome: str | None,
                        serial: str | None, reason: str | None, extras: dict[str, str],
                        words: dict[str, str], at: str) -> None:
        item = self.items[claim.item]
        template = (f"claim_{state}" if outcome is None else "claim_rejected"
                    if outcome == "reject" else f"claim_resolved_{outcome}")
        values = {
            "customer": self.cust_names[claim.customer] if claim.customer >= 0 else "customer",
            "claim": number, "product": item.name, "serial": serial or "not recorded",
            "shop": self.shop_name, "phone": self.shop_phone,
            "promised": (claim.opened.date() + timedelta(days=10)).isoformat(),
            "end": claim.target.end.isoformat() if claim.target else "",
            "reason": reason or "", **extras, **words,
        }
        wording = messages.render(template, values)
        # Sync delivered these long ago; only a live status change queues a message.
        tables.add("customer_messages", (uuid7().bytes, cid, customer_id, template,
                                         wording.subject, wording.body, "outbound",
                                         "delivered" if claim.closed else "sent", at))
        opened_iso = claim.opened.isoformat() + "+00:00"
        payload: dict[str, Any] = {
            "number": number, "state": _RECEIVED, "outcome": None, "channel": claim.channel,
            "claim_type": claim.claim_type, "fault": claim.fault, "serial": serial,
            "opened_at": opened_iso, "warranty": claim.target.code if claim.target else None}
        tables.add("outbox_events", _outbox("claim.opened", "claim", number, payload,
                                            _stamp(claim.opened)))
        if state != _RECEIVED:
            topic = "claim.decided" if claim.closed else "claim.status_changed"
            tables.add("outbox_events", _outbox(topic, "claim", number, {
                **payload, "state": state, "outcome": outcome, "reason": reason, **extras}, at))

    def report(self) -> demo.DemoReport:
        keys = [k for k in ("in_cover", "expired", "void") if k in self.samples]
        claims = len(self.kinds) + self.unknown_claims
        return demo.DemoReport(
            created=True, staff=(), sales=self.sales, warranties=self.written + self.replacements,
            claims=claims, sample_serials=tuple(self.samples[k] for k in keys),
            sample_verdicts=tuple(keys), customers=len(self.cust_ids),
            message=f"Generated {self.sales} sales, {self.written + self.replacements} "
                    f"warranties, {len(self.cust_ids)} customers and {claims} claims.")


def generate(
    db: Database, *, warranties: int, seed: int,
    progress: Callable[[int, int], None] | None = None, documents_root: Path | None = None,
) -> demo.DemoReport:
    """Add `warranties` warranties (sold units plus claim replacements) and ~1 claim per 10.

    Customers come to about one per five warranties. Deterministic for the shop's state,
    `warranties`, `seed` and today on the database's clock; on a shop that already has data it
    adds more, with every number continuing. `progress(done, total)` counts warranties and
    claims written.
    """
    if not 1 <= warranties <= MAX_WARRANTIES:
        raise BadInput(f"Ask for 1 to {MAX_WARRANTIES:,} warranties, not {warranties:,}.")
    run = _Run(db, warranties=warranties, seed=seed, today=today_at(db), progress=progress,
               documents_root=documents_root)
    run.sell()
    run.claim()
    return run.report()
