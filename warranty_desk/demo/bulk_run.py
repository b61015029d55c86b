"""The bulk generator's run: its catalogue, staff, counters, random streams and planned claims."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from warranty_desk.demo import catalogue
from warranty_desk.demo.files import documents_store, pdf_bytes, png_bytes
from warranty_desk.errors import BadInput
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
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

HISTORY_DAYS = 913  # two and a half years of trading
ACTOR = Actor.system("demo generator")
# A private counter for serials, so a second run never repeats one.
UNIT_COUNTER = "DU"
# Seven base-32 characters: 2**35 serials; a fixed odd step permutes them, so consecutive
# units get unrelated-looking serials and no two units ever share one.
_SERIAL_SPACE = 32**7
_SERIAL_STEP = 0x2F5A3B97
_SERIAL_DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# Where claims end up, as shares of all claims on known sales.
_KIND_SHARES: tuple[tuple[str, float], ...] = (
    ("received", 0.06), ("reviewing", 0.05), ("inspecting", 0.04), ("repairing", 0.05),
    ("at_manufacturer", 0.03), ("repair", 0.36), ("replace", 0.14), ("refund", 0.10),
    ("rejected", 0.17),
)


@dataclass(frozen=True, slots=True)
class Item:
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
    policy: str = ""
    policy_ref: str = ""  # the policy's id as hex, as catalogue.policy_updated names it
    supplier: str = ""  # who takes faulty units back; the brand when the product names none


@dataclass(frozen=True, slots=True)
class Plan:
    """An active extension plan as the generator needs it."""

    id: bytes
    name: str
    months: int
    price: int
    categories: frozenset[str]
    min_price: int
    max_price: int | None

    def fits(self, category: str, price: int) -> bool:
        """Whether a unit of this category sold at this price may take the plan."""
        return (category in self.categories and price >= self.min_price
                and (self.max_price is None or price <= self.max_price))


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of a unit's cover; `plan` indexes the run's extension plans, or -1."""

    kind: str
    start: date
    end: date
    plan: int


@dataclass(frozen=True, slots=True)
class Target:
    """A sold unit picked to have a claim later."""

    warranty_id: bytes
    code: str
    serial: str | None
    item: int
    customer: int
    line_id: bytes
    price: int
    layers: tuple[Layer, ...]

    @property
    def start(self) -> date:
        """The day its cover starts."""
        return self.layers[0].start

    @property
    def end(self) -> date:
        """The last day of its cover, across every layer."""
        return max(layer.end for layer in self.layers)

    def manufacturer_covers(self, day: date) -> bool:
        """Whether the manufacturer's layer covers the unit on `day`."""
        return any(x.kind == "manufacturer" and x.start <= day <= x.end for x in self.layers)


@dataclass(frozen=True, slots=True)
class Document:
    """One evidence file of the run's pool, stored once and shared by many claims."""

    kind: str
    sha256: str
    media_type: str
    size: int
    name: str


def quotas(total: int, shares: Sequence[float]) -> list[int]:
    """Split `total` by shares, largest remainders first, so the parts add up exactly."""
    raw = [total * s / sum(shares) for s in shares]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[:total - sum(counts)]:
        counts[i] += 1
    return counts



def unit_serial(prefix: str, unit: int) -> str:
    """The serial of the `unit`-th unit the generator ever made: unique, unrelated-looking."""
    value = (unit * _SERIAL_STEP) % _SERIAL_SPACE
    chars = []
    for _ in range(7):
        value, digit = divmod(value, 32)
        chars.append(_SERIAL_DIGITS[digit])
    return prefix + "-" + "".join(reversed(chars))


class BulkRun:
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
        self.documents = self._store_pool(documents_store(db, documents_root))
        self.cust_ids: list[bytes] = []
        self.cust_refs: list[str] = []
        self.cust_names: list[str] = []
        self.cust_segments = bytearray()
        self.pending_customers: list[tuple[int, str, str, int, str]] = []
        self.targets: list[Target] = []
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
        catalogue.ensure_catalogue(self.db)
        skus = {p.sku: p for p in catalogue.PRODUCTS}
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
                Item(p.id.bytes, p.sku, p.name, p.category, p.brand_id.bytes, brand,
                     p.list_price_minor, skus[p.sku].serial_prefix if p.serial_required else None,
                     pol.manufacturer_months, pol.shop_months,
                     {k: tuple(v) for k, v in pol.evidence_required.items()},
                     pol.new_term_on_replacement, pol.name, pol.id.hex,
                     p.supplier.strip() or brand)
                for p, pol, brand in rows]
            self.plans = [
                Plan(x.id.bytes, x.name, x.months, x.price_minor, frozenset(x.categories),
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
        weights = {p.sku: p.weight for p in catalogue.PRODUCTS}
        self.cumulative: list[int] = []
        for item in self.items:
            self.cumulative.append((self.cumulative[-1] if self.cumulative else 0)
                                   + weights[item.sku])
        self.accessories = [n for n, i in enumerate(self.items) if i.category == "accessories"]

    def _store_pool(self, store: DocumentStore) -> list[Document]:
        # Real files, shared by many claims: the store keeps each content once by its hash.
        pool = []
        for n in range(8):
            colour = (70 + 20 * n, 140 - 9 * n, 90 + 13 * n)
            kind = "damage_photos" if n >= 6 else "photo_of_fault"
            stored = store.put(png_bytes(64, 48, colour, seed=n))
            pool.append(Document(kind, stored.sha256, stored.media_type, stored.size,
                                 f"IMG_{4100 + n}.png"))
        for n in range(4):
            stored = store.put(pdf_bytes("Receipt", (
                f"{self.shop_name or 'Shop'} - till {n + 1}", "Thank you for shopping with us.",
                "Keep this receipt for your warranty.")))
            pool.append(Document("proof_of_purchase", stored.sha256, stored.media_type,
                                 stored.size, f"receipt-{n + 1}.pdf"))
        for n in range(2):
            stored = store.put(pdf_bytes("Technician's report", (
                f"Bench test {n + 1}", "Fault reproduced; findings attached to the claim.")))
            pool.append(Document("technician_report", stored.sha256, stored.media_type,
                                 stored.size, f"bench-report-{n + 1}.pdf"))
        return pool

    def _plan_claims(self) -> None:
        """Decide how many claims end in which state before any sale, so replacements
        (new warranties) are known and the run lands on exactly the warranties asked for."""
        total = self.requested // 10
        self.unknown_claims = total // 100
        known = total - self.unknown_claims
        counts = quotas(known, [share for _, share in _KIND_SHARES])
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

    def tick(self, steps: int) -> None:
        """Count `steps` warranties or claims as written, and tell the progress callback."""
        self.done += steps
        if self.progress is not None:
            self.progress(min(self.done, self.total_steps), self.total_steps)
