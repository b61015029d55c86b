"""The metric page's per-claim roll-up (ClaimRoll): a recount from the view defining its rows."""

from __future__ import annotations

from django.db import connection, transaction


def recount() -> int:
    """Make every claim's roll-up row again from its sources (after a restore, or to check
    it); how many rows it holds. migration 0015's projections_claimroll_recount() does it in
    one statement with the sources locked against writes meanwhile, so no trigger writes to a
    roll-up about to be replaced."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT projections_claimroll_recount()")
        return int(cursor.fetchone()[0])
