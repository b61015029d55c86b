"""The metric page's sales roll-up (SalesCount): its key over a warranty row, and a recount."""

from __future__ import annotations

from django.db import connection, transaction

# A warranty's place in the roll-up, as the triggers of migration 0014 write it: its sale day,
# branch, product (0 for none), serial given (blank or only whitespace is not) and status.
KEY = ("sold_on, branch_id, coalesce(product_id, 0), "
       "btrim(serial, E' \\t\\n\\r\\f\\v') <> '', status")


def recount() -> int:
    """Make the roll-up again from the warranties (after a restore, or to check it); how many
    groups it holds. One transaction, with the warranties locked against writes meanwhile, so
    no trigger adds to a roll-up about to be replaced."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE projections_warranty IN SHARE MODE")
        cursor.execute("DELETE FROM projections_salescount")
        cursor.execute(f"""
            INSERT INTO projections_salescount
                (sold_on, branch_id, product_id, has_serial, status, count)
            SELECT {KEY}, count(*) FROM projections_warranty WHERE sold_on IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5""")
        return int(cursor.rowcount)
