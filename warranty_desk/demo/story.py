"""The demo shop: staff, catalogue, sales and claims in every state, made through the services."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk.clock import FixedClock
from warranty_desk.demo import people
from warranty_desk.demo.catalogue import BRAND_CENTRES, ensure_catalogue, supplier_of
from warranty_desk.demo.files import documents_store, logo_png
from warranty_desk.demo.report import DemoReport
from warranty_desk.demo.story_claims import tell, unknown_sale_claim
from warranty_desk.demo.story_plans import CLAIMS, UNKNOWN_SALE_DAYS_AGO
from warranty_desk.demo.story_sales import sell
from warranty_desk.demo.story_state import StoryShop
from warranty_desk.demo.timeline import Timeline
from warranty_desk.demo.uk_shop import make_uk_shop
from warranty_desk.models import Customer, Sale, Staff, Warranty
from warranty_desk.permissions import Actor, Role
from warranty_desk.services import retention, shop_settings, staff, supplier_terms
from warranty_desk.services.shop_time import shop_today
from warranty_desk.storage.database import Database


def _staff(shop: StoryShop) -> None:
    for name, role, pin in people.STAFF:
        view = staff.create_staff(shop.db, people.SYSTEM, name, role, pin)
        shop.people[role] = Actor(staff_id=view.id, name=view.name, role=view.role)
    for name, pin, supplier in people.SUPPLIER_CONTACTS:
        staff.create_staff(shop.db, people.SYSTEM, name, Role.SUPPLIER, pin, supplier=supplier)


def _sign_ins() -> tuple[tuple[str, str, str], ...]:
    return (*((name, role.value, pin) for name, role, pin in people.STAFF),
            *((name, Role.SUPPLIER.value, pin) for name, pin, _ in people.SUPPLIER_CONTACTS))


def _supplier_terms(db: Database) -> None:
    """Each demo supplier's terms: the usual year from the sale, its brand's packet layout, and
    its brand's authorised service centre, which its brand claims are lodged with."""
    for brand, centre in BRAND_CENTRES.items():
        supplier_terms.set_terms(db, people.SYSTEM, supplier_terms.TermsInput(
            supplier_of(brand), packet_profile=brand.lower(), service_centre=centre))


def _samples(shop: StoryShop) -> tuple[tuple[str, ...], tuple[str, ...]]:
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
    shop = StoryShop(db, today, random.Random(seed), documents_store(db, documents_root),
                     Timeline(db, story))
    _staff(shop)
    make_uk_shop(db, *money)
    shop_settings.set_logo(db, people.SYSTEM, shop.store, logo_png(), name="The demo logo")
    ensure_catalogue(db)
    _supplier_terms(db)
    sales = sell(shop)
    numbers_: list[str] = []
    unknown_told = False
    for plan in CLAIMS:
        # Told in opening order, so claim numbers rise with the day each claim was opened.
        if not unknown_told and plan.days_ago < UNKNOWN_SALE_DAYS_AGO:
            numbers_.append(unknown_sale_claim(shop))
            unknown_told = True
        numbers_.append(tell(shop, plan))
    # This morning's run of the retention rules: the follow-up list has calls to make.
    shop.timeline.at(shop.moment(0))
    retention.raise_due(db, people.SYSTEM)
    shop.timeline.flush()
    serials, verdicts = _samples(shop)
    with db.read() as session:
        warranty_count = session.execute(select(func.count(Warranty.id))).scalar_one()
        customer_count = session.execute(select(func.count(Customer.id))).scalar_one()
    return DemoReport(
        created=True,
        staff=_sign_ins(),
        sales=sales, warranties=warranty_count, claims=len(numbers_),
        sample_serials=serials, sample_verdicts=verdicts, customers=customer_count,
        message=f"Demo shop built: {sales} sales, {warranty_count} warranties, "
                f"{len(numbers_)} claims. Sign in with a name and PIN from the staff list.")
