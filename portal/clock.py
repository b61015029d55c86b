"""The portal's one clock: every portal module takes "now" from here, never from the OS.

The clock is a settings object (PORTAL_CLOCK): the wall clock (warranty_desk.clock.SystemClock)
in production, a FixedClock that tests stand where they need and move by hand.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings

from warranty_desk.clock import Clock, today_on, zone_of


def clock() -> Clock:
    """The clock the settings name."""
    found: Clock = settings.PORTAL_CLOCK
    return found


def now() -> datetime:
    """The current instant (aware, UTC); also the default of every stamped model field."""
    return clock().now()


def today() -> date:
    """Today's date at head office (TIME_ZONE): where a warranty stands on a page."""
    return today_on(clock(), zone_of(settings.TIME_ZONE))
