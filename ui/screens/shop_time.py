"""Times as the screens show them: in the shop's own zone, to the minute."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def shop_zone(name: str) -> ZoneInfo:
    """The shop's zone; a zone this computer does not know falls back to UTC."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_minute(at: datetime | None, zone: str) -> str:
    """'2026-11-22 14:05' in the shop's zone; empty for no time at all."""
    return "" if at is None else at.astimezone(shop_zone(zone)).strftime("%Y-%m-%d %H:%M")
