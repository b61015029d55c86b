"""The shop's time zone and its calendar day, on the database's injected clock."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from warranty_desk.clock import local_now, today_on, zone_of
from warranty_desk.storage.database import Database, clock_of, session_rows


def shop_zone(session: Session) -> ZoneInfo:
    """The shop's time zone (kept apart from the letterhead, which sign-in need not load)."""
    # Through the driver: the ORM statement took a quarter of a millisecond, on every
    # activation, print and claim.
    found = session_rows(session, "SELECT timezone FROM shop LIMIT 1")
    return zone_of(found[0][0] if found else None)


def shop_today(session: Session) -> date:
    """Today at the shop: the calendar day on which cover starts, ends and is compared."""
    return today_on(clock_of(session), shop_zone(session))


def shop_local_now(session: Session) -> datetime:
    """Now on the shop's wall clock, without a zone (printed-at lines, file names)."""
    return local_now(clock_of(session), shop_zone(session))


def today_at(db: Database) -> date:
    """Today at the shop, for a caller that holds the database but no session."""
    with db.read() as session:
        return shop_today(session)
