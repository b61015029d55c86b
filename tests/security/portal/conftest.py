"""The portal's fixtures (tests/portal/conftest.py) for the portal half of the security suite."""

from __future__ import annotations

from tests.portal.conftest import fresh_limits, portal_clock, portal_db, records

__all__ = ["fresh_limits", "portal_clock", "portal_db", "records"]
