"""The demo shop: staff, catalogue, sales and claims in every state, made through the services."""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, literal_column, select, text, update
from sqlalchemy.orm import Session

from warranty_desk.clock import FixedClock
from warranty_desk.models import (
    Base,
    Claim,
    ClaimEvent,
    CostPosting,
    Customer,
    CustomerMessage,
    EvidenceDocument,
    ExtensionOffer,
    ExtensionPlan,
    OutboxEvent,
    Policy,
    Product,
    Sale,
    Staff,
    StockMovement,
    Warranty,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor, Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.rules.extension import ExtensionTerms, extension_eligibility
from warranty_desk.services import (
    activation,
    catalogue,
    claims,
    decisions,
    demo_names,
    numbers,
    shop_settings,
    staff,
)
from warranty_desk.services.claim_common import Override
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.shop_time import shop_today
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore, StoredDocument
from warranty_desk.storage.home import Home

SYSTEM = Actor.system("demo")
# A private counter kind for demo POS invoice numbers, so a later `generate` continues them.
INVOICE_COUNTER = "DI"
# Crockford-style letters without 0/1/I/O, which people misread off a label.
SERIAL_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class DemoReport:
    """What a demo build or a generator run added, and a few serials worth looking up."""

    created: bool
    staff: tuple[tuple[str, str, str], ...]
    sales: int
    warranties: int
    claims: int
    sample_serials: tuple[str, ...]
    # The verdict each sample serial gives on the day the demo was built, in the same order.
    sample_verdicts: tuple[str, ...] = ()
    customers: int = 0
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values."""
        return {
            "created": self.created,
            "staff": [{"name": n, "role": r, "pin": p} for n, r, p in self.staff],
            "sales": self.sales, "warranties": self.warranties, "claims": self.claims,
            "customers": self.customers,
            "samples": [{"serial": s, "verdict": v}
                        for s, v in zip(self.sample_serials, self.sample_verdicts, strict=False)],
            "sample_serials": list(self.sample_serials),
            "message": self.message,
        }


# --- Shared by the demo shop and the bulk generator -------------------------------------------


def gtin13(first12: str) -> str:
    """An EAN-13 from its first twelve digits, with the GS1 check digit appended."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError(f"a GTIN-13 body is twelve digits, got {first12!r}")
    # GS1 weights digits 3,1,3,1... counting from the right of the body.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first12)))
    return first12 + str((10 - total % 10) % 10)


def ensure_catalogue(db: Database, actor: Actor = SYSTEM) -> None:
    """Add whatever part of the demo catalogue is missing, through the catalogue service."""
    with db.read() as session:
        policies = set(session.scalars(select(Policy.name)))
        skus = set(session.scalars(select(Product.sku)))
        plans = set(session.scalars(select(ExtensionPlan.name)))
    for policy in demo_names.POLICIES:
        if policy.name not in policies:
            catalogue.add_policy(db, actor, policy)
    missing = [p for p in demo_names.PRODUCTS if p.sku not in skus]
    if missing:
        catalogue.add_products(db, actor, [
            catalogue.ProductInput(
                sku=p.sku, name=p.name, brand=p.brand, category=p.category, policy=p.policy,
                gtin=gtin13(p.gtin12), serial_required=p.serial_prefix is not None,
                list_price_minor=p.price_minor, supplier=f"{p.brand} UK Distribution")
            for p in missing])
    for plan in demo_names.EXTENSION_PLANS:
        if plan.name not in plans:
            catalogue.add_extension_plan(db, actor, plan)


def documents_store(db: Database, documents_root: Path | None) -> DocumentStore:
    """The evidence store: the given folder, or the documents folder of the database's home."""
    return DocumentStore(documents_root or Home(db.path.parent).documents)


def png_bytes(width: int, height: int, colour: tuple[int, int, int], *, seed: int) -> bytes:
    """A small real RGB PNG: a shaded field with a dark diagonal, like a photo of a crack."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        crack = (y * width // height + seed * 7) % width
        for x in range(width):
            if abs(x - crack) < 2:
                rows += bytes((25, 25, 25))
            else:
                shade = (x * 3 + y * 2 + seed) % 48
                rows += bytes(min(255, c + shade) for c in colour)
    return _png(width, height, bytes(rows))


def logo_png(size: int = 160) -> bytes:
    """The demo shop's logo: a blue disc with a white tick, drawn pixel by pixel."""
    centre, radius, width = size / 2, size / 2 - 2, size / 11
    # The tick: two strokes, from the left arm down to the foot and up to the right tip.
    strokes = (((0.28, 0.52), (0.44, 0.68)), ((0.44, 0.68), (0.74, 0.34)))

    def near_stroke(x: float, y: float) -> bool:
        for (ax, ay), (bx, by) in strokes:
            ax, ay, bx, by = ax * size, ay * size, bx * size, by * size
            dx, dy = bx - ax, by - ay
            t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
            if (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= (width / 2) ** 2:
                return True
        return False

    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            inside = (x - centre) ** 2 + (y - centre) ** 2 <= radius ** 2
            if inside and near_stroke(x, y):
                rows += bytes((255, 255, 255))
            elif inside:
                rows += bytes((30, 80, 150))
            else:
                rows += bytes((255, 255, 255))
    return _png(size, size, bytes(rows))


def _png(width: int, height: int, rows: bytes) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def _pdf_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(title: str, lines: Sequence[str]) -> bytes:
    """A small real one-page PDF (a receipt or a technician's report) with a correct xref."""
    ops = ["BT", "/F1 16 Tf", "50 790 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        ops += ["0 -18 Td", f"({_pdf_text(line)}) Tj"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return bytes(out)


def reserve_numbers(db: Database, kind: str, count: int) -> int:
    """Reserve `count` numbers of a year-less counter in their own transaction; the first."""
    with db.write() as session:
        return numbers.reserve(session, kind, 0, count)


def random_serial(rng: random.Random, prefix: str, used: set[str]) -> str:
    """A label-like serial such as LUM14-2A7F9K, never one already used in this run."""
    while True:
        serial = prefix + "-" + "".join(rng.choice(SERIAL_ALPHABET) for _ in range(6))
        if serial not in used:
            used.add(serial)
            return serial


def terms_of(plan: catalogue.ExtensionPlanInput) -> ExtensionTerms:
    """The pure-rule view of a demo extension plan."""
    return ExtensionTerms(
        categories=frozenset(plan.categories), min_price_minor=plan.min_price_minor,
        max_price_minor=plan.max_price_minor, max_days_since_sale=plan.max_days_since_sale,
        months=plan.months, price_minor=plan.price_minor)


def generate(
    db: Database, *, warranties: int, seed: int,
    progress: Callable[[int, int], None] | None = None, documents_root: Path | None = None,
) -> DemoReport:
    """A realistic, deterministic shop of any size; see demo_bulk.generate."""
    # Imported here because demo_bulk builds on this module's catalogue and report.
    from warranty_desk.services import demo_bulk

    return demo_bulk.generate(db, warranties=warranties, seed=seed,
                              progress=progress, documents_root=documents_root)


# --- Back-dating: the services stamp "now"; the demo's stories happened over past months ------

_RETIMED: tuple[tuple[type[Base], str], ...] = (
    (Sale, "created_at"), (Customer, "created_at"), (Warranty, "created_at"),
    (ExtensionOffer, "at"), (Claim, "opened_at"), (ClaimEvent, "at"),
    (EvidenceDocument, "added_at"), (CostPosting, "posted_at"), (StockMovement, "at"),
    (CustomerMessage, "created_at"), (OutboxEvent, "created_at"),
)




def _order_column(model: type[Base]) -> tuple[str, str]:
    """The column that grows with each insert, and its value for an empty table."""
    # Tables keyed by (parent, id) have no rowid; their UUIDv7 ids grow in insertion order.
    options = Base.metadata.tables[model.__tablename__].dialect_options["sqlite"]
    if options.get("with_rowid") is False:
        return "id", "x''"
    return "rowid", "0"


# One statement for every table's newest row: the story takes a mark before each step.
_MARKS_SQL = text("SELECT " + ", ".join(
    "(SELECT coalesce(max({}), {}) FROM {})".format(*_order_column(model), model.__tablename__)
    for model, _ in _RETIMED))


def _marks(db: Database) -> tuple[Any, ...]:
    with db.read() as session:
        return tuple(session.execute(_MARKS_SQL).one())


@dataclass(slots=True)
class _Timeline:
    """Moves the timestamps each service call wrote to the moment the demo story says.

    Rows are found by rowid ranges between marks; the audit log is left alone, so it still
    shows when the demo was really built.
    """

    db: Database
    clock: FixedClock
    steps: list[tuple[tuple[Any, ...], datetime]] = field(default_factory=list)
    closed: list[tuple[str, datetime]] = field(default_factory=list)
    voided: list[tuple[str, datetime]] = field(default_factory=list)

    def at(self, when: datetime) -> date:
        """Mark the start of a service call happening at `when`, and stand the clock there."""
        self.steps.append((_marks(self.db), when))
        self.clock.set(when)
        return when.date()

    def flush(self) -> None:
        """Apply every pending move in one transaction."""
        if not self.steps:
            return
        end = _marks(self.db)
        with self.db.write() as session:
            for n, (marks, when) in enumerate(self.steps):
                upper = self.steps[n + 1][0] if n + 1 < len(self.steps) else end
                for (model, column), low, high in zip(_RETIMED, marks, upper, strict=True):
                    if high > low:
                        order: Any = literal_column(_order_column(model)[0])
                        session.execute(update(model).where(
                            order > low, order <= high,
                        ).values({column: when}).execution_options(synchronize_session=False))
            for number, when in self.closed:
                session.execute(update(Claim).where(Claim.number == number)
                                .values(closed_at=when))
                warranty_id = session.scalars(
                    select(Claim.warranty_id).where(Claim.number == number)).one()
                session.execute(update(Warranty).where(
                    Warranty.id == warranty_id, Warranty.status == WarrantyStatus.VOID,
                ).values(voided_at=when))
            for code, when in self.voided:
                session.execute(update(Warranty).where(Warranty.code == code)
                                .values(voided_at=when))
        self.steps.clear()
        self.closed.clear()
        self.voided.clear()


# --- The demo shop's story ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _SalePlan:
    key: str
    days_ago: int
    sku: str
    quantity: int = 1
    extension: str | None = None
    extra: tuple[tuple[str, int], ...] = ()


# Units the claim stories and the sample lookups need, at known ages; the rest is random.
_FIXED_SALES: tuple[_SalePlan, ...] = (
    _SalePlan("received", 80, "ORB-X-PHN"),
    _SalePlan("reviewing", 200, "LUM-14-LT", extra=(("LUM-USBC-2M", 1),)),
    _SalePlan("inspecting", 400, "VIS-55-TV"),
    _SalePlan("repairing", 150, "PUL-NC7"),
    _SalePlan("at_manufacturer", 120, "LUM-16-PRO", extension=demo_names.CARE_PLUS),
    _SalePlan("repair", 300, "ORB-XM-PHN"),
    _SalePlan("replace", 90, "KET-17-KTL"),
    _SalePlan("refund", 60, "PUL-A5-PHN"),
    _SalePlan("rejected", 250, "ORB-X-PHN", extra=(("ORB-CHG-30W", 1),)),
    _SalePlan("rejected_early", 180, "VIS-65-OLED"),
    _SalePlan("limit", 330, "LUM-14-LT"),
    _SalePlan("void", 40, "LUM-14-LT"),
    _SalePlan("expired", 800, "ORB-X-PHN"),
    _SalePlan("in_cover_tv", 20, "VIS-65-OLED", extension=demo_names.CARE_PLUS),
    _SalePlan("in_cover_laptop", 60, "LUM-16-PRO"),
    _SalePlan("in_cover_audio", 15, "PUL-NC7"),
)
_RANDOM_SALES = 24
_SEGMENTS = ("retail",) * 14 + ("vip",) * 3 + ("business",) * 3 + ("reseller",) * 2


@dataclass(frozen=True, slots=True)
class _ClaimPlan:
    sale: str
    days_ago: int
    span_days: int
    channel: str
    fault: str
    evidence: tuple[str, ...] = ()
    moves: tuple[ClaimState, ...] = ()
    notes: tuple[str, ...] = ()
    costs: tuple[decisions.CostLine, ...] = ()
    decision: decisions.Decision | None = None
    claim_type: str = "fault"
    override_reason: str | None = None


_S = ClaimState
_UNKNOWN_SALE_DAYS_AGO = 4
_TO_INSPECTION = (_S.REVIEWING, _S.INSPECTING)
_FULL = ("proof_of_purchase", "photo_of_fault")

# In the order they were opened, so claim numbers rise with the opening date.
_CLAIMS: tuple[_ClaimPlan, ...] = (
    _ClaimPlan("limit", 200, 3, "counter", "Fan is loud even when idle", _FULL, (_S.REVIEWING,),
               decision=decisions.Decision(
                   Outcome.REJECT, "We found no fault after a full day of testing: the fan "
                   "noise is within the normal range for this model.")),
    _ClaimPlan("limit", 100, 6, "counter", "Fan rattles and the laptop gets hot", _FULL,
               (*_TO_INSPECTION, _S.REPAIRING), ("Fan bearing worn; replacement fan fitted.",),
               decision=decisions.Decision(
                   Outcome.REPAIR, "Cooling fan replaced under warranty.",
                   costs=(decisions.CostLine("parts", 2_900, "Cooling fan", recoverable=True),
                          decisions.CostLine("labour", 3_500, "45 minutes bench time")))),
    _ClaimPlan("rejected", 60, 5, "phone", "Speaker crackles on calls", _FULL, _TO_INSPECTION,
               ("Liquid indicator under the SIM tray is red; corrosion on the speaker.",),
               decision=decisions.Decision(
                   Outcome.REJECT, "The phone has liquid damage: the water indicator inside is "
                   "red. Liquid damage is not covered by the warranty.")),
    _ClaimPlan("repair", 40, 7, "counter", "Will not charge", _FULL,
               (*_TO_INSPECTION, _S.REPAIRING), ("Charging port full of debris and loose.",),
               decision=decisions.Decision(
                   Outcome.REPAIR, "Charging port replaced and tested.",
                   costs=(decisions.CostLine("parts", 1_900, "Charging port flex",
                                             recoverable=True),
                          decisions.CostLine("labour", 2_500, "30 minutes bench time")))),
    _ClaimPlan("replace", 30, 2, "counter", "Does not heat", ("proof_of_purchase",),
               _TO_INSPECTION, ("Heating element open circuit; not economical to repair.",),
               decision=decisions.Decision(
                   Outcome.REPLACE, "Heating element failed; replaced with a new kettle.",
                   replacement_serial="")),
    _ClaimPlan("refund", 25, 3, "online_order", "Restarts on its own every few minutes",
               ("proof_of_purchase",), _TO_INSPECTION, claim_type="dead_on_arrival",
               decision=decisions.Decision(
                   Outcome.REFUND, "Faulty from new and no replacement in stock; refunded in "
                   "full.", refund_minor=19_900, refund_reference="POS-R-004512")),
    _ClaimPlan("rejected_early", 14, 1, "counter", "Screen is cracked across the middle",
               ("damage_photos",), claim_type="cosmetic",
               decision=decisions.Decision(
                   Outcome.REJECT, "The screen is cracked from an impact. Accidental damage is "
                   "not covered; we can quote for a paid repair.")),
    _ClaimPlan("at_manufacturer", 12, 6, "online_order", "No picture on start", _FULL,
               (*_TO_INSPECTION, _S.AT_MANUFACTURER),
               ("Mainboard fault confirmed; sent to the Lumen service centre.",),
               costs=(decisions.CostLine("shipping", 1_800, "Courier to Lumen",
                                         recoverable=True),)),
    _ClaimPlan("repairing", 10, 6, "counter", "Left side silent", ("proof_of_purchase",),
               (*_TO_INSPECTION, _S.REPAIRING), ("Left driver open circuit; driver ordered.",)),
    _ClaimPlan("inspecting", 8, 5, "phone", "Lines across the screen", _FULL, _TO_INSPECTION,
               ("Lines appear after ten minutes; checking the T-con board.",)),
    _ClaimPlan("reviewing", 5, 3, "portal", "Keyboard keys stop working",
               ("proof_of_purchase",), (_S.REVIEWING,)),
    _ClaimPlan("limit", 3, 1, "counter", "Fan rattles again", ("photo_of_fault",),
               override_reason="Third fan fault in a year on a regular customer's laptop; "
                               "approved so it can go to Lumen."),
    _ClaimPlan("received", 2, 1, "counter", "Screen flickers when the brightness is low",
               ("photo_of_fault",)),
)


@dataclass(slots=True)
class _Shop:
    """What the story needs while it is told: people, units and evidence."""

    db: Database
    today: date
    rng: random.Random
    store: DocumentStore
    timeline: _Timeline
    people: dict[Role, Actor] = field(default_factory=dict)
    units: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    prices: dict[str, int] = field(default_factory=dict)
    sold_on: dict[str, date] = field(default_factory=dict)
    serials: set[str] = field(default_factory=set)
    documents: int = 0

    def moment(self, days_ago: int, minutes: int = 0) -> datetime:
        opening = datetime.combine(self.today - timedelta(days=days_ago), time(9, 30), UTC)
        return opening + timedelta(minutes=minutes)

    def evidence(self, kind: str, label: str) -> StoredDocument:
        self.documents += 1
        n = self.documents
        if kind in ("photo_of_fault", "damage_photos", "serial_photo"):
            colour = (60 + n * 37 % 150, 80 + n * 53 % 120, 120 + n * 29 % 100)
            return self.store.put(png_bytes(64, 48, colour, seed=n))
        title = "Technician's report" if kind == "technician_report" else "Receipt"
        return self.store.put(pdf_bytes(title, (label, f"Document {n} of the demo shop.")))


# The demo is a UK shop throughout: pounds, British English, UK phones (Ofcom's drama range,
# like its customers'), and a UK supplier. Name, branch and time zone stay as `init` set them,
# and so do a currency and locale asked for by name (`init --demo --currency JPY`).
DEMO_CURRENCY, DEMO_LOCALE = "GBP", "en_GB"
DEMO_PHONE = "+44 117 496 0321"
DEMO_ADDRESS = "12 Corn Street, Bristol BS1 1HT"


def _uk_shop(db: Database, currency: str | None, locale: str | None) -> None:
    now = shop_settings.get_shop(db)
    shop_settings.update_shop(db, SYSTEM, shop_settings.ShopUpdate(
        name=now.name, branch_name=now.branch_name, address=now.address or DEMO_ADDRESS,
        phone=now.phone or DEMO_PHONE, email=now.email, currency=currency or DEMO_CURRENCY,
        locale=locale or DEMO_LOCALE, timezone=now.timezone,
        portal_url_template=now.portal_url_template))


def _staff(shop: _Shop) -> None:
    for name, role, pin in demo_names.STAFF:
        view = staff.create_staff(shop.db, SYSTEM, name, role, pin)
        shop.people[role] = Actor(staff_id=view.id, name=view.name, role=view.role)


def _customers(rng: random.Random) -> list[CustomerInput]:
    # 999 is kept for the customer whose sale the shop does not know.
    phones = rng.sample(range(999), len(_SEGMENTS))
    people: list[CustomerInput] = []
    for segment, phone in zip(_SEGMENTS, phones, strict=True):
        if segment in ("business", "reseller"):
            kinds = (demo_names.BUSINESS_KINDS if segment == "business"
                     else demo_names.RESELLER_KINDS)
            name = f"{rng.choice(demo_names.BUSINESS_WORDS)} {rng.choice(kinds)} Ltd"
            slug = name.lower().replace(" ", "-").removesuffix("-ltd")
            email = f"accounts@{slug}.example.com"
        else:
            first, last = rng.choice(demo_names.FIRST_NAMES), rng.choice(demo_names.LAST_NAMES)
            name = f"{first} {last}"
            local = f"{first}.{last}".lower().replace("'", "")
            email = f"{local}@example.org" if rng.random() < 0.7 else ""
        # 07700 900000-900999 is the UK range kept for drama, so no real phone is ever texted.
        people.append(CustomerInput(name, phone=f"+44 7700 900{phone:03d}", email=email,
                                    segment=segment))
    return people


def _random_sales(rng: random.Random) -> list[_SalePlan]:
    products = [p for p in demo_names.PRODUCTS if p.serial_prefix is not None]
    weights = [p.weight for p in products]
    plans = []
    for n in range(_RANDOM_SALES):
        product = rng.choices(products, weights)[0]
        extra: tuple[tuple[str, int], ...] = ()
        if rng.random() < 0.3:
            extra = ((rng.choice(("LUM-USBC-2M", "ORB-CHG-30W")), rng.randint(1, 2)),)
        plans.append(_SalePlan(f"random-{n}", rng.randint(1, 910), product.sku,
                               quantity=1 if rng.random() < 0.8 else 2, extra=extra))
    return plans


def _extension_for(rng: random.Random, plan: _SalePlan, price: int, category: str,
                   sold_on: date) -> str | None:
    if plan.extension is not None or not plan.key.startswith("random-"):
        return plan.extension
    if rng.random() >= 0.35:
        return None
    for offer in demo_names.EXTENSION_PLANS:
        verdict = extension_eligibility(terms_of(offer), category=category,
                                        unit_price_minor=price, sale_date=sold_on,
                                        today=sold_on, already_extended=False, void=False)
        if verdict.eligible:
            return offer.name
    return None


def _sell(shop: _Shop) -> int:
    rng = shop.rng
    people = _customers(rng)
    plans = sorted((*_FIXED_SALES, *_random_sales(rng)), key=lambda p: (-p.days_ago, p.key))
    # Every customer buys at least once, so every segment shows up in the reports.
    buyers = list(range(len(people))) + [rng.randrange(len(people))
                                         for _ in range(len(plans) - len(people))]
    rng.shuffle(buyers)
    products = {p.sku: p for p in demo_names.PRODUCTS}
    first = reserve_numbers(shop.db, INVOICE_COUNTER, len(plans))
    seller = shop.people[Role.SALES]
    for n, (plan, buyer) in enumerate(zip(plans, buyers, strict=True)):
        sold_on = shop.today - timedelta(days=plan.days_ago)
        customer = people[buyer]
        lines = []
        for sku, quantity in ((plan.sku, plan.quantity), *plan.extra):
            product = products[sku]
            quantity = max(quantity, 2 if customer.segment == "reseller" else 1)
            prefix = product.serial_prefix
            serials = tuple(random_serial(rng, prefix, shop.serials)
                            for _ in range(quantity)) if prefix else ()
            price = product.price_minor
            if customer.segment in ("business", "reseller", "vip"):
                price = price * 92 // 100 // 100 * 100
            extension = (_extension_for(rng, plan, price, product.category, sold_on)
                         if sku == plan.sku else None)
            lines.append(activation.LineInput(sku, quantity, price, serials, extension))
        when = shop.moment(plan.days_ago, rng.randrange(8 * 60))
        shop.timeline.at(when)
        result = activation.record_sale(shop.db, seller, activation.SaleInput(
            f"INV-{first + n:06d}", sold_on, tuple(lines), customer))
        serial = lines[0].serials[0] if lines[0].serials else None
        shop.units[plan.key] = (result.warranty_codes[0], serial)
        shop.prices[plan.key] = lines[0].unit_price_minor
        shop.sold_on[plan.key] = sold_on
    voider = shop.people[Role.MANAGER]
    code, _ = shop.units["void"]
    when = shop.moment(_days(shop, "void") - 3, 120)
    shop.timeline.at(when)
    activation.void_warranty(shop.db, voider, code, "Customer returned the laptop unopened "
                             "within 14 days; refunded at the till under POS refund R-001187.")
    shop.timeline.voided.append((code, when))
    shop.timeline.flush()
    return len(plans)


def _days(shop: _Shop, key: str) -> int:
    return (shop.today - shop.sold_on[key]).days


_MOVE_REASONS: dict[ClaimState, str] = {
    _S.REVIEWING: "Checking the warranty and the papers.",
    _S.INSPECTING: "Evidence complete; the unit is on the bench.",
    _S.REPAIRING: "Fault confirmed; repairing in the shop.",
    _S.AT_MANUFACTURER: "Sent to the brand's service centre.",
}


def _opener(shop: _Shop, channel: str) -> Actor:
    if channel == "portal":
        return Actor.system("customer portal")
    return shop.people[Role.SUPPORT if channel in ("phone", "online_order") else Role.SALES]


def _final_decision(shop: _Shop, plan: _ClaimPlan, serial: str | None) -> decisions.Decision:
    decision = plan.decision
    assert decision is not None
    if decision.outcome is Outcome.REPLACE:
        prefix = next(p.serial_prefix for p in demo_names.PRODUCTS
                      if p.serial_prefix and serial and serial.startswith(p.serial_prefix))
        return decisions.Decision(decision.outcome, decision.reason,
                                  replacement_serial=random_serial(shop.rng, prefix,
                                                                   shop.serials))
    if decision.outcome is Outcome.REFUND:
        # The full price this customer paid, which a discount may have lowered.
        return decisions.Decision(decision.outcome, decision.reason,
                                  refund_minor=shop.prices[plan.sale],
                                  refund_reference=decision.refund_reference)
    return decision


def _tell(shop: _Shop, plan: _ClaimPlan) -> str:
    """One claim's life through the services, each step on its own day."""
    people, tl = shop.people, shop.timeline
    code, serial = shop.units[plan.sale]
    steps = 1 + len(plan.evidence) + len(plan.moves) + len(plan.notes) + len(plan.costs) + (
        1 if plan.decision else 0)
    start = shop.moment(plan.days_ago, shop.rng.randrange(6 * 60))
    # Open claims stop before today; closed ones take their span of days.
    days = min(plan.span_days, max(plan.days_ago - 1, 0))
    # Whole minutes, so the stored times read cleanly on the claim's timeline.
    gap = timedelta(minutes=(days * 24 * 60 or 120) // max(steps - 1, 1))
    moments = iter([start + gap * n for n in range(steps)])
    opener = _opener(shop, plan.channel)
    override = None
    if plan.override_reason:
        # The manager types their PIN at the counter, exactly as the override screen asks.
        manager = staff.verify_override(shop.db, "Maria Manager", "5555")
        override = Override(manager, plan.override_reason)
    tl.at(next(moments))
    number = claims.start_claim(shop.db, opener, claims.StartClaim(
        code, plan.fault, channel=plan.channel, claim_type=plan.claim_type,
        accessories="Charger" if plan.sale in ("repair", "reviewing") else "",
        condition="Light scratches on the back" if plan.sale == "repair" else "Good"),
        override=override).number
    for kind in plan.evidence:
        document = shop.evidence(kind, f"Claim {number}, warranty {code}, serial {serial}")
        tl.at(next(moments))
        extension = "png" if document.media_type == "image/png" else "pdf"
        claims.attach_evidence(
            shop.db, opener, number, kind=kind, sha256=document.sha256,
            media_type=document.media_type, size=document.size,
            original_name=f"{kind.replace('_', '-')}-{shop.documents}.{extension}",
            source="portal" if plan.channel == "portal" else "counter")
    for target in plan.moves:
        mover = people[Role.SUPPORT if target is _S.REVIEWING else Role.TECHNICIAN]
        tl.at(next(moments))
        claims.advance(shop.db, mover, number, target, reason=_MOVE_REASONS[target])
    for note in plan.notes:
        tl.at(next(moments))
        claims.add_note(shop.db, people[Role.TECHNICIAN], number, note)
    for cost in plan.costs:
        tl.at(next(moments))
        decisions.post_cost(shop.db, people[Role.FINANCE], number, cost)
    if plan.decision is not None:
        when = next(moments)
        tl.at(when)
        decisions.decide(shop.db, people[Role.MANAGER], number,
                         _final_decision(shop, plan, serial))
        tl.closed.append((number, when))
    tl.flush()
    return number


def _unknown_sale_claim(shop: _Shop) -> str:
    rng = shop.rng
    proof = shop.store.put(pdf_bytes("Receipt - Gadget Warehouse Online", (
        "Order GW-118204", "Orbit X Phone, 1 x 479.00", "Paid by card")))
    serial = random_serial(rng, "ORBX1", shop.serials)
    when = shop.moment(_UNKNOWN_SALE_DAYS_AGO, rng.randrange(6 * 60))
    shop.timeline.at(when)
    number = claims.start_unknown_sale_claim(
        shop.db, Actor.system("customer portal"), claims.StartUnknownSaleClaim(
            customer=CustomerInput("Grace Okafor", phone="+44 7700 900999",
                                   email="grace.okafor@example.net"),
            product_description="Orbit X Phone", serial=serial,
            purchased_on=shop.today - timedelta(days=140),
            purchased_where="Gadget Warehouse (online marketplace)",
            fault="Camera shows a black image", proof_sha256=proof.sha256,
            proof_media_type=proof.media_type, proof_size=proof.size,
            proof_name="gadget-warehouse-receipt.pdf", sku="ORB-X-PHN", channel="portal"),
        ).number
    shop.timeline.flush()
    return number


def _samples(shop: _Shop) -> tuple[tuple[str, ...], tuple[str, ...]]:
    keys = (("in_cover_tv", "in_cover"), ("in_cover_laptop", "in_cover"),
            ("in_cover_audio", "in_cover"), ("expired", "expired"), ("void", "void"))
    serials = tuple(shop.units[key][1] or "" for key, _ in keys)
    return serials, tuple(verdict for _, verdict in keys)


def _has_people_or_sales(session: Session) -> bool:
    return (session.execute(select(Staff.id).limit(1)).first() is not None
            or session.execute(select(Sale.id).limit(1)).first() is not None)


def build_demo_shop(
    db: Database, *, seed: int = 7, documents_root: Path | None = None,
    currency: str | None = None, locale: str | None = None,
) -> DemoReport:
    """Fill a new shop with staff, a catalogue, sales and claims through the real services.

    Nothing is added when the shop already has staff or sales. Evidence files go to
    `documents_root`, by default the documents folder of the home the database lives in.
    Deterministic for a seed, with every date relative to today on the database's clock.
    Amounts are in pounds as en_GB writes them unless a `currency` or `locale` is given.
    While the story is told, the database stands on the story's own clock, moved to the moment
    of each step, so every stamp and date check is the one that step would have had.
    """
    with db.read() as session:
        if _has_people_or_sales(session):
            return DemoReport(False, (), 0, 0, 0, (), message=(
                "The shop already has staff or sales, so no demo data was added."))
        today = shop_today(session)
    real_clock = db.clock
    story = FixedClock(real_clock.now())
    db.clock = story
    try:
        return _build(db, today, seed, documents_root, story, (currency, locale))
    finally:
        db.clock = real_clock


def _build(db: Database, today: date, seed: int, documents_root: Path | None,
           story: FixedClock, money: tuple[str | None, str | None]) -> DemoReport:
    shop = _Shop(db, today, random.Random(seed), documents_store(db, documents_root),
                 _Timeline(db, story))
    _staff(shop)
    _uk_shop(db, *money)
    shop_settings.set_logo(db, SYSTEM, shop.store, logo_png(), name="The demo logo")
    ensure_catalogue(db)
    sales = _sell(shop)
    numbers_: list[str] = []
    unknown_told = False
    for plan in _CLAIMS:
        # Told in opening order, so claim numbers rise with the day each claim was opened.
        if not unknown_told and plan.days_ago < _UNKNOWN_SALE_DAYS_AGO:
            numbers_.append(_unknown_sale_claim(shop))
            unknown_told = True
        numbers_.append(_tell(shop, plan))
    serials, verdicts = _samples(shop)
    with db.read() as session:
        warranty_count = session.execute(select(func.count(Warranty.id))).scalar_one()
        customer_count = session.execute(select(func.count(Customer.id))).scalar_one()
    return DemoReport(
        created=True,
        staff=tuple((name, role.value, pin) for name, role, pin in demo_names.STAFF),
        sales=sales, warranties=warranty_count, claims=len(numbers_),
        sample_serials=serials, sample_verdicts=verdicts, customers=customer_count,
        message=f"Demo shop built: {sales} sales, {warranty_count} warranties, "
                f"{len(numbers_)} claims. Sign in with a name and PIN from the staff list.")
