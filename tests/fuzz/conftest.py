"""The portal's fixtures for the upload fuzzing here (the cluster itself is the session's)."""

from tests.portal.conftest import fresh_limits, portal_clock, portal_db, records  # noqa: F401
