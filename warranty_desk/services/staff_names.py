"""Who may sign in, and how long a PIN is: what the sign-in page needs before SQLAlchemy loads.

The page is the first the app shows; it reads its list through the sqlite3 driver, so the app
takes a PIN while SQLAlchemy and the models (about a third of a second) load behind it.
Signing in itself (warranty_desk/services/staff.py) goes through the ORM.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from warranty_desk.permissions import Role
from warranty_desk.storage.database import Database

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8

_ACTIVE = "SELECT id, name, role FROM staff WHERE active"


@dataclass(frozen=True, slots=True)
class Signer:
    """One active staff member as the sign-in page lists them."""

    id: uuid.UUID
    name: str
    role: Role


def name_order(name: str) -> tuple[str, str]:
    """The order staff are listed in everywhere: by name, case aside, then as written."""
    return name.casefold(), name


def sign_in_names(db: Database) -> list[Signer]:
    """Everyone active, by name (as staff.list_staff orders them); no permission needed."""
    with db.driver_read() as conn:
        rows = conn.execute(_ACTIVE).fetchall()
    # Ids are 16-byte blobs (models.base.UUIDBlob).
    people = [Signer(uuid.UUID(bytes=bytes(i)), str(n), Role(r)) for i, n, r in rows]
    return sorted(people, key=lambda p: name_order(p.name))
