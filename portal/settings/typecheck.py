"""For mypy's Django plugin only: the dev profile with a database URL it never connects to."""

from __future__ import annotations

import os

os.environ.setdefault("PORTAL_DATABASE_URL", "postgresql://typecheck@localhost/typecheck")

from portal.settings.dev import *  # noqa: F403
