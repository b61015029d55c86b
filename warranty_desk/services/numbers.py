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


# One statement bumps the counter (made at 0 on first use) and says where it now stands.
_BUMP = ("INSERT INTO number_counters (kind, year, last) VALUES (?, ?, ?) "
         "ON CONFLICT (kind, year) DO UPDATE SET last = last + excluded.last RETURNING last")


def reserve(session: Session, kind: str, year: int, count: int = 1) -> int:
    """Reserve `count` numbers of a kind for a year and return the first (needs the write lock).

    Refused while a till restored from a backup waits for head office's high-water marks
    (services/epochs.py): a number issued then could be one head office already holds.
    """
    epochs.refuse_numbers_while_awaiting_marks(session)
    # Through the driver: the ORM's get and its flush of the bumped row cost about 0.4 ms of
    # CPU on every sale, claim and customer; this is one statement of a few microseconds.
    last = int(session_rows(session, _BUMP, (kind, year, count))[0][0])
    _forget(session, kind, year)
    return last - count + 1


def last_issued(session: Session, kind: str, year: int) -> int:
    """The last number of a kind and year handed out so far (0 before the first); refused, as
    `reserve` is, while a restored till waits for head office's marks. A caller that hands
    numbers out one by one reads this, then reserves as many as it used in the same write."""
    epochs.refuse_numbers_while_awaiting_marks(session)
    found = session_rows(session, "SELECT last FROM number_counters WHERE kind = ? AND year = ?",
                         (kind, year))
    return int(found[0][0]) if found else 0


def _forget(session: Session, kind: str, year: int) -> None:
    """Expire a counter row this session had loaded through the ORM (epochs, the demo), so it
    reads the number just reserved rather than flushing its older one over it."""
    if not session.identity_map:  # a counter sale loads no entity: skip working out the key
        return
    held = session.identity_map.get(session.identity_key(NumberCounter, (kind, year)))
    if held is not None:
        session.expire(held)


def warranty_code(branch: str, year: int, seq: int) -> str:
    """BR01-W-2026-000123."""
    return f"{branch}-W-{year}-{seq:06d}"


def claim_number(branch: str, year: int, seq: int) -> str:
    """BR01-C-2026-000042."""
    return f"{branch}-C-{year}-{seq:06d}"


def customer_reference(branch: str, seq: int) -> str:
    """BR01-CU-000017: stable across systems, the CRM matches parties on it."""
    return f"{branch}-CU-{seq:06d}"
