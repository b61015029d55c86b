"""The demo catalogue: policies, extension plans and products, added through the services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from warranty_desk.demo.people import SYSTEM
from warranty_desk.models import ExtensionPlan, Policy, Product
from warranty_desk.permissions import Actor
from warranty_desk.rules.extension import ExtensionTerms
from warranty_desk.services import catalogue
from warranty_desk.services.catalogue import ExtensionPlanInput, PolicyInput
from warranty_desk.storage.database import Database

ELECTRONICS = "Electronics 12+12"
APPLIANCES = "Appliances 24"
AUDIO = "Audio 12+6"
ACCESSORIES = "Accessories 6"

_COMMON_EXCLUSIONS = ("Accidental damage (drops, impacts, cracked screens)",
                      "Liquid damage", "Normal wear and tear",
                      "Repairs or opening by anyone other than an authorised service centre")

POLICIES: tuple[PolicyInput, ...] = (
    PolicyInput(
        name=ELECTRONICS, manufacturer_months=12, shop_months=12,
        terms="The manufacturer covers faults in materials and workmanship for 12 months from "
              "the sale; the shop covers the same faults for a further 12 months.",
        exclusions=(*_COMMON_EXCLUSIONS, "Software problems and lost data"),
        evidence_required={"fault": ("proof_of_purchase", "photo_of_fault"),
                           "dead_on_arrival": ("proof_of_purchase",),
                           "battery": ("proof_of_purchase",)},
        claim_limit_count=2, claim_limit_period_months=12),
    PolicyInput(
        name=APPLIANCES, manufacturer_months=24,
        terms="The manufacturer covers household use for 24 months from the sale.",
        exclusions=("Commercial use", "Limescale build-up", "Liquid damage to the base",
                    "Normal wear and tear"),
        evidence_required={"fault": ("proof_of_purchase",)},
        claim_limit_count=3, claim_limit_period_months=12),
    PolicyInput(
        name=AUDIO, manufacturer_months=12, shop_months=6,
        terms="12 months from the manufacturer and 6 more from the shop; a replacement unit "
              "starts a new term.",
        exclusions=("Lost ear tips and cases", "Liquid damage", "Accidental damage"),
        evidence_required={"fault": ("proof_of_purchase",)},
        new_term_on_replacement=True),
    PolicyInput(
        name=ACCESSORIES, manufacturer_months=6, serial_required=False,
        terms="6 months from the sale; bring the receipt.",
        exclusions=("Cut or crushed cables", "Normal wear and tear")),
)

CARE_PLUS = "Care+ 24"
CARE = "Care 12"

EXTENSION_PLANS: tuple[ExtensionPlanInput, ...] = (
    ExtensionPlanInput(name=CARE_PLUS, months=24, price_minor=9_900,
                       categories=("laptops", "phones", "tvs"), min_price_minor=20_000,
                       max_days_since_sale=30),
    ExtensionPlanInput(name=CARE, months=12, price_minor=4_900,
                       categories=("laptops", "phones", "tvs", "small appliances", "headphones"),
                       min_price_minor=5_000, max_price_minor=100_000, max_days_since_sale=60),
)


@dataclass(frozen=True, slots=True)
class DemoProduct:
    """One demo SKU: its catalogue entry, how serials look and how often it sells."""

    sku: str
    name: str
    brand: str
    category: str
    policy: str
    # Twelve digits; the check digit is computed, so every GTIN scans as valid.
    gtin12: str
    price_minor: int
    serial_prefix: str | None
    weight: int


PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct("LUM-14-LT", "Lumen 14 Laptop", "Lumen", "laptops", ELECTRONICS,
                "506012345001", 89_900, "LUM14", 6),
    DemoProduct("LUM-16-PRO", "Lumen 16 Pro Laptop", "Lumen", "laptops", ELECTRONICS,
                "506012345002", 149_900, "LUM16", 3),
    DemoProduct("ORB-X-PHN", "Orbit X Phone", "Orbit", "phones", ELECTRONICS,
                "506012345003", 49_900, "ORBX1", 10),
    DemoProduct("ORB-XM-PHN", "Orbit X Mini Phone", "Orbit", "phones", ELECTRONICS,
                "506012345004", 34_900, "ORBM2", 7),
    DemoProduct("PUL-A5-PHN", "Pulse A5 Phone", "Pulse", "phones", ELECTRONICS,
                "506012345005", 19_900, "PULA5", 8),
    DemoProduct("VIS-55-TV", "Vista 55 4K TV", "Vista", "tvs", ELECTRONICS,
                "506012345006", 79_900, "VIS55", 4),
    DemoProduct("VIS-65-OLED", "Vista 65 OLED TV", "Vista", "tvs", ELECTRONICS,
                "506012345007", 169_900, "VIS65", 2),
    DemoProduct("KET-17-KTL", "Kettlo 1.7 L Kettle", "Kettlo", "small appliances", APPLIANCES,
                "506012345008", 3_900, "KET17", 7),
    DemoProduct("KET-TS4", "Kettlo 4-Slice Toaster", "Kettlo", "small appliances", APPLIANCES,
                "506012345009", 5_900, "KETT4", 5),
    DemoProduct("KET-BL9", "Kettlo Blender 900", "Kettlo", "small appliances", APPLIANCES,
                "506012345010", 8_900, "KETB9", 4),
    DemoProduct("PUL-NC7", "Pulse NC7 Headphones", "Pulse", "headphones", AUDIO,
                "506012345011", 24_900, "PULN7", 6),
    DemoProduct("PUL-BUDS2", "Pulse Buds 2", "Pulse", "headphones", AUDIO,
                "506012345012", 12_900, "PULB2", 8),
    DemoProduct("ORB-BUDS", "Orbit Buds Lite", "Orbit", "headphones", AUDIO,
                "506012345013", 7_900, "ORBB3", 5),
    DemoProduct("LUM-USBC-2M", "Lumen USB-C Cable 2 m", "Lumen", "accessories", ACCESSORIES,
                "506012345014", 1_500, None, 9),
    DemoProduct("ORB-CHG-30W", "Orbit 30 W Charger", "Orbit", "accessories", ACCESSORIES,
                "506012345015", 2_900, None, 7),
)

BRAND_CENTRES: dict[str, str] = {
    "Lumen": "Lumen Service Centre, Unit 4 Harbour Park, Bristol",
    "Orbit": "Orbit Mobile Repairs, 12 Station Road, Reading",
    "Vista": "Vista Display Care, Riverside Works, Leeds",
    "Kettlo": "Kettlo Returns, Mill Lane, Stoke-on-Trent",
    "Pulse": "Pulse Audio Service, 3 Canal Street, Manchester",
}



def gtin13(first12: str) -> str:
    """An EAN-13 from its first twelve digits, with the GS1 check digit appended."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError(f"a GTIN-13 body is twelve digits, got {first12!r}")
    # GS1 weights digits 3,1,3,1... counting from the right of the body.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first12)))
    return first12 + str((10 - total % 10) % 10)


def supplier_of(brand: str) -> str:
    """The distributor the demo shop buys a brand's products from."""
    return f"{brand} UK Distribution"


def ensure_catalogue(db: Database, actor: Actor = SYSTEM) -> None:
    """Add whatever part of the demo catalogue is missing, through the catalogue service."""
    with db.read() as session:
        policies = set(session.scalars(select(Policy.name)))
        skus = set(session.scalars(select(Product.sku)))
        plans = set(session.scalars(select(ExtensionPlan.name)))
    for policy in POLICIES:
        if policy.name not in policies:
            catalogue.add_policy(db, actor, policy)
    missing = [p for p in PRODUCTS if p.sku not in skus]
    if missing:
        catalogue.add_products(db, actor, [
            catalogue.ProductInput(
                sku=p.sku, name=p.name, brand=p.brand, category=p.category, policy=p.policy,
                gtin=gtin13(p.gtin12), serial_required=p.serial_prefix is not None,
                list_price_minor=p.price_minor, supplier=supplier_of(p.brand))
            for p in missing])
    for plan in EXTENSION_PLANS:
        if plan.name not in plans:
            catalogue.add_extension_plan(db, actor, plan)


def terms_of(plan: ExtensionPlanInput) -> ExtensionTerms:
    """The pure-rule view of a demo extension plan."""
    return ExtensionTerms(
        categories=frozenset(plan.categories), min_price_minor=plan.min_price_minor,
        max_price_minor=plan.max_price_minor, max_days_since_sale=plan.max_days_since_sale,
        months=plan.months, price_minor=plan.price_minor)
