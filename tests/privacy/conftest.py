"""The portal's fixtures for the head-office scan here (the cluster itself is the session's)."""

from tests.portal.conftest import (  # noqa: F401
    fresh_limits,
    live_portal,
    portal_clock,
    portal_db,
    records,
)
