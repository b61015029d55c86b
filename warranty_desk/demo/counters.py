"""The demo's own number counters, so a later run continues the numbers an earlier one used."""

from __future__ import annotations

from warranty_desk.services import numbers
from warranty_desk.storage.database import Database

# A private counter kind for demo POS invoice numbers, so a later `generate` continues them.
INVOICE_COUNTER = "DI"


def reserve_numbers(db: Database, kind: str, count: int) -> int:
    """Reserve `count` numbers of a year-less counter in their own transaction; the first."""
    with db.write() as session:
        return numbers.reserve(session, kind, 0, count)
