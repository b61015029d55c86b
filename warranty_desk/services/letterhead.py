"""The shop's letterhead and clock for printed documents: header, portal link, local times."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from warranty_desk import clock
from warranty_desk.clock import zone_of
from warranty_desk.errors import BadInput, NotFound
from warranty_desk.printables import ShopHeader
from warranty_desk.storage.database import clock_of, session_rows
from warranty_desk.storage.documents import DocumentStore


@dataclass(frozen=True, slots=True)
class ShopRow:
    """The install's shop row as documents and reports read it; nothing changes it."""

    id: uuid.UUID
    name: str
    branch_code: str
    branch_name: str
    address: str
    phone: str
    email: str
    currency: str
    locale: str
    timezone: str
    portal_url_template: str
    logo_sha256: str | None
    reminder_days: int
    follow_up_open_days: int
    settlement_limit_minor: int


_SHOP_READ = f"SELECT {', '.join(f.name for f in fields(ShopRow))} FROM shop LIMIT 1"


def shop_of(session: Session) -> ShopRow:
    """The install's shop row."""
    # Through the driver: the ORM's read of the Shop entity cost about 0.4 ms of CPU on every
    # slip printed after a sale; its callers only read the row.
    found = session_rows(session, _SHOP_READ)
    if not found:
        raise NotFound("This install has no shop yet. Run `warranty-desk init` first.")
    key, *rest = found[0]
    return ShopRow(uuid.UUID(bytes=key), *rest)


def header(shop: ShopRow, documents: DocumentStore | None = None) -> ShopHeader:
    """The top of every document; the logo only when the store still holds it."""
    logo = None
    if documents is not None and shop.logo_sha256 and documents.exists(shop.logo_sha256):
        logo = documents.open(shop.logo_sha256)
    return ShopHeader(
        name=shop.name, branch_name=shop.branch_name, branch_code=shop.branch_code,
        address=shop.address, phone=shop.phone, email=shop.email, locale=shop.locale,
        currency=shop.currency, logo_png=logo)


def portal_link(shop: ShopRow, code: str) -> str | None:
    """The customer portal page for a warranty or claim, when the shop has a portal."""
    template = shop.portal_url_template.strip()
    return template.replace("{code}", code) if "{code}" in template else None


def local_now(session: Session, shop: ShopRow) -> datetime:
    """Now on the shop's wall clock (the database's clock), for the printed-at line."""
    return clock.local_now(clock_of(session), zone_of(shop.timezone))


def local_time(at: datetime, zone: ZoneInfo) -> datetime:
    """A stored UTC instant on the shop's wall clock."""
    return at.astimezone(zone).replace(tzinfo=None)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a local calendar day starts and the next one starts."""
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    return start, end


def report_period(session: Session, since: date, until: date
                  ) -> tuple[ZoneInfo, datetime, datetime]:
    """A report's days as the shop's zone and the UTC instants from the first day's start to
    the last day's end; a period that ends before it starts is refused in words."""
    if since > until:
        raise BadInput(f"The period starts ({since}) after it ends ({until}); swap the dates.")
    zone = zone_of(shop_of(session).timezone)
    return zone, day_bounds(since, zone)[0], day_bounds(until, zone)[1]
