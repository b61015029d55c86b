"""The shop's time zone: where its calendar days begin and end."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.clock import zone_of
from warranty_desk.models import Shop


def shop_zone(session: Session) -> ZoneInfo:
    """The shop's time zone (kept apart from the letterhead, which sign-in need not load)."""
    return zone_of(session.execute(select(Shop.timezone).limit(1)).scalar())
