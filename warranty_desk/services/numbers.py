"""People-facing numbers with the branch code: warranty codes, claim numbers, customer refs."""

from __future__ import annotations

from sqlalchemy.orm import Session

from warranty_desk.models import NumberCounter
from warranty_desk.services import epochs
from warranty_desk.storage.database import session_rows


def branch_code(session: Session) -> str:
    """This install's branch code."""
    # Through the driver (storage.database.session_rows): read for every number issued.
    found = session_rows(session, "SELECT branch_code FROM shop LIMIT 1")
    code: str | None = found[0][0] if found else None
    if code is None:
        raise RuntimeError("the shop is not set up; run `warranty-desk init` first")
    return code


def counter(session: Session, kind: str, year: int) -> NumberCounter:
    """The counter row of a kind and year, created at 0; bump `last` under the write lock.

    Refused while a till restored from a backup waits for head office's high-water marks
    (services/epochs.py): a number issued then could be one head office already holds.
    """
    epochs.refuse_numbers_while_awaiting_marks(session)
    row = session.get(NumberCounter, (kind, year))
    if row is None:
        row = NumberCounter(kind=kind, year=year, last=0)
        session.add(row)
    return row


def reserve(session: Session, kind: str, year: int, count: int = 1) -> int:
    """Reserve `count` numbers of a kind for a year and return the first (needs the write lock)."""
    counter_row = counter(session, kind, year)
    first = counter_row.last + 1
    counter_row.last += count
    return first


def warranty_code(branch: str, year: int, seq: int) -> str:
    """BR01-W-2026-000123."""
    return f"{branch}-W-{year}-{seq:06d}"


def claim_number(branch: str, year: int, seq: int) -> str:
    """BR01-C-2026-000042."""
    return f"{branch}-C-{year}-{seq:06d}"


def customer_reference(branch: str, seq: int) -> str:
    """BR01-CU-000017: stable across systems, the CRM matches parties on it."""
    return f"{branch}-CU-{seq:06d}"
